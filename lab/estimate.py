"""How long a run will train, said before it starts: the settings' work times this server's measured speed.

A lab's `work(config)` is a number proportional to its training time (its
update steps, weighted by their size), and its `reference_seconds` is how long
its default run trained on the reference machine (2 CPU cores). Until this
server has finished a run, that reference speed is used. After that, a lab's
estimate is scaled by how much slower or faster its own recent runs were here
than the reference predicts, or, for a lab not run here yet, by the median of
the other labs' factors. Once a run has trained for a moment, `Run.seconds_left`
takes over from its own pace.
"""

import statistics
import threading

RECENT = 5  # runs per lab whose speed the estimate follows
_lock = threading.Lock()
_factors: dict[str, list[float]] = {}  # lab -> measured / reference-predicted seconds of its recent runs here


def work(lab, config):
    """The lab's work measure of `config` (its epochs when the lab has none)."""
    return float(lab.work(config)) if lab.work else float(config.epochs)


def reference_seconds(lab, config):
    """Seconds `config` would train on the reference machine, or None when the lab has no reference."""
    if not lab.reference_seconds:
        return None
    default = work(lab, lab.config_cls())
    return lab.reference_seconds * work(lab, config) / default if default else None


def record(lab, config, seconds):
    """Notes that a completed run of `config` trained `seconds` on this server."""
    predicted = reference_seconds(lab, config)
    if not predicted or seconds <= 0:
        return
    with _lock:
        _factors[lab.name] = [*_factors.get(lab.name, [])[-RECENT + 1 :], seconds / predicted]


def forget():
    """Drops every measurement (tests)."""
    with _lock:
        _factors.clear()


def estimate(lab, config):
    """Expected training seconds of `config`, and whether this server's speed went into it.

    Returns:
        `(seconds, measured_here)`, or None when the lab has no reference.
    """
    predicted = reference_seconds(lab, config)
    if predicted is None:
        return None
    with _lock:
        own = _factors.get(lab.name)
        others = [statistics.median(f) for name, f in _factors.items() if name != lab.name and f]
    if own:
        return predicted * statistics.median(own), True
    if others:
        return predicted * statistics.median(others), True
    return predicted, False


def duration_words(seconds):
    """`about 20 s`, `about 3 min`: rounded as a person would say it."""
    if seconds < 10:
        return f"about {max(1, round(seconds))} s"
    if seconds < 90:
        return f"about {round(seconds / 5) * 5} s"
    return f"about {round(seconds / 60)} min"


def estimate_words(lab, config):
    """The sentence shown before Train, or None when the lab has no reference."""
    found = estimate(lab, config)
    if found is None:
        return None
    seconds, here = found
    where = "on this server" if here else "on two CPU cores (this server's own speed is used after its first run)"
    return f"Training takes {duration_words(seconds)} {where}."
