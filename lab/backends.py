"""Where a job trains: a thread of this process, a pool of worker processes, or a Ray cluster.

Every backend hands a job a *worker*, the page's handle on one `lab.runner.WorkerCore`:

- `train(job)`: starts the job there; its events reach `job.apply`, a lost worker `job.lost`;
- `send(job, name, *args)`: a command that answers nothing (`stop`, `set`);
- `request(job, name, args, kwargs, timeout)`: a command that answers (`step`, `ask`);
- `finished(job)`: the training ended; the worker keeps the model for `step` and `ask`
  until `drop(job)` or until the backend needs the worker for another job.

`app_backend()` is the app's: worker processes (`LAB_BACKEND=process`, the default),
this process' threads (`LAB_BACKEND=thread`), or Ray when `LAB_RAY_ADDRESS` is set.
"""

import os
import threading

CRASHED = (
    "the training process stopped unexpectedly (it may have run out of memory, or been stopped by the host). "
    "The other sessions are not affected; press Train to try again."
)


class ThreadWorker:
    """One job in a thread of this process (the CLI's and the tests' backend)."""

    def __init__(self):
        from lab.runner import WorkerCore

        self._jobs: dict = {}
        self.core = WorkerCore(self._emit, fresh_state=False)  # threads share Keras' state

    def _emit(self, job_id, event):
        job = self._jobs.get(job_id)
        if job is not None:
            job.apply(event)

    def train(self, job):
        self._jobs[job.id] = job
        runner = self.core.start(job.id, job.lab, job.run.config, job.data, job.run.number)
        threading.Thread(target=runner.train, name=f"train-{job.lab.name}-{job.run.number}", daemon=True).start()

    def send(self, job, name, *args):
        try:
            self.core.command(job.id, name, *args)
        except (KeyError, ValueError, TypeError):
            pass  # a command that cannot apply changes nothing

    def request(self, job, name, args, kwargs, timeout):
        return self.core.command(job.id, name, *args, **kwargs)

    def finished(self, job):
        pass

    def drop(self, job):
        self.core.drop(job.id)
        self._jobs.pop(job.id, None)

    def setup_of(self, job):
        runner = self.core.runners.get(job.id)
        return None if runner is None else runner._setup


class ThreadBackend:
    """Trains each job in a thread of this process; the queue alone caps how many at once."""

    name = "thread"
    notice = ""

    def lease(self, job):
        return ThreadWorker()

    def describe(self):
        from lab.runner import training_device

        return f"this server's {training_device()}"


THREADS = ThreadBackend()


_APP: list = []  # the app's backend, made once per server process
_APP_LOCK = threading.Lock()


def app_backend():
    """The app's backend, made once per server process (see the module's docstring).

    A Ray cluster that cannot be reached at start, or that can no longer start
    trainers, is replaced by local worker processes; the backend's `notice` says so
    on every lab page.
    """
    with _APP_LOCK:
        if not _APP:
            _APP.append(_make_backend())
        elif getattr(_APP[0], "broken", False):
            address = _APP[0].address
            _APP[0] = _process_backend(
                notice=f"The Ray cluster at {address} stopped answering. "
                "Trainings run in this server's own worker processes until it restarts."
            )
        return _APP[0]


def _make_backend():
    address = os.environ.get("LAB_RAY_ADDRESS", "").strip()
    kind = os.environ.get("LAB_BACKEND", "process").strip() or "process"
    if address:
        from lab.ray_backend import RayBackend, RayUnavailable

        try:
            return RayBackend(address)
        except RayUnavailable as err:
            print(f"lab: {err}; training in local worker processes instead", flush=True)
            return _process_backend(notice=f"{err}. Trainings run in this server's own worker processes instead.")
    if kind == "thread":
        return THREADS
    if kind != "process":
        raise ValueError(f"LAB_BACKEND must be 'process' or 'thread', not {kind!r}.")
    return _process_backend()


def _process_backend(notice=""):
    from lab.workers import ProcessPool

    pool = ProcessPool()
    pool.notice = notice
    return pool
