"""Step a finished or stopped GAN run by hand, as GAN Lab does: one D step, one G step, one epoch.

Each step acts on the job's model, then refreshes the run's snapshot so the
page's views show the result, and returns the numbers measured before the step.
"""

import time

import numpy as np

from lab.training import diagnose_run, model_to_bytes


def _refresh(job, position):
    run = job.run
    run.snapshot = {"epoch": round(position, 3), **job.setup.snapshot(job.setup.model)}


def _position(job):
    setup = job.setup
    steps = max(1, -(-len(setup.x) // setup.batch_size))
    return float(setup.model.g_optimizer.iterations.numpy()) / steps


def discriminator_step(job, seed=None):
    """One discriminator update on a random real batch.

    Returns:
        dict: `step` ("D"), `d_loss` and `d_real` measured before the update.
    """
    setup = job.setup
    rng = np.random.default_rng(seed)
    batch = setup.x[rng.choice(len(setup.x), size=setup.batch_size, replace=False)]
    out = setup.model.step_discriminator(batch)
    _refresh(job, _position(job))
    return {"step": "D", **out}


def generator_step(job):
    """One generator update.

    Returns:
        dict: `step` ("G"), `g_loss`, `d_fake` and `g_grad_norm` measured before the update.
    """
    out = job.setup.model.step_generator(job.setup.batch_size)
    _refresh(job, _position(job))
    return {"step": "G", **out}


def one_epoch(job):
    """One more epoch of training, added to the run's history, diagnosis, metrics and model file.

    Returns:
        dict: `step` ("epoch") and the epoch's history row.
    """
    setup, run = job.setup, job.run
    start = time.monotonic()
    logs = setup.model.fit(setup.x, None, batch_size=setup.batch_size, epochs=1, shuffle=True, verbose=0).history
    row = {"epoch": len(run.history) + 1, **{k: float(v[-1]) for k, v in logs.items()}}
    if setup.epoch_metrics:
        row.update(setup.epoch_metrics(setup.model))
    row["learning_rate"] = float(setup.model.optimizer.learning_rate)
    row["seconds"] = round((run.history[-1]["seconds"] if run.history else 0.0) + time.monotonic() - start, 3)
    run.history.append(row)
    run.epochs_planned = max(run.epochs_planned, len(run.history))
    run.metrics = job.lab.metrics(setup, run)
    run.diagnosis = diagnose_run(run, finished=True)
    run.model_bytes = model_to_bytes(setup.model)
    _refresh(job, len(run.history))
    return {"step": "epoch", **row}
