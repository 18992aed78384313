"""The gallery of good and bad loss curves: real runs of the labs, each showing one pattern.

Each lab lists its entries in `lab/labs/<lab>/gallery.py`. An entry names the
settings that produce the pattern, the label the diagnosis must find, what causes
it (in our words) and a fix: other settings trained the same way. `python -m lab gallery --rebuild` trains them all and
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
        cause: why the curve looks like this, in our words; `{params}` stands for the bad run's
            parameter count, taken from the stored run.
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

    def cause_text(self, stored):
        """The cause, with the stored bad run's parameter count written in."""
        params = stored["run"].get("params")
        return self.cause.replace("{params}", f"{params:,}" if params else "many")


def entries(lab=None):
    """The gallery's entries (each lab's `lab/labs/<lab>/gallery.py`, in menu order), optionally only `lab`'s."""
    from lab.registry import labs

    chosen = [spec for spec in labs().values() if lab is None or spec.name == lab]
    return tuple(entry for spec in chosen for entry in spec.module("gallery").ENTRIES)


def get_entry(entry_id):
    """The entry called `entry_id`.

    Raises:
        ValueError: no such entry.
    """
    every = entries()
    for entry in every:
        if entry.id == entry_id:
            return entry
    raise ValueError(f"There is no gallery entry {entry_id!r}. Entries: {', '.join(e.id for e in every)}.")


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
        "params": run.params,
    }


def rebuild(entry, folder=FOLDER):
    """Trains an entry's bad and fixed runs and writes `<folder>/<id>.json`; returns the stored dict."""
    stored = {
        "id": entry.id,
        "lab": entry.lab,
        "label": entry.label,
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


def diagnosis(lab_name, stored):
    """Today's diagnosis of a stored run (the stored one may predate a change to the diagnosis)."""
    from lab.diagnosis import diagnose_history
    from lab.registry import get_lab

    config = get_lab(lab_name).config_cls.from_strings(stored["config"])
    return diagnose_history(stored["history"], stored["batch_loss"], config=config)


def as_run(lab_name, stored, label):
    """A `Run` holding a stored run's curves and today's diagnosis (its config left out), for the loss chart."""
    from lab.runs import Run

    return Run(
        lab=lab_name,
        config=None,
        status=stored["status"],
        epochs_planned=len(stored["history"]),
        history=stored["history"],
        batch_loss=stored["batch_loss"],
        batch_position=stored["batch_position"],
        initial_loss=stored.get("initial_loss"),
        diagnosis=diagnosis(lab_name, stored),
        message=label,
    )
