"""The Keras callbacks that stream a `fit` into a job's `Run`, each with one job.

- `LiveSettings` applies the job's `set(field, value)` commands between batches.
- `LossStream` records each batch's own loss and each epoch's history row.
- `Guard` ends a run whose loss blew up, and obeys Stop and an abandoned page.
- `LiveViews` takes the lab's snapshots and the live diagnosis, throttled.
- `Publish` sends the run's changes to the page (`lab.events`).

`live_callbacks(job, setup)` returns them in the order they must run.
`LossDiagnosis` is for everyone else's `fit`: the lab's diagnosis as a plain callback.
"""

import math
import time

import keras

from lab.diagnosis import diagnose_history, diagnose_run

SNAPSHOT_INTERVAL_S = 2.0  # a page redraws a run's views at most every 2 s: more snapshots would go unseen
DIAGNOSIS_INTERVAL_S = 0.5
SNAPSHOT_SHARE = 0.1  # ...or rarer, so that snapshots take at most about this share of the training's time
DIAGNOSIS_SHARE = 0.05  # the same for the live diagnosis, whose cost grows with the batches seen
EXPLODE_FACTOR = 1e3  # a loss this many times its first value has blown up


def steps_per_epoch(samples, batch_size):
    """Batches in one epoch of `samples` examples."""
    return max(1, math.ceil(samples / batch_size))


def sample_count(x):
    """How many examples `fit`'s `x` holds: an array, or a list or dict of arrays (a model with several inputs)."""
    return len(keras.tree.flatten(x)[0])


class LiveSettings(keras.callbacks.Callback):
    """Applies the settings changed while training at the start of the next batch, and records each change.

    Args:
        job: the `TrainingJob`; its `take_settings()` hands over the pending changes.
        live: `{field: apply}` from the lab's `Setup`.
        steps: batches per epoch (a change's place is recorded in epochs).
    """

    def __init__(self, job, live, steps):
        super().__init__()
        self.job, self.live, self.steps = job, live, steps
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        for field, value in self.job.take_settings().items():
            self.live[field](value)
            self.job.run.lr_changes.append(
                {"epoch": round(self._epoch + batch / self.steps, 4), "learning_rate": value, "field": field}
            )


class LossStream(keras.callbacks.Callback):
    """Records each batch's own loss (Keras reports the epoch's running mean) and each epoch's history row.

    Args:
        run: the `Run` to fill.
        samples: training examples per epoch.
        batch_size: examples per batch.
        epoch_metrics: `model -> dict` of the lab's extra numbers for each row, or None.
        seconds_before: training seconds before this fit (a continued run), or None
            to count from the run's start.
    """

    def __init__(self, run, samples, batch_size, epoch_metrics=None, seconds_before=None):
        super().__init__()
        self.run, self.samples, self.batch_size = run, samples, batch_size
        self.steps = steps_per_epoch(samples, batch_size)
        self.epoch_metrics = epoch_metrics
        self.seconds_before = seconds_before
        self._started = time.monotonic()
        self._epoch = 0
        self._prev_mean = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._prev_mean = 0.0

    def on_train_batch_end(self, batch, logs=None):
        mean = float(logs["loss"])
        seen = min(self.samples, (batch + 1) * self.batch_size)
        before = batch * self.batch_size
        own = (mean * seen - self._prev_mean * before) / (seen - before)  # undo the running mean
        self._prev_mean = mean
        self.run.batch_loss.append(own)
        self.run.position = self._epoch + (batch + 1) / self.steps
        self.run.batch_position.append(round(self.run.position, 4))

    def on_epoch_end(self, epoch, logs=None):
        row = {"epoch": epoch + 1}
        row.update({k: float(v) for k, v in (logs or {}).items()})
        if self.epoch_metrics:
            row.update(self.epoch_metrics(self.model))
        row["learning_rate"] = float(self.model.optimizer.learning_rate)
        row["seconds"] = round(self._seconds(), 3)
        self.run.history.append(row)

    def _seconds(self):
        if self.seconds_before is None:
            return self.run.wall_seconds
        return self.seconds_before + time.monotonic() - self._started


