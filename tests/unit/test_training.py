"""The training engine: live history, Stop, live learning rate, NaN, caps and the queue."""

import threading
import time

import keras
import numpy as np
import pytest

from lab.callbacks import live_callbacks
from lab.labs.mlp.config import MLPConfig
from lab.registry import Setup, get_lab
from lab.runner import Runner
from lab.training import JobQueue, TrainingJob

LAB = get_lab("mlp")


def start(queue=None, **changes):
    config = MLPConfig(n_samples=200, **changes)
    return TrainingJob(LAB, config, LAB.load_data(config), number=1, queue=queue or JobQueue(4)).start()


def wait_for(condition, timeout=60):
    end = time.time() + timeout
    while not condition():
        assert time.time() < end, "timed out"
        time.sleep(0.01)


def test_completed_run_has_history_batches_metrics_and_model():
    run = start(epochs=8).wait(120)
    assert run.status == "completed"
    assert [row["epoch"] for row in run.history] == list(range(1, 9))
    assert {"loss", "val_loss", "accuracy", "val_accuracy", "learning_rate", "seconds"} <= set(run.history[0])
    assert run.history[-1]["loss"] < run.history[0]["loss"]
    batches_per_epoch = int(np.ceil(150 / 32))
    assert len(run.batch_loss) == 8 * batches_per_epoch
    assert run.metrics["val_accuracy"] == run.history[-1]["val_accuracy"]
    assert run.model_bytes[:2] == b"PK"  # a .keras file is a zip archive
    assert "boundary" in run.snapshot and run.snapshot["epoch"] == 8
    assert run.first_snapshot["epoch"] == 0  # the untrained model, drawn before the first batch
    assert run.initial_loss == pytest.approx(run.batch_loss[0], rel=0.3)
    assert not run.diagnosis["too_early"]  # 8 finished epochs are enough to read
    assert "still_learning" in run.diagnosis["labels"]  # the loss still falls after 8 of the moons' epochs
    assert not {"diverged", "lr_too_high", "lr_too_low"} & set(run.diagnosis["labels"])


def test_batch_loss_undoes_kerass_running_mean():
    run = start(epochs=3, batch_size=50).wait(120)
    per_epoch = np.array(run.batch_loss).reshape(3, 3)
    # Keras' epoch loss is the sample-weighted mean of the batches' own losses.
    np.testing.assert_allclose(per_epoch.mean(axis=1), [r["loss"] for r in run.history], rtol=1e-4)


def test_stop_takes_effect_within_one_batch():
    job = start(epochs=500, batch_size=8)
    wait_for(lambda: len(job.run.batch_loss) >= 5)
    job.stop()
    stopped_at = len(job.run.batch_loss)
    run = job.wait(60)
    assert run.status == "stopped"
    assert len(run.batch_loss) <= stopped_at + 1
    assert len(run.history) < 500 and run.model_bytes


def test_learning_rate_change_applies_at_next_batch_and_is_recorded():
    job = start(epochs=500, batch_size=8, learning_rate=0.01)
    wait_for(lambda: len(job.run.batch_loss) >= 3)
    job.set("learning_rate", 0.001)
    wait_for(lambda: job.run.lr_changes)
    job.stop()
    run = job.wait(60)
    change = run.lr_changes[0]
    assert change["learning_rate"] == 0.001 and 0 < change["epoch"] < len(run.history) + 1
    assert run.history[-1]["learning_rate"] == pytest.approx(0.001)


def test_exploding_loss_ends_with_status_diverged():
    run = start(optimizer="sgd", learning_rate=50.0, epochs=30).wait(120)
    assert run.status == "diverged"
    assert "exploded" in run.message and len(run.history) < 30


def test_nan_loss_ends_with_status_diverged():
    config = MLPConfig(n_samples=200)
    job = Runner(LAB, config, LAB.load_data(config))  # the worker's side of a job, which the callbacks drive
    job.run.status = "running"
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    setup = Setup(model=model, x=np.zeros((150, 2)), y=None, validation_data=None, batch_size=32, live={})
    callbacks = keras.callbacks.CallbackList(live_callbacks(job, setup), model=model)
    callbacks.on_epoch_begin(0)
    model.stop_training = False
    callbacks.on_train_batch_end(0, {"loss": 0.7})
    assert not model.stop_training
    callbacks.on_train_batch_end(1, {"loss": float("nan")})
    assert model.stop_training
    assert "became nan in epoch 1" in job.divergence


def test_parameter_cap_fails_with_a_clear_invalid_message(monkeypatch):
    monkeypatch.setenv("LAB_MAX_PARAMS", "100")
    run = start(epochs=2).wait(60)
    assert run.status == "failed" and run.invalid
    assert "this server allows at most 100" in run.message


def test_queue_holds_jobs_over_the_cap_in_order():
    queue = JobQueue(1)
    first = start(queue=queue, epochs=500, batch_size=8)
    wait_for(lambda: first.run.status == "running")
    second = start(queue=queue, epochs=2)
    wait_for(lambda: queue.position(second) == 1)
    assert second.run.status == "queued" and queue.running == 1
    first.stop()
    assert second.wait(60).status == "completed"


def test_stop_while_queued_never_trains():
    queue = JobQueue(1)
    blocker = threading.Event()
    queue._running.add(blocker)  # one slot, taken
    job = start(queue=queue, epochs=2)
    wait_for(lambda: queue.position(job) == 1)
    job.stop()
    run = job.wait(10)
    assert run.status == "stopped" and not run.history


def test_a_job_whose_page_was_closed_stops_itself(monkeypatch):
    monkeypatch.setenv("LAB_ABANDON_S", "1")
    page_open = threading.Event()
    page_open.set()
    config = MLPConfig(n_samples=200, epochs=500, batch_size=8)
    job = TrainingJob(LAB, config, LAB.load_data(config), queue=JobQueue(1), watcher=page_open.is_set).start()
    wait_for(lambda: len(job.run.batch_loss) >= 5)
    time.sleep(1.5)
    assert not job.done, "a watched job stopped although its page was open"
    page_open.clear()
    run = job.wait(30)
    assert run.status == "stopped" and "page was closed" in run.message
    assert run.history and run.model_bytes  # what it trained is kept, like any stopped run


def test_a_queued_job_whose_page_was_closed_leaves_the_queue(monkeypatch):
    monkeypatch.setenv("LAB_ABANDON_S", "0")
    queue = JobQueue(1)
    queue._running.add(threading.Event())  # one slot, taken
    config = MLPConfig(n_samples=200, epochs=2)
    job = TrainingJob(LAB, config, LAB.load_data(config), queue=queue, watcher=lambda: False).start()
    run = job.wait(10)
    assert run.status == "stopped" and not run.history and queue.position(job) == 0


def test_streamlit_still_has_the_per_rerun_cleanup_the_app_switches_off():
    """`lab.ui.page.keep_keras_session` replaces a private Streamlit function; an upgrade must fail here, loudly."""
    from streamlit.runtime.scriptrunner import script_runner

    assert callable(script_runner._clean_problem_modules)
