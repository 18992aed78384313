"""The gallery of good and bad loss curves: real runs of the labs, each showing one pattern.

Each entry names a lab, the settings that produce the pattern, the label the
diagnosis must find, what causes it (in our words) and a fix: other settings
trained the same way. `python -m lab gallery --rebuild` trains them all and
stores the histories in `data/gallery/<id>.json`; the page and the tests read
those files.
"""

import dataclasses
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
FOLDER = ROOT / "data" / "gallery"
MAX_BATCHES = 1500  # per-batch losses kept per stored run (evenly thinned)


@dataclasses.dataclass(frozen=True)
class Entry:
    """One gallery entry.

    Attributes:
        id: file name and anchor ("mlp-overfitting").
        lab: the lab's registry name.
        title: the pattern, as a heading.
        label: the label the diagnosis must find in the bad run.
        settings: `{field: text}` of the bad run (the rest are the lab's defaults).
        cause: why the curve looks like this, in our words.
        fix: `{field: text}` changed from `settings` in the fixed run.
        fix_text: what the fix does, in a sentence.
        fix_label: the label the fixed run shows (None: no check).
        contrast: the second run is a contrast rather than a fix (for a healthy curve).
    """

    id: str
    lab: str
    title: str
    label: str
    settings: dict
    cause: str
    fix: dict
    fix_text: str
    fix_label: str | None = None
    contrast: bool = False

    def fix_settings(self):
        return {**self.settings, **self.fix}


