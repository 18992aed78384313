"""The RNN lab's encoder–decoder on dates, with and without attention, side by side.

    python -m bench.rnn_seq2seq_dates [--preset dates] [--set key=value ...]

Runs `python -m lab run rnn --preset dates --set attention=true --json ...` and the
same with `attention=false`, one after the other in fresh processes, and prints
from each JSON the exact (greedy) answers overall, by date format (shortest
first) and by input-length band, the token accuracy, and the seconds. The issue
asks attention to beat no attention by at least 10 points on the longest formats.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

BAND = 6  # characters per input-length band


def run(preset, sets, attention, folder):
    """The JSON of one CLI run."""
    out = Path(folder) / f"attention_{attention}.json"
    command = [sys.executable, "-m", "lab", "run", "rnn", "--quiet", "--json", str(out)]
    command += ["--preset", preset] if preset else ["--set", "task=dates"]
    for item in sets:
        command += ["--set", item]
    command += ["--set", f"attention={str(attention).lower()}"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(command[1:])} failed:\n{done.stderr[-2000:]}")
    return json.loads(out.read_text())


def bands(by_length):
    """`{band: (exact, count)}` of `accuracy_by_length` rows, in bands of `BAND` characters."""
    out: dict[str, tuple[float, int]] = {}
    for row in by_length:
        low = row["length"] // BAND * BAND
        name = f"{low}–{low + BAND - 1}"
        hits, count = out.get(name, (0.0, 0))
        out[name] = (hits + row["accuracy"] * row["count"], count + row["count"])
    return {name: (hits / count, count) for name, (hits, count) in out.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="dates", help="the RNN preset ('' for the lab's defaults)")
    parser.add_argument("--set", dest="sets", action="append", default=[], help="key=value for both runs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        results = {attention: run(args.preset, args.sets, attention, folder) for attention in (True, False)}
    with_, without = (results[a]["metrics"] for a in (True, False))
    config = results[True]["config"]
    print(
        f"rnn dates, {config['cell']} {config['units']} units, batch {config['batch_size']}, {config['epochs']} "
        f"epochs, {config['n_sequences']:,} dates ({config['val_split']:.0%} validate); exact greedy answers"
    )
    print(f"{'':34} {'attention':>10} {'none':>10}")
    print(
        f"{'all validation dates':34} {with_['val_sequence_accuracy']:>10.1%} {without['val_sequence_accuracy']:>10.1%}"
    )
    print(f"{'token accuracy (greedy)':34} {with_['val_token_accuracy']:>10.1%} {without['val_token_accuracy']:>10.1%}")
    print("by format (mean length)")
    plain = {r["format"]: r for r in without["accuracy_by_format"]}
    for row in with_["accuracy_by_format"]:
        name = f"  {row['format']} ({row['mean_length']:.1f})"
        print(f"{name:34} {row['accuracy']:>10.1%} {plain[row['format']]['accuracy']:>10.1%}")
    print("by input length (characters)")
    plain_bands = bands(without["accuracy_by_length"])
    for name, (accuracy, count) in bands(with_["accuracy_by_length"]).items():
        print(f"{'  ' + name + f' ({count} dates)':34} {accuracy:>10.1%} {plain_bands[name][0]:>10.1%}")
    seconds = f"{results[True]['wall_seconds']:.0f} s"
    print(f"{'seconds':34} {seconds:>10} {results[False]['wall_seconds']:>8.0f} s")


if __name__ == "__main__":
    main()
