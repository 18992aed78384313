"""The live training job: Keras `fit` in a background thread.

A job streams per-batch and per-epoch metrics and lab-specific snapshots into its
`Run`, obeys Stop within one batch, applies learning-rate changes at the next
batch, ends with status `diverged` on a NaN/inf loss, and waits in a FIFO queue
when the server's concurrency cap is reached.
"""

import functools
import math
import os
import tempfile
import threading
import time
import traceback

import keras

from lab import diagnosis
from lab.runs import Run

SNAPSHOT_INTERVAL_S = 1.0
EXPLODE_FACTOR = 1e3  # a loss this many times its first value has blown up
DIAGNOSIS_INTERVAL_S = 0.5
WATCH_INTERVAL_S = 1.0  # how often a job asks whether its page is still open


def env_int(name, default):
    """An integer setting from the environment (hosting caps), or its default."""
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


class JobQueue:
    """Admits at most `max_jobs` trainings at once; the others wait in FIFO order.

    Args:
        max_jobs: the cap; None reads `LAB_MAX_JOBS` (default 2) whenever it is needed.
    """

    def __init__(self, max_jobs=None):
        self._max_jobs = max_jobs
        self._cond = threading.Condition()
        self._running = set()
        self._waiting = []

    def acquire(self, job):
        """Blocks until `job` may train; returns False if it was stopped while waiting."""
        with self._cond:
            self._waiting.append(job)
            while not (self._waiting[0] is job and len(self._running) < self.max_jobs):
                job.check_watched()
                if job.stop_requested:
                    self._waiting.remove(job)
                    self._cond.notify_all()
                    return False
                self._cond.wait(timeout=0.2)
            self._waiting.pop(0)
            self._running.add(job)
            self._cond.notify_all()
            return True

    def release(self, job):
        with self._cond:
            self._running.discard(job)
            self._cond.notify_all()

    def position(self, job):
        """1-based place of a waiting job in the queue, or 0 when it is not waiting."""
        with self._cond:
            return self._waiting.index(job) + 1 if job in self._waiting else 0

    @property
    def max_jobs(self):
        return self._max_jobs or env_int("LAB_MAX_JOBS", 2)

    @property
    def running(self):
        return len(self._running)


QUEUE = JobQueue()


