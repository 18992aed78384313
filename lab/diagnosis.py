"""Read a loss history and name what it shows (the healthy and sick curves of a loss plot).

A curve can carry several labels. Trends come from a moving median and robust
(Theil-Sen) line fits, so one noisy epoch decides nothing. Pure numpy and pandas:
no Streamlit, no TensorFlow.
"""

import numpy as np
import pandas as pd

from lab.config import train_only_settings
from lab.labs.diffusion.diagnosis import add_diffusion_findings, is_diffusion_history
from lab.labs.gan.diagnosis import diagnose_gan, is_gan_history

LABELS = ("healthy", "still_learning", "overfitting", "lr_too_high", "diverged", "lr_too_low", "val_below_train")

MIN_EPOCHS = 5  # fewer finite epochs than this: too early to tell
EXPLODE_FACTOR = 10.0  # training loss above 10x its first value: diverged
# A wobbling epoch curve: a jump is a rise over 10% of the smoothed curve's span and over 10% of the loss
# just before it, in >= 3 and >= 5% of the epochs.
JUMP_SPAN, JUMP_LEVEL = 0.10, 0.10
MIN_JUMPS, MIN_JUMP_SHARE = 3, 0.05
SPIKE_FACTOR, SPIKE_SPAN = 3.0, 0.10  # a batch spike: over 3x the running median and by
MIN_SPIKES, MIN_SPIKE_SHARE = 3, 0.07  # 10% of its span, in >= 3 and >= 7% of batches (healthy
#   runs with small batches or dropout reach 5%; too-high learning rates 8-15%)
BATCH_WINDOW, MIN_BATCHES = 25, 20  # running-median window; fewer batches are ignored
LOW_DROP = 0.10  # training loss moved less than 10% over the run: barely moving, unless
EARLY_SHARE = 0.75  # 75% of that small fall came in the first half (fell, then flat),
EARLY_FALL = 0.02  # when that fall is over 2% of the first epoch's loss (smaller is no fall at all)
HEALTHY_DROP = 0.20  # a healthy curve fell at least 20%
TAIL_SHARE, STILL_FALLING = 0.20, 0.05  # last 20% of epochs give 5% of the total drop,
STILL_SOME, STILL_LEVEL = 0.02, 0.05  # or 2% of it and 5% of the final loss (a slow, steady fall)
NOISE_Z = 3.0  # a change counts when over 3 noise widths (robust spread around the moving median)
# Overfitting: validation ends (the median of its last fifth) 5% above its minimum and by 1.5 noise widths.
# Chosen by `python -m bench.generalisation_histories --grid` on the tune half.
OVERFIT_RISE, OVERFIT_Z = 0.05, 1.5
BELOW_SHARE = 0.8  # validation below training in 80% of the last half's epochs,
BELOW_GAP = 0.05  # and 5% lower on average
TINY = 1e-12

_TEXT = {  # label: (summary headline, short name, advice), most serious first
    "diverged": (
        "the run diverged",
        "diverged",
        "Lower the learning rate about 10x, check the inputs for NaN or huge values, consider gradient clipping.",
    ),
    "lr_too_high": (
        "the loss jumps around, so the learning rate is probably too high",
        "learning rate too high",
        "Try a 3-10x smaller learning rate or larger batches; a few jumps can also come from ReLU's kinks.",
    ),
    "overfitting": ("the model is overfitting", "overfitting", None),
    "lr_too_low": (
        "the loss barely moves, so the learning rate is probably too low",
        "learning rate too low",
        "Raise the learning rate about 10x (the right value depends on the optimiser).",
    ),
    "still_learning": ("the loss is still falling", "still learning", None),
    "healthy": ("the loss fell, then flattened: a healthy curve", "healthy", "Nothing to fix: this run trained well."),
    "val_below_train": (
        "validation loss is below training loss",
        "validation below training",
        None,  # the cause depends on the run's settings: see `_below_advice`
    ),
}
EPOCH_AVERAGE = (
    "Keras reports the training loss as the average over the epoch, while the model was still improving, and "
    "measures validation at the epoch's end; a validation split that happens to be easier also does it."
)


def _below_advice(handicaps):
    """Why validation sits below training, for a run whose training-only settings are `handicaps` (None: unknown)."""
    if handicaps:
        return (
            f"Expected: {' and '.join(handicaps)} act only while training, handicapping that loss; validation runs "
            "the whole model on clean inputs."
        )
    if handicaps is None:
        return f"Expected with dropout or input noise, which act only while training. Without them: {EPOCH_AVERAGE}"
    return f"Nothing here acts only in training (no dropout, no input noise), so the usual cause is timing: {EPOCH_AVERAGE}"


