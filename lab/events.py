"""The events a worker sends about a run, and how the page's copy of the run applies them.

A worker's `Runner` fills its own `Run`; `RunPublisher` (called by the `Publish`
callback in `lab.callbacks`) turns what changed since the
last event into one plain, picklable dict, and `apply_event` replays it on the
page's `Run`. Lists (`history`, `batch_loss`, ...) travel as their new items only;
other fields travel when they change; `status` is applied last, so a page that
sees a run ended sees everything it ended with. No TensorFlow here: the page imports it.
"""

import math
import threading
import time

PUBLISH_INTERVAL_S = 0.1  # batch losses reach the page at most ten times a second
LISTS = ("history", "batch_loss", "batch_position", "lr_changes")  # events carry only their new items
VALUES = (
    "epochs_planned",
    "position",
    "snapshot",
    "first_snapshot",
    "initial_loss",
    "metrics",
    "diagnosis",
    "message",
    "invalid",
    "warnings",
    "params",
    "summary",
    "model_bytes",
    "train_started_at",
    "ended_at",
    "timings",
)


class RunPublisher:
    """Turns what changed in a `Run` since the last call into one event.

    An event is a dict: the new items of each list, the values that changed,
    `status` whenever it changed, and any extras (`ready`: the model can answer;
    `divergence`: why the loss blew up).

    Args:
        run: the runner's `Run`.
        emit: `event -> None`, called from the training thread.
    """

    def __init__(self, run, emit):
        self.run, self.emit = run, emit
        self._sent_lengths = dict.fromkeys(LISTS, 0)
        self._sent_values: dict = {}
        self._lock = threading.Lock()
        self._last = 0.0

    def publish(self, force=True, **extra):
        """Emits what changed (nothing when nothing did); unforced calls at most every `PUBLISH_INTERVAL_S`."""
        now = time.monotonic()
        if not force and now - self._last < PUBLISH_INTERVAL_S and self._last:
            return
        with self._lock:
            self._last = now
            event = dict(extra)
            for name in LISTS:
                items = getattr(self.run, name)
                start, end = self._sent_lengths[name], len(items)
                if end > start:
                    event[name] = list(items[start:end])
                    self._sent_lengths[name] = end
            for name in (*VALUES, "status"):
                value = getattr(self.run, name)
                if name not in self._sent_values or not _same(self._sent_values[name], value):
                    event[name] = value
                    self._sent_values[name] = value
            if event:
                self.emit(event)


def _same(a, b):
    """Sent values are compared by identity for containers (replaced whole, never mutated) and by value otherwise."""
    if isinstance(a, (dict, list, bytes)) or isinstance(b, (dict, list, bytes)):
        return a is b
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))


def apply_event(run, event):
    """Applies one event's lists and values to `run`; returns the extras (`ready`, `divergence`) and the status.

    The caller sets `run.status` from the returned status (last).
    """
    for name in LISTS:
        if name in event:
            getattr(run, name).extend(event[name])
    for name in VALUES:
        if name in event:
            setattr(run, name, event[name])
    extras = {k: v for k, v in event.items() if k not in LISTS and k not in VALUES and k != "status"}
    return extras, event.get("status")
