"""A labelled set of real loss histories, and how well the diagnosis reads them.

    python bench/labelled_histories.py --rebuild   # trains every run (about 15 min), writes the set
    python bench/labelled_histories.py             # prints recall and false alarms per label

The set lives in tests/data/labelled_histories.json; tests/unit/test_diagnosis_set.py
checks the rates. Each run's true labels were given by looking at its curves
(`--plot FILE` draws them all), not by the diagnosis: the `labels` below are the
intended pattern, corrected where the curve showed something else.
"""

import argparse
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SET = ROOT / "tests" / "data" / "labelled_histories.json"

OVERFIT = {"n_samples": "200", "noise": "0.4", "hidden_units": "256,256,256", "epochs": "300", "batch_size": "16"}
RUNS = [  # (id, lab, settings, true labels)
    *[(f"default-seed{s}", "mlp", {"seed": str(s)}, ["healthy"]) for s in (0, 1, 3)],
    ("default-seed2", "mlp", {"seed": "2"}, ["overfitting"]),  # validation creeps up 20% from epoch 25
    ("circles", "mlp", {"dataset": "circles"}, ["healthy"]),
    ("blobs", "mlp", {"dataset": "blobs"}, ["healthy", "val_below_train"]),  # an easier validation split
    ("xor", "mlp", {"dataset": "xor"}, ["healthy"]),
    ("moons-tanh", "mlp", {"activations": "tanh"}, ["still_learning"]),  # still sloping down at epoch 40
    ("short-seed0", "mlp", {"epochs": "8", "seed": "0"}, ["still_learning"]),
    ("short-seed1", "mlp", {"epochs": "8", "seed": "1"}, ["still_learning", "val_below_train"]),
    ("slow-adam", "mlp", {"learning_rate": "0.0003", "epochs": "20"}, ["still_learning"]),
    ("spirals-short", "mlp", {"dataset": "spirals", "epochs": "30"}, ["still_learning"]),
    ("sine-short", "mlp", {"dataset": "sine", "epochs": "15"}, ["healthy", "val_below_train"]),  # flat by epoch 12
    ("sgd-slow", "mlp", {"optimizer": "sgd", "learning_rate": "0.01", "epochs": "30"}, ["still_learning"]),
    # Memorising noise with Adam at batch 16: validation climbs, and the training loss spikes as it nears 0.
    *[(f"overfit-seed{s}", "mlp", {**OVERFIT, "seed": str(s)}, ["overfitting", "lr_too_high"]) for s in range(3)],
    ("overfit-tiny", "mlp", {**OVERFIT, "n_samples": "100", "epochs": "200"}, ["overfitting", "lr_too_high"]),
    *[
        (f"sgd-lr3-seed{s}", "mlp", {"optimizer": "sgd", "learning_rate": "3", "seed": str(s)}, ["lr_too_high"])
        for s in range(2)
    ],
    ("sgd-lr3-seed2", "mlp", {"optimizer": "sgd", "learning_rate": "3", "seed": "2"}, ["lr_too_high", "overfitting"]),
    ("adam-lr0.3", "mlp", {"learning_rate": "0.3"}, ["lr_too_high"]),
    ("momentum-lr1", "mlp", {"optimizer": "momentum", "learning_rate": "1"}, ["diverged"]),  # explodes at epoch 13
    *[
        (
            f"sgd-lr50-seed{s}",
            "mlp",
            {"optimizer": "sgd", "learning_rate": "50", "epochs": "20", "seed": str(s)},
            ["diverged"],
        )
        for s in range(2)
    ],
    ("momentum-lr30", "mlp", {"optimizer": "momentum", "learning_rate": "30", "epochs": "20"}, ["diverged"]),
    (
        "sine-sgd-lr10",
        "mlp",
        {"dataset": "sine", "optimizer": "sgd", "learning_rate": "10", "epochs": "20"},
        ["diverged"],
    ),
    *[
        (
            f"sgd-lr1e-4-seed{s}",
            "mlp",
            {"optimizer": "sgd", "learning_rate": "0.0001", "epochs": "30", "seed": str(s)},
            ["lr_too_low"],
        )
        for s in range(3)
    ],
    ("sgd-lr1e-5", "mlp", {"optimizer": "sgd", "learning_rate": "0.00001", "epochs": "20"}, ["lr_too_low"]),
    ("adam-lr1e-6", "mlp", {"learning_rate": "0.000001", "epochs": "20"}, ["lr_too_low"]),
    ("dropout-seed0", "mlp", {"dropout": "0.5", "hidden_units": "64,64", "epochs": "60", "seed": "0"}, ["healthy"]),
    *[
        (
            f"dropout-seed{s}",
            "mlp",
            {"dropout": "0.5", "hidden_units": "64,64", "epochs": "60", "seed": str(s)},
            ["overfitting"],
        )
        for s in (1, 2)
    ],  # validation creeps up from epoch 40
    *[
        (
            f"sine-dropout-seed{s}",
            "mlp",
            {"dataset": "sine", "dropout": "0.3", "epochs": "60", "seed": str(s)},
            ["healthy", "val_below_train"],
        )
        for s in range(3)
    ],
    ("ae-defaults", "autoencoder", {"epochs": "30"}, ["still_learning"]),
    ("ae-adam", "autoencoder", {"optimizer": "adam", "learning_rate": "0.001", "epochs": "30"}, ["healthy"]),
    (
        "ae-digits-lr-low",
        "autoencoder",
        {"dataset": "digits", "optimizer": "sgd", "learning_rate": "0.0001", "epochs": "20"},
        ["lr_too_low"],
    ),
    ("gan-default", "gan", {"epochs": "100"}, ["oscillation"]),  # D at 0.55/0.45, but the on-mode share swings 3-67%
    (
        "gan-collapse",
        "gan",
        {"d_learning_rate": "0.002", "d_steps": "5", "epochs": "40"},
        ["mode_collapse", "oscillation"],
    ),  # one mode, and the blob hops: on-mode share 8-97%
    ("gan-digits-2d-settings", "gan", {"dataset": "mnist5k", "epochs": "30"}, ["mode_collapse"]),  # spread 26%
    (
        "gan-digits-d-wins",
        "gan",
        {"dataset": "mnist5k", "batch_size": "64", "g_width": "256", "d_width": "256", "epochs": "30"},
        ["discriminator_wins"],
    ),
    ("gan-one-latent", "gan", {"latent_dim": "1", "g_width": "16", "g_depth": "2", "epochs": "100"}, ["mode_collapse"]),
]


