"""The PINN lab against DeepXDE's Burgers example, side by side on this machine.

    python -m bench.pinn_vs_deepxde --deepxde-python .bench-venv/bin/python [--repeats 3] [--backend tensorflow]

Each repeat runs, one after the other in fresh processes, `python -m lab run pinn`
(the lab's default: 6 × 20 tanh, 2,500 collocation points, L-BFGS) and
`bench/deepxde_burgers.py` (DeepXDE's example: 3 × 20 tanh, 2,540 points, Adam
15,000 then L-BFGS) with the same seed, and reads from each the relative L2 error
on the published 256 × 100 grid against time. Prints, per run and as medians, the
time to an error of 1e-2 and 1e-3, the final error and the total time, and the
ratio DeepXDE / lab (above 1: the lab is faster). DeepXDE needs its own environment
(bench/README.md, "PINN vs DeepXDE"); it is never a dependency of the app.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

THRESHOLDS = (1e-2, 1e-3)


def time_to(points, threshold):
    """Seconds of the first `(seconds, error)` point at or below `threshold`, or None."""
    return next((seconds for seconds, error in points if error <= threshold), None)


def run_lab(seed):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "run.json")
        subprocess.run(
            [sys.executable, "-m", "lab", "run", "pinn", "--set", f"seed={seed}", "--json", path, "--quiet"],
            check=True,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"},
        )
        with open(path) as f:
            run = json.load(f)
    points = [(row["seconds"], row["rel_l2_error"]) for row in run["history"] if "rel_l2_error" in row]
    return points, run["metrics"]["rel_l2_error"], run["history"][-1]["seconds"]


def run_deepxde(python, backend, seed):
    env = {**os.environ, "DDE_BACKEND": backend, "PYTHONPATH": ".", "TF_CPP_MIN_LOG_LEVEL": "2"}
    out = subprocess.run(
        [python, "bench/deepxde_burgers.py", "--seed", str(seed)], check=True, env=env, capture_output=True, text=True
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    points = [(seconds, error) for seconds, _, error in result["checkpoints"]]
    return points, result["final_rel_l2_error"], result["seconds"]


def cell(value, digits=0):
    return "never" if value is None else f"{value:.{digits}f}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deepxde-python", required=True, help="a Python with DeepXDE installed")
    parser.add_argument("--backend", default="tensorflow", help="DeepXDE backend (DDE_BACKEND)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    results = {"lab": [], "DeepXDE": []}
    for seed in range(args.repeats):
        for name, runner in (
            ("lab", lambda seed=seed: run_lab(seed)),
            ("DeepXDE", lambda seed=seed: run_deepxde(args.deepxde_python, args.backend, seed)),
        ):
            points, final, seconds = runner()
            times = [time_to(points, th) for th in THRESHOLDS]
            results[name].append((times, final, seconds))
            print(
                f"seed {seed} {name:8s} t(≤1e-2)={cell(times[0])} s  t(≤1e-3)={cell(times[1])} s  "
                f"final {final:.2e} after {seconds:.0f} s",
                flush=True,
            )
    print(f"\nmedians of {args.repeats} (DeepXDE backend {args.backend}):")
    print("| figure | lab | DeepXDE | DeepXDE / lab |\n|---|---|---|---|")
    for i, threshold in enumerate(THRESHOLDS):
        ours = [r[0][i] for r in results["lab"]]
        theirs = [r[0][i] for r in results["DeepXDE"]]
        reached = [(a, b) for a, b in zip(ours, theirs) if a is not None and b is not None]
        ratio = f"{statistics.median(b / a for a, b in reached):.2f}" if reached else "-"
        median = {k: statistics.median(v) if None not in v else None for k, v in (("lab", ours), ("DeepXDE", theirs))}
        print(f"| time to error ≤ {threshold:g} (s) | {cell(median['lab'])} | {cell(median['DeepXDE'])} | {ratio} |")
    for label, index, digits in (("final error", 1, None), ("total time (s)", 2, 0)):
        ours = statistics.median(r[index] for r in results["lab"])
        theirs = statistics.median(r[index] for r in results["DeepXDE"])
        text = (lambda v: f"{v:.2e}") if digits is None else (lambda v: f"{v:.0f}")
        print(f"| {label} | {text(ours)} | {text(theirs)} | {theirs / ours:.2f} |")


if __name__ == "__main__":
    main()
