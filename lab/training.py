"""The training job, as the page sees it: a `Run` rebuilt from a worker's events, and the commands back.

Data flows one way: the page hands the job a validated config, a worker trains
it (`lab.runner`), and the job's `Run` is filled from the worker's events. The
page talks to a job only through its commands:

- `stop()`: ends the training after the current batch;
- `set(field, value)`: changes a setting the config marks `live`, at the next batch;
- `step(action)`: moves a finished run's model by hand (the lab's `steps`);
- `ask(question, **kwargs)`: the model's answer to a view's question.

Where the worker runs is the job's backend (`lab.backends`): a thread of this
process (the default here, for the CLI and tests), a pool of worker processes
(the app's default) or a Ray cluster. A job waits in the fair `JobQueue` when the
server's cap is reached, and stops itself once its page has been closed a while.
"""

import threading
import time
import uuid

from lab import estimate
from lab.config import live_fields, live_value
from lab.diagnosis import diagnose_run
from lab.events import apply_event
from lab.job_queue import QUEUE, JobQueue, env_int
from lab.runs import STEPPABLE, Run

__all__ = ["QUEUE", "JobQueue", "ReopenedJob", "TrainingJob", "diagnose_run", "model_to_bytes", "training_device"]

WATCH_INTERVAL_S = 1.0  # how often a job asks whether its page is still open
STEP_TIMEOUT_S = 300.0  # one hand step (an epoch of the GAN at most)
ASK_TIMEOUT_S = 60.0
RECORD_INTERVAL_S = 5.0  # how often a recorded job saves its run while it trains (`lab.store`)
REOPENED = (
    "This run was re-opened from your saved runs: its curves, numbers and downloads are here. "
    "Train again to explore a model live."
)
UNLOADED = (
    "This run's model was unloaded to make room for other trainings. Its curves, numbers and "
    "download are kept; train again to explore the model."
)


