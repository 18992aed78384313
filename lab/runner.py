"""The runner: one training of one lab, wherever it runs (a thread, a worker process, a Ray actor).

The runner builds the lab's setup, fits it through the live callbacks and fills
its own `Run`. It never talks to a page: a `RunPublisher` turns what changed in
that run into events (plain, picklable dicts), and the runner obeys the commands
of the one-way design (`stop`, `set`, `step`, `ask`). `WorkerCore` holds the
runners of one worker and is what each backend wraps:

- `lab.training` calls it in a thread of the page's own process;
- `lab.workers` runs it in a spawned worker process;
- `lab.ray_backend` runs it in a Ray actor.
"""

import os
import tempfile
import threading
import time
import traceback

import keras

from lab.callbacks import Publish, diagnose_run, live_callbacks
from lab.config import live_fields, live_value
from lab.events import RunPublisher
from lab.job_queue import env_int
from lab.registry import Setup, get_lab
from lab.runs import STEPPABLE, Run


class Runner:
    """One training of one lab, filling its own `Run` and publishing its changes.

    Args:
        lab: the `LabSpec` from the registry.
        config: the validated config.
        data: the prepared data (`lab.load_data`).
        number: the run's number in its session.
        emit: `event -> None`; see `RunPublisher`.
    """

    def __init__(self, lab, config, data, number=0, emit=None):
        self.lab, self.data = lab, data
        self.run = Run(lab=lab.name, config=config, number=number, epochs_planned=config.epochs)
        self.settings = {field: getattr(config, field) for field in live_fields(type(config))}
        self.divergence = ""
        self.publisher = RunPublisher(self.run, emit or (lambda event: None))
        self._setup: Setup | None = None
        self._stop = threading.Event()
        self._settings_lock = threading.Lock()
        self._step_lock = threading.Lock()
        self._pending: dict = {}

    # ---- Commands ---------------------------------------------------------------------------

    def stop(self):
        """Stops the training after the current batch."""
        self._stop.set()

    def set(self, field, value):
        """Changes a live setting at the next batch.

        Raises:
            ValueError: `field` is not live, or `value` is not a finite number.
        """
        value = live_value(self.settings, field, value)
        with self._settings_lock:
            self._pending[field] = self.settings[field] = value

    def step(self, action):
        """Moves a finished run's model one step by hand ("epoch": one more epoch through the same callbacks).

        Raises:
            ValueError: the lab has no such step.
            RuntimeError: the run has not ended, or ended without a model.
        """
        self.lab.check_step(action)
        if not (self.run.ended and self._setup is not None and self.run.status in STEPPABLE):
            raise RuntimeError("Only a completed or stopped run can be stepped by hand.")
        with self._step_lock:
            out = self._one_more_epoch() if action == "epoch" else self.lab.step(self._built(), action)
            self._refresh_snapshot()
            self.publisher.publish()
        return out

    def ask(self, question, **kwargs):
        """The model's answer to a view's question (the lab's `answer`), as it is now."""
        return self.lab.answer(self._built(), question, **kwargs)

    # ---- What the callbacks read ------------------------------------------------------------

    @property
    def stop_requested(self):
        return self._stop.is_set()

    def take_settings(self):
        """The live settings changed since the last call (the engine applies them)."""
        with self._settings_lock:
            pending, self._pending = self._pending, {}
        return pending

    def check_watched(self):
        """Whether the page is gone: the page's side watches it and sends `stop`, so never here."""
        return False

    def diverged(self, why):
        """Records why the loss blew up; the run ends with status `diverged`."""
        self.divergence = why

    # ---- Training ---------------------------------------------------------------------------

    def train(self):
        """Builds and fits the model in the calling thread; returns the finished `Run`."""
        run = self.run
        try:
            run.status = "running"
            run.train_started_at = time.time()
            self.publisher.publish()
            self._end(self._train())
        except ValueError as err:
            run.invalid = True
            self._end("failed", str(err))
        except Exception as err:  # a failure must end the run, never the worker
            traceback.print_exc()
            self._end("failed", f"{type(err).__name__}: {err}")
        return run

    def _end(self, status, message=""):
        self.run.ended_at = time.time()
        self.run.message = message or self.divergence
        self.run.status = status
        self.publisher.publish(divergence=self.divergence, ready=self._setup is not None)

    def _build(self):
        """Builds the lab's setup with a fresh Keras state, and checks the server's parameter cap."""
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
        started = time.perf_counter()
        setup = self._build()
        self._setup = setup
        self._first_views(setup)
        self.publisher.publish(ready=True)
        fit_started = time.perf_counter()
        setup.model.fit(
            setup.x,
            setup.y,
            validation_data=setup.validation_data,
            batch_size=setup.batch_size,
            epochs=self.run.config.epochs,
            shuffle=True,
            verbose=0,
            callbacks=self._callbacks(setup),
        )
        finish_started = time.perf_counter()
        self._finish()
        self.run.timings = {
            "build_s": round(fit_started - started, 4),
            "fit_s": round(finish_started - fit_started, 4),
            "finish_s": round(time.perf_counter() - finish_started, 4),
        }
        if self.divergence:
            return "diverged"
        return "stopped" if self.stop_requested else "completed"

    def _first_views(self, setup):
        """The untrained model's views and loss (the chart's first point), before `fit` sets up its data."""
        if setup.snapshot is not None:
            run = self.run
            run.snapshot = run.first_snapshot = {"epoch": 0, **setup.snapshot(setup.model)}
            run.initial_loss = run.snapshot.get("loss")

    def _callbacks(self, setup, seconds_before=None):
        return [*live_callbacks(self, setup, seconds_before), Publish(self.publisher)]

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
            callbacks=self._callbacks(setup, seconds_before=seconds),
        )
        self._finish()
        return {"step": "epoch", **run.history[-1]}

    def _refresh_snapshot(self):
        """The lab's views after a hand step, placed where the model stands (in epochs)."""
        setup = self._built()
        if setup.snapshot is None:
            return
        snap = setup.snapshot(setup.model)
        self.run.snapshot = {"epoch": snap.get("position", len(self.run.history)), **snap}