def rebuild(only=None):
    from lab.gallery import thin, train

    stored = {r["id"]: r for r in json.loads(SET.read_text())} if SET.exists() else {}
    for run_id, lab, settings, labels in RUNS:
        if only and run_id not in only and run_id in stored:
            continue
        run = train(lab, settings)
        stored[run_id] = {
            "id": run_id,
            "lab": lab,
            "settings": settings,
            "labels": labels,
            "history": run.to_dict()["history"],
            "batch_loss": thin(run.batch_loss),
        }
        print(run_id, run.status, run.diagnosis.get("labels"), flush=True)
    SET.parent.mkdir(parents=True, exist_ok=True)
    ordered = [stored[run_id] for run_id, *_ in RUNS if run_id in stored]
    SET.write_text(json.dumps(ordered, separators=(",", ":")))


def plot(records, path):
    """Draws every history (loss, and validation when present) on a grid, titled with its true labels."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cols = 6
    rows = -(-len(records) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 3, rows * 2.3))
    for ax, record in zip(axes.flat, records):
        epochs = [r["epoch"] for r in record["history"]]
        ax.plot(epochs, [r["loss"] for r in record["history"]], label="loss")
        if "val_loss" in record["history"][0]:
            ax.plot(epochs, [r.get("val_loss") for r in record["history"]], label="val")
        ax.set_title(f"{record['id']}\n{','.join(record['labels']) or '-'}", fontsize=8)
        ax.tick_params(labelsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=70)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--only", nargs="+", help="rebuild only these run ids")
    parser.add_argument("--plot", metavar="PNG")
    args = parser.parse_args()
    if args.rebuild:
        rebuild(args.only)
    true_labels = {run_id: labels for run_id, _, _, labels in RUNS}
    records = [r for r in json.loads(SET.read_text()) if r["id"] in true_labels]
    for record in records:  # the labels above are the truth; the file keeps a copy for the test
        record["labels"] = true_labels[record["id"]]
    SET.write_text(json.dumps(records, separators=(",", ":")))
    if args.plot:
        plot(records, args.plot)
    from lab.diagnosis_score import score

    result = score(records)
    print(
        f"{result['runs']} runs: recall {result['recall']:.1%} of the true labels, "
        f"{result['false_alarm_rate']:.2f} false labels per run ({len(result['false_alarms'])} in all)"
    )
    for label, (hit, total) in result["per_label"].items():
        print(f"  {label:20s} {hit}/{total}")
    print("missed:", result["misses"])
    print("false alarms:", result["false_alarms"])


if __name__ == "__main__":
    main()
