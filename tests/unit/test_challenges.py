"""Class challenges on SQLite and a real PostgreSQL: only the server's own finished runs are entered, ranked."""

from lab.store import RunStore, owner_key
from lab.store import challenges as ch
from tests.unit.test_run_store import a_run

TEACHER, ADA, BOB = (owner_key("browser", c * 32) for c in "abc")


def a_challenge(store, goal="max", **limits):
    fixed = {"dataset": "moons", "seed": "4"}
    return ch.create(store, TEACHER, "mlp", " Moons ", fixed, "val_accuracy", goal, limits or {"epochs": 5})


def stored(store, person, accuracy, **changes):
    run = a_run(**changes)
    run.metrics = {"val_accuracy": accuracy}
    assert store.save(person, run, final=True)
    return run


def test_runs_that_meet_the_challenge_are_entered_and_each_students_best_is_ranked(url):
    store = RunStore(url)
    challenge = a_challenge(store)
    assert ch.get(store, challenge.id) == challenge and challenge.title == "Moons" and challenge.open
    assert challenge.describe() == "Highest val_accuracy; at most 5 epochs"
    for person, nickname, accuracy in ((ADA, "Ada", 0.8), (ADA, "Ada again", 0.95), (BOB, "  Bob\n ", 0.9)):
        run = stored(store, person, accuracy)
        assert ch.enter(store, challenge.id, person, run.key, nickname) == (True, [])
        assert ch.entry_value(store, challenge.id, run.key) == accuracy
    rows = ch.board(store, challenge, viewer=BOB)
    assert [(r["rank"], r["nickname"], r["value"], r["runs entered"], r["you"]) for r in rows] == [
        (1, "Ada again", 0.95, 2, False),
        (2, "Bob", 0.9, 1, True),
    ]
    assert rows[0]["settings"] == {"epochs": "3", "seed": "4"} and rows[0]["parameters"] == 1185
    frame = ch.board_frame(challenge, rows)
    assert (
        list(frame.columns[:3]) == ["rank", "nickname", "val_accuracy"] and frame["settings"][0] == "epochs=3, seed=4"
    )
    assert [c.id for c in ch.created_by(store, TEACHER)] == [challenge.id]
    assert [c.id for c in ch.entered_by(store, BOB)] == [challenge.id] and ch.entered_by(store, TEACHER) == []


def test_lower_is_better_and_ties_share_a_rank(url):
    store = RunStore(url)
    challenge = ch.create(store, TEACHER, "mlp", "", {}, "val_loss", "min", {})
    assert challenge.title == "Best val_loss" and ch.default_goal("val_loss") == "min"
    for person in (ADA, BOB, TEACHER):
        run = stored(store, person, 0.5, epochs=2 if person == TEACHER else 3)
        assert ch.enter(store, challenge.id, person, run.key, "")[0]
    rows = ch.board(store, challenge)
    # The last epoch's val_loss is 1.2 / epochs: 0.4 after 3 epochs (a tie) beats 0.6 after 2.
    assert [r["rank"] for r in rows] == [1, 1, 3] and [round(r["value"], 6) for r in rows] == [0.4, 0.4, 0.6]
    assert [r["nickname"] for r in rows] == ["anonymous"] * 3


def test_runs_that_break_the_rules_are_not_entered_and_say_why(url):
    store = RunStore(url)
    challenge = a_challenge(store, params=1000, epochs=5)
    cases = {
        "it has 1,185 parameters (at most 1,000)": stored(store, ADA, 0.9),
        "it trains 8 epochs (at most 5)": stored(store, ADA, 0.9, epochs=8),
        "it was stopped before its last epoch": stored(store, ADA, 0.9, status="stopped"),
    }
    for reason, run in cases.items():
        entered, why = ch.enter(store, challenge.id, ADA, run.key, "Ada")
        assert not entered and reason in why
    other_data = a_run()
    other_data.config = other_data.config.replace(dataset="circles")
    assert "it changes dataset (the challenge fixes it at moons)" in ch.reasons(challenge, other_data)
    assert ch.board(store, challenge) == []


def test_nothing_but_a_stored_run_of_ones_own_is_entered_and_a_closed_challenge_takes_none(url):
    store = RunStore(url)
    challenge = a_challenge(store)
    run = stored(store, ADA, 0.9)
    # Someone who knows (or guesses) another student's run id cannot enter it, nor an id that was never trained.
    assert ch.enter(store, challenge.id, BOB, run.key, "Bob") == (False, ["the run is not among your saved runs"])
    assert ch.enter(store, challenge.id, ADA, "f" * 32, "Ada")[0] is False
    assert ch.enter(store, "0" * 32, ADA, run.key, "Ada") == (False, ["the challenge does not exist"])
    # The value comes from the stored run: a run still training (saved without its end) is not entered.
    unfinished = a_run(status="running")
    store.save(ADA, unfinished)
    assert not ch.enter(store, challenge.id, ADA, unfinished.key, "Ada")[0]
    assert not ch.close(store, ADA, challenge.id)  # only its teacher closes it
    assert ch.close(store, TEACHER, challenge.id) and not ch.get(store, challenge.id).open
    assert ch.enter(store, challenge.id, ADA, run.key, "Ada") == (False, ["the challenge is closed"])
    assert store.delete(ADA) == 2 and ch.board(store, challenge) == []


def test_a_store_that_cannot_be_used_creates_nothing_and_enters_nothing(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    store = RunStore(f"sqlite:///{blocked / 'runs.sqlite3'}")
    assert a_challenge(store) is None and ch.get(store, "0" * 32) is None
    entered, why = ch.enter(store, "0" * 32, ADA, "1" * 32, "Ada")
    assert not entered and "Runs are not being saved" in why[0]
    assert ch.clean_nickname("\x00 a\tb " + "x" * 50) == "a b " + "x" * 26
