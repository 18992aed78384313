"""The cluster backend: jobs run in long-lived `Trainer` actors on a Ray cluster (`LAB_RAY_ADDRESS`).

Each replica of the app keeps `LAB_MAX_JOBS` trainer actors on the cluster (with
`LAB_RAY_GPUS_PER_JOB` GPUs each, default 0). A trainer wraps the same
`lab.runner.WorkerCore` as a worker process; the page polls it for events and
calls it for commands. The app's code reaches the cluster with the connection
(`py_modules`), so worker nodes need only Ray, TensorFlow and the app's requirements.

A cluster that cannot be reached at start raises `RayUnavailable` (the app falls
back to local worker processes). A trainer or cluster lost mid-run ends the run
as failed with a sentence; once no trainer can be started, `broken` is set and the
app falls back too.
"""

import logging
import os
import threading
from typing import Any

from lab.job_queue import env_int
from lab.worker_pool import PooledWorker, WorkerPool

CONNECT_TIMEOUT_S = float(os.environ.get("LAB_RAY_CONNECT_TIMEOUT_S", "") or 30)
POLL_S = 0.25  # a trainer holds a poll this long when it has no events
CALL_TIMEOUT_S = 20.0  # a poll or command that takes longer means the cluster is gone
LOST = (
    "the Ray cluster stopped answering while it trained (a node went away, or the cluster was stopped). "
    "The other sessions are not affected; press Train to try again."
)


class RayUnavailable(RuntimeError):
    """The Ray cluster cannot be reached or cannot start a trainer."""


class Trainer:
    """The Ray actor: one `WorkerCore`, with its events buffered for the page's polls.

    Args:
        threads: TensorFlow threads for this trainer (its CPUs on the node).
    """

    def __init__(self, threads=1):
        from lab import runner

        self._threads = runner.configure_threads(threads)
        runner.warm_up()
        self._cond = threading.Condition()
        self._events: list = []
        self.core = runner.WorkerCore(self._emit)

    def _emit(self, job_id, event):
        with self._cond:
            self._events.append(("event", job_id, event))
            self._cond.notify_all()

    def hello(self):
        import ray

        from lab.runner import training_device

        return {
            "pid": os.getpid(),
            "device": training_device(),
            "node": ray.util.get_node_ip_address(),
            "threads": self._threads,
        }

    def train(self, job_id, lab_name, config, data, number):
        import gc

        from lab.server import rss_mb

        self.core.start(job_id, lab_name, config, data, number).train()
        gc.collect()
        with self._cond:
            self._events.append(("idle", job_id, {"rss_mb": rss_mb(os.getpid())}))
            self._cond.notify_all()

    def command(self, job_id, name, args, kwargs):
        try:
            return True, self.core.command(job_id, name, *args, **kwargs)
        except Exception as err:
            return False, (type(err).__name__, str(err))

    def post(self, job_id, name, args):
        """A command that answers nothing; one that cannot apply changes nothing."""
        try:
            if name == "drop":
                self.core.drop(job_id)
            else:
                self.core.command(job_id, name, *args)
        except Exception:
            pass

    def events(self, timeout):
        """The events since the last poll, waiting up to `timeout` seconds for one."""
        with self._cond:
            if not self._events:
                self._cond.wait(timeout)
            events, self._events = self._events, []
        return events


