"""The training job: a lab's setup trained through Keras `fit` in a background thread.

Data flows one way: the page hands the job a validated config, the job fills its
`Run`, and the views draw that run. The page talks to a job only through its
commands:

- `stop()`: ends the training after the current batch;
- `set(field, value)`: changes a setting the config marks `live`, at the next batch;
- `step(action)`: moves a finished run's model by hand (the lab's `steps`);
- `ask(question, **kwargs)`: the model's answer to a view's question.

Each command is one call with plain values, so the same interface can carry
messages to a worker process. A job ends with status `diverged` on a NaN or
exploding loss and waits in the queue when the server's cap is reached.
"""

import functools
import os
import tempfile
import threading
import time
import traceback

import keras

from lab.callbacks import diagnose_run, live_callbacks
from lab.config import live_fields
from lab.job_queue import QUEUE, JobQueue, env_int
from lab.registry import Setup
from lab.runs import Run

__all__ = ["QUEUE", "JobQueue", "TrainingJob", "diagnose_run", "model_to_bytes", "training_device"]

WATCH_INTERVAL_S = 1.0  # how often a job asks whether its page is still open
STEPPABLE = ("completed", "stopped")  # a run in these states can be stepped by hand


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
        self.settings = {field: getattr(config, field) for field in live_fields(type(config))}
        self.divergence = ""
        self.watcher = watcher
        self.abandoned = ""
        self._setup: Setup | None = None
        self._stop = threading.Event()
        self._settings_lock = threading.Lock()  # guards the pending live settings
        self._step_lock = threading.Lock()  # one hand step at a time
        self._pending = {}
        self._unseen_since = None
        self._last_watch = 0.0
        self._thread = threading.Thread(target=self._main, name=f"train-{lab.name}-{number}", daemon=True)

    # ---- Commands ---------------------------------------------------------------------------

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        """Asks the job to stop; it does so after the current batch."""
        self._stop.set()

    def set(self, field, value):
        """Changes a live setting (see `lab.config.live_fields`); it applies at the next batch.

        Raises:
            ValueError: `field` cannot change while training.
        """
        if field not in self.settings:
            raise ValueError(f"{field} cannot change while training; live settings: {', '.join(self.settings)}.")
        with self._settings_lock:
            self._pending[field] = self.settings[field] = float(value)

    def step(self, action):
        """Moves a finished (completed or stopped) run's model one step by hand.

        Args:
            action: one of the lab's `steps`; "epoch" trains one more epoch through
                the same callbacks (and history rows) as the training.

        Returns:
            dict: `step` and the numbers the step measured.

        Raises:
            ValueError: the lab has no such step.
            RuntimeError: the run has not ended, or ended without a model.
        """
        if action not in self.lab.steps:
            raise ValueError(
                f"The {self.lab.name} lab has no step {action!r}; steps: {', '.join(self.lab.steps) or 'none'}."
            )
        if not self.steppable:
            raise RuntimeError("Only a completed or stopped run can be stepped by hand.")
        with self._step_lock:
            out = self._one_more_epoch() if action == "epoch" else self.lab.step(self._built(), action)
            self._refresh_snapshot()
        return out

    def ask(self, question, **kwargs):
        """The model's answer to a view's question (the lab's `answer`), as it is now.

        Raises:
            RuntimeError: the model is not built yet.
        """
        return self.lab.answer(self._built(), question, **kwargs)

    # ---- State ------------------------------------------------------------------------------

    @property
    def stop_requested(self):
        return self._stop.is_set()

    @property
    def done(self):
        return self.run.ended

    @property
    def ready(self):
        """The model is built: `ask` can answer."""
        return self._setup is not None

    @property
    def steppable(self):
        """The run has ended with a model that can be stepped by hand."""
        return self.done and self._setup is not None and self.run.status in STEPPABLE

    def take_settings(self):
        """The live settings changed since the last call (the engine applies them)."""
        with self._settings_lock:
            pending, self._pending = self._pending, {}
        return pending

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
            print(
                f"lab: run {self.run.number} of {self.lab.name} stopped, its page was closed for {limit} s", flush=True
            )
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

    # ---- Training ---------------------------------------------------------------------------

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

    def _build(self):
        """Builds the lab's setup and checks the server's parameter cap."""
        run, config = self.run, self.run.config
        keras.utils.set_random_seed(config.seed)
        setup = self.lab.build(config, self.data)
        if setup.live is None:
            optimizer = setup.model.optimizer
            setup.live = {"learning_rate": lambda value: setattr(optimizer, "learning_rate", value)}
        run.warnings = setup.warnings
        run.params = setup.model.count_params()
        run.summary = model_summary(setup.model)
        max_params = env_int("LAB_MAX_PARAMS", 5_000_000)
        if run.params > max_params:
            raise ValueError(
                f"The model has {run.params:,} parameters; this server allows at most {max_params:,}. "
                "Use fewer or narrower layers."
            )
        return setup

    def _train(self):
        """Builds and fits the model; returns the final status."""
        setup = self._build()
        self._setup = setup
        setup.model.fit(
            setup.x,
            setup.y,
            validation_data=setup.validation_data,
            batch_size=setup.batch_size,
            epochs=self.run.config.epochs,
            shuffle=True,
            verbose=0,
            callbacks=live_callbacks(self, setup),
        )
        self._finish()
        if self.divergence:
            return "diverged"
        return "stopped" if self.stop_requested else "completed"

    def _finish(self):
        """The final metrics, diagnosis and model file of the run as it is now."""
        run, setup = self.run, self._built()
        run.metrics = self.lab.metrics(setup, run)
        run.diagnosis = diagnose_run(run, finished=True)
        run.model_bytes = model_to_bytes(setup.model)

    def _built(self) -> Setup:
        if self._setup is None:
            raise RuntimeError("The model is not built yet.")
        return self._setup

    def _one_more_epoch(self):
        """Trains a finished run one more epoch, through the training's callbacks."""
        setup, run = self._built(), self.run
        done = len(run.history)
        run.epochs_planned = max(run.epochs_planned, done + 1)
        seconds = run.history[-1]["seconds"] if run.history else 0.0
        setup.model.fit(
            setup.x,
            setup.y,
            validation_data=setup.validation_data,
            batch_size=setup.batch_size,
            initial_epoch=done,
            epochs=done + 1,
            shuffle=True,
            verbose=0,
            callbacks=live_callbacks(self, setup, fresh=False, seconds_before=seconds),
        )
        self._finish()
        return {"step": "epoch", **run.history[-1]}

    def _refresh_snapshot(self):
        """The lab's views of the model after a hand step, placed where the model stands (in epochs)."""
        setup = self._built()
        if setup.snapshot is None:
            return
        snap = setup.snapshot(setup.model)
        self.run.snapshot = {"epoch": snap.get("position", len(self.run.history)), **snap}


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
