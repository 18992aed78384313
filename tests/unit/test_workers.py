"""Training in worker processes: the same runs as in a thread, a killed worker, recycling, bad commands, fairness."""

import os
import signal
import time

import pytest

from lab.job_queue import JobQueue
from lab.labs.attention.config import AttentionConfig
from lab.labs.autoencoder.config import AutoencoderConfig
from lab.labs.gan.config import GANConfig
from lab.labs.mlp.config import MLPConfig
from lab.labs.pinn.config import PINNConfig
from lab.labs.rnn.config import RNNConfig
from lab.registry import get_lab
from lab.runner import WorkerCore
from lab.training import TrainingJob
from lab.workers import ProcessPool

SMALL = {  # one small run of each lab, each with a snapshot the page must receive
    "mlp": MLPConfig(n_samples=200, epochs=3),
    "autoencoder": AutoencoderConfig(dataset="digits", hidden_units=(16,), bottleneck=2, epochs=2, batch_size=128),
    "gan": GANConfig(n_samples=256, batch_size=64, epochs=2, g_width=16, d_width=16, g_depth=1, d_depth=1),
    "pinn": PINNConfig(n_u=40, n_f=200, depth=2, width=12, steps=100, lbfgs_iterations=20, learning_rate=1e-2),
    "rnn": RNNConfig(task="adding", seq_len=12, n_sequences=400, units=8, epochs=2, batch_size=32),
    "attention": AttentionConfig(n_samples=400, epochs=2, num_layers=1, num_heads=2, d_model=16, key_dim=4, ff_dim=16),
}


@pytest.fixture(scope="module")
def pool():
    pool = ProcessPool(2)
    yield pool
    pool.close()


def job_of(lab_name, config, pool, queue=None, session=None):
    lab = get_lab(lab_name)
    return TrainingJob(
        lab, config, lab.load_data(config), number=1, queue=queue or JobQueue(2), backend=pool, session=session
    )


def wait_for(condition, timeout=60):
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


@pytest.mark.parametrize("lab_name", list(SMALL))
def test_every_lab_trains_in_a_worker_with_the_same_numbers_as_in_a_thread(pool, lab_name):
    config = SMALL[lab_name]
    far = job_of(lab_name, config, pool).start().wait(300)
    near = job_of(lab_name, config, None).start().wait(300)  # this process' thread
    assert far.status == near.status == "completed", far.message
    assert [row["epoch"] for row in far.history] == [row["epoch"] for row in near.history]
    assert far.history[-1]["loss"] == pytest.approx(near.history[-1]["loss"], rel=1e-4)
    assert len(far.batch_loss) == len(near.batch_loss) and far.model_bytes[:2] == b"PK"
    assert set(far.snapshot) == set(near.snapshot) and far.metrics.keys() == near.metrics.keys()
    assert far.diagnosis["labels"] == near.diagnosis["labels"]


def test_live_setting_stop_and_a_question_reach_the_worker(pool):
    job = job_of("mlp", MLPConfig(n_samples=200, epochs=500, batch_size=8, learning_rate=0.01), pool).start()
    wait_for(lambda: len(job.run.batch_loss) >= 3)
    job.set("learning_rate", 0.001)
    wait_for(lambda: job.run.lr_changes)
    job.stop()
    run = job.wait(60)
    assert run.status == "stopped" and run.lr_changes[0]["learning_rate"] == 0.001
    assert run.history[-1]["learning_rate"] == pytest.approx(0.001)
    ae = job_of("autoencoder", SMALL["autoencoder"], pool).start()
    ae.wait(300)
    pixels = ae.ask("decode", codes=[[0.0, 0.0]])
    assert pixels.shape == (1, 64)
    job.close()
    ae.close()