ENTRIES = (
    Entry("mlp-healthy", "mlp", "Healthy: falls fast, then flattens", "healthy",
          {"epochs": "40"},
          "The learning rate suits the problem and the network is big enough: the loss drops steeply in the first "
          "epochs, then flattens as the boundary settles, and validation follows training closely.",
          {"hidden_units": ""}, "Nothing to fix, but a flat tail alone is not enough: without hidden layers the model "
          "can only draw a straight line, and its loss flattens at a much higher level. Compare levels, not only "
          "shapes.", None, contrast=True),
    Entry("mlp-still-learning", "mlp", "Still learning: stopped too early", "still_learning",
          {"dataset": "spirals", "epochs": "30"},
          "Two interleaved spirals need a curvy boundary that takes many epochs to carve: after 30 the loss is "
          "still going down at a steady pace. The run ended before the model finished learning.",
          {"epochs": "200"}, "More epochs: the loss keeps falling until the spirals are separated, then flattens.",
          None),
    Entry("mlp-overfitting", "mlp", "Overfitting: validation turns up", "overfitting",
          {"n_samples": "200", "noise": "0.4", "hidden_units": "256,256,256", "epochs": "300", "batch_size": "16"},
          "A big network (130,000 weights) on 150 very noisy training points memorises the noise: training loss "
          "keeps falling towards 0 while the validation loss reaches a minimum early and then climbs.",
          {"epochs": "20"}, "Stop near the validation minimum (about epoch 20), as Keras' EarlyStopping callback "
          "would. More data or a smaller network also help; an L2 penalty of 0.003 alone was not enough here.", None),
    Entry("mlp-lr-too-high", "mlp", "Learning rate too high: a jumpy curve", "lr_too_high",
          {"optimizer": "sgd", "learning_rate": "3", "epochs": "40"},
          "Each step overshoots the valley, so the loss bounces: it jumps up again and again instead of settling.",
          {"learning_rate": "0.3"}, "A 10x smaller step lands in the valley instead of across it.", None),
    Entry("mlp-diverged", "mlp", "Diverged: the loss blows up", "diverged",
          {"optimizer": "sgd", "learning_rate": "50", "epochs": "20"},
          "With a huge learning rate the first updates throw the weights so far that the loss explodes; after that "
          "nothing can be learned (the run stops itself).",
          {"learning_rate": "0.3"}, "A learning rate 100x smaller trains normally.", None),
    Entry("mlp-lr-too-low", "mlp", "Learning rate too low: barely moves", "lr_too_low",
          {"optimizer": "sgd", "learning_rate": "0.0001", "epochs": "30"},
          "Steps of 0.0001 with plain SGD are so small that after 30 epochs the loss has hardly changed: the curve "
          "is almost flat from the start.",
          {"learning_rate": "0.1"}, "A 1,000x larger learning rate lets SGD actually move.", None),
    Entry("mlp-val-below-train", "mlp", "Validation below training: dropout at work", "val_below_train",
          {"dataset": "sine", "dropout": "0.3", "epochs": "60"},
          "Dropout switches off 30% of the units in every training step, which handicaps the training loss; "
          "validation runs the full network, so its loss sits below the training loss. This is expected, not a bug.",
          {"dropout": "0"}, "Without dropout the two curves lie close together.", None),
    Entry("autoencoder-still-learning", "autoencoder", "Autoencoder still learning: a slow optimiser", "still_learning",
          {"epochs": "30"},
          "Adadelta with learning rate 1.0 (the lecture's choice) shrinks its steps as it goes: after 30 epochs the "
          "reconstruction loss is still falling steadily, so the digits are still getting sharper.",
          {"optimizer": "adam", "learning_rate": "0.001"},
          "Adam at 0.001 gets most of the way in the first few epochs and then flattens.", None),
    Entry("pinn-lr-too-high", "pinn", "PINN with too large a step: the residual never settles", "lr_too_high",
          {"steps": "1500", "lbfgs_iterations": "0", "learning_rate": "0.03"},
          "Adam at 0.03 on a physics-informed loss: the PDE residual is a steep, twisted landscape around the shock, "
          "so big steps keep knocking the network out of the valley and the loss jumps up again and again.",
          {"learning_rate": "0.001"}, "Adam at 0.001 descends smoothly (L-BFGS, switched off here, would then polish "
          "the solution).", None),
    Entry("rnn-cannot-remember", "rnn", "RNN that cannot remember: stuck at the baseline", "still_learning",
          {"task": "adding", "cell": "simple_rnn", "seq_len": "100", "n_sequences": "4000", "batch_size": "32",
           "learning_rate": "0.001", "epochs": "20"},
          "The adding problem hides two marked numbers in a 100-step sequence. A plain RNN's gradient from the "
          "answer back to the markers shrinks at every step (the vanishing gradient), so it never learns where to "
          "look: it creeps along the baseline of always answering 1 (MSE about 0.17), about 0.5% per epoch. A "
          "curve alone cannot tell that: the diagnosis sees a slow, steady fall and says \"still learning\". "
          "Compare the loss with the task's baseline (the RNN lab draws it) before training longer.",
          {"cell": "gru", "learning_rate": "0.003"}, "A GRU's gates carry the markers across the sequence: the loss leaves the baseline within "
          "a few epochs and falls close to 0.", None),
    Entry("attention-text-overfitting", "attention", "Transformer memorising a short text: overfitting", "overfitting",
          {"task": "text", "seq_len": "32", "epochs": "40", "learning_rate": "0.003"},
          "The Gettysburg Address has about 1,400 characters; a 100,000-weight transformer learns its first 90% by "
          "heart. Training loss keeps falling while the validation loss (the last 10%, never seen) bottoms out "
          "early and then climbs: the model predicts the memorised text, not the language.",
          {"epochs": "5"}, "Stopping near the validation minimum (epoch 4 or 5) keeps the best model; only more text "
          "would truly fix it.",
          None),
    Entry("gan-mode-collapse", "gan", "GAN mode collapse: every fake lands on one mode", "mode_collapse",
          {"d_learning_rate": "0.002", "d_steps": "5", "epochs": "40"},
          "The discriminator learns ten times faster and gets five steps per generator step. The generator escapes "
          "it by putting all its points on the one mode D currently trusts: the samples' spread drops to a few "
          "percent of the real data's and one mode of eight is captured. The summed loss looks calm all the while, "
          "which is why a GAN must be judged by its samples.",
          {"d_learning_rate": "0.0002", "d_steps": "1"},
          "Equal learning rates and one D step per G step keep the game even; the generator spreads over the modes.",
          None),
    Entry("gan-discriminator-wins", "gan", "GAN: the discriminator wins", "discriminator_wins",
          {"dataset": "mnist5k", "batch_size": "64", "g_width": "256", "d_width": "256", "epochs": "30"},
          "On 784-pixel digits, a generator fed only 2 noise numbers has too little to work with, while a "
          "256-unit discriminator quickly learns what real digits look like: D(real) climbs towards 1 and "
          "D(G(z)) falls towards 0, and the generator's loss keeps rising.",
          {"latent_dim": "32", "g_activation": "leaky_relu", "label_smoothing": "0.2"},
          "A 32-number noise vector, leaky ReLU in the generator and one-sided label smoothing keep D from winning "
          "outright; the digits become recognisable.", None),
)


