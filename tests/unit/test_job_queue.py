"""The training queue: round-robin by session, each waiting job's place and expected wait."""

import threading
import time

from lab.job_queue import JobQueue


class FakeJob:
    """What the queue reads of a job: its session, Stop and the page watch."""

    def __init__(self, name, session):
        self.name, self.session = name, session
        self.stop_requested = False

    def check_watched(self):
        return False


def admit(queue, job, started):
    def wait_turn():
        if queue.acquire(job):
            started.append(job.name)

    thread = threading.Thread(target=wait_turn, daemon=True)
    thread.start()
    return thread


def wait_for(condition, timeout=10):
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def test_one_sessions_three_runs_do_not_push_another_session_back():
    queue, started = JobQueue(2), []
    a = [FakeJob(f"A{i}", "A") for i in (1, 2, 3)]
    for job in a:  # session A presses "Compare the three"
        admit(queue, job, started)
        time.sleep(0.05)
    wait_for(lambda: len(started) == 2)
    b = FakeJob("B1", "B")
    admit(queue, b, started)
    wait_for(lambda: queue.position(b) == 1)
    assert queue.position(a[2]) == 2  # B is ahead of A's third
    queue.release(a[0])
    wait_for(lambda: len(started) == 3)
    assert started == ["A1", "A2", "B1"]
    queue.release(a[1])
    wait_for(lambda: len(started) == 4)
    assert started[-1] == "A3"


def test_the_expected_wait_grows_with_the_place_in_the_queue():
    queue, started = JobQueue(1), []
    first = FakeJob("first", "A")
    admit(queue, first, started)
    wait_for(lambda: started)
    waiting = [FakeJob(name, name) for name in ("B", "C", "D")]
    for job in waiting:
        admit(queue, job, started)
    wait_for(lambda: all(queue.position(job) for job in waiting))
    waits = [queue.expected_wait(job) for job in waiting]
    assert waits == sorted(waits) and waits[0] > 0 and waits[2] > waits[0]
    assert queue.expected_wait(first) is None  # running, not waiting
    for job in waiting:
        job.stop_requested = True
    queue.release(first)


def test_a_job_without_a_session_is_a_session_of_its_own():
    queue, started = JobQueue(1), []
    blocker = FakeJob("blocker", None)
    admit(queue, blocker, started)
    wait_for(lambda: started)
    later = [FakeJob(f"cli{i}", None) for i in range(3)]
    for job in later:
        admit(queue, job, started)
        time.sleep(0.05)
    wait_for(lambda: all(queue.position(job) for job in later))
    assert [queue.position(job) for job in later] == [1, 2, 3]  # first come, first served
    for job in later:
        job.stop_requested = True
    queue.release(blocker)


def test_trainings_count_the_running_the_waiting_and_a_job_on_its_way():
    queue, started = JobQueue(1), []
    running, waiting = FakeJob("running", "A"), FakeJob("waiting", "B")
    admit(queue, running, started)
    wait_for(lambda: started)
    admit(queue, waiting, started)
    wait_for(lambda: queue.position(waiting) == 1)
    assert queue.trainings() == queue.trainings(running) == 2
    assert queue.trainings(FakeJob("just started", "C")) == 3  # its thread has not reached the queue yet
    waiting.stop_requested = True
    wait_for(lambda: queue.trainings() == 1)
    queue.release(running)
    assert queue.trainings() == 0


def test_a_busy_server_redraws_each_page_less_often_up_to_a_limit():
    from lab.ui.live import MAX_REDRAW_SLOWDOWN, redraw_slowdown

    queue, started = JobQueue(1), []
    mine = FakeJob("mine", "A")
    mine.queue = queue
    assert redraw_slowdown(mine) == 1  # alone on the server (on its way to the queue)
    others = [FakeJob(f"other{i}", f"S{i}") for i in range(6)]
    admit(queue, others[0], started)
    wait_for(lambda: started)
    assert redraw_slowdown(mine) == 2
    for job in others[1:]:
        admit(queue, job, started)
    wait_for(lambda: queue.trainings() == len(others))
    assert redraw_slowdown(mine) == MAX_REDRAW_SLOWDOWN
    for job in others[1:]:
        job.stop_requested = True
    queue.release(others[0])
