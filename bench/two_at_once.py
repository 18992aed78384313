"""Two trainings at once on 2 cores, without a browser: worker processes vs this process' threads.

    python -m bench.two_at_once [--repeats 3]

The default MLP run, trained alone and then two at once (two sessions), through
the app's pool of two worker processes (`lab.workers.ProcessPool`) and through
the thread backend (what the app did before: every training in the server's
process, sharing its GIL). Prints each run's `wall_seconds` and the ratio of a
run of the pair to a lone run of the same backend, as medians over the repeats,
alternating the backends. `click_to_first_point` measures the same in a browser,
where the pages' redraws and Chromium share the two cores too.
"""

import argparse
import os
import statistics

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def runs(lab, config, data, backend, count):
    """Wall seconds of `count` default runs started together on `backend`."""
    from lab.job_queue import JobQueue
    from lab.training import TrainingJob

    queue = JobQueue(2)
    jobs = [
        TrainingJob(lab, config, data, number=1, queue=queue, backend=backend, session=str(i)).start()
        for i in range(count)
    ]
    seconds = [job.wait().wall_seconds for job in jobs]
    for job in jobs:
        job.close()
    return seconds


def main(argv=None):
    from lab.backends import THREADS
    from lab.registry import get_lab
    from lab.workers import ProcessPool

    parser = argparse.ArgumentParser(prog="python -m bench.two_at_once", description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    pool = ProcessPool(2)
    try:
        pool.wait_ready()
        lab = get_lab("mlp")
        config = lab.config_cls()
        data = lab.load_data(config)
        backends = {"worker processes": pool, "threads of one process": THREADS}
        for backend in backends.values():
            runs(lab, config, data, backend, 1)  # warm-up
        alone = {name: [] for name in backends}
        pair = {name: [] for name in backends}
        for i in range(args.repeats):
            for name, backend in backends.items():
                alone[name] += runs(lab, config, data, backend, 1)
                pair[name] += runs(lab, config, data, backend, 2)
                print(f"  {i + 1}: {name}: alone {alone[name][-1]:.2f} s, two at once {pair[name][-2:]}", flush=True)
        for name in backends:
            lone, two = statistics.median(alone[name]), statistics.median(pair[name])
            print(f"{name:24s} alone {lone:6.2f} s   two at once {two:6.2f} s   ratio {two / lone:5.2f}")
        thread_lone = statistics.median(alone["threads of one process"])
        worker_two = statistics.median(pair["worker processes"])
        print(f"two at once in workers / alone in a thread: {worker_two / thread_lone:.2f} (goal <= 2.0)")
    finally:
        pool.close()


if __name__ == "__main__":
    main()
