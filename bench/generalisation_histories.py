"""Does the loss-curve diagnosis generalise? A labelled set of real histories from models it was not tuned on.

    python -m bench.generalisation_histories --rebuild   # trains every run (~10 min on 2 cores), writes the set
    python -m bench.generalisation_histories --relabel   # labels the stored runs again by bench/LABELLING.md
    python -m bench.generalisation_histories             # prints recall and false labels, tune and test splits
    python -m bench.generalisation_histories --plot FILE # also draws every run with its true labels
    python -m bench.generalisation_histories --grid      # chooses the diagnosis' thresholds on the tune half

The set is tests/data/generalisation_histories.json. Each record has a `family` (the source model) and a
`split`: no family is in both, the diagnosis is tuned on "tune" only and judged on "test". The labels of
the new runs come from the rules of bench/LABELLING.md (`true_labels`, written before any threshold of
the diagnosis was touched), never from the diagnosis; the reused runs of tests/data/labelled_histories.json
keep their hand-given labels. About half the new runs keep no batch losses (epoch-only, as most files are).
"""

import argparse
import json
import math
import multiprocessing
import pathlib

import numpy as np

from bench.labelled_histories import plot
from lab.gallery import thin

ROOT = pathlib.Path(__file__).resolve().parents[1]
SET = ROOT / "tests" / "data" / "generalisation_histories.json"
OLD_SET = ROOT / "tests" / "data" / "labelled_histories.json"
TUNE, TEST = ("mlp-lab", "autoencoder-lab", "cnn-digits", "mlp-cancer"), ("mlp-diabetes", "text-gap", "text-conv1d")


def _variants():
    """`(name, settings)` pairs run on every new family; `settings` override `BASE`."""
    small = {"train_size": 120, "width": 128, "epochs": 200, "batch_size": 16}
    return [
        *[(f"default-s{s}", {"seed": s}) for s in range(3)],
        ("bs8", {"batch_size": 8, "seed": 3}),
        ("bs128", {"batch_size": 128, "epochs": 80}),
        ("short3", {"epochs": 3}),
        ("short4", {"epochs": 4, "seed": 1}),
        ("short5", {"epochs": 5}),
        ("short5-sgd", {"epochs": 5, "optimizer": "sgd", "lr": 0.05}),
        ("slow-adam", {"lr": 1e-4, "epochs": 30}),
        ("sgd", {"optimizer": "sgd", "lr": 0.01, "epochs": 40}),
        ("rmsprop", {"optimizer": "rmsprop", "lr": 1e-3}),
        ("adagrad", {"optimizer": "adagrad", "lr": 0.05}),
        ("nadam-step", {"optimizer": "nadam", "lr": 3e-3, "schedule": "step"}),
        ("adamw-cosine", {"optimizer": "adamw", "lr": 3e-3, "schedule": "cosine"}),
        ("momentum-warmup", {"optimizer": "momentum", "lr": 0.05, "schedule": "warmup"}),
        ("early-stop", {"epochs": 300, "early_stop": True}),
        ("early-stop-small", {**small, "early_stop": True, "seed": 1}),
        ("long", {"epochs": 250, "lr": 3e-4, "batch_size": 64}),
        *[(f"overfit-s{s}", {**small, "seed": s}) for s in range(2)],
        ("overfit-mild", {**small, "train_size": 250, "epochs": 120, "width": 64}),
        ("overfit-sgd", {**small, "optimizer": "momentum", "lr": 0.02}),
        *[(f"adam-lr{lr:g}", {"lr": lr, "seed": i}) for i, lr in enumerate((0.03, 0.1, 0.3))],
        ("sgd-lr-high", {"optimizer": "sgd", "lr": 1.0}),
        ("momentum-lr-high", {"optimizer": "momentum", "lr": 0.5, "batch_size": 16}),
        ("rmsprop-lr-high", {"optimizer": "rmsprop", "lr": 0.05}),
        ("sgd-lr-huge", {"optimizer": "sgd", "lr": 30.0, "epochs": 20}),
        ("momentum-lr-huge", {"optimizer": "momentum", "lr": 10.0, "epochs": 20, "seed": 1}),
        ("sgd-lr1e-5", {"optimizer": "sgd", "lr": 1e-5, "epochs": 30}),
        ("sgd-lr1e-6", {"optimizer": "sgd", "lr": 1e-6, "epochs": 20, "seed": 1}),
        ("adam-lr1e-6", {"lr": 1e-6, "epochs": 25, "seed": 2}),
        ("dropout", {"dropout": 0.5, "epochs": 60}),
        ("dropout-noise", {"dropout": 0.3, "noise": 0.5, "epochs": 60, "seed": 1}),
    ]


