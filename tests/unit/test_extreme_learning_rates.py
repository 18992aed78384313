"""Every lab survives a learning rate changed to an extreme while it trains.

A huge rate must end the run as `diverged` with the reason in words (never
`failed`, never an exception), keep what was trained so far, and leave the lab
able to train again; a tiny one simply trains on.
"""

import time

import pytest

from lab.config import live_fields
from lab.labs.attention.config import AttentionConfig
from lab.labs.autoencoder.config import AutoencoderConfig
from lab.labs.gan.config import GANConfig
from lab.labs.mlp.config import MLPConfig
from lab.labs.pinn.config import PINNConfig
from lab.labs.rnn.config import RNNConfig
from lab.registry import get_lab
from lab.training import JobQueue, TrainingJob

# Small models that keep training for minutes unless something stops them.
LONG_RUNS = {
    "mlp": MLPConfig(n_samples=200, batch_size=8, epochs=500),
    "autoencoder": AutoencoderConfig(dataset="digits", hidden_units=(16,), bottleneck=4, epochs=50, batch_size=32),
    "gan": GANConfig(n_samples=256, batch_size=32, epochs=500, g_width=16, d_width=16, g_depth=1, d_depth=1),
    "pinn": PINNConfig(n_u=40, n_f=200, depth=2, width=12, steps=5000, lbfgs_iterations=0, learning_rate=1e-3),
    "rnn": RNNConfig(task="adding", seq_len=12, n_sequences=400, units=8, epochs=200, batch_size=16),
    "attention": AttentionConfig(
        n_samples=400, epochs=200, batch_size=16, num_layers=1, num_heads=1, d_model=16, key_dim=8, ff_dim=16
    ),
}


def start(name, config):
    lab = get_lab(name)
    return TrainingJob(lab, config, lab.load_data(config), number=1, queue=JobQueue(2)).start()


def wait_for_batches(job, count, timeout=120):
    end = time.monotonic() + timeout
    while len(job.run.batch_loss) < count and not job.done:
        assert time.monotonic() < end, "the run did not start training"
        time.sleep(0.01)


@pytest.mark.parametrize("name", LONG_RUNS)
def test_a_huge_learning_rate_mid_run_ends_diverged_with_a_reason(name):
    job = start(name, LONG_RUNS[name])
    wait_for_batches(job, 3)
    job.set(live_fields(type(job.run.config))[0], 1e6)
    run = job.wait(120)
    assert job.done, "the run did not end after the learning rate blew it up"
    assert run.status == "diverged", (run.status, run.message)
    assert "loss" in run.message and ("exploded" in run.message or "became" in run.message), run.message
    assert run.batch_loss and run.lr_changes[0]["learning_rate"] == 1e6

    again = start(name, LONG_RUNS[name])  # the lab trains again afterwards
    wait_for_batches(again, 2)
    again.stop()
    assert again.wait(60).status == "stopped"


@pytest.mark.parametrize("name", ["mlp", "pinn"])
def test_a_tiny_learning_rate_mid_run_trains_on(name):
    job = start(name, LONG_RUNS[name])
    wait_for_batches(job, 3)
    job.set(live_fields(type(job.run.config))[0], 1e-12)
    seen = len(job.run.batch_loss)
    wait_for_batches(job, seen + 5)
    job.stop()
    run = job.wait(60)
    assert run.status == "stopped" and run.lr_changes[0]["learning_rate"] == 1e-12
