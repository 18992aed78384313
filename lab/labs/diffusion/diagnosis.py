"""Read a diffusion model's run: the generic loss reading, plus what its schedule and samples show.

A diffusion loss flattens early and stays noisy (each batch draws fresh timesteps
and noise), so the curve alone rarely tells what went wrong. Two failures are
read from the run's settings and its samples instead:

- `too_few_steps`: with a small T each reverse step must undo a large jump of
  noise, and a dense network cannot do that in one guess: samples land between
  the modes.
- `signal_destroyed_early`: the schedule leaves almost no data in x_t long before
  step T, so those steps teach nothing (their loss is near zero: x_t is the noise)
  and the few informative steps are undertrained.

Pure numpy.
"""

import numpy as np

from models.diffusion_schedule import alpha_bars

FEW_STEPS = 50  # T below this ...
POOR_QUALITY = 0.5  # ... and fewer than half of the samples on a mode: too few steps
NO_SIGNAL = 1e-3  # ᾱ_t below this: the data's amplitude √ᾱ is under 3% of the noise's
NO_SIGNAL_SHARE = 0.4  # at least 40% of the steps without signal: destroyed early

_TEXT = {
    "too_few_steps": (
        "too few diffusion steps: the samples land between the modes",
        "Raise T (100 is the lab's default): each reverse step then removes a little noise, which the network can "
        "predict well.",
    ),
    "signal_destroyed_early": (
        "the schedule destroys the data long before the last step",
        "Lower the β scale to 1, or pick the cosine schedule, which keeps some signal until near the end.",
    ),
}


def is_diffusion_history(history):
    """True when a history comes from the diffusion lab (it has the per-band losses)."""
    return bool(history) and "loss_band_1" in history[0]


def _last(history, key):
    values = [row[key] for row in history if row.get(key) is not None and np.isfinite(row[key])]
    return values[-1] if values else None


def _bands(history):
    last = history[-1]
    return ", ".join(f"{last[k]:.3g}" for k in sorted(last) if k.startswith("loss_band_"))


def _too_few_steps(history, config):
    quality = _last(history, "high_quality_fraction")
    if config.timesteps >= FEW_STEPS or quality is None or quality >= POOR_QUALITY:
        return None
    return (
        f"T = {config.timesteps}: each reverse step must undo a large jump of noise, and only {quality:.1%} of "
        f"the samples end within 3 standard deviations of a mode (the default T = 100 gives about 80%)"
    )


def _signal_destroyed(history, config):
    alpha_bar = alpha_bars(config.timesteps, config.schedule, config.beta_scale)
    gone = alpha_bar < NO_SIGNAL
    if gone.mean() < NO_SIGNAL_SHARE:
        return None
    first = int(np.argmax(gone)) + 1
    return (
        f"from step {first} of {config.timesteps} on, x_t keeps less than 3% of the data ({gone.mean():.0%} of "
        f"the steps); the loss per quarter of the steps is {_bands(history)}: near 0 means the network only has "
        "to copy x_t, which is already the noise"
    )


def diffusion_findings(history, config):
    """The diffusion-specific findings of a run (a list of finding dicts), most serious first.

    Args:
        history: the lab's per-epoch rows (`loss`, `loss_band_1` … and, for mode data,
            `high_quality_fraction` on some rows).
        config: the run's `DiffusionConfig`, or None (a history from a file: nothing to add).
    """
    if config is None or not hasattr(config, "timesteps"):
        return []
    found = []
    for label, read in (("too_few_steps", _too_few_steps), ("signal_destroyed_early", _signal_destroyed)):
        evidence = read(history, config)
        if evidence:
            found.append({"label": label, "evidence": evidence, "advice": _TEXT[label][1]})
    return found


def add_diffusion_findings(found, history, config):
    """The generic diagnosis `found` with the diffusion findings first (a curve that merely looks healthy is not).

    Returns:
        A new dict of the same shape, or `found` itself when there is nothing to add.
    """
    extra = diffusion_findings(history, config)
    if not extra or found["labels"] == ["diverged"]:
        return found
    findings = extra + [f for f in found["findings"] if f["label"] != "healthy"]
    text = "; ".join(_TEXT[f["label"]][0] for f in extra)
    return {
        **found,
        "labels": [f["label"] for f in findings],
        "findings": findings,
        "summary": text[0].upper() + text[1:] + ".",
        "too_early": False,
    }