class LiveCallback(keras.callbacks.Callback):
    """Streams a fit into a `Run` and carries Stop and learning-rate changes to it."""

    def __init__(self, job, samples, batch_size):
        super().__init__()
        self.job = job
        self.run = job.run
        self.samples = samples
        self.batch_size = batch_size
        self.steps = max(1, math.ceil(samples / batch_size))
        self._epoch = 0
        self._prev_mean = 0.0
        self._last_snapshot = 0.0
        self._last_diagnosis = 0.0

    def on_train_begin(self, logs=None):
        if self.job.snapshot_fn:
            self.take_snapshot()  # the untrained model: views show something at once
            self.run.first_snapshot = self.run.snapshot
            self.run.initial_loss = self.run.snapshot.get("loss")

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._prev_mean = 0.0

    def on_train_batch_begin(self, batch, logs=None):
        lr = self.job.take_learning_rate()
        if lr is not None:
            self.model.optimizer.learning_rate = lr
            self.run.lr_changes.append({"epoch": round(self._epoch + batch / self.steps, 4), "learning_rate": lr})

    def on_train_batch_end(self, batch, logs=None):
        mean = float(logs["loss"])
        seen = min(self.samples, (batch + 1) * self.batch_size)
        before = batch * self.batch_size
        # Keras reports the running mean over the epoch (weighted by batch size): undo it.
        own = (mean * seen - self._prev_mean * before) / (seen - before)
        self._prev_mean = mean
        self.run.batch_loss.append(own)
        self.run.position = self._epoch + (batch + 1) / self.steps
        self.run.batch_position.append(round(self.run.position, 4))
        first = self.run.batch_loss[0]
        if not math.isfinite(mean):
            self.job.diverged(f"the training loss became {mean} in epoch {self._epoch + 1}")
            self.model.stop_training = True
        elif first > 0 and own > EXPLODE_FACTOR * first:
            self.job.diverged(
                f"the training loss exploded to {own:.3g} in epoch {self._epoch + 1}, "
                f"{own / first:,.0f} times its first value ({first:.3g})"
            )
            self.model.stop_training = True
        elif self.job.check_watched() or self.job.stop_requested:
            self.model.stop_training = True
        elif time.monotonic() - self._last_diagnosis > DIAGNOSIS_INTERVAL_S:
            self._diagnose()

    def on_epoch_end(self, epoch, logs=None):
        row = {"epoch": epoch + 1}
        row.update({k: float(v) for k, v in (logs or {}).items()})
        if self.job.epoch_metrics_fn:
            row.update(self.job.epoch_metrics_fn(self.model))
        row["learning_rate"] = float(self.model.optimizer.learning_rate)
        row["seconds"] = round(self.run.wall_seconds, 3)
        self.run.history.append(row)
        bad = [k for k in ("loss", "val_loss") if k in row and not math.isfinite(row[k])]
        if bad and not self.job.divergence:
            what = "validation loss" if bad[0] == "val_loss" else "training loss"
            self.job.diverged(f"the {what} became {row[bad[0]]} in epoch {epoch + 1}")
            self.model.stop_training = True
        last = epoch + 1 == self.run.epochs_planned
        if self.job.snapshot_fn and (last or time.monotonic() - self._last_snapshot > SNAPSHOT_INTERVAL_S):
            self.take_snapshot()
        if time.monotonic() - self._last_diagnosis > DIAGNOSIS_INTERVAL_S:
            self._diagnose()  # its cost grows with the batches seen: at most twice a second

    def take_snapshot(self):
        self.run.snapshot = {"epoch": len(self.run.history), **self.job.snapshot_fn(self.model)}
        self._last_snapshot = time.monotonic()

    def _diagnose(self):
        self.run.diagnosis = diagnose_run(self.run)
        self._last_diagnosis = time.monotonic()


def diagnose_run(run, finished=False):
    """Diagnoses a run's loss curve, partial (live) or finished."""
    return diagnosis.diagnose_history(
        list(run.history), list(run.batch_loss), epochs_planned=None if finished else run.epochs_planned
    )


