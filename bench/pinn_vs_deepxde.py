"""The PINN lab's presets against DeepXDE's Burgers example, PyTorch and TensorFlow backends, in one run.

    python -m bench.pinn_vs_deepxde --deepxde-python .bench-venv/bin/python [--seeds 1,2,3] [--tensorflow-seeds 1]

For every seed, one after the other in fresh processes: the lab's default
(`quick`), DeepXDE's example on its PyTorch backend, the lab's `high_accuracy`
preset (stopped once it reaches 1e-3, see `--stop-below`), and, for the seeds in
`--tensorflow-seeds`, DeepXDE on its TensorFlow backend (about 17 minutes a run).
Each reports the relative L2 error on the published 256 × 100 grid against time,
with the time spent scoring taken off its clock (`bench/pinn_lab_run.py`,
`bench/deepxde_burgers.py`). Prints every run, then per contender the median and
the range of the time to 1e-2, 5e-3 and 1e-3 (a run that never gets there counts
as infinitely slow), the final error and the total time, and DeepXDE-PyTorch's
median time over the contender's (above 1: the contender is faster). DeepXDE needs
its own environment (bench/README.md, "PINN vs DeepXDE"); it is never a dependency
of the app.
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
from typing import NamedTuple

THRESHOLDS = (1e-2, 5e-3, 1e-3)
REFERENCE = "DeepXDE-PyTorch"


def time_to(points, threshold):
    """Seconds of the first `(seconds, error)` point at or below `threshold`, or infinity."""
    return next((seconds for seconds, error in points if error <= threshold), math.inf)


def run_json(command, env=None):
    """The JSON object that `command` prints on its last line."""
    out = subprocess.run(
        command,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})},
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def lab_runner(preset, stop_below=None):
    def run(seed):
        command = [sys.executable, "-m", "bench.pinn_lab_run", "--preset", preset, "--seed", str(seed)]
        return run_json(command + (["--stop-below", str(stop_below)] if stop_below else []))

    return run


def deepxde_runner(python, backend):
    def run(seed):
        env = {"DDE_BACKEND": backend, "PYTHONPATH": "."}
        return run_json([python, "bench/deepxde_burgers.py", "--seed", str(seed)], env)

    return run


class Summary(NamedTuple):
    """One run: seconds to each of `THRESHOLDS` (infinity: never), the final error, the total, whether stopped."""

    times: list
    final: float
    seconds: float
    stopped: bool


def summary(result):
    """The `Summary` of one run's JSON."""
    points = [(seconds, error) for seconds, _, error in result["checkpoints"]]
    times = [time_to(points, threshold) for threshold in THRESHOLDS]
    return Summary(times, result["final_rel_l2_error"], result["seconds"], result.get("stopped", False))


def seconds_text(value):
    return "never" if math.isinf(value) else f"{value:.0f}"


def seconds_cell(values):
    """'median [min–max] (reached/runs)', with 'never' for a run that did not get there."""
    spread = f" [{seconds_text(min(values))}–{seconds_text(max(values))}]" if len(values) > 1 else ""
    reached = sum(not math.isinf(v) for v in values)
    return f"{seconds_text(statistics.median(values))}{spread} ({reached}/{len(values)})"


def ratio_cell(reference, values):
    ours, theirs = statistics.median(values), statistics.median(reference)
    if math.isinf(ours):
        return "-"
    return "∞" if math.isinf(theirs) else f"{theirs / ours:.2f}"


def table(results):
    """The Markdown table of medians, ranges and ratios to DeepXDE-PyTorch."""
    head = [f"to ≤ {threshold:g}: s (reached)" for threshold in THRESHOLDS]
    ratios = [f"{REFERENCE} / this to {threshold:g}" for threshold in THRESHOLDS]
    lines = [
        "| contender | " + " | ".join(head) + " | final error [range] | total s | " + " | ".join(ratios) + " |",
        "|---" * (len(head) + len(ratios) + 3) + "|",
    ]
    reference_times = [list(column) for column in zip(*(run.times for run in results.get(REFERENCE, [])))]
    for name, runs in results.items():
        times = [list(column) for column in zip(*(run.times for run in runs))]
        finals = [run.final for run in runs]
        final = f"{statistics.median(finals):.2e} [{min(finals):.1e}–{max(finals):.1e}]"
        if any(run.stopped for run in runs):
            final += " (stopped at the last threshold)"
        total = f"{statistics.median(run.seconds for run in runs):.0f}"
        if reference_times:
            ratio = [ratio_cell(r, t) for r, t in zip(reference_times, times)]
        else:
            ratio = ["-"] * len(THRESHOLDS)
        cells = [seconds_cell(t) for t in times] + [final, total] + ratio
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deepxde-python", required=True, help="a Python with DeepXDE and its backends installed")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--tensorflow-seeds", default="1", help="seeds for the slow TensorFlow backend ('' for none)")
    parser.add_argument("--stop-below", type=float, default=1e-3, help="stop high_accuracy at this error")
    parser.add_argument("--json", help="also write every run's summary here")
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    tensorflow_seeds = {int(s) for s in args.tensorflow_seeds.split(",") if s}
    contenders = [
        ("lab quick (default)", lab_runner("quick"), seeds),
        (REFERENCE, deepxde_runner(args.deepxde_python, "pytorch"), seeds),
        ("lab high_accuracy", lab_runner("high_accuracy", args.stop_below), seeds),
        ("DeepXDE-TensorFlow", deepxde_runner(args.deepxde_python, "tensorflow"), tensorflow_seeds),
    ]
    results = {name: [] for name, _, chosen in contenders if chosen}
    for seed in seeds:
        for name, runner, chosen in contenders:
            if seed not in chosen:
                continue
            run = summary(runner(seed))
            results[name].append(run)
            reached = "  ".join(f"t(≤{th:g})={seconds_text(t)}" for th, t in zip(THRESHOLDS, run.times))
            ending = "stopped" if run.stopped else "final"
            print(
                f"seed {seed} {name:20s} seconds {reached}  {ending} {run.final:.2e} after {run.seconds:.0f} s",
                flush=True,
            )
    print(f"\nmedians over seeds {args.seeds} (TensorFlow backend: seeds {args.tensorflow_seeds or 'none'}):")
    print(table(results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({name: [run._asdict() for run in runs] for name, runs in results.items()}, f)


if __name__ == "__main__":
    main()