class TrainingJob:
    """One training of one lab, run by a backend's worker.

    Args:
        lab: the `LabSpec` from the registry.
        config: the validated config.
        data: the prepared data (from `lab.load_data`); the views draw it too.
        number: the run's number in its session.
        queue: the `JobQueue` that caps concurrent trainings.
        watcher: a callable that is True while someone can see the job (the
            browser session that started it is connected), or None for jobs
            nobody watches (CLI, benchmarks). A watched job left unseen for
            `LAB_ABANDON_S` seconds (default 60) stops itself, waiting or training.
        backend: where it trains (`lab.backends`); None trains in a thread of this process.
        session: the key of the session that asked, for the queue's fairness.
        recorder: `(run, final) -> None`, called every `RECORD_INTERVAL_S` while it
            trains and once at its end (`final=True`): the page saves the run there (`lab.store`).
    """

    def __init__(
        self, lab, config, data, number=0, queue=None, watcher=None, backend=None, session=None, recorder=None
    ):
        from lab.backends import THREADS

        self.lab = lab
        self.data = data
        self.queue = queue or QUEUE
        self.backend = backend or THREADS
        self.session = session
        self.id = uuid.uuid4().hex
        self.run = Run(lab=lab.name, config=config, number=number, epochs_planned=config.epochs)
        self.settings = {field: getattr(config, field) for field in live_fields(type(config))}
        self.divergence = ""
        self.watcher = watcher
        self.recorder = recorder
        self.abandoned = ""
        self.worker = None  # the backend's worker while it holds this job
        self._ready = False
        self._stop = threading.Event()
        self._ended = threading.Event()
        self._recorded = threading.Event()  # the final save is done (the recorder ran after the end)
        self._lock = threading.Lock()  # guards the worker handle and pending settings
        self._pending: dict = {}
        self._unseen_since = None
        self._last_watch = 0.0
        self._thread = threading.Thread(target=self._main, name=f"job-{lab.name}-{number}", daemon=True)

    # ---- Commands ---------------------------------------------------------------------------

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        """Asks the job to stop; it does so after the current batch."""
        self._stop.set()
        self._send("stop")

    def set(self, field, value):
        """Changes a live setting (see `lab.config.live_fields`); it applies at the next batch.

        Raises:
            ValueError: `field` cannot change while training, or `value` is not a positive number.
        """
        value = live_value(self.settings, field, value)
        self.settings[field] = value
        with self._lock:
            if self.worker is None:
                self._pending[field] = value
                return
        self._send("set", field, value)

    def step(self, action):
        """Moves a finished (completed or stopped) run's model one step by hand.

        Args:
            action: one of the lab's `steps`; "epoch" trains one more epoch through
                the same callbacks (and history rows) as the training.

        Returns:
            dict: `step` and the numbers the step measured.

        Raises:
            ValueError: the lab has no such step.
            RuntimeError: the run has not ended, or its model is gone.
        """
        self.lab.check_step(action)
        if not self.steppable:
            raise RuntimeError("Only a completed or stopped run can be stepped by hand.")
        return self._request("step", (action,), {}, STEP_TIMEOUT_S)

    def ask(self, question, **kwargs):
        """The model's answer to a view's question (the lab's `answer`), as it is now.

        Raises:
            RuntimeError: the model is not built yet, or is gone.
        """
        if not self.ready:
            raise RuntimeError(self.unavailable)
        return self._request("ask", (question,), kwargs, ASK_TIMEOUT_S)

    def close(self):
        """Frees the worker that keeps this finished run's model (the page shows another run now)."""
        self.stop()
        worker = self._detach()
        if worker is not None:
            worker.drop(self)

    # ---- State ------------------------------------------------------------------------------

    @property
    def stop_requested(self):
        return self._stop.is_set()

    @property
    def done(self):
        return self.run.ended

    @property
    def ready(self):
        """The model is built and kept by a worker: `ask` can answer."""
        return self._ready and self.worker is not None

    @property
    def unavailable(self):
        """Why `ask` cannot answer now, in words ("" when it can)."""
        if self.ready:
            return ""
        return UNLOADED if self.done and self.run.params else "The model is not built yet."

    @property
    def steppable(self):
        """The run has ended with a model that can be stepped by hand."""
        return self.done and self.ready and self.run.status in STEPPABLE

    @property
    def _setup(self):
        """The worker's `Setup` when the job trains in this process (tests inspect the model), else None."""
        worker = self.worker
        return getattr(worker, "setup_of", lambda job: None)(self)

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

    def queue_position(self):
        return self.queue.position(self)

    def expected_wait(self):
        """Seconds until this waiting job should start (see `JobQueue.expected_wait`)."""
        return self.queue.expected_wait(self)

    def wait(self, timeout=None):
        """Blocks until the job ends; returns its `Run`."""
        self._thread.join(timeout)
        return self.run

    # ---- What the worker sends --------------------------------------------------------------

    def apply(self, event):
        """Applies one event of the worker (`lab.events`) to the run; the status last."""
        run = self.run
        extras, status = apply_event(run, event)
        if "ready" in extras:
            self._ready = bool(extras["ready"])
        if "divergence" in extras:
            self.divergence = extras["divergence"]
        if status is None or (status in ("queued", "running") and run.ended):
            return  # no news, or the page already ended it (a lost worker)
        if status != "running" and self.abandoned and not run.message:
            run.message = self.abandoned
        run.status = status
        if run.ended:
            self._ended.set()

    def lost(self, why):
        """The worker died or stopped answering: the run, if still going, ends as failed with `why`."""
        self._detach()
        if not self.run.ended:
            self.run.explained = True
            self._end("failed", why)

    def unload(self):
        """The worker let go of this finished run's model (to make room); `ask` and `step` now explain it."""
        self._detach()

    # ---- Training ---------------------------------------------------------------------------

    def _main(self):
        if not self.queue.acquire(self):
            self._end("stopped", self.abandoned)
            return
        try:
            worker = self.backend.lease(self)
            with self._lock:
                self.worker, pending, self._pending = worker, self._pending, {}
            worker.train(self)
            for field, value in pending.items():
                self._send("set", field, value)
            if self.stop_requested:
                self._send("stop")
            recorded = time.monotonic()
            while not self._ended.wait(WATCH_INTERVAL_S / 2):
                self.check_watched()
                if time.monotonic() - recorded >= RECORD_INTERVAL_S:
                    self._record(final=False)
                    recorded = time.monotonic()
        except Exception as err:  # a failure must end the run, never the app (lease: no worker ready)
            if self.stop_requested and self.worker is None:
                self._end("stopped", self.abandoned)  # stopped while it waited for a worker
            else:
                self.run.explained = True
                self._end("failed", str(err) or type(err).__name__)
        finally:
            self.queue.release(self)
            if self.run.status == "completed":
                estimate.record(self.lab, self.run.config, self.run.wall_seconds)
            worker = self.worker
            if worker is not None:
                worker.finished(self)
            self._record(final=True)
            self._recorded.set()

    def wait_recorded(self, timeout):
        """Waits up to `timeout` s for the ended run's final save (`recorder`); returns whether it is done."""
        return self._recorded.wait(timeout)

    def _record(self, final):
        if self.recorder is None:
            return
        try:
            self.recorder(self.run, final)
        except Exception as err:  # a store that fails never ends a training
            print(f"lab: run {self.run.number} of {self.lab.name} was not saved: {err}", flush=True)

    def _end(self, status, message=""):
        run = self.run
        run.ended_at = run.ended_at or time.time()
        run.message = message or self.divergence or self.abandoned
        run.status = status
        self._ended.set()

    def _detach(self):
        with self._lock:
            worker, self.worker = self.worker, None
        self._ready = False
        return worker

    def _send(self, name, *args):
        worker = self.worker
        if worker is not None:
            worker.send(self, name, *args)

    def _request(self, name, args, kwargs, timeout):
        worker = self.worker
        if worker is None:
            raise RuntimeError(UNLOADED)
        return worker.request(self, name, args, kwargs, timeout)


class ReopenedJob:
    """A stored run shown again on its page (`lab.store`): an ended job whose model no worker holds.

    It answers the page like a `TrainingJob` that has let go of its model: its
    run's curves, diagnosis and downloads show, and `ask` and `step` explain why not.
    """

    ready = steppable = stop_requested = False
    unavailable = REOPENED
    data = None
    settings: dict = {}

    def __init__(self, lab, run):
        self.lab, self.run = lab, run
        self.id = run.key

    @property
    def done(self):
        return True

    def wait_recorded(self, timeout):
        return True

    def ask(self, question, **kwargs):
        raise RuntimeError(REOPENED)

    def step(self, action):
        raise RuntimeError(REOPENED)

    def stop(self):
        """Nothing to stop."""

    def close(self):
        """Nothing to free."""

    def queue_position(self):
        return 0

    def expected_wait(self):
        return None


def model_to_bytes(model):
    """The model as the bytes of a `.keras` file (`lab.runner.model_to_bytes`)."""
    from lab.runner import model_to_bytes as to_bytes

    return to_bytes(model)


def training_device():
    """Where this process' Keras trains, in words (`lab.runner.training_device`)."""
    from lab.runner import training_device as device

    return device()
