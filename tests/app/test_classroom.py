"""Classroom links: the teacher's settings, hidden controls and task text."""

from tests.app.support import TIMEOUT, open_lab_page

LINK = {
    "learning_rate": "0.1",
    "optimizer": "sgd",
    "epochs": "3",
    "hide": "learning_rate,optimizer",
    "task": "Press Train. Does the loss fall smoothly?",
}


def test_classroom_link_hides_controls_shows_the_task_and_trains_with_the_teachers_settings():
    at = open_lab_page("pages/1_MLP.py", LINK)
    keys = {w.key for w in at.sidebar.get("select_slider")} | {w.key for w in at.sidebar.selectbox}
    assert "mlp_learning_rate" not in keys and "mlp_optimizer" not in keys
    assert "mlp_dataset" in keys  # the rest stay
    assert "Press Train. Does the loss fall smoothly?" in [t.value for t in at.text]
    assert at.query_params["hide"] == "learning_rate,optimizer"  # kept while the URL follows the settings
    at.button(key="train").click().run()
    run = at.session_state["jobs"]["mlp"].wait(TIMEOUT)
    assert run.status == "completed"
    assert run.config.optimizer == "sgd" and run.config.learning_rate == 0.1


def test_link_builder_adds_hidden_controls_and_task():
    at = open_lab_page("pages/1_MLP.py", {"learning_rate": "0.01"})
    at.multiselect(key="mlp_class_hide").set_value(["learning_rate"]).run()
    at.text_area(key="mlp_class_task").set_value("Halve it").run()
    assert not at.exception
    links = [c.value for c in at.code if "hide=" in c.value]
    assert (
        links and "hide=learning_rate" in links[0] and "task=Halve+it" in links[0] and "learning_rate=0.01" in links[0]
    )


def test_hide_all_leaves_only_train():
    at = open_lab_page("pages/1_MLP.py", {"hide": "all", "task": "Just watch"})
    assert not at.sidebar.selectbox and not at.sidebar.number_input
    assert not at.button(key="train").disabled


def test_labs_with_their_own_task_setting_keep_it_apart_from_the_teachers_task():
    at = open_lab_page("pages/5_RNN_LSTM.py", {"task": "weather_toy"})
    assert not at.exception and at.selectbox(key="rnn_task").value == "weather_toy"
    assert not [t.value for t in at.text]  # a shared setting is not a teacher's task
    at.text_area(key="rnn_class_task").set_value("Which cell remembers?").run()
    link = next(c.value for c in at.code if "assignment=" in c.value)
    assert "task=weather_toy" in link and "assignment=Which+cell+remembers%3F" in link
    student = open_lab_page("pages/5_RNN_LSTM.py", {"task": "weather_toy", "assignment": "Which cell remembers?"})
    assert "Which cell remembers?" in [t.value for t in student.text]
    assert student.selectbox(key="rnn_task").value == "weather_toy" and student.query_params["assignment"]
    student.selectbox(key="rnn_task").set_value("copy").run()
    assert student.query_params["task"] == "copy"  # the URL follows the setting, the teacher's text stays
    assert student.query_params["assignment"] == "Which cell remembers?"
