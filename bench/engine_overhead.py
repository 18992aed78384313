"""Engine overhead: a training through the app's engine vs a plain `model.fit`.

The app trains through `lab.training.TrainingJob`: a background thread whose
live callbacks (`lab.callbacks`) convert every batch's loss, check for divergence, take live
snapshots (about once a second) and re-diagnoses the loss curve (every epoch and
about twice a second). This benchmark prices that live machinery against the
same model trained with a bare `model.fit(...)`.

Both variants build the model with the lab's own `build(config, data)`, after
seeding, outside the timed region, and time the `fit` call alone:

- engine: `TrainingJob(...).start().wait()`, with the lab's `build` wrapped so
  that the model's `fit` is timed from inside the job (same callbacks, same
  thread as in the app). The job's `wall_seconds` (build + fit + final snapshot,
  metrics, diagnosis and model save) is printed as well, for reference.
- plain: `setup.model.fit(setup.x, setup.y, validation_data=..., batch_size=...,
  epochs=..., shuffle=True, verbose=0)` in a background thread (like the engine).

Runs are interleaved engine / plain / engine / plain ... after one warm-up of
each, and the ratio is the median of the per-pair ratios. One more engine run
per config, with their hooks timed (`hook_timer`), shows where the
callbacks' own time goes (per-batch hooks, epoch ends, diagnoses, snapshots).

Usage:

```
python -m bench.engine_overhead [--repeats 5] [--only moons|digits]
```
"""

import argparse
import contextlib
import os
import statistics
import threading
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

CONFIGS = {  # key: (label, MLPConfig overrides)
    "moons": ("moons default, 60 epochs", dict(epochs=60)),
    "digits": (
        "digits 128x128, 30 epochs, batch 32",
        dict(dataset="digits", hidden_units=(128, 128), epochs=30, batch_size=32),
    ),
}
GOAL = 1.05


def timed_fit_lab(lab, timings):
    """A copy of `lab` whose models record how long their `fit` call takes.

    Args:
        lab: a `LabSpec`.
        timings: a list; each `fit` appends its duration in seconds.

    Returns:
        A `LabSpec` that builds the same models as `lab`.
    """

    def build(config, data):
        setup = lab.build(config, data)
        fit = setup.model.fit

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fit(*args, **kwargs)
            finally:
                timings.append(time.perf_counter() - start)

        setup.model.fit = timed
        return setup

    return TimedLab(lab, build)


class TimedLab:
    """A `LabSpec` whose `build` is replaced; every other attribute is the lab's own."""

    def __init__(self, lab, build):
        self._lab, self.build = lab, build

    def __getattr__(self, name):
        return getattr(self._lab, name)


def live_hooks():
    """`{callback class: method names}` of the engine's per-batch and per-epoch work."""
    from lab.callbacks import Guard, LiveSettings, LiveViews, LossStream

    return {
        LiveSettings: ("on_train_batch_begin",),
        LossStream: ("on_train_batch_end", "on_epoch_end"),
        Guard: ("on_train_batch_end",),
        LiveViews: ("take_snapshot", "diagnose"),
    }


@contextlib.contextmanager
def hook_timer(hooks):
    """Times calls to some methods of some classes while the context is open.

    Args:
        hooks: `{class: method names}` to instrument (`live_hooks()`); restored on exit.

    Yields:
        `{"Class.method": [calls, seconds]}`, filled in as the methods run.
    """
    totals, originals = {}, []
    for cls, names in hooks.items():
        for name in names:
            totals[f"{cls.__name__}.{name}"] = [0, 0.0]
            originals.append((cls, name, getattr(cls, name)))

    def wrap(key, method):
        def timed(self, *args, **kwargs):
            start = time.perf_counter()
            try:
                return method(self, *args, **kwargs)
            finally:
                totals[key][0] += 1
                totals[key][1] += time.perf_counter() - start

        return timed

    for cls, name, method in originals:
        setattr(cls, name, wrap(f"{cls.__name__}.{name}", method))
    try:
        yield totals
    finally:
        for cls, name, method in originals:
            setattr(cls, name, method)