BASE = {
    "seed": 0,
    "epochs": 40,
    "batch_size": 32,
    "optimizer": "adam",
    "lr": 1e-3,
    "schedule": None,
    "width": 32,
    "train_size": None,
    "dropout": 0.0,
    "noise": 0.0,
    "early_stop": False,
}


def _sentences(seed=0, n=1500):
    """A small two-class text set from templates: a review's polarity word decides its label (5% flipped)."""
    rng = np.random.default_rng(seed)
    good = "good great lovely superb fine pleasant brilliant excellent charming solid".split()
    bad = "bad awful dull poor boring weak terrible clumsy bland messy".split()
    nouns = "film book meal hotel phone game song trip course show".split()
    filler = "the a this that it was really quite very and but so with my our its of all".split()
    texts, labels = [], []
    for _ in range(n):
        label = int(rng.integers(2))
        words = [*rng.choice(filler, 3), rng.choice(nouns), *rng.choice(filler, 2)]
        words.insert(int(rng.integers(len(words) + 1)), rng.choice(good if label else bad))
        if rng.random() < 0.3:  # a weaker second cue of either polarity
            words.insert(int(rng.integers(len(words) + 1)), rng.choice(good + bad))
        texts.append(" ".join(words))
        labels.append(label if rng.random() > 0.05 else 1 - label)
    vocab = {w: i + 1 for i, w in enumerate(sorted({w for t in texts for w in t.split()}))}
    ids = np.zeros((n, 10), dtype="int32")
    for row, text in enumerate(texts):
        tokens = [vocab[w] for w in text.split()][:10]
        ids[row, : len(tokens)] = tokens
    return ids, np.array(labels, dtype="float32"), len(vocab) + 1


def _data(family):
    """`(x_train, y_train, x_val, y_val, task)` for a new family; task is "multi", "binary" or "regression"."""
    from sklearn import datasets
    from sklearn.model_selection import train_test_split

    if family == "cnn-digits":
        x, y = datasets.load_digits(return_X_y=True)
        x, task = (x / 16.0).reshape(-1, 8, 8, 1).astype("float32"), "multi"
    elif family == "mlp-cancer":
        x, y = datasets.load_breast_cancer(return_X_y=True)
        x, task = ((x - x.mean(0)) / x.std(0)).astype("float32"), "binary"
    elif family == "mlp-diabetes":
        x, y = datasets.load_diabetes(return_X_y=True)
        x, y, task = ((x - x.mean(0)) / x.std(0)).astype("float32"), ((y - y.mean()) / y.std()), "regression"
    else:
        x, y, _ = _sentences()
        task = "binary"
    x_train, x_val, y_train, y_val = train_test_split(x, y.astype("float32"), test_size=0.25, random_state=0)
    return x_train, y_train, x_val, y_val, task


