"""The app's default backend: a pool of `LAB_MAX_JOBS` worker processes, each warm before the first click.

Each worker is a fresh Python (`python -m lab.workers`, never a fork of a process
that imported TensorFlow), connected to the page's process by a Unix socket that
only it can open (an authenticated `multiprocessing.connection`). It limits TensorFlow's threads to its share of the cores,
trains a tiny model once, then runs one job at a time in a `lab.runner.WorkerCore`,
talking to the page over a pipe: commands in, events out. A finished job's model
stays in its worker for `step` and `ask` until the pool needs the worker.

A worker is replaced after `LAB_WORKER_MAX_JOBS` jobs (default 10) or once its
memory passes `LAB_WORKER_MAX_MB` (default 1500), so the memory TensorFlow keeps
after each training never piles up. A worker that dies ends its run as failed
with a sentence, and a new one takes its place.
"""

import gc
import itertools
import os
import pathlib
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from multiprocessing.connection import Client, Listener

from lab.backends import CRASHED
from lab.job_queue import env_int

LEASE_TIMEOUT_S = 120.0  # a job waits this long for a worker to start before it fails
ROOT = pathlib.Path(__file__).resolve().parents[1]  # the folder that holds the `lab` package


# ---- The worker process ----------------------------------------------------------------------


def worker_main(conn, workers):
    """The worker process: warms TensorFlow, says hello, then obeys the page's messages until the pipe closes."""
    from lab import runner
    from lab.server import rss_mb

    threads = runner.configure_threads(workers)
    runner.warm_up()
    lock = threading.Lock()

    def send(message):
        with lock:
            conn.send(message)

    core = runner.WorkerCore(lambda job_id, event: send(("event", job_id, event)))
    jobs_done = 0

    def train(job_id, trainer):
        nonlocal jobs_done
        trainer.train()
        jobs_done += 1
        gc.collect()  # off the next job's path (its `clear_session` skips it)
        send(("idle", job_id, {"rss_mb": rss_mb(os.getpid()), "jobs": jobs_done}))

    def answer(job_id, request_id, name, args, kwargs):
        try:
            send(("reply", request_id, True, core.command(job_id, name, *args, **kwargs)))
        except Exception as err:
            send(("reply", request_id, False, (type(err).__name__, str(err))))

    send(("hello", {"pid": os.getpid(), "device": runner.training_device(), "threads": threads}))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the page's process is gone
        try:
            kind, job_id, *rest = message
            if kind == "exit":
                return
            if kind == "train":
                trainer = core.start(job_id, *rest)
                threading.Thread(target=train, args=(job_id, trainer), daemon=True).start()
            elif kind == "drop":
                core.drop(job_id)
            elif kind in ("step", "ask"):
                request_id, args, kwargs = rest
                threading.Thread(target=answer, args=(job_id, request_id, kind, args, kwargs), daemon=True).start()
            else:
                core.command(job_id, kind, *rest)
        except Exception:  # a malformed or stale message changes nothing
            traceback.print_exc()


# ---- The page's side -------------------------------------------------------------------------