class TrainingJob:
    """One training of one lab in a background thread.

    Args:
        lab: the `LabSpec` from the registry.
        config: the validated config.
        data: the prepared data (from `lab.load_data`).
        number: the run's number in its session.
        queue: the `JobQueue` that caps concurrent trainings.
        watcher: a callable that is True while someone can see the job (the
            browser session that started it is connected), or None for jobs
            nobody watches (CLI, benchmarks). A watched job left unseen for
            `LAB_ABANDON_S` seconds (default 60) stops itself, waiting or training.
    """

    def __init__(self, lab, config, data, number=0, queue=None, watcher=None):
        self.lab = lab
        self.data = data
        self.queue = queue or QUEUE
        self.run = Run(lab=lab.name, config=config, number=number, epochs_planned=config.epochs)
        self.snapshot_fn = None
        self.epoch_metrics_fn = None
        self.setup = None
        self._stop = threading.Event()
        self._lr_lock = threading.Lock()
        self._pending_lr = None
        self.learning_rate = config.learning_rate  # the latest one asked for
        self.divergence = ""
        self.watcher = watcher
        self.abandoned = ""
        self._unseen_since = None
        self._last_watch = 0.0
        self._thread = threading.Thread(target=self._main, name=f"train-{lab.name}-{number}", daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        """Asks the job to stop; it does so after the current batch."""
        self._stop.set()

    @property
    def stop_requested(self):
        return self._stop.is_set()

    def set_learning_rate(self, value):
        """Changes the learning rate at the next batch."""
        with self._lr_lock:
            self._pending_lr = self.learning_rate = float(value)

    def take_learning_rate(self):
        with self._lr_lock:
            value, self._pending_lr = self._pending_lr, None
        return value

    def check_watched(self):
        """Stops the job once its watcher has been False for `LAB_ABANDON_S` seconds; True if abandoned."""
        now = time.monotonic()
        if self.watcher is None or self.abandoned or now - self._last_watch < WATCH_INTERVAL_S:
            return bool(self.abandoned)
        self._last_watch = now
        if self.watcher():
            self._unseen_since = None
            return False
        self._unseen_since = self._unseen_since or now
        limit = env_int("LAB_ABANDON_S", 60)
        if now - self._unseen_since >= limit:
            self.abandoned = f"Stopped by the server: its page was closed for {limit} s."
            print(f"lab: run {self.run.number} of {self.lab.name} stopped, its page was closed for {limit} s", flush=True)
            self.stop()
        return bool(self.abandoned)

    def diverged(self, why):
        """Records why the loss blew up; the run ends with status `diverged`."""
        self.divergence = why

    def queue_position(self):
        return self.queue.position(self)

    def wait(self, timeout=None):
        """Blocks until the job ends; returns its `Run`."""
        self._thread.join(timeout)
        return self.run

    @property
    def done(self):
        return self.run.ended

    def _main(self):
        run = self.run
        if not self.queue.acquire(self):
            self._end("stopped")
            return
        try:
            run.status = "running"
            run.train_started_at = time.time()
            self._end(self._train())
        except ValueError as err:
            run.invalid = True
            self._end("failed", str(err))
        except Exception as err:  # a failure must end the run, never the app
            traceback.print_exc()
            self._end("failed", f"{type(err).__name__}: {err}")
        finally:
            self.queue.release(self)

    def _end(self, status, message=""):
        """Sets the final status last, once everything the page shows is ready."""
        self.run.ended_at = time.time()
        self.run.message = message or self.divergence or self.abandoned
        self.run.status = status

    def _train(self):
        """Builds and fits the model; returns the final status."""
        run, config = self.run, self.run.config
        keras.utils.set_random_seed(config.seed)
        setup = self.lab.build(config, self.data)
        run.warnings = setup.warnings
        run.params = setup.model.count_params()
        run.summary = model_summary(setup.model)
        max_params = env_int("LAB_MAX_PARAMS", 5_000_000)
        if run.params > max_params:
            raise ValueError(
                f"The model has {run.params:,} parameters; this server allows at most {max_params:,}. "
                "Use fewer or narrower layers."
            )
        self.snapshot_fn = setup.snapshot
        self.epoch_metrics_fn = setup.epoch_metrics
        self.setup = setup  # kept for the latest job only (the page keeps one job per lab): lets a page step the model by hand
        callback = LiveCallback(self, len(setup.x), setup.batch_size)
        setup.model.fit(
            setup.x, setup.y, validation_data=setup.validation_data, batch_size=setup.batch_size,
            epochs=config.epochs, shuffle=True, verbose=0, callbacks=[callback],
        )
        if run.history and self.snapshot_fn and run.snapshot.get("epoch") != len(run.history):
            callback.take_snapshot()
        run.metrics = self.lab.metrics(setup, run)
        run.diagnosis = diagnose_run(run, finished=True)
        run.model_bytes = model_to_bytes(setup.model)
        if self.divergence:
            return "diverged"
        return "stopped" if self.stop_requested else "completed"


@functools.lru_cache(maxsize=1)
def training_device():
    """Where Keras trains, in words: the GPU TensorFlow sees, else the CPU and its cores."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        return f"GPU ({len(gpus)} visible: {', '.join(g.name.split(':', 1)[-1] for g in gpus)})"
    return f"CPU ({os.cpu_count()} cores)"


def model_summary(model):
    """The Keras model summary as text."""
    lines = []
    model.summary(print_fn=lambda line, **kwargs: lines.append(line), line_length=80)
    return "\n".join(lines)


def model_to_bytes(model):
    """The model as the bytes of a `.keras` file."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        with open(path, "rb") as f:
            return f.read()