def diagnose(loss, val_loss=None, batch_loss=None, *, epochs_planned=None, handicaps=None):
    """Names what a loss history shows.

    Args:
        loss: per-epoch training loss (floats; nan, inf and None are allowed).
        val_loss: per-epoch validation loss aligned with `loss`, or None; missing
            epochs (nan or None) are skipped.
        batch_loss: each batch's own loss, in order, or None.
        epochs_planned: total epochs the run will have, for a live, partial history.
        handicaps: the run's settings that act only in training, in words (`config.train_only_settings`),
            or None when unknown (a history from a file); they decide why validation below training happens.

    Returns:
        A dict: "labels" (from `LABELS`, most serious first), "findings" (per label a
        dict of "label", "evidence" quoting numbers and 1-based epochs, and one line
        of "advice"), "summary" (one sentence) and "too_early" (fewer than
        `MIN_EPOCHS` finite epochs and no divergence: nothing can be told yet).
    """
    x = np.asarray(list(loss), dtype=float)  # None becomes nan
    v = None if val_loss is None else np.asarray(list(val_loss), dtype=float)[: len(x)]
    b = None if batch_loss is None else np.asarray(list(batch_loss), dtype=float)
    few = int(np.isfinite(x).sum()) < MIN_EPOCHS
    evidence = _divergence(x, b)
    if evidence:
        findings = [_finding("diverged", evidence)]  # reported however early
    elif few:
        findings = []
    else:
        findings = _read_curve(x, v, b, remaining=max(0, (epochs_planned or 0) - len(x)), handicaps=handicaps)
    return {
        "labels": [f["label"] for f in findings],
        "findings": findings,
        "summary": _summary(findings, x, epochs_planned),
        "too_early": few and not findings,
    }


def diagnose_history(history, batch_loss=None, *, epochs_planned=None, config=None):
    """Names what a Keras-style history shows (see `diagnose`; a GAN's history goes to `diagnose_gan`, a
    diffusion model's gets `add_diffusion_findings`).

    Args:
        history: list of per-epoch dicts with "loss" and optionally "val_loss";
            other keys are ignored.
        batch_loss: each batch's own loss, or None.
        epochs_planned: total epochs the run will have, or None.
        config: the run's config, or None when unknown (a history from a file): its settings that act
            only in training explain a validation below training, and a GAN's label smoothing moves the
            equilibrium.

    Returns:
        The dict returned by `diagnose`.

    Raises:
        ValueError: if an epoch has no "loss".
    """
    if any("loss" not in row for row in history):
        raise ValueError("Every epoch of the history needs a 'loss' value.")
    if is_gan_history(history):
        smoothing = getattr(config, "label_smoothing", 0.0)
        return diagnose_gan(history, epochs_planned=epochs_planned, label_smoothing=smoothing)
    val = [row.get("val_loss") for row in history]
    found = diagnose(
        [row["loss"] for row in history],
        val if any("val_loss" in row for row in history) else None,
        batch_loss,
        epochs_planned=epochs_planned,
        handicaps=None if config is None else train_only_settings(config),
    )
    return add_diffusion_findings(found, history, config) if is_diffusion_history(history) else found


def _finding(label, evidence, advice=None):
    """One finding dict."""
    return {"label": label, "evidence": evidence, "advice": advice or _TEXT[label][2]}


def _pct(part, whole=1.0):
    """`part / |whole|` as a percentage, with one decimal below 10%."""
    share = part / max(abs(whole), TINY)
    return f"{share:.0%}" if abs(share) >= 0.1 else f"{share:.1%}"


def _smooth(values):
    """`(smooth, noise)`: a centred moving median (window 5, or 3 for short curves)
    then 3-point mean, and the robust spread (scaled MAD) of the values around it."""
    window = 5 if len(values) >= 10 else 3
    median = pd.Series(values).rolling(window, center=True, min_periods=1).median()
    smooth = median.rolling(3, center=True, min_periods=1).mean().to_numpy()
    return smooth, 1.4826 * float(np.median(np.abs(values - smooth)))


def _tail(x):
    """`(k, drop, end)`: the fall over the last k epochs and the final level, from a
    Theil-Sen line (median of pairwise slopes) through the last k + 1 epochs."""
    k = max(3, round(TAIL_SHARE * len(x)))
    y = x[-k - 1 :]
    first, second = np.triu_indices(len(y), 1)
    slope = float(np.median((y[second] - y[first]) / (second - first)))
    steps = np.arange(len(y))
    return k, -slope * k, float(np.median(y - slope * steps)) + slope * steps[-1]