def entries(lab=None):
    """The gallery's entries, optionally only those of `lab`."""
    return tuple(e for e in ENTRIES if lab is None or e.lab == lab)


def get_entry(entry_id):
    """The entry called `entry_id`.

    Raises:
        ValueError: no such entry.
    """
    for entry in ENTRIES:
        if entry.id == entry_id:
            return entry
    raise ValueError(f"There is no gallery entry {entry_id!r}. Entries: {', '.join(e.id for e in ENTRIES)}.")


def thin(values, n=MAX_BATCHES):
    """At most `n` evenly spaced items of `values` (the first and last kept)."""
    values = list(values)
    if len(values) <= n:
        return values
    step = (len(values) - 1) / (n - 1)
    return [values[round(i * step)] for i in range(n)]


def train(lab_name, settings):
    """Trains a lab with `settings` through the app's engine; returns the finished `Run`."""
    from lab.registry import get_lab
    from lab.training import JobQueue, TrainingJob

    lab = get_lab(lab_name)
    config = lab.config_cls.from_strings(settings)
    return TrainingJob(lab, config, lab.load_data(config), number=1, queue=JobQueue(max_jobs=1)).start().wait()


def stored_run(run):
    """What the gallery keeps of a run (JSON-ready)."""
    positions, losses = thin(run.batch_position), thin(run.batch_loss)
    return {
        "config": run.config.to_strings(only_changed=True),
        "status": run.status,
        "history": run.to_dict()["history"],
        "batch_position": positions,
        "batch_loss": losses,
        "initial_loss": run.initial_loss,
        "diagnosis": run.diagnosis,
        "wall_seconds": round(run.wall_seconds, 1),
    }


def rebuild(entry, folder=FOLDER):
    """Trains an entry's bad and fixed runs and writes `<folder>/<id>.json`; returns the stored dict."""
    stored = {
        "id": entry.id, "lab": entry.lab, "label": entry.label,
        "run": stored_run(train(entry.lab, entry.settings)),
        "fix": stored_run(train(entry.lab, entry.fix_settings())),
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{entry.id}.json").write_text(json.dumps(stored, indent=None, separators=(",", ":")))
    return stored


def load(entry, folder=FOLDER):
    """The stored runs of an entry, or None when it was never built."""
    path = folder / f"{entry.id}.json"
    return json.loads(path.read_text()) if path.exists() else None


def diagnosis(stored):
    """Today's diagnosis of a stored run (the stored one may predate a change to the diagnosis)."""
    from lab.diagnosis import diagnose_history

    return diagnose_history(stored["history"], stored["batch_loss"])


def as_run(lab_name, stored, label):
    """A `Run` holding a stored run's curves and today's diagnosis (its config left out), for the loss chart."""
    from lab.runs import Run

    return Run(lab=lab_name, config=None, status=stored["status"], epochs_planned=len(stored["history"]),
               history=stored["history"], batch_loss=stored["batch_loss"], batch_position=stored["batch_position"],
               initial_loss=stored.get("initial_loss"), diagnosis=diagnosis(stored), message=label)