class WorkerCore:
    """The runners of one worker, addressed by job id: what every backend wraps.

    Commands are plain values, so they arrive the same way from a thread, a pipe or
    a Ray call; one that names no runner, no command or bad arguments changes nothing.

    Args:
        emit: `(job_id, event) -> None`.
        fresh_state: clear Keras' global state before each job (a worker that
            trains one job at a time; never where threads train side by side).
    """

    COMMANDS = ("stop", "set", "step", "ask")

    def __init__(self, emit, fresh_state=True):
        self.emit = emit
        self.fresh_state = fresh_state
        self.runners: dict = {}

    def start(self, job_id, lab, config, data, number=0):
        """Makes a job's runner (call its `train()` next); it stays for `step` and `ask` until `drop`.

        Args:
            lab: the lab's registry name (or its `LabSpec`, in this process).
        """
        if self.fresh_state:
            keras.backend.clear_session(free_memory=False)  # a fresh Keras state; the worker collects when idle
        lab = get_lab(lab) if isinstance(lab, str) else lab
        runner = Runner(lab, config, data, number, emit=lambda event: self.emit(job_id, event))
        self.runners[job_id] = runner
        return runner

    def command(self, job_id, name, *args, **kwargs):
        """Runs `name` (`stop`, `set`, `step` or `ask`) on a job's runner and returns its result.

        Raises:
            KeyError: no such job here (it was dropped, or never ran here).
            ValueError: no such command.
        """
        if name not in self.COMMANDS:
            raise ValueError(f"Unknown command {name!r}.")
        runner = self.runners.get(job_id)
        if runner is None:
            raise KeyError(f"This worker holds no job {job_id!r}.")
        return getattr(runner, name)(*args, **kwargs)

    def drop(self, job_id):
        """Forgets a job's runner and its model."""
        runner = self.runners.pop(job_id, None)
        if runner is not None:
            runner.stop()


def configure_threads(threads):
    """Limits TensorFlow to `threads` threads, so that workers share the cores instead of fighting over them.

    Must run before TensorFlow executes its first operation.
    """
    import tensorflow as tf

    threads = max(1, int(threads))
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    return threads


def share_of_cores(workers):
    """Each of `workers` workers' share of this machine's cores (at least one)."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def warm_up():
    """Trains a small MLP run once, so that a worker's first real job finds TensorFlow and Keras loaded and traced.

    Also imports every lab's setup, so that no job pays for its lab's imports.
    """
    from lab.registry import labs

    for lab in labs().values():
        lab.module("setup")
    mlp = get_lab("mlp")
    config = mlp.config_cls(n_samples=64, epochs=2)
    Runner(mlp, config, mlp.load_data(config)).train()
    keras.backend.clear_session()


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