class Guard(keras.callbacks.Callback):
    """Stops the fit when the loss becomes NaN or explodes (status `diverged`), on Stop, or once the page is gone.

    Runs after `LossStream`, whose batch loss it reads.
    """

    def __init__(self, job):
        super().__init__()
        self.job = job
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        mean, losses = float(logs["loss"]), self.job.run.batch_loss
        own, first = losses[-1], losses[0]
        if not math.isfinite(mean):
            self._diverged(f"the training loss became {mean} in epoch {self._epoch + 1}")
        elif first > 0 and own > EXPLODE_FACTOR * first:
            self._diverged(
                f"the training loss exploded to {own:.3g} in epoch {self._epoch + 1}, "
                f"{own / first:,.0f} times its first value ({first:.3g})"
            )
        elif self.job.check_watched() or self.job.stop_requested:
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        row = self.job.run.history[-1]
        bad = [k for k in ("loss", "val_loss") if k in row and not math.isfinite(row[k])]
        if bad and not self.job.divergence:
            what = "validation loss" if bad[0] == "val_loss" else "training loss"
            self._diverged(f"the {what} became {row[bad[0]]} in epoch {epoch + 1}")

    def _diverged(self, why):
        self.job.diverged(why)
        self.model.stop_training = True


class LiveViews(keras.callbacks.Callback):
    """Takes the lab's snapshot (at most every `SNAPSHOT_INTERVAL_S`, and at the end) and the live diagnosis.

    The untrained model's snapshot is taken before `fit`, by the runner. A
    snapshot or diagnosis that takes long is taken more rarely: the gap after
    one is at least its own time divided by `SNAPSHOT_SHARE` (`DIAGNOSIS_SHARE`),
    so that a costly view (the diffusion lab walks 100 denoising steps) does not
    slow the training down by more than that share.

    Args:
        run: the `Run` to fill.
        snapshot: `model -> dict` of the lab's live views, or None.
    """

    def __init__(self, run, snapshot):
        super().__init__()
        self.run, self.snapshot = run, snapshot
        self._last_snapshot = 0.0
        self._last_diagnosis = 0.0
        self._snapshot_gap = SNAPSHOT_INTERVAL_S
        self._diagnosis_gap = DIAGNOSIS_INTERVAL_S

    def on_train_begin(self, logs=None):
        if self.run.snapshot:
            self._last_snapshot = time.monotonic()  # views are current: the next snapshot comes a gap later

    def on_train_batch_end(self, batch, logs=None):
        if time.monotonic() - self._last_diagnosis > self._diagnosis_gap:
            self.diagnose()

    def on_epoch_end(self, epoch, logs=None):
        last = len(self.run.history) >= self.run.epochs_planned
        if self.snapshot and (last or time.monotonic() - self._last_snapshot > self._snapshot_gap):
            self.take_snapshot()
        if time.monotonic() - self._last_diagnosis > self._diagnosis_gap:
            self.diagnose()

    def on_train_end(self, logs=None):
        if self.snapshot and self.run.history and self.run.snapshot.get("epoch") != len(self.run.history):
            self.take_snapshot()

    def take_snapshot(self):
        start = time.monotonic()
        self.run.snapshot = {"epoch": len(self.run.history), **self.snapshot(self.model)}
        self._last_snapshot = time.monotonic()
        self._snapshot_gap = max(SNAPSHOT_INTERVAL_S, (self._last_snapshot - start) / SNAPSHOT_SHARE)

    def diagnose(self):
        start = time.monotonic()
        self.run.diagnosis = diagnose_run(self.run)
        self._last_diagnosis = time.monotonic()
        self._diagnosis_gap = max(DIAGNOSIS_INTERVAL_S, (self._last_diagnosis - start) / DIAGNOSIS_SHARE)