def _divergence(x, b):
    """Evidence that the run diverged (non-finite or exploding loss), or None."""
    for name, unit, values in (("training loss", "epoch", x), ("batch loss", "batch", b)):
        bad = np.flatnonzero(~np.isfinite(values)) if values is not None else np.array([], dtype=int)
        if len(bad):
            return f"the {name} became {values[bad[0]]} at {unit} {bad[0] + 1}"
    for name, unit, values in (("training loss", "epoch", x), ("batch loss", "batch", b)):
        if values is not None and len(values) >= 2 and values[0] > 0 and values[-1] > EXPLODE_FACTOR * values[0]:
            return (
                f"the {name} grew from {values[0]:.3g} at {unit} 1 to {values[-1]:.3g} at "
                f"{unit} {len(values)} ({values[-1] / values[0]:.0f}x)"
            )
    return None


def _read_curve(x, v, b, remaining, handicaps):
    """All findings for a finite history of at least `MIN_EPOCHS` epochs (`handicaps`: see `diagnose`)."""
    (s, noise), tail = _smooth(x), _tail(x)
    high = [e for e in (_jumps(x, s), _batch_spikes(b)) if e]
    found = {
        "lr_too_high": _finding("lr_too_high", "; ".join(high)) if high else None,
        "overfitting": _overfitting(x, s, v),
        "lr_too_low": None if high else _barely_moving(x, s, noise, tail),
    }
    if not (found["lr_too_low"] or found["overfitting"]):  # flat, or overfitting: more epochs will not help
        found["still_learning"] = _still_falling(x, noise, tail, remaining)
    if not any(found.values()):
        found["healthy"] = _healthy(x, tail)
    found["val_below_train"] = _val_below_train(x, v, handicaps)
    return [found[label] for label in _TEXT if found.get(label)]


def _jumps(x, s):
    """Evidence of repeated upward jumps in the epoch curve (a wobbling loss), or None.

    A jump is a rise from one epoch to the next larger than `JUMP_LEVEL` of the loss before it and than
    `JUMP_SPAN` of the smoothed curve's span.
    """
    rises = np.diff(x)
    level = np.maximum(np.abs(x[:-1]), TINY)
    where = np.flatnonzero((rises > JUMP_SPAN * (s.max() - s.min())) & (rises > JUMP_LEVEL * level))
    if len(where) < max(MIN_JUMPS, MIN_JUMP_SHARE * len(rises)):
        return None
    worst = where[np.argmax(rises[where] / level[where])]
    return (
        f"the training loss jumped up {len(where)} times in {len(x)} epochs (largest "
        f"+{_pct(rises[worst], level[worst])} from one epoch to the next, at epoch {worst + 2})"
    )


def _batch_spikes(b):
    """Evidence of repeated spikes in the per-batch loss, or None."""
    if b is None or len(b) < MIN_BATCHES:
        return None
    median = pd.Series(b).rolling(BATCH_WINDOW, center=True, min_periods=1).median()
    median = median.to_numpy()
    spikes = np.flatnonzero(
        (median > 0) & (b > SPIKE_FACTOR * median) & (b - median > SPIKE_SPAN * (median.max() - median.min()))
    )
    if len(spikes) < max(MIN_SPIKES, MIN_SPIKE_SHARE * len(b)):
        return None
    ratios = b[spikes] / median[spikes]
    return (
        f"{len(spikes)} of {len(b)} batch losses spiked above {SPIKE_FACTOR:g}x their "
        f"running median (largest {ratios.max():.3g}x, at batch "
        f"{spikes[np.argmax(ratios)] + 1})"
    )


def _still_falling(x, noise, tail, remaining):
    """A still_learning finding when the last epochs still lower the loss, or None."""
    k, drop, end = tail
    total = x[0] - end
    steady = drop >= STILL_SOME * total and drop >= STILL_LEVEL * abs(end)
    if total <= 0 or drop <= NOISE_Z * noise or not (drop >= STILL_FALLING * total or steady):
        return None
    advice = (
        f"Let it run: {remaining} epochs to go."
        if remaining
        else "Train for more epochs: the model has not converged yet."
    )
    return _finding(
        "still_learning",
        f"the last {k} epochs still lowered the loss by "
        f"{_pct(drop, total)} of the run's total drop (to {end:.3g} at epoch "
        f"{len(x)})",
        advice,
    )