def engine_once(lab, config, data):
    """Trains through the app's engine; returns `(fit seconds, job wall_seconds)`."""
    from lab.training import JobQueue, TrainingJob

    timings = []
    job = TrainingJob(timed_fit_lab(lab, timings), config, data, number=1, queue=JobQueue(1))
    run = job.start().wait()
    if run.status != "completed":
        raise RuntimeError(f"engine run ended {run.status}: {run.message}")
    return timings[0], run.wall_seconds


def bare_fit_seconds(lab, config, data):
    """Builds the lab's model after seeding and times a bare `model.fit` of it (build excluded)."""
    import keras

    keras.utils.set_random_seed(config.seed)
    setup = lab.build(config, data)
    start = time.perf_counter()
    setup.model.fit(
        setup.x,
        setup.y,
        validation_data=setup.validation_data,
        batch_size=setup.batch_size,
        epochs=config.epochs,
        shuffle=True,
        verbose=0,
    )
    return time.perf_counter() - start


def plain_once(lab, config, data):
    """Trains the same model with a bare `model.fit` in a background thread (like the engine); returns the fit seconds."""
    result = {}

    def main():
        result["seconds"] = bare_fit_seconds(lab, config, data)

    thread = threading.Thread(target=main, name="plain-fit")
    thread.start()
    thread.join()
    return result["seconds"]


def measure(name, overrides, repeats):
    """Interleaved engine / plain timings of one config; returns a result dict."""
    from lab.registry import get_lab

    lab = get_lab("mlp")
    config = lab.config_cls(**overrides)
    data = lab.load_data(config)
    engine_once(lab, config, data)  # warm-up
    plain_once(lab, config, data)
    engine, wall, plain = [], [], []
    for _ in range(repeats):
        fit_s, wall_s = engine_once(lab, config, data)
        engine.append(fit_s)
        wall.append(wall_s)
        plain.append(plain_once(lab, config, data))
    with hook_timer(live_hooks()) as hooks:  # one more, instrumented, engine run
        hooked_fit_s, _ = engine_once(lab, config, data)
    ratios = [e / p for e, p in zip(engine, plain)]
    steps = -(-len(data.x_train) // config.batch_size) * config.epochs
    return {
        "config": name,
        "steps": steps,
        "engine_s": statistics.median(engine),
        "plain_s": statistics.median(plain),
        "ratio": statistics.median(ratios),
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
        "engine_wall_s": statistics.median(wall),
        "hooks": hooks,
        "hooked_fit_s": hooked_fit_s,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.engine_overhead", description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="measured engine/plain pairs per config (default 5)")
    parser.add_argument("--only", choices=list(CONFIGS), help="measure one config")
    args = parser.parse_args(argv)
    print(f"fit time only (model build excluded), median of {args.repeats} interleaved pairs after one warm-up each")
    header = f"{'config':38s} {'steps':>6s} {'engine s':>9s} {'plain s':>8s} {'ratio':>6s} {'(min-max)':>12s} {'job wall s':>11s}"
    print(header)
    print("-" * len(header))
    results = []
    for key, (name, overrides) in CONFIGS.items():
        if args.only and key != args.only:
            continue
        r = measure(name, overrides, args.repeats)
        results.append(r)
        print(
            f"{r['config']:38s} {r['steps']:6d} {r['engine_s']:9.2f} {r['plain_s']:8.2f} {r['ratio']:6.3f} "
            f"{r['ratio_min']:5.2f}-{r['ratio_max']:<5.2f} {r['engine_wall_s']:11.2f}",
            flush=True,
        )
    print("\ntime inside the live callbacks (one extra, instrumented engine run per config; nested calls count twice)")
    for r in results:
        print(f"  {r['config']} (fit {r['hooked_fit_s']:.2f} s)")
        for name, (calls, seconds) in r["hooks"].items():
            per = 1000 * seconds / calls if calls else 0.0
            print(
                f"    {name:34s} {calls:6d} calls {seconds:7.3f} s {per:8.3f} ms/call {100 * seconds / r['hooked_fit_s']:5.1f}% of fit"
            )
    worst = max(r["ratio"] for r in results)
    print(f"goal: ratio <= {GOAL}; worst ratio {worst:.3f} ({'met' if worst <= GOAL else 'not met'})")
    print(
        "ratio: median of per-pair engine/plain fit times. job wall s: the engine's run.wall_seconds "
        "(build + fit + final snapshot, metrics, diagnosis, model save)."
    )
    return results


if __name__ == "__main__":
    main()