def test_the_gan_steps_by_hand_in_its_worker(pool):
    job = job_of("gan", SMALL["gan"], pool).start()
    assert job.wait(300).status == "completed" and job.steppable
    out = job.step("epoch")
    assert out["step"] == "epoch" and len(job.run.history) == 3 and job.run.snapshot["epoch"] == 3
    assert job.step("d_step")["step"] == "D"
    job.close()
    assert not job.steppable


def test_a_killed_worker_fails_its_run_with_a_sentence_and_is_replaced(pool):
    queue = JobQueue(2)
    doomed = job_of("mlp", MLPConfig(epochs=400), pool, queue).start()
    other = job_of("mlp", MLPConfig(n_samples=300, epochs=30), pool, queue).start()
    wait_for(lambda: len(doomed.run.batch_loss) >= 10 and other.run.status == "running")
    os.kill(doomed.worker.pid, signal.SIGKILL)
    run = doomed.wait(30)
    assert run.status == "failed" and "the training process stopped unexpectedly" in run.message
    assert run.explained and run.batch_loss  # what it streamed before is kept
    assert other.wait(120).status == "completed"
    wait_for(lambda: all(w.ready.is_set() and w.alive for w in pool.workers), timeout=90)
    assert job_of("mlp", MLPConfig(n_samples=200, epochs=2), pool, queue).start().wait(120).status == "completed"


def test_a_worker_is_replaced_after_its_job_limit(monkeypatch):
    monkeypatch.setenv("LAB_WORKER_MAX_JOBS", "2")
    pool = ProcessPool(1)
    try:
        pids = []
        for _ in range(3):
            job = job_of("mlp", MLPConfig(n_samples=200, epochs=2), pool).start()
            assert job.wait(180).status == "completed"
            pids.append(job.worker.pid)
        assert pids[0] == pids[1] != pids[2] and pool.replaced == 1
    finally:
        pool.close()


def test_malformed_commands_change_nothing(pool):
    job = job_of("mlp", MLPConfig(n_samples=200, epochs=8), pool).start()
    wait_for(lambda: job.run.batch_loss)
    for bad in (
        ("bogus", job.id),
        ("set", job.id, "units", 5),
        ("set", job.id, "learning_rate", "abc"),
        ("set", "not-a-job", "learning_rate", 0.5),
        ("ask", job.id),
        ("train",),
        (),
    ):
        job.worker._post(bad)
    for field, value in (("epochs", 3), ("learning_rate", "nan"), ("learning_rate", -1.0)):
        with pytest.raises(ValueError):
            job.set(field, value)
    run = job.wait(120)
    assert run.status == "completed" and not run.lr_changes and len(run.history) == 8
    core = WorkerCore(lambda job_id, event: None, fresh_state=False)
    with pytest.raises(ValueError):
        core.command(job.id, "__init__")
    with pytest.raises(KeyError):
        core.command("nobody", "stop")
    job.close()


def test_workers_end_with_their_server_even_while_they_warm_up(tmp_path):
    """A server that dies (or is restarted) leaves no worker behind importing TensorFlow or training."""
    import subprocess
    import sys

    script = (
        "import time\n"
        "from lab.workers import ProcessPool\n"
        "pool = ProcessPool(2)\n"
        "while not all(getattr(w, 'conn', None) for w in pool.workers):\n"
        "    time.sleep(0.02)\n"  # connected, and now importing TensorFlow for their warm-up
        "print(' '.join(str(w.process.pid) for w in pool.workers), flush=True)\n"
        "time.sleep(600)\n"
    )
    server = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=tmp_path.cwd())
    try:
        pids = [int(pid) for pid in server.stdout.readline().split()]
    finally:
        server.kill()  # no atexit, no closing of sockets: as if it crashed
        server.wait()
    assert len(pids) == 2
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(os.path.exists(f"/proc/{pid}") for pid in pids):
        time.sleep(0.1)
    assert not any(
        os.path.exists(f"/proc/{pid}") and open(f"/proc/{pid}/stat").read().split()[2] != "Z" for pid in pids
    )
