"""AppTest of the MLP page: widgets -> Train -> live history, charts, diagnosis; bad input."""

import json
import time

import pytest

from tests.app.support import TIMEOUT, open_lab_page


def open_mlp(query=None):
    return open_lab_page("pages/1_MLP.py", query)


def job_of(at):
    return at.session_state["jobs"]["mlp"]


def train(at, wait=True):
    at.button(key="train").click().run()
    if wait:
        job_of(at).wait(TIMEOUT)
        at.run()  # AppTest does not fire run_every: redraw once the job ended
    return job_of(at).run


def texts(elements):
    return " ".join(str(e.value) for e in elements)


def chart_specs(at):
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def chart_text(at, index):
    """A chart's spec and its data (Streamlit ships the data apart, as Arrow) as text."""
    chart = at.get("vega_lite_chart")[index].proto
    data = b"".join(d.data.data for d in chart.datasets) + chart.data.data
    return chart.spec + data.decode("utf-8", errors="ignore")


def test_train_shows_history_charts_diagnosis_and_downloads():
    at = open_mlp()
    at.number_input(key="mlp_epochs").set_value(6)
    at.number_input(key="mlp_n_samples").set_value(200).run()
    run = train(at)
    assert not at.exception
    assert run.status == "completed" and len(run.history) == 6
    assert "Completed" in at.get("progress")[0].proto.text
    specs = chart_specs(at)
    titles = [json.dumps(s.get("title", "")) for s in specs]
    assert any("Loss" in t for t in titles) and any("Decision regions" in t for t in titles)
    assert any("Gradient size per layer" in t for t in titles)
    loss_chart = chart_text(at, 0)
    assert "validation" in loss_chart and "training, epoch mean" in loss_chart and "training, each batch" in loss_chart
    assert "What the loss curve says" in texts(at.markdown)
    assert {b.key for b in at.get("download_button")} >= {"download_csv", "download_config", "download_model"}
    model_help = next(b.proto.help for b in at.get("download_button") if b.key == "download_model")
    assert "import models.mlp" in model_help and 'keras.saving.load_model("mlp_run1.keras")' in model_help
    assert at.dataframe[0].value.shape[0] == 1  # the run history table
    assert at.query_params["epochs"] == "6"  # the shareable URL holds the settings


def test_url_restores_settings_and_ignores_out_of_range_values():
    at = open_mlp({"dataset": "circles", "learning_rate": "0.03", "epochs": "-5", "hidden_units": "8,8,8"})
    assert at.selectbox(key="mlp_dataset").value == "circles"
    assert at.select_slider(key="mlp_learning_rate").value == 0.03
    assert at.slider(key="mlp_n_layers").value == 3
    assert at.number_input(key="mlp_epochs").value == 40
    assert "The link's epochs was ignored: epochs must be between 1 and 2000; got -5" in texts(at.warning)


def test_mismatched_loss_warns_before_training():
    at = open_mlp()
    at.selectbox(key="mlp_loss").select("binary_crossentropy")
    at.selectbox(key="mlp_output_activation").select("linear").run()
    assert "binary_crossentropy with a linear last layer is a mismatch" in texts(at.warning)
    assert not at.button(key="train").disabled


def test_divergence_is_explained_and_the_page_stays_usable():
    at = open_mlp()
    at.selectbox(key="mlp_optimizer").select("sgd")
    at.select_slider(key="mlp_learning_rate").set_value(50.0).run()
    run = train(at)
    assert run.status == "diverged"
    assert "Training diverged" in texts(at.error) and "Lower the learning rate" in texts(at.error)
    assert not at.exception and not at.button(key="train").disabled
    at.select_slider(key="mlp_learning_rate").set_value(0.01)
    at.number_input(key="mlp_epochs").set_value(3).run()
    assert train(at).status == "completed"
    assert at.dataframe[0].value.shape[0] == 2  # the diverged run is kept
    first, second = at.session_state["runs"]["mlp"]
    assert first.history and first.batch_loss and first.diagnosis  # its curves stay for the table and overlays...
    assert not first.model_bytes and not first.snapshot  # ...its model and views, never shown again, are freed
    assert second.model_bytes and second.snapshot


def test_stop_and_live_learning_rate_change():
    at = open_mlp()
    at.number_input(key="mlp_epochs").set_value(2000)
    at.number_input(key="mlp_batch_size").set_value(8).run()
    run = train(at, wait=False)
    deadline = time.time() + TIMEOUT
    while len(run.batch_loss) < 3 and time.time() < deadline:
        time.sleep(0.05)
    at.select_slider(key="mlp_learning_rate").set_value(0.001).run()
    assert "Learning rate changed to 0.001" in texts(at.info)
    while not run.lr_changes and time.time() < deadline:
        time.sleep(0.05)
    at.button(key="stop").click().run()
    # The run stops within a batch, and the page waits for that: Train is back in the same redraw.
    assert run.ended and not at.button(key="train").disabled and at.button(key="stop").disabled
    job_of(at).wait(TIMEOUT)
    at.run()
    assert run.status == "stopped" and run.lr_changes[0]["learning_rate"] == 0.001
    assert "lr → 0.001" in chart_text(at, 0)
    assert "Stopped after" in texts(at.warning)


def test_runs_survive_a_page_switch():
    at = open_mlp()
    at.number_input(key="mlp_epochs").set_value(2).run()
    train(at)
    at.switch_page("streamlit_app.py").run()
    at.switch_page("pages/1_MLP.py").run()
    assert at.number_input(key="mlp_epochs").value == 2
    assert at.dataframe[0].value.shape[0] == 1


@pytest.mark.parametrize("dataset", ["sine", "digits"])
def test_regression_and_tabular_views(dataset):
    at = open_mlp()
    at.selectbox(key="mlp_dataset").select(dataset)
    at.number_input(key="mlp_epochs").set_value(3).run()
    run = train(at)
    assert run.status == "completed" and not at.exception
    titles = json.dumps([s.get("title") for s in chart_specs(at)])
    assert ("curve" in titles) if dataset == "sine" else ("Confusion matrix" in titles)


def test_csv_without_upload_explains_what_is_needed():
    at = open_mlp()
    at.selectbox(key="mlp_dataset").select("csv").run()
    assert "Upload a CSV file" in texts(at.info)
    assert at.button(key="train").disabled
    assert not at.exception


def test_a_second_session_over_the_cap_waits_visibly(monkeypatch):
    monkeypatch.setenv("LAB_MAX_JOBS", "1")
    first = open_mlp()
    first.number_input(key="mlp_epochs").set_value(2000).run()
    train(first, wait=False)
    second = open_mlp()
    second.number_input(key="mlp_epochs").set_value(2).run()
    run = train(second, wait=False)
    assert run.status == "queued"
    assert "Waiting for a free training slot: number 1 in the queue (1 of 1 slots busy" in texts(second.info)
    first.button(key="stop").click().run()
    job_of(second).wait(TIMEOUT)
    assert run.status == "completed"
