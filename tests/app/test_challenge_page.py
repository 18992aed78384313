"""AppTest of class challenges: a teacher creates one from the share box, students' runs are entered, the board."""

from lab.store import challenges, default_store
from tests.app.test_my_runs_page import session_of, texts, train

TEACHER, ADA, BOB = "a" * 32, "b" * 32, "c" * 32
QUICK = {"epochs": "3", "n_samples": "200"}


def create_challenge(max_params=0, max_epochs=5):
    teacher = session_of(TEACHER, "pages/1_MLP.py", QUICK)
    assert "Train once with the data you want" in texts(teacher)  # no run yet: no metric to choose from
    train(teacher)
    teacher.text_input(key="mlp_challenge_title").input("Moons, small nets").run()
    teacher.selectbox(key="mlp_challenge_metric").set_value("val_accuracy").run()
    teacher.number_input(key="mlp_challenge_params").set_value(max_params).run()
    teacher.number_input(key="mlp_challenge_epochs").set_value(max_epochs).run()
    assert teacher.multiselect(key="mlp_challenge_fixed").value == [
        "dataset",
        "n_samples",
        "noise",
        "val_split",
        "seed",
    ]
    teacher.button(key="mlp_challenge_create").click().run()
    assert not teacher.exception and "Challenge created" in " ".join(s.value for s in teacher.success)
    return challenges.get(default_store(), teacher.session_state["mlp_challenge_created"])


def student(person, nickname, challenge, **settings):
    at = session_of(person, "pages/1_MLP.py", {**QUICK, **settings, "challenge": challenge.id})
    assert "Class challenge: Moons, small nets" in texts(at)
    assert "mlp_dataset" not in [box.key for box in at.selectbox]  # the fixed data is not a control here
    at.text_input(key="challenge_nickname").input(nickname).run()
    run = train(at)
    return at, run


def test_students_runs_are_entered_ranked_and_the_teacher_closes_and_downloads_the_board():
    challenge = create_challenge()
    assert challenge.fixed["n_samples"] == "200" and challenge.goal == "max" and challenge.limits == {"epochs": 5}

    ada, ada_run = student(ADA, "Ada", challenge, learning_rate="0.03", n_samples="400")  # a link edited by hand
    assert ada_run.config.n_samples == 200  # the fixed data wins
    assert "is entered: val_accuracy" in " ".join(s.value for s in ada.success)
    bob, bob_run = student(BOB, "Bob", challenge, epochs="8")  # over the limit: trains, but is not entered
    assert "Run 1 was not entered: it trains 8 epochs (at most 5)" in texts(bob)
    bob.number_input(key="mlp_epochs").set_value(2).run()
    train(bob)
    assert "is entered" in " ".join(s.value for s in bob.success)

    board = session_of(TEACHER, "pages/10_Challenge.py", {"id": challenge.id})
    table = board.dataframe[0].value
    assert sorted(table["nickname"]) == ["Ada", "Bob"] and table["rank"].tolist() == [1, 2]
    assert table["val_accuracy"].is_monotonic_decreasing
    assert table["open in lab"][0].endswith(f"challenge={challenge.id}") and "n_samples=200" in table["open in lab"][0]
    assert board.get("download_button")  # the CSV itself is checked in the browser test

    board.button(key="challenge_close").click().run()
    assert "closed" in texts(board) and not board.exception
    elsewhere = session_of(ADA, "pages/3_GAN.py", {"challenge": challenge.id})
    assert "for another lab" in texts(elsewhere) and not elsewhere.exception
    late, _ = student(ADA, "Ada", challenge)
    assert "This challenge is closed" in texts(late)
    assert len(challenges.board(default_store(), challenge)) == 2

    stranger = session_of(BOB, "pages/10_Challenge.py", {"id": challenge.id})
    assert not stranger.button  # only the teacher can close it
    assert "Bob (you)" in stranger.dataframe[0].value["nickname"].tolist()


def test_an_unknown_challenge_link_says_so():
    at = session_of(ADA, "pages/1_MLP.py", {"challenge": "0" * 32})
    assert "does not know" in texts(at) and not at.exception
    board = session_of(ADA, "pages/10_Challenge.py", {"id": "0" * 32})
    assert "No challenge has this link" in texts(board)