class LossDiagnosis(keras.callbacks.Callback):
    """Reads the loss curve of any `fit` while it trains, as the lab does: add it to your own callbacks.

    ```python
    from lab.callbacks import LossDiagnosis
    diagnosis = LossDiagnosis(stop_on=("diverged",))
    model.fit(x, y, validation_split=0.2, epochs=50, callbacks=[diagnosis])
    ```

    It prints a line whenever the diagnosis's labels change, and a last one at the
    end; `diagnosis.diagnosis` holds the latest (the dict `python -m lab diagnose`
    prints). Each batch's own loss is recovered from Keras' running mean, so the
    spikes of a too-high learning rate count, and a loss that turns NaN or infinite
    is diverged at once.

    Args:
        stop_on: labels that stop training when they appear (say `("diverged",)`).
        print_fn: where the lines go (`print`); None prints nothing.
    """

    def __init__(self, stop_on=(), print_fn=print):
        super().__init__()
        self.stop_on, self.print_fn = tuple(stop_on), print_fn
        self.diagnosis: dict | None = None
        self.history: list = []
        self.batch_loss: list = []
        self._labels: tuple | None = None
        self._prev_mean = 0.0

    def on_train_begin(self, logs=None):
        self.history, self.batch_loss, self.diagnosis, self._labels = [], [], None, None

    def on_epoch_begin(self, epoch, logs=None):
        self._prev_mean = 0.0

    def on_train_batch_end(self, batch, logs=None):
        mean = float((logs or {}).get("loss", math.nan))
        own = mean * (batch + 1) - self._prev_mean * batch  # Keras reports the epoch's running mean
        self._prev_mean = mean
        self.batch_loss.append(own)
        if not math.isfinite(own) and "diverged" in self.stop_on:
            self._read(finished=True, partial={"loss": mean})  # the epoch's row comes at its end

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        row = {"loss": float(logs.get("loss", math.nan))}
        if "val_loss" in logs:
            row["val_loss"] = float(logs["val_loss"])
        self.history.append(row)
        self._read(finished=False)

    def on_train_end(self, logs=None):
        if self.history:
            self._read(finished=True, final=True)

    def _read(self, finished, final=False, partial=None):
        planned = None if finished else self.params.get("epochs")
        history = self.history + ([partial] if partial else [])
        self.diagnosis = diagnose_history(history, self.batch_loss, epochs_planned=planned)
        labels = tuple(self.diagnosis["labels"])
        stop = sorted(set(labels) & set(self.stop_on))
        if self.print_fn and (labels != self._labels or final):
            self.print_fn(f"LossDiagnosis (epoch {len(history)}): {self.diagnosis['summary']}")
        self._labels = labels
        if stop and not self.model.stop_training:
            self.model.stop_training = True
            if self.print_fn:
                self.print_fn(f"LossDiagnosis: stopping, the run is {', '.join(stop).replace('_', ' ')}.")


class Publish(keras.callbacks.Callback):
    """Publishes the run's changes after each batch (throttled) and each epoch; runs after the live callbacks."""

    def __init__(self, publisher):
        super().__init__()
        self.publisher = publisher

    def on_train_begin(self, logs=None):
        self.publisher.publish()

    def on_train_batch_end(self, batch, logs=None):
        self.publisher.publish(force=len(self.publisher.run.batch_loss) == 1)

    def on_epoch_end(self, epoch, logs=None):
        self.publisher.publish()


def live_callbacks(job, setup, seconds_before=None):
    """The callbacks that stream one `fit` of `setup` into `job.run`, in the order they must run.

    Args:
        job: the `TrainingJob`.
        setup: the lab's `Setup`.
        seconds_before: training seconds before a fit that continues the run (a step by hand).
    """
    samples = sample_count(setup.x)
    steps = steps_per_epoch(samples, setup.batch_size)
    return [
        LiveSettings(job, setup.live, steps),
        LossStream(job.run, samples, setup.batch_size, setup.epoch_metrics, seconds_before),
        Guard(job),
        LiveViews(job.run, setup.snapshot),
    ]
