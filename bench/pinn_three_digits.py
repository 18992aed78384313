"""The "Three digits" PINN preset, checked as the issue asks: from the CLI, the saved model, the exact solution.

For each seed, runs

    python -m lab run pinn --preset three_digits --set seed=S --json S.json --save-model S.keras

then loads `S.keras` with `keras.models.load_model` (after importing the project's `models`),
evaluates it on the published 256 × 100 grid against the exact Cole–Hopf solution, and reads
from the run's history the training time at which the error first fell to 1e-3 (the error is
measured after every epoch of 100 iterations). Prints each seed, then the median and spread.

    python -m bench.pinn_three_digits [--seeds 0,1,2] [--preset three_digits] [--out DIR]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np


def saved_model_error(path):
    """Relative L2 error of a saved PINN (`.keras`) on the 256 × 100 grid against the exact solution."""
    import keras

    import models.pinn  # noqa: F401  (registers the PINN class for loading)
    from lab.labs.pinn.config import NU_BURGERS
    from lab.labs.pinn.data import reference_grid
    from lab.labs.pinn.reference import evaluation_grid, relative_l2

    net = keras.models.load_model(path)
    t, x = evaluation_grid()
    points = np.stack(np.meshgrid(t, x, indexing="ij"), axis=-1).reshape(-1, 2)
    u = np.asarray(net(points.astype(net.float_dtype)), dtype="float64").reshape(len(t), len(x))
    return relative_l2(u, reference_grid("burgers", NU_BURGERS))


def first_time_below(history, threshold):
    """Training seconds at the end of the first epoch whose error is at most `threshold`, or None."""
    return next((row["seconds"] for row in history if row.get("rel_l2_error", np.inf) <= threshold), None)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--preset", default="three_digits")
    parser.add_argument("--out", help="folder for the JSON and models (default: a temporary one)")
    args = parser.parse_args(argv)
    out = Path(args.out or tempfile.mkdtemp(prefix="pinn_three_digits_"))
    out.mkdir(parents=True, exist_ok=True)
    times, errors = [], []
    for seed in (int(s) for s in args.seeds.split(",")):
        json_path, model_path = out / f"seed{seed}.json", out / f"seed{seed}.keras"
        command = [sys.executable, "-m", "lab", "run", "pinn", "--preset", args.preset, "--set", f"seed={seed}"]
        command += ["--json", str(json_path), "--save-model", str(model_path), "--quiet"]
        subprocess.run(command, check=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
        result = json.loads(json_path.read_text())
        error = saved_model_error(model_path)
        reached = first_time_below(result["history"], 1e-3)
        times.append(reached if reached is not None else np.inf)
        errors.append(error)
        print(
            f"seed {seed}: saved model's error {error:.3g} (JSON {result['metrics']['rel_l2_error']:.3g}); "
            f"1e-3 reached after {'never' if reached is None else f'{reached:.1f} s'} of training; "
            f"wall {result['wall_seconds']:.1f} s",
            flush=True,
        )
    print(
        f"median time to 1e-3 {statistics.median(times):.1f} s (spread {min(times):.1f}-{max(times):.1f} s); "
        f"saved models' errors {', '.join(f'{e:.2g}' for e in errors)} (all <= 1e-3: {max(errors) <= 1e-3})"
    )


if __name__ == "__main__":
    main()
