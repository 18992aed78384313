"""Time to a relative L2 error threshold for PINN runs (the issue's "Done when" figures).

Runs each preset of the PINN page through the lab's engine (as `python -m lab run`
does) and prints, from each run's history, the wall time at which the error on the
published 256 × 100 grid first fell to 1e-2 and to 1e-3, and λ1, λ2 for the inverse
presets. The error is measured after every epoch (100 steps), so the times are
upper bounds by at most one epoch. No assertion: on a shared machine the timings
measure the neighbours too.

    python -m bench.pinn_time_to_threshold [--only high_accuracy] [--seeds 0,1] [--set dtype=float64 ...]

`--set` changes every preset run (as the CLI's `--set` does), to measure a variant:
`--only quick --set dtype=float64 --set n_f=5000 --set lbfgs_iterations=10000`.
"""

import argparse

from lab.config import format_value
from lab.labs.pinn import LAB as PINN_LAB
from lab.labs.pinn.config import PRESETS, PINNConfig
from lab.training import JobQueue, TrainingJob

THRESHOLDS = (1e-2, 1e-3)


def time_to(history, threshold):
    """Seconds at the end of the first epoch whose error is at most `threshold`, or None."""
    for row in history:
        if row.get("rel_l2_error", float("inf")) <= threshold:
            return row["seconds"]
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="one preset by its key (high_accuracy)")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a setting for every run")
    args = parser.parse_args(argv)
    changes = dict(item.split("=", 1) for item in args.set)
    for preset in PRESETS:
        name = preset.label
        if args.only and preset.key != args.only:
            continue
        for seed in (int(s) for s in args.seeds.split(",")):
            strings = {k: format_value(v) for k, v in {**preset.settings, "seed": seed}.items()}
            config = PINNConfig.from_strings({**strings, **changes})
            job = TrainingJob(PINN_LAB, config, PINN_LAB.load_data(config), queue=JobQueue(1)).start()
            run = job.wait()
            times = {th: time_to(run.history, th) for th in THRESHOLDS}
            reached = "  ".join(f"t(≤{th:g})=" + ("never" if t is None else f"{t:.0f} s") for th, t in times.items())
            extra = "".join(
                f"  {k}={run.metrics[k]:.5g}"
                for k in ("lambda1", "lambda2", "lambda1_error", "lambda2_error")
                if k in run.metrics
            )
            print(
                f"{name}{''.join(f' {k}={v}' for k, v in changes.items())} seed {seed}: {run.status} in {run.wall_seconds:.0f} s  rel_l2_error={run.metrics.get('rel_l2_error', float('nan')):.3g}  {reached}{extra}",
                flush=True,
            )


if __name__ == "__main__":
    main()
