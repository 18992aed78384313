"""Engine overhead through a worker: a training sent to a worker process vs a bare `fit` in one.

    python -m bench.worker_overhead [--repeats 21] [--only moons|digits]

The app trains in worker processes (`lab.workers`): the page sends the job over a
socket, the worker fits it through the live callbacks and streams every change
back as events. This prices that whole path against the same model trained with
a bare `model.fit(...)` in an equally warm worker process with the same
TensorFlow threads (one pool worker, so each has the machine's cores):

- engine: `TrainingJob(..., backend=ProcessPool(1))`; the fit seconds come from the
  worker (`run.timings["fit_s"]`: callbacks, snapshots, diagnoses and events included,
  model build and final save excluded), and the job's wall time from the page.
- plain: `lab.build` then `setup.model.fit(...)` in a `ProcessPoolExecutor` worker,
  spawned and warmed the same way.

Pairs are interleaved after one warm-up of each, engine first in every other pair (so
that a drift in the machine's speed cancels out); the ratio is the
median of the per-pair ratios (goal <= 1.05), printed with the pairs and the pooled ratio
(all engine seconds over all plain seconds). On 2 cores a pair swings by +-20%, hence
the 21 pairs. The configs are those of
`bench.engine_overhead`.
"""

import argparse
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from bench.engine_overhead import CONFIGS, GOAL, bare_fit_seconds


def _plain_worker_init():
    from lab import runner

    runner.configure_threads(runner.share_of_cores(1))
    runner.warm_up()


def plain_fit_seconds(overrides):
    """In the plain worker: a bare `fit` of the lab's model, from a fresh Keras state (as a worker's job)."""
    import keras

    from lab.registry import get_lab

    lab = get_lab("mlp")
    config = lab.config_cls(**overrides)
    keras.backend.clear_session(free_memory=False)
    return bare_fit_seconds(lab, config, lab.load_data(config))


def engine_once(pool, lab, config, data):
    """Through the worker pool; returns `(fit seconds in the worker, job seconds from start to end on the page)`."""
    from lab.job_queue import JobQueue
    from lab.training import TrainingJob

    start = time.perf_counter()
    job = TrainingJob(lab, config, data, number=1, queue=JobQueue(1), backend=pool).start()
    run = job.wait()
    wall = time.perf_counter() - start
    job.close()
    if run.status != "completed":
        raise RuntimeError(f"engine run ended {run.status}: {run.message}")
    return run.timings["fit_s"], wall


def measure(name, overrides, repeats, pool, plain):
    from lab.registry import get_lab

    lab = get_lab("mlp")
    config = lab.config_cls(**overrides)
    data = lab.load_data(config)
    engine_once(pool, lab, config, data)  # warm-up of each
    plain.submit(plain_fit_seconds, overrides).result()
    engine, walls, bare = [], [], []

    def run_engine():
        fit_s, wall_s = engine_once(pool, lab, config, data)
        engine.append(fit_s)
        walls.append(wall_s)

    def run_bare():
        bare.append(plain.submit(plain_fit_seconds, overrides).result())

    for i in range(repeats):  # every second pair runs the bare fit first: a drift in the machine's speed cancels out
        for run in (run_bare, run_engine) if i % 2 else (run_engine, run_bare):
            run()
    ratios = [e / p for e, p in zip(engine, bare)]
    return {
        "config": name,
        "engine_s": statistics.median(engine),
        "plain_s": statistics.median(bare),
        "ratio": statistics.median(ratios),
        "pooled": sum(engine) / sum(bare),
        "ratios": ratios,
        "engine_runs": engine,
        "plain_runs": bare,
        "wall_s": statistics.median(walls),
    }


def main(argv=None):
    from lab.workers import ProcessPool

    parser = argparse.ArgumentParser(prog="python -m bench.worker_overhead", description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--only", choices=list(CONFIGS))
    args = parser.parse_args(argv)
    pool = ProcessPool(1)
    plain = ProcessPoolExecutor(1, mp_context=get_context("spawn"), initializer=_plain_worker_init)
    try:
        pool.wait_ready()
        print(f"fit seconds inside the worker, median of {args.repeats} interleaved pairs after one warm-up each")
        header = f"{'config':38s} {'engine s':>9s} {'plain s':>8s} {'ratio':>6s} {'(min-max)':>12s} {'job s':>7s}"
        print(header)
        print("-" * len(header))
        results = []
        for key, (name, overrides) in CONFIGS.items():
            if args.only and key != args.only:
                continue
            r = measure(name, overrides, args.repeats, pool, plain)
            results.append(r)
            print(
                f"{r['config']:38s} {r['engine_s']:9.2f} {r['plain_s']:8.2f} {r['ratio']:6.3f} "
                f"{min(r['ratios']):5.2f}-{max(r['ratios']):<5.2f} {r['wall_s']:7.2f}",
                flush=True,
            )
            print(f"  all engine seconds / all plain seconds: {r['pooled']:.3f}", flush=True)
            for what in ("ratios", "engine_runs", "plain_runs"):
                print(f"  {what.replace('_', ' ')}: {', '.join(f'{x:.3f}' for x in r[what])}", flush=True)
        worst = max(r["ratio"] for r in results)
        print(f"goal: ratio <= {GOAL}; worst ratio {worst:.3f} ({'met' if worst <= GOAL else 'not met'})")
        print("job s: from TrainingJob.start() to its end on the page (queue, build, fit, final save, events).")
    finally:
        pool.close()
        plain.shutdown()
    return results


if __name__ == "__main__":
    main()
