"""The training queue: at most `LAB_MAX_JOBS` trainings at once, the others wait in FIFO order."""

import os
import threading


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
