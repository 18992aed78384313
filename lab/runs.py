"""A training run: its config, history, live views, status and exports."""

import dataclasses
import io
import json
import math
import time
from typing import TypedDict

import pandas as pd

from lab.config import BaseConfig

ENDED = ("completed", "stopped", "diverged", "failed", "interrupted")
STEPPABLE = ("completed", "stopped")  # a run that ended so can be stepped by hand

STATUS_WORDS = {
    "queued": "Waiting for a free training slot",
    "running": "Training",
    "completed": "Completed",
    "stopped": "Stopped by you",
    "diverged": "Diverged",
    "failed": "Failed",
    "interrupted": "Interrupted (the server stopped during it)",
}


class Snapshot(TypedDict, total=False):
    """A lab's live views of its model; each lab extends it with its own keys (`<Lab>Snapshot`).

    Attributes:
        epoch: where the model stands, in epochs (the engine adds it).
        loss: the untrained model's loss on a training sample, when the lab measures it.
        position: epochs trained, fractional, when the lab counts them itself.
    """

    epoch: float
    loss: float
    position: float


class LiveChange(TypedDict):
    """A setting changed while training (`TrainingJob.set`), as the run records it."""

    epoch: float
    learning_rate: float
    field: str


@dataclasses.dataclass
class Run:
    """One training run of a lab.

    The training thread appends to the lists; the page reads copies of them.

    Attributes:
        lab: the lab's registry name.
        config: the validated config dataclass.
        number: the run's number in its session (1, 2, ...).
        status: "queued", "running", then one of `ENDED`.
        epochs_planned: the epochs the run was asked for.
        history: one dict per finished epoch: `epoch` (1-based), `loss`,
            `val_loss`, the lab's metrics, `learning_rate` and `seconds` (elapsed).
        batch_loss: each training batch's own loss (not Keras' running mean).
        batch_position: where each batch sits, in epochs (0.5 = half way through epoch 1).
        lr_changes: `{"epoch": position, "learning_rate": value, "field": name}` for each live change.
        snapshot: the latest lab-specific live views (computed in the training thread).
        first_snapshot: the same views of the untrained model (epoch 0).
        initial_loss: the untrained model's loss on a training sample, when the
            lab's snapshot gives one (`snapshot["loss"]`): the chart's first point.
        metrics: the final lab-specific metrics.
        diagnosis: the latest diagnosis of the loss curve.
        message: what happened, in words (why it failed or diverged).
        invalid: the run failed because its configuration is not allowed.
        explained: the failure's message is written for the user (a training
            process that stopped), so a hosted server shows it too.
        warnings: advice about the configuration (loss / last-layer mismatch...).
        params: the model's parameter count.
        model_bytes: the trained model as a `.keras` file.
        key: the run's id in the run store (`lab.store`), random and unguessable; "" until stored.
        timings: where the worker's time went: `build_s` (the model), `fit_s`
            (the training, live callbacks included) and `finish_s` (final metrics,
            diagnosis and model file).
    """

    lab: str
    config: BaseConfig
    number: int = 0
    status: str = "queued"
    epochs_planned: int = 0
    history: list = dataclasses.field(default_factory=list)
    batch_loss: list = dataclasses.field(default_factory=list)
    batch_position: list = dataclasses.field(default_factory=list)
    lr_changes: list[LiveChange] = dataclasses.field(default_factory=list)
    snapshot: Snapshot = dataclasses.field(default_factory=Snapshot)
    first_snapshot: Snapshot = dataclasses.field(default_factory=Snapshot)
    initial_loss: float | None = None
    metrics: dict = dataclasses.field(default_factory=dict)
    diagnosis: dict = dataclasses.field(default_factory=dict)
    message: str = ""
    invalid: bool = False
    explained: bool = False
    warnings: tuple = ()
    params: int = 0
    summary: str = ""
    model_bytes: bytes = b""
    timings: dict = dataclasses.field(default_factory=dict)
    key: str = ""
    position: float = 0.0
    started_at: float = dataclasses.field(default_factory=time.time)
    train_started_at: float | None = None
    ended_at: float | None = None

    @property
    def ended(self):
        return self.status in ENDED

    @property
    def label(self):
        return f"Run {self.number}" if self.number else "Run"

    @property
    def wall_seconds(self):
        """Seconds spent training (queueing excluded)."""
        if self.train_started_at is None:
            return 0.0
        return (self.ended_at or time.time()) - self.train_started_at

    @property
    def progress(self):
        """Share of the planned epochs done, from 0 to 1."""
        return min(1.0, self.position / self.epochs_planned) if self.epochs_planned else 0.0

    def lighten(self):
        """Drops the heavy parts (model file, view snapshots), keeping curves, metrics and diagnosis.

        A session keeps every run's curves for the history table and the overlays,
        but only the latest run's views and model are shown and offered for
        download; an autoencoder run carries about 3.5 MB of them.
        """
        self.model_bytes = b""
        self.snapshot, self.first_snapshot = {}, {}

    def seconds_left(self):
        """Estimated seconds until the last epoch ends, or None before the first batch."""
        if self.ended or self.position <= 0:
            return None if not self.ended else 0.0
        return self.wall_seconds * (self.epochs_planned - self.position) / self.position

    def status_words(self):
        words = STATUS_WORDS[self.status]
        return f"{words}: {self.message}" if self.message and self.status in ("failed", "diverged") else words

    def history_frame(self):
        """The per-epoch history as a DataFrame (one row per epoch)."""
        return pd.DataFrame(list(self.history))

    def to_csv(self):
        """The per-epoch history as CSV text."""
        buffer = io.StringIO()
        self.history_frame().to_csv(buffer, index=False)
        return buffer.getvalue()

    def to_dict(self):
        """The run as a JSON-ready dict, as `python -m lab run --json` writes it."""
        return json_safe(
            {
                "lab": self.lab,
                "config": self.config.to_dict(),
                "status": self.status,
                "message": self.message,
                "warnings": list(self.warnings),
                "params": self.params,
                "history": list(self.history),
                "batch_loss": list(self.batch_loss),
                "lr_changes": list(self.lr_changes),
                "metrics": self.metrics,
                "diagnosis": self.diagnosis,
                "wall_seconds": round(self.wall_seconds, 3),
            }
        )

    def config_json(self):
        """The config as JSON text (the download)."""
        return json.dumps({"lab": self.lab, "config": self.config.to_dict()}, indent=2)


def json_safe(value):
    """Replaces NaN and infinities (not valid JSON) by None, recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value
