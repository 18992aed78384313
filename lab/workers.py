"""The app's default backend: a pool of `LAB_MAX_JOBS` worker processes, each warm before the first click.

Each worker is a fresh Python (`python -m lab.workers`, never a fork of a process
that imported TensorFlow), connected to the page's process by a Unix socket that
only it can open (an authenticated `multiprocessing.connection`): commands in,
events out. It limits TensorFlow's threads to its share of the cores, trains a
small run once to warm up, then runs one job at a time in a `lab.runner.WorkerCore`.

The pool (`lab.worker_pool`) replaces a worker after `LAB_WORKER_MAX_JOBS` jobs
(default 10) or once its memory passes `LAB_WORKER_MAX_MB` (default 1500), so the
memory TensorFlow keeps after each training never piles up. A worker that dies
ends its run as failed with a sentence, and a new one takes its place.
"""

import contextlib
import gc
import os
import pathlib
import queue
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from multiprocessing.connection import Client, Listener
from typing import Any

from lab.backends import CRASHED
from lab.worker_pool import PooledWorker, WorkerPool

ROOT = pathlib.Path(__file__).resolve().parents[1]  # the folder that holds the `lab` package


# ---- The worker process ----------------------------------------------------------------------


WARM_UP_NICE = 10  # while a worker imports TensorFlow and warms up, the page it serves renders first


@contextlib.contextmanager
def yielding_to_the_server():
    """Lowers this process's priority for the block, then restores it where the system allows.

    Workers start with the server's first page, and their TensorFlow import would
    otherwise take two thirds of a 2-core machine while that page renders. Linux
    keeps a priority per thread, so every thread started meanwhile is restored
    too; without the right to raise priority again (not root, no CAP_SYS_NICE) the
    worker stays at the lower one.
    """
    before = os.getpriority(os.PRIO_PROCESS, 0)
    os.setpriority(os.PRIO_PROCESS, 0, before + WARM_UP_NICE)
    try:
        yield
    finally:
        try:
            for tid in os.listdir("/proc/self/task"):
                os.setpriority(os.PRIO_PROCESS, int(tid), before)
        except OSError:
            pass  # not allowed: the worker trains at the lower priority


ORPHAN_CHECK_S = 0.5


def exit_with_the_server():
    """Ends this worker within `ORPHAN_CHECK_S` of its server's death, even mid warm-up or mid-training.

    A closed socket is only noticed between messages; a server that stops (or is
    restarted) must not leave workers behind that keep importing or training.
    """
    server = os.getppid()

    def watch():
        while os.getppid() == server:
            time.sleep(ORPHAN_CHECK_S)
        os._exit(0)

    threading.Thread(target=watch, name="lab-worker-orphan-check", daemon=True).start()


def worker_main(conn, workers):
    """The worker process: warms TensorFlow, says hello, then obeys the page's messages until the pipe closes."""
    exit_with_the_server()
    with yielding_to_the_server():  # TensorFlow's import is most of the warm-up: it runs niced too
        from lab import runner
        from lab.server import rss_mb

        threads = runner.configure_threads(runner.share_of_cores(workers))
        runner.warm_up()
    outbox: queue.SimpleQueue = queue.SimpleQueue()
    send = outbox.put  # training never waits for the page to read: one thread writes, in order

    def write():
        while True:
            message = outbox.get()
            try:
                conn.send(message)
            except (OSError, ValueError):
                return  # the page's process is gone

    threading.Thread(target=write, name="lab-worker-writer", daemon=True).start()

    core = runner.WorkerCore(lambda job_id, event: send(("event", job_id, event)))

    def train(job_id, trainer):
        trainer.train()
        gc.collect()  # off the next job's path (its `clear_session` skips it)
        send(("idle", job_id, {"rss_mb": rss_mb(os.getpid())}))

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


class WorkerProcess(PooledWorker):
    """The page's handle on one worker process: its socket, the job it holds and the answers it owes."""

    def __init__(self, pool, workers):
        super().__init__(pool, CRASHED)
        folder = tempfile.mkdtemp(prefix="lab-worker-")
        address, key = os.path.join(folder, "socket"), secrets.token_bytes(32)
        self._listener = Listener(address, family="AF_UNIX", authkey=key)
        env = {
            "TF_CPP_MIN_LOG_LEVEL": "2",
            **os.environ,
            "LAB_WORKER_KEY": key.hex(),
            "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path[1:]]),
        }
        command = [sys.executable, "-m", "lab.workers", address, str(workers)]
        # Its own session: a signal to the server's process group does not reach it (the pool ends it,
        # or it ends when its socket closes), so a dying server never looks like a dying worker.
        self.process = subprocess.Popen(command, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, start_new_session=True)
        self.conn: Any = None
        self._lock = threading.Lock()
        self._replies: dict = {}
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
                kind, *rest = self.conn.recv()
            except (EOFError, OSError):
                break
            if kind == "hello":
                self._on_hello(rest[0])
            elif kind == "event":
                self._on_event(*rest)
            elif kind == "idle":
                self._on_idle(rest[1])
            elif kind == "reply":
                slot = self._replies.get(rest[0])
                if slot is not None:
                    slot[1].append(tuple(rest[1:]))
                    slot[0].set()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for done, answer in list(self._replies.values()):
            answer.append((False, ("RuntimeError", CRASHED)))
            done.set()
        self._died()

    def _post(self, message):
        with self._lock:
            try:
                self.conn.send(message)
            except (OSError, ValueError, AttributeError):
                pass  # a dead worker: its reader reports it

    def _call(self, name, job_id, request_id, args, kwargs, timeout):
        done, answer = threading.Event(), list[tuple]()
        self._replies[request_id] = (done, answer)
        try:
            self._post((name, job_id, request_id, args, kwargs))
            if not done.wait(timeout):
                raise RuntimeError(f"The training process did not answer within {timeout:.0f} s.")
        finally:
            self._replies.pop(request_id, None)
        return answer[0]

    def _exit(self):
        self._post(("exit", None))


class ProcessPool(WorkerPool):
    """`LAB_MAX_JOBS` worker processes on this machine (see the module's docstring)."""

    name = "process"

    def make_worker(self):
        return WorkerProcess(self, self.size)

    def describe(self):
        """Where trainings run, in words."""
        device = next((w.info["device"] for w in self.workers if w.info), f"CPU ({os.cpu_count()} cores)")
        return f"this server's {device}, in {self.size} worker processes"


if __name__ == "__main__":
    _address, _workers = sys.argv[1], int(sys.argv[2])
    worker_main(Client(_address, family="AF_UNIX", authkey=bytes.fromhex(os.environ.pop("LAB_WORKER_KEY"))), _workers)