def _model(family, s, task):
    """A tiny Keras model of the family with `s["width"]`, `s["dropout"]` and `s["noise"]`."""
    import keras
    from keras import layers

    width = s["width"]
    noise = [layers.GaussianNoise(s["noise"])] if s["noise"] else []
    drop = [layers.Dropout(s["dropout"])] if s["dropout"] else []
    if family == "cnn-digits":
        body = [
            keras.Input((8, 8, 1)),
            *noise,
            layers.Conv2D(8, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(width, activation="relu"),
        ]
    elif family.startswith("text"):
        vocab = _sentences()[2]
        seq = [layers.Conv1D(width, 3, activation="relu")] if family == "text-conv1d" else []
        body = [keras.Input((10,)), layers.Embedding(vocab, 16), *noise, *seq, layers.GlobalAveragePooling1D()]
        body.append(layers.Dense(width, activation="relu"))
    else:
        inputs = 30 if family == "mlp-cancer" else 10
        body = [keras.Input((inputs,)), *noise, layers.Dense(width, activation="relu")]
        body.append(layers.Dense(width, activation="relu"))
    head = {"multi": layers.Dense(10, activation="softmax"), "binary": layers.Dense(1, activation="sigmoid")}
    return keras.Sequential([*body, *drop, head.get(task, layers.Dense(1))])


def _optimizer(s, steps):
    """The optimiser of `s`, with its learning-rate schedule (`steps` batches in all)."""
    import keras

    lr = s["lr"]
    if s["schedule"] == "step":
        lr = keras.optimizers.schedules.PiecewiseConstantDecay([steps // 3, 2 * steps // 3], [lr, lr / 10, lr / 100])
    elif s["schedule"] == "cosine":
        lr = keras.optimizers.schedules.CosineDecay(lr, steps)
    elif s["schedule"] == "warmup":
        lr = keras.optimizers.schedules.CosineDecay(lr / 20, steps, warmup_target=lr, warmup_steps=steps // 5)
    kinds = {
        "sgd": lambda: keras.optimizers.SGD(lr),
        "momentum": lambda: keras.optimizers.SGD(lr, momentum=0.9),
        "adam": lambda: keras.optimizers.Adam(lr),
        "adamw": lambda: keras.optimizers.AdamW(lr),
        "nadam": lambda: keras.optimizers.Nadam(lr),
        "rmsprop": lambda: keras.optimizers.RMSprop(lr),
        "adagrad": lambda: keras.optimizers.Adagrad(lr),
    }
    return kinds[s["optimizer"]]()


def _train(job):
    """Trains one `(family, name, settings)` run; returns `(history rows, each batch's own loss)`."""
    import keras
    import tensorflow as tf

    family, name, settings = job
    tf.config.threading.set_intra_op_parallelism_threads(1)
    s = {**BASE, **settings}
    keras.utils.set_random_seed(s["seed"])
    x, y, xv, yv, task = _data(family)
    if s["train_size"]:
        x, y = x[: s["train_size"]], y[: s["train_size"]]
    model = _model(family, s, task)
    steps = math.ceil(len(x) / s["batch_size"])
    loss = {"multi": "sparse_categorical_crossentropy", "binary": "binary_crossentropy"}.get(task, "mse")
    model.compile(_optimizer(s, steps * s["epochs"]), loss)
    batches = []

    class Own(keras.callbacks.Callback):
        """Each batch's own loss, undoing Keras' running mean over the epoch (as `lab.callbacks.LossStream`)."""

        def on_epoch_begin(self, epoch, logs=None):
            self.mean = 0.0

        def on_train_batch_end(self, batch, logs=None):
            seen, before = min(len(x), (batch + 1) * s["batch_size"]), batch * s["batch_size"]
            mean = float(logs["loss"])
            batches.append((mean * seen - self.mean * before) / (seen - before))
            self.mean = mean

    callbacks = [Own(), keras.callbacks.TerminateOnNaN()]
    if s["early_stop"]:
        callbacks.append(keras.callbacks.EarlyStopping(patience=8, restore_best_weights=True))
    fit = model.fit(x, y, validation_data=(xv, yv), epochs=s["epochs"], batch_size=s["batch_size"], verbose=0,
                    callbacks=callbacks)  # fmt: skip
    keys = fit.history
    rows = [
        {"epoch": i + 1, **{k: float(keys[k][i]) for k in ("loss", "val_loss") if i < len(keys.get(k, []))}}
        for i in range(len(keys["loss"]))
    ]
    print(family, name, len(rows), "epochs", flush=True)
    return rows, batches


def _line_fall(y):
    """How much a least-squares line through `y` falls from its first point to its last."""
    slope = np.polyfit(np.arange(len(y)), y, 1)[0]
    return -float(slope) * (len(y) - 1)


def _jumpy(x, b):
    """The LABELLING.md rule for a jumpy curve (learning rate too high): epoch jumps, or batch spikes."""
    rises = np.diff(x)
    span = x[1:].max() - x[1:].min()  # revision 1: after the first epoch (a huge first epoch hides later jumps)
    jumps = int(np.sum((rises > 0.10 * np.abs(x[:-1])) & (rises > 0.10 * span)))
    if jumps >= max(3, 0.05 * len(rises)):
        return True
    if len(b) < 20:
        return False
    median = np.array([np.median(b[max(0, i - 12) : i + 13]) for i in range(len(b))])
    spikes = np.sum((median > 0) & (b > 3 * median) & (b - median > 0.10 * (median.max() - median.min())))
    return bool(spikes >= max(3, 0.07 * len(b)))


def _overfits(x, v):
    """The LABELLING.md rule for overfitting: validation ends 5% above its minimum while training kept falling."""
    known = np.flatnonzero(np.isfinite(v))
    if len(known) < 5:
        return False
    vv, xv = v[known], x[known]
    smooth = np.array([np.median(vv[max(0, i - 1) : i + 2]) for i in range(len(vv))])
    k = max(3, round(0.2 * len(vv)))
    best = int(np.argmin(smooth))
    if best >= len(vv) - k:
        return False
    end, noise = float(np.median(vv[-k:])), 1.4826 * float(np.median(np.abs(vv - smooth)))
    rise = end - smooth[best]
    return bool(rise >= 0.05 * abs(smooth[best]) and rise > 2 * noise and np.median(xv[-k:]) < xv[best])


def true_labels(history, batch_loss):
    """`(labels, why)`: the labels the rules of bench/LABELLING.md give a history, and one line saying why."""
    x = np.array([row["loss"] for row in history], dtype=float)
    v = np.array([row.get("val_loss", np.nan) for row in history], dtype=float)
    b = np.array(batch_loss, dtype=float)
    if not np.isfinite(x).all() or not np.isfinite(b).all():
        return ["diverged"], "the loss became NaN or infinite"
    if x[-1] > 3 * x[0]:
        return ["diverged"], f"the training loss ended {x[-1] / x[0]:.0f}x above its first epoch"
    if len(x) < 5:
        return [], f"too early: {len(x)} epochs"
    labels, why = [], []
    total = x[0] - x.min()
    if _jumpy(x, b):
        labels.append("lr_too_high")
        why.append("the loss jumps up repeatedly")
    if _overfits(x, v):
        labels.append("overfitting")
        why.append("validation ended 5%+ above its minimum while training fell")
    half = len(x) // 2
    if "lr_too_high" not in labels and abs(x[0] - x[-1]) < 0.10 * abs(x[0]):
        fell = x[0] - x[-1]
        if not (fell > 0.02 * abs(x[0]) and x[0] - x[half] >= 0.75 * fell):  # fell early, then flat: converged
            labels.append("lr_too_low")
            why.append(f"the loss moved {abs(x[0] - x[-1]) / x[0]:.0%} over the run")
    k = max(3, round(0.2 * len(x)))
    late = _line_fall(x[-k - 1 :])
    if not {"overfitting", "lr_too_low"} & set(labels) and total > 0 and late >= 0.05 * total:
        labels.append("still_learning")
        why.append("the last fifth still slopes down by 5%+ of the run's fall")
    elif not {"overfitting", "lr_too_low"} & set(labels) and total > 0 and late >= max(0.10 * x[-1], 0.02 * total):
        labels.append("still_learning")  # revision 2: a slow fall that is still large for where the loss is
        why.append("the last fifth still slopes down by 10%+ of the final loss (and 2%+ of the fall)")
    if not labels and x[0] - x[-1] >= 0.2 * x[0]:
        labels.append("healthy")
        why.append(f"fell {(x[0] - x[-1]) / x[0]:.0%}, then flat")
    late_v, late_x = v[half:], x[half:]
    known = np.isfinite(late_v)
    if known.any():
        below = np.mean(late_v[known] < late_x[known])
        gap = np.mean((late_x[known] - late_v[known]) / np.abs(late_x[known]))
        if below >= 0.8 and gap >= 0.05:
            labels.append("val_below_train")
            why.append(f"validation {gap:.0%} below training in the last half")
    return labels, "; ".join(why) or "no clear pattern"


def _new_jobs():
    """Every `(family, name, settings)` of the new families, in a fixed order."""
    return [(family, name, s) for family in TUNE[2:] + TEST for name, s in _variants()]


def rebuild(processes=2):
    """Trains every new run (in `processes` processes), relabels by the rules, writes the set."""
    jobs = _new_jobs()
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        results = pool.map(_train, jobs, chunksize=1)
    records = [
        {**r, "family": f"{r['lab']}-lab", "split": "tune", "origin": "labelled_histories"}
        for r in json.loads(OLD_SET.read_text())
        if r["lab"] in ("mlp", "autoencoder")
    ]
    for index, ((family, name, settings), (rows, batches)) in enumerate(zip(jobs, results)):
        keep = index % 2 == 0  # every second run keeps no batch losses
        batch_loss = thin([float(b) if math.isfinite(b) else None for b in batches]) if keep else []
        labels, why = true_labels(rows, [np.nan if b is None else b for b in batch_loss])
        records.append(
            {
                "id": f"{family}/{name}",
                "family": family,
                "split": "tune" if family in TUNE else "test",
                "settings": {**BASE, **settings},
                "labels": labels,
                "why": why,
                "history": rows,
                "batch_loss": batch_loss,
            }
        )
    SET.write_text(json.dumps(records, separators=(",", ":"), allow_nan=True))


def relabel():
    """Gives the new runs of the set the labels of today's rules (their histories stay as trained)."""
    records = json.loads(SET.read_text())
    for record in records:
        if record.get("origin") != "labelled_histories":
            batch_loss = [np.nan if b is None else b for b in record["batch_loss"]]
            record["labels"], record["why"] = true_labels(record["history"], batch_loss)
    SET.write_text(json.dumps(records, separators=(",", ":"), allow_nan=True))


def report(records):
    """Prints recall per label and false labels per run: by split, then batch-loss and epoch-only runs."""
    from lab.diagnosis_score import score

    for split in ("tune", "test"):
        for kind, keep in (("batch losses", True), ("epoch-only", False)):
            chosen = [r for r in records if r["split"] == split and bool(r["batch_loss"]) == keep]
            if not chosen:
                continue
            result = score(chosen)
            wrong = len({run for run, _ in result["false_alarms"]})
            print(
                f"{split}, {kind}: {result['runs']} runs, recall {result['recall']:.1%}, "
                f"false labels in {wrong} runs ({wrong / result['runs']:.1%}), {len(result['false_alarms'])} in all"
            )
            for label, (hit, total) in sorted(result["per_label"].items()):
                print(f"  {label:16s} {hit:3d}/{total:<3d} {hit / total:.0%}")
            print("  missed:", result["misses"])
            print("  false:", result["false_alarms"])


# The diagnosis' thresholds the grid chooses, in groups searched one at a time (with the others held), twice.
# The first value of each list wins a tie: the labelling rules' own value where they have one, else the old one.
GRID = [
    {  # a wobbling epoch curve (lr_too_high)
        "JUMP_LEVEL": [0.10, 0.15, 0.20],
        "JUMP_SPAN": [0.10, 0.05, 0.15],
        "MIN_JUMPS": [3, 2],
    },
    {  # validation turned up (overfitting)
        "OVERFIT_RISE": [0.05, 0.03, 0.04, 0.07, 0.10],
        "OVERFIT_Z": [2.0, 1.5, 2.5, 3.0],
    },
    {"EARLY_FALL": [0.02, 0.0], "LOW_DROP": [0.10, 0.08, 0.12]},  # barely moving (lr_too_low)
    {"STILL_SOME": [0.02, 0.03], "STILL_LEVEL": [0.10, 0.05]},  # a slow, steady fall (still_learning)
]


def tune_records(records):
    """The tune half, and each of its new runs with batch losses once more without them (labelled by the rules
    on what is left): the tune half has few epoch-only runs that are jumpy, and these are real curves of it."""
    tune = [r for r in records if r["split"] == "tune"]
    stripped = []
    for r in tune:
        if r["batch_loss"] and r.get("origin") != "labelled_histories":
            labels, why = true_labels(r["history"], [])
            stripped.append({**r, "id": r["id"] + " (epoch-only)", "batch_loss": [], "labels": labels, "why": why})
    return tune + stripped


def noisy_healthy_curves():
    """Synthetic healthy curves with 5% noise on training and 7.5% on validation (10, 40 and 100 epochs, 15 seeds
    each, as in tests/unit/test_diagnosis.py): thresholds that call any of them anything but healthy are refused."""
    curves = []
    for epochs in (10, 40, 100):
        for seed in range(15):
            t = np.arange(epochs)
            noise = [np.random.default_rng(s).standard_normal(epochs) for s in (seed, seed + 100)]
            loss = (0.3 + 1.7 * np.exp(-t / (epochs / 8))) * (1 + 0.05 * noise[0])
            val = (0.35 + 1.65 * np.exp(-t / (epochs / 8))) * (1 + 0.075 * noise[1])
            curves.append((loss, val))
    return curves


def grid(records, passes=2):
    """Chooses the thresholds of `GRID` on the tune half: fewest missed plus false labels, among the settings that
    keep every curve of `noisy_healthy_curves` healthy. Ties go to the first value listed.

    Returns:
        `{name: value}`, also set in `lab.diagnosis`.
    """
    import itertools

    from lab import diagnosis
    from lab.diagnosis_score import score

    chosen, healthy = tune_records(records), noisy_healthy_curves()

    def errors():
        if any(diagnosis.diagnose(loss, val)["labels"] != ["healthy"] for loss, val in healthy):
            return math.inf
        result = score(chosen)
        return len(result["misses"]) + len(result["false_alarms"])

    best = {}
    for _ in range(passes):
        for group in GRID:
            names, trials = list(group), []
            for values in itertools.product(*group.values()):
                for name, value in zip(names, values):
                    setattr(diagnosis, name, value)
                trials.append((errors(), values))
            count, values = min(trials, key=lambda trial: trial[0])  # min keeps the first of equals
            for name, value in zip(names, values):
                setattr(diagnosis, name, value)
                best[name] = value
            print(f"  {dict(zip(names, values))}: {count} missed or false labels on the tune half", flush=True)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rebuild", action="store_true", help="train every run and write the set")
    parser.add_argument("--relabel", action="store_true", help="label the stored runs again by today's rules")
    parser.add_argument("--plot", metavar="PNG", help="draw every run with its true labels")
    parser.add_argument("--grid", action="store_true", help="choose the diagnosis' thresholds on the tune half only")
    args = parser.parse_args()
    if args.rebuild:
        rebuild()
    elif args.relabel:
        relabel()
    records = json.loads(SET.read_text())
    if args.plot:
        plot(records, args.plot)
    if args.grid:
        print("grid on the tune half:", grid(records))
        return
    report(records)


if __name__ == "__main__":
    main()