class RayWorker(PooledWorker):
    """The page's handle on one trainer actor."""

    def __init__(self, pool):
        super().__init__(pool, LOST)
        self._actor: Any = None
        self._poll_lock = threading.Lock()
        threading.Thread(target=self._serve, name="lab-ray-poller", daemon=True).start()

    def _serve(self):
        import ray

        try:
            self._actor = self.pool.trainer_class.options(
                num_cpus=self.pool.cpus, num_gpus=self.pool.gpus, max_concurrency=8
            ).remote(self.pool.cpus)
            self._on_hello(ray.get(self._actor.hello.remote(), timeout=self.pool.start_timeout))
            self.pool.started()
            while self.alive:
                self._poll(POLL_S)
        except Exception as err:  # the actor or the cluster is gone
            if self.alive:
                print(f"lab: a Ray trainer stopped: {type(err).__name__}: {err}", flush=True)
                self.pool.failed(self)
                self._died()

    def _poll(self, wait):
        import ray

        with self._poll_lock:
            for kind, job_id, payload in ray.get(self._actor.events.remote(wait), timeout=CALL_TIMEOUT_S):
                if kind == "event":
                    self._on_event(job_id, payload)
                else:
                    self._on_idle(payload)

    def _post(self, message):
        kind, job_id, *args = message
        if self._actor is None:
            return
        if kind == "train":
            self._actor.train.remote(job_id, *args)
        else:
            self._actor.post.remote(job_id, kind, tuple(args))

    def _call(self, name, job_id, request_id, args, kwargs, timeout):
        import ray

        try:
            answer = ray.get(self._actor.command.remote(job_id, name, args, kwargs), timeout=timeout)
        except Exception as err:
            return False, ("RuntimeError", f"The Ray trainer did not answer ({type(err).__name__}).")
        self._poll(0)  # what the command changed reaches the run before its answer does
        return answer

    def _exit(self):
        import ray

        if self._actor is not None:
            try:
                ray.kill(self._actor)
            except Exception:
                pass


class RayBackend(WorkerPool):
    """`LAB_MAX_JOBS` trainer actors on the Ray cluster at `address` (see the module's docstring).

    Raises:
        RayUnavailable: the cluster cannot be reached within `CONNECT_TIMEOUT_S`.
    """

    name = "ray"

    def __init__(self, address, size=None):
        self.address = address
        self.cpus = env_int("LAB_RAY_CPUS_PER_JOB", 1)
        self.gpus = float(os.environ.get("LAB_RAY_GPUS_PER_JOB", "") or 0)
        self.start_timeout = float(env_int("LAB_RAY_START_TIMEOUT_S", 180))
        self.broken = False
        self._failures = 0
        self.trainer_class = _connect(address)
        super().__init__(size)

    def make_worker(self):
        return RayWorker(self)

    def started(self):
        self._failures = 0

    def failed(self, worker):
        """A trainer could not start or was lost; after one failure per worker in a row the cluster counts as gone."""
        self._failures += 1
        if self._failures > self.size:
            self.broken = True

    def died(self, worker):
        if not self.broken:
            super().died(worker)
        else:
            self.changed()

    def lease(self, job):
        if self.broken:
            raise RuntimeError(f"The Ray cluster at {self.address} cannot start trainers; press Train to try again.")
        return super().lease(job)

    def describe(self):
        nodes = sorted({w.info["node"] for w in self.workers if w.info})
        if not nodes:
            return f"the Ray cluster at {self.address} (its trainers are starting)"
        device = next(w.info["device"] for w in self.workers if w.info)
        trainers = f"{self.size} trainer{'s' if self.size != 1 else ''}"
        return f"the Ray cluster at {self.address}: {trainers} on {len(nodes)} node{'s' if len(nodes) != 1 else ''} ({device})"


def _connect(address):
    """Connects this process to the cluster (once) and returns the `Trainer` actor class.

    The connection runs in a thread, so an unreachable address fails after
    `CONNECT_TIMEOUT_S` instead of hanging the page.
    """
    try:
        import ray
    except ImportError as err:
        raise RayUnavailable("Ray is not installed (pip install -r requirements-cluster.txt)") from err
    import lab
    import models

    outcome: list = []

    def connect():
        try:
            if not ray.is_initialized():
                ray.init(
                    address=address,
                    namespace="deep-learning-lab",
                    runtime_env={"py_modules": [lab, models], "env_vars": {"TF_CPP_MIN_LOG_LEVEL": "2"}},
                    logging_level=logging.ERROR,
                    log_to_driver=False,
                )
            outcome.append(None)
        except Exception as err:
            outcome.append(err)

    thread = threading.Thread(target=connect, name="lab-ray-connect", daemon=True)
    thread.start()
    thread.join(CONNECT_TIMEOUT_S)
    if not outcome:
        raise RayUnavailable(f"The Ray cluster at {address} did not answer within {CONNECT_TIMEOUT_S:.0f} s")
    failure = outcome[0]
    if failure is not None:
        raise RayUnavailable(f"The Ray cluster at {address} cannot be reached ({type(failure).__name__}: {failure})")
    return ray.remote(Trainer)