class WorkerProcess:
    """The page's handle on one worker process: its pipe, the job it holds and the answers it owes.

    Args:
        pool: the `ProcessPool` told when the worker is ready, idle or dead.
        workers: how many workers share the cores.
    """

    def __init__(self, pool, workers):
        self.pool = pool
        folder = tempfile.mkdtemp(prefix="lab-worker-")
        address, key = os.path.join(folder, "socket"), secrets.token_bytes(32)
        self._listener = Listener(address, family="AF_UNIX", authkey=key)
        env = {"TF_CPP_MIN_LOG_LEVEL": "2", **os.environ, "LAB_WORKER_KEY": key.hex(), "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path[1:]])}
        command = [sys.executable, "-m", "lab.workers", address, str(workers)]
        self.process = subprocess.Popen(command, env=env, cwd=ROOT, stdin=subprocess.DEVNULL)
        self.conn = None
        self.info: dict = {}
        self.started = time.monotonic()
        self.ready = threading.Event()
        self.alive = True
        self.job = None  # the job training here, or the finished one whose model is kept
        self.training = False
        self.jobs_done = 0
        self.rss_mb = 0.0
        self.idle_since = time.monotonic()
        self._lock = threading.Lock()
        self._replies: dict = {}
        self._request_ids = itertools.count(1)
        threading.Thread(target=self._read, name="lab-worker-reader", daemon=True).start()

    @property
    def pid(self):
        return self.process.pid

    def _connect(self):
        """Accepts the worker's connection (or gives up when the process ends first)."""
        threading.Thread(target=self._watch_start, daemon=True).start()
        try:
            self.conn = self._listener.accept()
        except (OSError, EOFError):
            self.conn = None
        finally:
            self._listener.close()

    def _watch_start(self):
        while self.conn is None and self.process.poll() is None:
            time.sleep(0.2)
        if self.conn is None:  # it died before connecting: wake the listener up
            try:
                Client(self._listener.address, family="AF_UNIX", authkey=b"-").close()
            except Exception:
                pass

    def _read(self):
        self._connect()
        while self.conn is not None:
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                break
            kind = message[0]
            if kind == "hello":
                self.info = message[1]
                self.ready.set()
                self.pool.changed()
            elif kind == "event":
                job = self.job
                if job is not None and job.id == message[1]:
                    job.apply(message[2])
            elif kind == "reply":
                slot = self._replies.get(message[1])
                if slot is not None:
                    slot[1].append(message[2:])
                    slot[0].set()
            elif kind == "idle":
                self.rss_mb, self.jobs_done = message[2]["rss_mb"], message[2]["jobs"]
        self._died()

    def _died(self):
        self.alive = False
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        job, self.job, self.training = self.job, None, False
        if job is not None:
            job.lost(CRASHED)
        for done, answer in list(self._replies.values()):
            answer.append((False, ("RuntimeError", CRASHED)))
            done.set()
        self.pool.died(self)

    def _send(self, message):
        with self._lock:
            try:
                self.conn.send(message)
            except (OSError, ValueError, AttributeError):
                pass  # a dead worker: its reader reports it

    # ---- The worker interface of `lab.backends` ---------------------------------------------

    def train(self, job):
        self._send(("train", job.id, job.lab.name, job.run.config, job.data, job.run.number))

    def send(self, job, name, *args):
        if self.job is job:
            self._send((name, job.id, *args))

    def request(self, job, name, args, kwargs, timeout):
        if self.job is not job or not self.alive:
            raise RuntimeError(CRASHED)
        request_id = next(self._request_ids)
        done, answer = threading.Event(), []
        self._replies[request_id] = (done, answer)
        try:
            self._send((name, job.id, request_id, args, kwargs))
            if not done.wait(timeout):
                raise RuntimeError(f"The training process did not answer within {timeout:.0f} s.")
        finally:
            self._replies.pop(request_id, None)
        ok, value = answer[0]
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
            self._send(("drop", job.id))
            self.pool.changed()

    # ---- The pool's side --------------------------------------------------------------------

    def take(self, job):
        """Gives this idle worker to `job`, unloading the finished job it kept."""
        kept, self.job, self.training = self.job, job, True
        if kept is not None:
            kept.unload()
            self._send(("drop", kept.id))

    def retire(self):
        """Ends the process (its kept job, if any, is unloaded first)."""
        kept, self.job = self.job, None
        if kept is not None:
            kept.unload()
        self._send(("exit", None))
        self.alive = False


class ProcessPool:
    """`LAB_MAX_JOBS` worker processes that take jobs in turn (see the module's docstring).

    Args:
        size: the number of workers; None reads `LAB_MAX_JOBS` (default 2).
    """

    name = "process"

    def __init__(self, size=None):
        self.size = size or env_int("LAB_MAX_JOBS", 2)
        self.max_jobs_per_worker = env_int("LAB_WORKER_MAX_JOBS", 10)
        self.max_mb = env_int("LAB_WORKER_MAX_MB", 1500)
        self.notice = ""
        self.replaced = 0
        self._cond = threading.Condition()
        self.workers = [WorkerProcess(self, self.size) for _ in range(self.size)]

    def changed(self):
        with self._cond:
            self._cond.notify_all()

    def died(self, worker):
        """A worker's pipe closed: a new worker takes its place (unless the pool retired it)."""
        with self._cond:
            if worker in self.workers:
                self.workers[self.workers.index(worker)] = WorkerProcess(self, self.size)
                self.replaced += 1
                print(f"lab: worker process {worker.pid} stopped; a new one replaces it", flush=True)
            self._cond.notify_all()

    def lease(self, job):
        """An idle worker for `job`: one without a kept model first, else the one idle longest.

        A worker past its job or memory limit is replaced first. Raises RuntimeError when
        no worker is ready within `LEASE_TIMEOUT_S`.
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
                self.workers[i] = WorkerProcess(self, self.size)
                self.replaced += 1

    def describe(self):
        """Where trainings run, in words."""
        device = next((w.info["device"] for w in self.workers if w.info), f"CPU ({os.cpu_count()} cores)")
        return f"this server's {device}, in {self.size} worker processes"

    def pids(self):
        """The worker processes' ids (for memory accounting)."""
        return [w.pid for w in self.workers if w.alive]

    def close(self):
        with self._cond:
            workers, self.workers = self.workers, []
        for worker in workers:
            worker.retire()


if __name__ == "__main__":
    _address, _workers = sys.argv[1], int(sys.argv[2])
    worker_main(Client(_address, family="AF_UNIX", authkey=bytes.fromhex(os.environ.pop("LAB_WORKER_KEY"))), _workers)
