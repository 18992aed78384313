"""What the worker processes and the Ray trainers share: a pool of long-lived workers that take jobs in turn.

A `PooledWorker` is the page's handle on one worker. It holds at most one job: the
one training there, or the finished one whose model it keeps for `step` and `ask`.
`WorkerPool.lease` hands a job an idle worker, preferring one that keeps no model,
else the one idle longest (its kept job is unloaded: the page keeps the run, only
`step` and `ask` stop). A worker past `LAB_WORKER_MAX_JOBS` jobs or `LAB_WORKER_MAX_MB`
of memory is replaced before it takes another job; a dead one is replaced at once.

Subclasses say how to reach a worker: `_post(message)` (no answer), `_call(...)`
(an answer) and `_exit()`, and feed `_on_event`, `_on_idle`, `_on_hello` and `_died`.
"""

import atexit
import itertools
import threading
import time
import weakref
from typing import Any

from lab.job_queue import env_int

LEASE_TIMEOUT_S = 120.0  # a job waits this long for a worker to start before it fails


class PooledWorker:
    """The page's handle on one worker (see the module's docstring).

    Args:
        pool: the `WorkerPool` told when the worker is ready, idle or dead.
        lost_words: the sentence a run ends with when this worker dies under it.
    """

    def __init__(self, pool, lost_words):
        self.pool = pool
        self.lost_words = lost_words
        self.info: dict = {}
        self.born = time.monotonic()
        self.ready = threading.Event()
        self.alive = True
        self.job: Any = None  # the page's `TrainingJob`
        self.training = False
        self.jobs_done = 0  # jobs it took
        self.rss_mb = 0.0  # as it reported after its last job
        self.idle_since = time.monotonic()
        self._request_ids = itertools.count(1)

    # ---- What the worker says ---------------------------------------------------------------

    def _on_hello(self, info):
        self.info = info
        self.ready.set()
        print(
            f"lab: {self.pool.name} worker {info.get('pid', '?')} ready in {time.monotonic() - self.born:.1f} s",
            flush=True,
        )
        self.pool.changed()

    def _on_event(self, job_id, event):
        job = self.job
        if job is not None and job.id == job_id:
            job.apply(event)

    def _on_idle(self, info):
        self.rss_mb = info["rss_mb"]

    def _died(self):
        if not self.alive and self.job is None:
            return
        self.alive = False
        job, self.job, self.training = self.job, None, False
        if job is not None:
            job.lost(self.lost_words)
        self.pool.died(self)

    # ---- The worker interface of `lab.backends` ---------------------------------------------

    def train(self, job):
        self._post(("train", job.id, job.lab.name, job.run.config, job.data, job.run.number))

    def send(self, job, name, *args):
        if self.job is job:
            self._post((name, job.id, *args))

    def request(self, job, name, args, kwargs, timeout):
        if self.job is not job or not self.alive:
            raise RuntimeError(self.lost_words)
        ok, value = self._call(name, job.id, next(self._request_ids), args, kwargs, timeout)
        if ok:
            return value
        kind, words = value
        raise (ValueError if kind == "ValueError" else RuntimeError)(words)

    def finished(self, job):
        if self.job is job:
            self.training = False
            self.idle_since = time.monotonic()
            self.pool.changed()

    def drop(self, job):
        if self.job is job:
            self.job = None
            self._post(("drop", job.id))
            self.pool.changed()

    # ---- The pool's side --------------------------------------------------------------------

    def take(self, job):
        """Gives this idle worker to `job`, unloading the finished job it kept."""
        kept, self.job, self.training = self.job, job, True
        self.jobs_done += 1
        if kept is not None:
            kept.unload()
            self._post(("drop", kept.id))

    def retire(self):
        """Ends the worker (its kept job, if any, is unloaded first)."""
        kept, self.job, self.alive = self.job, None, False
        if kept is not None:
            kept.unload()
        self._exit()

    def _post(self, message):
        raise NotImplementedError

    def _call(self, name, job_id, request_id, args, kwargs, timeout):
        raise NotImplementedError

    def _exit(self):
        raise NotImplementedError


class WorkerPool:
    """Long-lived workers that take jobs in turn (see the module's docstring).

    Args:
        size: the number of workers; None reads `LAB_MAX_JOBS` (default 2).
    """

    name = "pool"

    def __init__(self, size=None):
        self.size = size or env_int("LAB_MAX_JOBS", 2)
        self.max_jobs_per_worker = env_int("LAB_WORKER_MAX_JOBS", 10)
        self.max_mb = env_int("LAB_WORKER_MAX_MB", 1500)
        self.notice = ""
        self.replaced = 0
        self.closed = False
        self._cond = threading.Condition()
        self.workers: list[Any] = [self.make_worker() for _ in range(self.size)]
        _POOLS.add(self)

    def make_worker(self) -> PooledWorker:
        raise NotImplementedError

    def changed(self):
        with self._cond:
            self._cond.notify_all()

    def died(self, worker):
        """A worker is gone: a new one takes its place (unless the pool retired or replaced it already)."""
        with self._cond:
            if worker in self.workers and not self.closed:
                self.workers[self.workers.index(worker)] = self.make_worker()
                self.replaced += 1
                print(
                    f"lab: {self.name} worker {worker.info.get('pid', '?')} stopped; a new one replaces it", flush=True
                )
            self._cond.notify_all()

    def lease(self, job):
        """An idle worker for `job` (see the module's docstring).

        Raises:
            RuntimeError: no worker became ready within `LEASE_TIMEOUT_S`, or the job was stopped.
        """
        deadline = time.monotonic() + LEASE_TIMEOUT_S
        with self._cond:
            while True:
                self._replace_worn()
                idle = [w for w in self.workers if w.ready.is_set() and w.alive and not w.training]
                if idle:
                    worker = min(idle, key=lambda w: (w.job is not None, w.idle_since))
                    worker.take(job)
                    return worker
                if job.stop_requested:
                    raise RuntimeError("Stopped before a training process was free.")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"No training process became ready within {LEASE_TIMEOUT_S:.0f} s.")
                self._cond.wait(timeout=0.2)

    def _replace_worn(self):
        for i, worker in enumerate(self.workers):
            worn = worker.jobs_done >= self.max_jobs_per_worker or worker.rss_mb > self.max_mb
            if worn and worker.alive and not worker.training:
                worker.retire()
                self.workers[i] = self.make_worker()
                self.replaced += 1

    def wait_ready(self, timeout=180):
        """Waits until every worker has warmed up (benchmarks start timing only then); False on timeout."""
        deadline = time.monotonic() + timeout
        return all(w.ready.wait(max(0.0, deadline - time.monotonic())) for w in list(self.workers))

    def close(self):
        with self._cond:
            self.closed = True
            workers, self.workers = self.workers, []
        for worker in workers:
            worker.retire()


_POOLS: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _close_pools():
    """Ends every pool's workers when the server exits (they also end on their own once its socket closes)."""
    for pool in list(_POOLS):
        pool.close()
