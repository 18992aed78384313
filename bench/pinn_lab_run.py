"""One PINN lab run for `bench.pinn_vs_deepxde`, in its own process, with the scoring taken off the clock.

    python -m bench.pinn_lab_run --preset quick --seed 0 [--stop-below 1e-3]

Runs a preset of the PINN page through the lab's engine (as `python -m lab run`
does). The error on the 256 × 100 grid is measured after every epoch (100 Adam
steps or L-BFGS iterations); the time that measurement takes is subtracted from
every later row's clock, as `bench/deepxde_burgers.py` does for DeepXDE. With
`--stop-below`, the run is stopped (as the page's Stop button does) once the error
reaches that value, so a long preset is timed to the threshold only.

Prints one JSON object: {"checkpoints": [[seconds, epoch, rel_l2_error], ...],
"final_rel_l2_error": ..., "seconds": ..., "stopped": bool}.
"""

import argparse
import json
import time

from lab.labs.pinn import LAB as PINN_LAB
from lab.labs.pinn import setup as pinn_setup
from lab.labs.pinn.config import PRESETS, PINNConfig
from lab.training import JobQueue, TrainingJob


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="quick", choices=[preset.key for preset in PRESETS])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stop-below", type=float, help="stop once the error is at most this")
    args = parser.parse_args(argv)
    config = PINNConfig(**PINN_LAB.preset(args.preset).settings, seed=args.seed)
    scoring, job = [], None
    score = pinn_setup.epoch_metrics

    def timed_score(model, data):
        begin = time.perf_counter()
        out = score(model, data)
        scoring.append(time.perf_counter() - begin)
        if args.stop_below is not None and out["rel_l2_error"] <= args.stop_below:
            job.stop()
        return out

    pinn_setup.epoch_metrics = timed_score
    job = TrainingJob(PINN_LAB, config, PINN_LAB.load_data(config), queue=JobQueue(1)).start()
    run = job.wait()
    checkpoints, off_clock = [], 0.0
    for row, spent in zip(run.history, scoring):
        off_clock += spent  # the row's clock is read after its own scoring
        checkpoints.append([round(row["seconds"] - off_clock, 3), row["epoch"], row["rel_l2_error"]])
    result = {
        "checkpoints": checkpoints,
        "final_rel_l2_error": run.metrics["rel_l2_error"],
        "seconds": checkpoints[-1][0],
        "stopped": run.status == "stopped",
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
