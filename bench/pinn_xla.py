"""Does XLA pay for the PINN? Time per L-BFGS iteration and per Adam step, with and without it.

    python -m bench.pinn_xla [--repeats 5] [--iterations 300] [--runs 3]

Builds the lab's default PINN (and the "High accuracy" network, float64), then
alternates runs of `--iterations` L-BFGS iterations with `jit_compile` off and on
(A, B, A, B ... after a warm-up of each), from the same starting weights, and prints
the median milliseconds per iteration and the ratio. The same for Adam steps
through `fit` (`model.compile(jit_compile=...)`), timed over a second epoch of 100.
Then `--runs` whole default runs through the lab's engine with the L-BFGS of
`PINN.lbfgs_jit_compile` off and on, alternated: time to 1e-2 and in all.
"""

import argparse
import statistics
import time

import keras
import numpy as np

from lab.labs.pinn import LAB as PINN_LAB
from lab.labs.pinn.config import PINNConfig
from lab.training import JobQueue, TrainingJob
from models.pinn import PINN
from models.pinn_lbfgs import lbfgs

CONFIGS = {
    "default (6x20, n_f 2500, float32)": PINNConfig(),
    "high accuracy (8x20, n_f 10000, float64)": PINNConfig(depth=8, n_f=10000, dtype="float64"),
}


def lbfgs_ms(model, start, iterations, jit):
    """Milliseconds per L-BFGS iteration after the first 5 (each call traces and compiles anew)."""
    model.set_weights(start)
    ends = []
    lbfgs(
        model,
        model.loss_terms,
        iterations,
        on_iteration=lambda *terms: ends.append(time.perf_counter()),
        jit_compile=jit,
    )
    return (ends[-1] - ends[4]) / (len(ends) - 5) * 1000


def adam_ms(setup, start, steps, jit):
    """Milliseconds per Adam step in the second epoch (the first one traces and compiles)."""
    model = setup.model
    model.set_weights(start)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), jit_compile=jit)
    model.plan(steps, 2)
    ends = []
    clock = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: ends.append(time.perf_counter()))
    model.fit(setup.x[:steps], None, batch_size=1, epochs=2, verbose=0, callbacks=[clock])
    return (ends[1] - ends[0]) / steps * 1000


def compare(label, measure, repeats):
    measure(False), measure(True)  # warm-up: trace and compile both
    times = {False: [], True: []}
    for _ in range(repeats):
        for jit in (False, True):
            times[jit].append(measure(jit))
    plain, xla = statistics.median(times[False]), statistics.median(times[True])
    print(f"  {label}: {plain:.1f} ms without XLA, {xla:.1f} ms with XLA, ratio {xla / plain:.2f}", flush=True)


def whole_run(jit):
    """`(seconds to an error of 1e-2, seconds in all)` of the default run through the engine."""
    PINN.lbfgs_jit_compile = jit
    config = PINNConfig()
    run = TrainingJob(PINN_LAB, config, PINN_LAB.load_data(config), queue=JobQueue(1)).start().wait()
    reached = next((row["seconds"] for row in run.history if row["rel_l2_error"] <= 1e-2), float("nan"))
    return reached, run.wall_seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    for name, config in CONFIGS.items():
        keras.utils.set_random_seed(0)
        setup = PINN_LAB.build(config, PINN_LAB.load_data(config))
        start = [np.array(w) for w in setup.model.get_weights()]
        print(name, flush=True)
        compare(
            "L-BFGS iteration",
            lambda jit, setup=setup, start=start: lbfgs_ms(setup.model, start, args.iterations, jit),
            args.repeats,
        )
        compare("Adam step", lambda jit, setup=setup, start=start: adam_ms(setup, start, 100, jit), args.repeats)
    if args.runs:
        print("whole default runs (seconds to 1e-2 / in all):", flush=True)
        results = {False: [], True: []}
        for _ in range(args.runs):
            for jit in (False, True):
                results[jit].append(whole_run(jit))
                print(
                    f"  XLA {'on ' if jit else 'off'}: {results[jit][-1][0]:.1f} / {results[jit][-1][1]:.1f}",
                    flush=True,
                )
        for jit in (False, True):
            to_target, total = (statistics.median(r[i] for r in results[jit]) for i in (0, 1))
            print(f"  median, XLA {'on ' if jit else 'off'}: {to_target:.1f} s to 1e-2, {total:.1f} s in all")


if __name__ == "__main__":
    main()
