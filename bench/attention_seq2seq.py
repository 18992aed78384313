"""The attention lab's encoder–decoder on dates and numbers with its defaults, as a user runs it.

    python -m bench.attention_seq2seq [--tasks dates,numbers] [--set key=value ...]

Runs `python -m lab run attention --set architecture=encoder_decoder --set task=TASK
--json ...` for each task, one after the other in fresh processes, and prints from
each JSON the exact greedy answers (`val_sequence_accuracy`), the greedy and the
teacher-forced token accuracy, the year alignment (dates), the exact answers by date
format (from the run's `examples`), and the seconds. The issue asks for at least
0.95 exact on both tasks in about two minutes on 2 cores, and the answer's year
digits attending mostly to the input's year.
"""

import argparse
import datetime
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from lab.translation import DATE_FORMATS


def run(task, sets, folder):
    """The JSON of one CLI run."""
    out = Path(folder) / f"{task}.json"
    command = [sys.executable, "-m", "lab", "run", "attention", "--quiet", "--json", str(out)]
    for item in ("architecture=encoder_decoder", f"task={task}", *sets):
        command += ["--set", item]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(command[1:])} failed:\n{done.stderr[-2000:]}")
    return json.loads(out.read_text())


def by_format(examples):
    """`{format: (exact share, count)}` of date examples, the format read back from each input and its ISO target."""
    out = {}
    for e in examples:
        date = datetime.date.fromisoformat(e["target"])
        name = next(n for n, write in DATE_FORMATS.items() if write(date) == e["input"])
        hits, count = out.get(name, (0, 0))
        out[name] = (hits + (e["output"] == e["target"]), count + 1)
    return {name: (hits / count, count) for name, (hits, count) in out.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default="dates,numbers", help="comma-separated tasks")
    parser.add_argument("--set", dest="sets", action="append", default=[], help="key=value for every run")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        for task in args.tasks.split(","):
            result = run(task, args.sets, folder)
            m, c = result["metrics"], result["config"]
            print(
                f"\n{task}: {c['num_layers']} encoder + {c['num_layers']} decoder blocks, d_model {c['d_model']}, "
                f"{c['n_items']:,} items, {c['epochs']} epochs, batch {c['batch_size']}: "
                f"{result['wall_seconds']:.0f} s wall"
            )
            print(f"  exact answers (greedy)      {m['val_sequence_accuracy']:.3f}")
            print(f"  token accuracy greedy       {m['val_token_accuracy']:.4f}")
            print(f"  token accuracy teacher-fed  {m['val_token_accuracy_teacher_forced']:.4f}")
            if "year_alignment" in m:
                layers = ", ".join(f"{v:.2f}" for v in m["year_alignment_by_layer"])
                print(f"  year alignment              {m['year_alignment']:.2f} (by layer: {layers})")
                for name, (share, count) in sorted(by_format(m["examples"]).items(), key=lambda kv: len(kv[0])):
                    print(f"    {name:28} {share:.3f}  ({count})")


if __name__ == "__main__":
    main()
