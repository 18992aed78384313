"""AppTest of the run store from the pages: a new session of the same person finds their runs; My runs; faults."""

from streamlit.testing.v1 import AppTest

from lab.store import owner_key
from tests.app.support import HOME, TIMEOUT

TOKEN = "c0ffee" * 5 + "00"


def session_of(person, page, query=None):
    """A new session (a reload, another day) of the browser whose identity is `person`."""
    at = AppTest.from_file(HOME, default_timeout=TIMEOUT)
    at.session_state["_browser_token"] = person
    at.session_state["_owner"] = owner_key("browser", person)
    at.query_params.update(query or {})
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def train(at):
    at.button(key="train").click().run()
    run = at.session_state["jobs"]["mlp"].wait(TIMEOUT)
    at.run()
    return run


def texts(at):
    return " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.info, *at.warning])


def test_a_new_session_of_the_same_browser_finds_its_runs_and_my_runs_lists_them():
    at = session_of(TOKEN, "pages/1_MLP.py", {"epochs": "2", "n_samples": "200"})
    first = train(at)
    assert first.status == "completed" and first.key

    again = session_of(TOKEN, "pages/1_MLP.py", {"epochs": "2", "n_samples": "200"})
    assert again.dataframe[0].value["run"].tolist() == ["Run 1"]  # the run history, from the store
    assert train(again).number == 2

    mine = session_of(TOKEN, "pages/9_My_runs.py")
    table = mine.dataframe[0].value
    assert table["run"].tolist() == ["Multilayer perceptron · Run 2", "Multilayer perceptron · Run 1"]
    assert len(table["loss curve"][0]) == 2 and table["settings"][0] == "n_samples=200, epochs=2"

    stranger = session_of("9" * 32, "pages/9_My_runs.py")
    assert "No runs yet" in texts(stranger) and not stranger.dataframe

    mine.button(key="delete_all").click().run()
    assert "No runs yet" in texts(mine)
    assert not session_of(TOKEN, "pages/1_MLP.py").dataframe  # the lab page's history is empty too


def test_a_store_that_cannot_be_written_is_named_and_training_still_works(monkeypatch, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("LAB_DATABASE_URL", f"sqlite:///{blocked / 'runs.sqlite3'}")
    at = session_of(TOKEN, "pages/1_MLP.py", {"epochs": "2", "n_samples": "200"})
    assert "Runs are not being saved" in texts(at)
    assert train(at).status == "completed" and not at.exception
    assert at.dataframe[0].value.shape[0] == 1  # the session keeps its run
    mine = session_of(TOKEN, "pages/9_My_runs.py")
    assert "Runs are not being saved" in texts(mine) and not mine.exception