def _barely_moving(x, s, noise, tail):
    """An lr_too_low finding when the loss hardly moves, and steadily, or None."""
    start, middle, end = x[0], s[len(s) // 2], tail[2]
    drop = start - end
    if abs(drop) > LOW_DROP * abs(start):
        return None
    if drop > max(NOISE_Z * noise, EARLY_FALL * abs(start)) and start - middle > EARLY_SHARE * drop:
        return None  # fell early, then flat: not a slow learner
    return _finding(
        "lr_too_low",
        f"the training loss changed only {_pct(abs(drop), start)} over {len(x)} epochs ({start:.3g} to {end:.3g})",
    )


def _overfitting(x, s, v):
    """An overfitting finding when validation loss turned up, and stayed up, while training fell.

    Where the validation curve ends (the median of its last fifth) must sit `OVERFIT_RISE` above the smoothed
    curve's minimum and `OVERFIT_Z` noise widths above it, and the training loss must end below its (smoothed)
    value at the validation's best epoch.
    """
    idx = np.flatnonzero(np.isfinite(v)) if v is not None else np.array([], dtype=int)
    if len(idx) < MIN_EPOCHS:
        return None
    sv, noise = _smooth(v[idx])
    best, k = int(np.argmin(sv)), _tail(v[idx])[0]
    end, train_end = float(np.median(v[idx][-k:])), float(np.median(x[idx][-k:]))
    rise, fall = end - sv[best], s[idx[best]] - train_end
    if rise <= OVERFIT_RISE * abs(sv[best]) or rise <= OVERFIT_Z * noise or fall <= 0:
        return None
    epoch = idx[best] + 1
    return _finding(
        "overfitting",
        f"validation loss rose {_pct(rise, sv[best])} from its "
        f"minimum at epoch {epoch} ({sv[best]:.3g}) to {end:.3g} (median of the last {k} epochs), "
        f"while training loss fell "
        f"{_pct(fall, s[idx[best]])}",
        f"Stop near epoch {epoch} (early stopping), or add dropout or weight decay, use a smaller model or more data.",
    )


def _healthy(x, tail):
    """A healthy finding when the loss fell substantially and flattened, or None."""
    k, drop, end = tail
    total = x[0] - end
    if total < HEALTHY_DROP * abs(x[0]):
        return None
    return _finding(
        "healthy",
        f"the training loss fell {_pct(total, x[0])} ({x[0]:.3g} to "
        f"{end:.3g}) and the last {k} epochs changed it by only "
        f"{_pct(abs(drop), total)} of that drop",
    )


def _val_below_train(x, v, handicaps):
    """A val_below_train finding when validation stays under training loss, or None."""
    if v is None:
        return None
    train, val = x[len(x) // 2 :], v[len(x) // 2 :]
    known = np.isfinite(val)
    below = val[known] < train[known]
    if not known.any() or below.mean() < BELOW_SHARE:
        return None
    gap = np.mean((train[known] - val[known]) / np.maximum(np.abs(train[known]), TINY))
    if gap < BELOW_GAP:
        return None  # below, but too little to matter (a slightly easier validation split)
    return _finding(
        "val_below_train",
        f"validation loss was below training loss in "
        f"{below.sum()} of the last {known.sum()} epochs ({_pct(gap)} lower "
        "on average)",
        _below_advice(handicaps),
    )


def _summary(findings, x, epochs_planned):
    """One sentence: the most serious finding, the others named."""
    if not findings and int(np.isfinite(x).sum()) < MIN_EPOCHS:
        return (
            f"Too early to tell: {int(np.isfinite(x).sum())} epoch(s) so far, the "
            f"diagnosis needs at least {MIN_EPOCHS}."
        )
    live = bool(epochs_planned) and len(x) < epochs_planned
    prefix = f"Training in progress (epoch {len(x)} of {epochs_planned}): " if live else ""
    if not findings:
        return f"{prefix}No clear pattern: the training loss went from {x[0]:.3g} to {x[-1]:.3g}."
    labels = [f["label"] for f in findings]
    text = _TEXT[labels[0]][0]
    if labels[0] == "still_learning":
        text += ", as expected while training" if live else ": train longer"
    if labels[1:]:
        text += f" (also: {', '.join(_TEXT[label][1] for label in labels[1:])})"
    return (prefix + text if live else text[0].upper() + text[1:]) + "."


def diagnose_run(run, finished=False):
    """Diagnoses a run's loss curve, partial (live) or finished."""
    return diagnose_history(
        list(run.history),
        list(run.batch_loss),
        epochs_planned=None if finished else run.epochs_planned,
        config=run.config,
    )
