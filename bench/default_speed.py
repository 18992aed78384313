"""Every lab's default run side by side: its time against the MLP's, its estimate, and whether its lesson holds.

    python -m bench.default_speed [--rounds 3] [--lecture]

Each round runs `python -m lab run LAB --json ...` in a fresh process for every
check below, one after another, and reads `wall_seconds` and the metrics from
the JSON. It prints, per check, the median time, its ratio to the MLP default's
median (the issue asks at most 6x), the time estimated before Train at the
reference speed (`lab.estimate.reference_seconds`) and its ratio to the
measured time, and the lesson: the figure the check reads and whether it holds.
The diffusion lab's lesson is issue 18's: every ring8 mode, at least 70% high quality.
With `--lecture` the lecture-scale presets of the GAN and the RNN run too.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from lab import estimate
from lab.config import format_value
from lab.registry import get_lab


def _modes(m, quality=0.8):
    return f"{m['modes_captured']}/{m['modes_total']} modes, {m['high_quality_fraction']:.0%} high quality", (
        m["modes_captured"] == m["modes_total"] and m["high_quality_fraction"] >= quality
    )


CHECKS = (  # (name, lab, --set/--preset arguments, lesson: metrics -> (words, holds))
    ("mlp", "mlp", [], lambda m: (f"val_accuracy {m['val_accuracy']:.3f}", m["val_accuracy"] > 0.9)),
    (
        "attention",
        "attention",
        [],
        lambda m: (f"reverse, sequences right {m['val_sequence_accuracy']:.1%}", m["val_sequence_accuracy"] >= 0.99),
    ),
    ("autoencoder", "autoencoder", [], lambda m: (f"val_mse {m['val_mse']:.4f} (sigmoid + BCE)", True)),
    (
        "autoencoder linear+mse",
        "autoencoder",
        ["--set", "output_activation=linear", "--set", "loss=mse"],
        lambda m: (f"val_mse {m['val_mse']:.4f}", True),
    ),
    ("gan", "gan", [], _modes),
    ("rnn", "rnn", [], lambda m: (f"LSTM val_mse {m['val_mse']:.4f}", m["val_mse"] < 0.01)),
    (
        "rnn simple_rnn",
        "rnn",
        ["--set", "cell=simple_rnn"],
        lambda m: (f"SimpleRNN val_mse {m['val_mse']:.4f}", m["val_mse"] > 0.1),
    ),
    ("pinn", "pinn", [], lambda m: (f"relative L2 {m['rel_l2_error']:.2e}", m["rel_l2_error"] <= 1e-2)),
    ("diffusion", "diffusion", [], lambda m: _modes(m, 0.7)),
)
LECTURE = (
    ("gan lecture_scale", "gan", ["--preset", "lecture_scale"], _modes),
    (
        "rnn lecture_scale",
        "rnn",
        ["--preset", "lecture_scale"],
        lambda m: (f"LSTM val_mse {m['val_mse']:.4f} at 100 steps", m["val_mse"] < 0.01),
    ),
    (
        "rnn lecture_scale simple_rnn",
        "rnn",
        ["--preset", "lecture_scale", "--set", "cell=simple_rnn"],
        lambda m: (f"SimpleRNN val_mse {m['val_mse']:.4f} at 100 steps", m["val_mse"] > 0.1),
    ),
)


def run_once(lab_name, args, folder):
    """One CLI run in a fresh process: its JSON."""
    out = Path(folder) / "run.json"
    command = [sys.executable, "-m", "lab", "run", lab_name, *args, "--quiet", "--json", str(out)]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
    return json.loads(out.read_text())


def predicted(lab_name, result):
    """The estimate shown before Train (reference speed) for the run's settings."""
    lab = get_lab(lab_name)
    strings = {k: format_value(tuple(v) if isinstance(v, list) else v) for k, v in result["config"].items()}
    return estimate.reference_seconds(lab, lab.config_cls.from_strings(strings))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--lecture", action="store_true", help="also the lecture-scale presets")
    args = parser.parse_args(argv)
    checks = CHECKS + (LECTURE if args.lecture else ())
    times, results = {name: [] for name, *_ in checks}, {}
    with tempfile.TemporaryDirectory() as folder:
        for round_number in range(args.rounds):
            for name, lab_name, extra, _ in checks:
                result = run_once(lab_name, extra, folder)
                times[name].append(result["wall_seconds"])
                results.setdefault(name, []).append(result)
                print(f"round {round_number + 1}: {name} {result['wall_seconds']:.1f} s", flush=True)
    mlp = statistics.median(times["mlp"])
    print("\n| run | median s (all) | / MLP | estimate s | measured / estimate | lesson (last round) | holds |")
    print("|---|---|---|---|---|---|---|")
    for name, lab_name, _, lesson in checks:
        median = statistics.median(times[name])
        last = results[name][-1]
        guess = predicted(lab_name, last)
        words, holds = lesson(last["metrics"])
        spread = ", ".join(f"{t:.1f}" for t in times[name])
        print(
            f"| {name} | {median:.1f} ({spread}) | {median / mlp:.1f} | {guess:.0f} | {median / guess:.2f} | "
            f"{words} | {'yes' if holds else 'NO'} |"
        )
    ae, linear = results["autoencoder"][-1]["metrics"], results["autoencoder linear+mse"][-1]["metrics"]
    print(f"\nautoencoder: sigmoid+BCE beats linear+MSE on validation MSE: {ae['val_mse'] < linear['val_mse']}")


if __name__ == "__main__":
    main()
