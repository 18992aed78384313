"""A worker killed mid-run: how fast is it replaced, and do the other trainings finish?

    python -m bench.worker_crash [--repeats 3]

Starts the app's pool of two worker processes (`lab.workers.ProcessPool`), trains
two default MLP runs at once, SIGKILLs the worker of the first a second into its
training and measures: the killed run's status and message, the seconds from the
kill until a fresh worker is ready (TensorFlow imported and warm), and whether the
other run completed. Prints the median over the repeats.
"""

import argparse
import os
import signal
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def crash_once(pool):
    from lab.job_queue import JobQueue
    from lab.registry import get_lab
    from lab.training import TrainingJob

    lab = get_lab("mlp")
    config = lab.config_cls()
    data = lab.load_data(config)
    queue = JobQueue(2)
    doomed = TrainingJob(lab, config, data, number=1, queue=queue, backend=pool, session="a").start()
    other = TrainingJob(lab, config, data, number=1, queue=queue, backend=pool, session="b").start()
    while not (doomed.run.batch_loss and other.run.batch_loss):
        time.sleep(0.01)
    time.sleep(1.0)
    killed = time.monotonic()
    os.kill(doomed.worker.pid, signal.SIGKILL)
    run = doomed.wait(60)
    failed_after = time.monotonic() - killed
    while not all(w.ready.is_set() and w.alive for w in pool.workers):
        time.sleep(0.02)
    replaced_after = time.monotonic() - killed
    other_status = other.wait(300).status
    doomed.close()
    other.close()
    return run, failed_after, replaced_after, other_status


def main(argv=None):
    from lab.workers import ProcessPool

    parser = argparse.ArgumentParser(prog="python -m bench.worker_crash", description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    pool = ProcessPool(2)
    try:
        pool.wait_ready()
        replaced, failed = [], []
        for i in range(args.repeats):
            run, failed_after, replaced_after, other_status = crash_once(pool)
            failed.append(failed_after)
            replaced.append(replaced_after)
            print(
                f"crash {i + 1}: killed run {run.status} after {failed_after:.2f} s ({run.message[:60]}...); "
                f"new worker ready after {replaced_after:.1f} s; the other run {other_status}",
                flush=True,
            )
        print(
            f"median: run marked failed {statistics.median(failed):.2f} s after the kill, "
            f"worker replaced (ready) {statistics.median(replaced):.1f} s after it (goal <= 10 s)"
        )
    finally:
        pool.close()


if __name__ == "__main__":
    main()
