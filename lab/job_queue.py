"""The training queue: at most `LAB_MAX_JOBS` trainings at once, the others wait, fairly across sessions.

A free slot goes to the waiting job whose session was served longest ago (a
session never served comes first), then to the earliest arrival: round-robin by
session, so one student's "Compare the three" does not push the others back by three.
"""

import heapq
import itertools
import os
import statistics
import threading
import time

DEFAULT_RUN_S = 20.0  # the expected length of a run before any has finished here
RECENT_RUNS = 20  # the expected wait averages this many recent runs


def env_int(name, default):
    """An integer setting from the environment (hosting caps), or its default."""
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


class JobQueue:
    """Admits at most `max_jobs` trainings at once; the others wait, round-robin by session.

    A job is anything with `stop_requested`, `check_watched()` and `session` (the
    key of the browser session that asked for it; None is a session of its own).

    Args:
        max_jobs: the cap; None reads `LAB_MAX_JOBS` (default 2) whenever it is needed.
    """

    def __init__(self, max_jobs=None):
        self._max_jobs = max_jobs
        self._cond = threading.Condition()
        self._running: set = set()
        self._waiting: list = []  # in order of arrival
        self._served: dict = {}  # session -> turn of its last admission
        self._turns = itertools.count(1)
        self._started: dict = {}  # job -> monotonic time it was admitted
        self._durations: list = []

    def acquire(self, job):
        """Blocks until `job` may train; returns False if it was stopped while waiting."""
        with self._cond:
            self._waiting.append(job)
            while not (self._order()[0] is job and len(self._running) < self.max_jobs):
                job.check_watched()
                if job.stop_requested:
                    self._waiting.remove(job)
                    self._cond.notify_all()
                    return False
                self._cond.wait(timeout=0.2)
            self._waiting.remove(job)
            self._running.add(job)
            self._served[_session_of(job)] = next(self._turns)
            self._started[job] = time.monotonic()
            self._cond.notify_all()
            return True

    def release(self, job):
        with self._cond:
            if job in self._running:
                self._running.discard(job)
                started = self._started.pop(job, None)
                if started is not None:
                    self._durations = [*self._durations[-RECENT_RUNS + 1 :], time.monotonic() - started]
            self._cond.notify_all()

    def _order(self):
        """The waiting jobs in the order they will be admitted (round-robin by session)."""
        served, order, waiting = dict(self._served), [], list(self._waiting)
        while waiting:
            job = min(waiting, key=lambda j: (served.get(_session_of(j), 0), waiting.index(j)))
            waiting.remove(job)
            order.append(job)
            served[_session_of(job)] = max(served.values(), default=0) + 1
        return order

    def position(self, job):
        """1-based place of a waiting job in the queue, or 0 when it is not waiting."""
        with self._cond:
            order = self._order()
            return order.index(job) + 1 if job in order else 0

    def expected_wait(self, job):
        """Seconds until a waiting job should start, from the running jobs' progress and recent run lengths.

        Returns None when the job is not waiting.
        """
        with self._cond:
            order = self._order()
            if job not in order:
                return None
            typical = statistics.median(self._durations) if self._durations else DEFAULT_RUN_S
            now = time.monotonic()
            free_at = [max(0.0, typical - (now - started)) for started in self._started.values()]
            free_at += [0.0] * max(0, self.max_jobs - len(free_at))
            heapq.heapify(free_at)
            for _ in range(order.index(job)):
                heapq.heappush(free_at, heapq.heappop(free_at) + typical)
            return free_at[0]

    @property
    def max_jobs(self):
        return self._max_jobs or env_int("LAB_MAX_JOBS", 2)

    @property
    def running(self):
        return len(self._running)

    def trainings(self, job=None):
        """The jobs training or waiting here, counting `job` (one that has not ended) also before it reaches the queue."""
        with self._cond:
            on_its_way = job is not None and job not in self._running and job not in self._waiting
            return len(self._running) + len(self._waiting) + on_its_way


def _session_of(job):
    session = getattr(job, "session", None)
    return ("job", id(job)) if session is None else session


QUEUE = JobQueue()
