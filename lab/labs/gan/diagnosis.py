"""Read a GAN's history and name how the game goes.

A GAN's summed loss does not fall like a classifier's: the two networks fight, so
the generic reading (lab.diagnosis) would call a healthy game "learning rate too
high". This reads the game's own signals instead: the discriminator's mean
outputs on real and generated samples, the spread of the samples, and (for
Gaussian-mode data) the modes captured and the high-quality share. Pure numpy.
"""

import numpy as np

from lab.labs.gan.game import equilibrium

LABELS = ("diverged", "discriminator_wins", "mode_collapse", "oscillation", "balanced")
MIN_EPOCHS = 5  # fewer epochs than this: too early to tell
TAIL = 0.2  # the end of the run: its last 20% of epochs (at least 3)
D_WINS_REAL, D_WINS_FAKE = 0.8, 0.1  # D(real) above 0.8 and D(G(z)) below 0.1 at the end: D wins
COLLAPSE_SPREAD = 0.3  # generated std below 30% of the real one at the end: collapsed, unless
SPREAD_EPOCHS, SPREAD_GROWING = 10, 1.2  # fewer than 10 epochs, or it grew 20% over the end
COLLAPSE_MODES = 0.5  # or captures at most half of the modes (or of the most it ever held, if 2 or more)
COLLAPSE_QUALITY = 0.5  # ...while at least half of its samples sit on a mode (on target, too few targets)
SWING_MIN = 0.15  # oscillation: the high-quality share swings by 15 points or more between
#   consecutive peaks and dips, over the last half of the run,
MIN_SWINGS = 3  # at least 3 times, and still swinging at the end (an annealed run settles there)
BALANCED = 0.2  # D(real) and D(G(z)) both within 0.2 of the equilibrium at the end (1/2, less with smoothing)

_TEXT = {  # label: (headline, advice), most serious first
    "diverged": ("the game blew up", "Lower both learning rates about 10x."),
    "discriminator_wins": (
        "the discriminator wins",
        "Give the discriminator fewer steps or a smaller learning rate, "
        "use the non-saturating loss, or add label smoothing.",
    ),
    "mode_collapse": (
        "the generator collapsed onto part of the data",
        "Rebalance D and G: equal learning rates and one D step per G step, so that D cannot race ahead and "
        "drive G onto the one mode it currently trusts. If G still collapses, try a larger latent size or another "
        "seed; PacGAN and unrolled GANs were invented for this.",
    ),
    "oscillation": (
        "the game oscillates instead of settling",
        "Lower both learning rates, or lower Adam's momentum; "
        "a GAN need not converge, so keep the best epoch, not the last.",
    ),
    "balanced": (
        "the game is near its equilibrium: D can barely tell real from fake",
        "Nothing to fix; check the samples themselves, since a balanced game can still miss modes.",
    ),
}


def is_gan_history(history):
    """True when a history comes from the GAN lab (it has both networks' losses)."""
    return bool(history) and "d_loss" in history[0] and "g_loss" in history[0]


def _column(history, key):
    return np.asarray([row.get(key, np.nan) for row in history], dtype=float)


def _tail(values):
    k = max(3, int(round(len(values) * TAIL)))
    return values[-k:], k


def _finding(label, evidence):
    return {"label": label, "evidence": evidence, "advice": _TEXT[label][1]}


def _diverged(history):
    for key in ("d_loss", "g_loss"):
        values = _column(history, key)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            return f"the {'discriminator' if key == 'd_loss' else 'generator'} loss became {values[bad[0]]} at epoch {bad[0] + 1}"
    return None


def _discriminator_wins(history):
    real, k = _tail(_column(history, "d_real"))
    fake, _ = _tail(_column(history, "d_fake"))
    real_end, fake_end = float(np.nanmedian(real)), float(np.nanmedian(fake))
    if not (real_end > D_WINS_REAL and fake_end < D_WINS_FAKE):
        return None
    evidence = f"over the last {k} epochs D(real) is {real_end:.2f} and D(G(z)) {fake_end:.2f}: D tells them apart"
    grad = _column(history, "g_grad_norm")
    if np.isfinite(grad).any():
        evidence += (
            f"; the generator's gradient norm is {float(np.nanmedian(_tail(grad)[0])):.3g} "
            f"(largest earlier: {float(np.nanmax(grad)):.3g})"
        )
    return _finding("discriminator_wins", evidence)


def _mode_collapse(history):
    modes = _column(history, "modes_captured")
    if np.isfinite(modes).any():
        end, k = _tail(modes)
        end_modes, best = float(np.nanmedian(end)), float(np.nanmax(modes))
        if best >= 2 and end_modes <= COLLAPSE_MODES * best:
            first_best = int(np.nanargmax(modes)) + 1
            return _finding(
                "mode_collapse",
                f"it captured {best:.0f} modes at epoch {first_best} but only {end_modes:.0f} over the last {k} epochs",
            )
        total = float(np.nanmax(_column(history, "modes_total")))
        quality = float(np.nanmedian(_tail(_column(history, "high_quality_fraction"))[0]))
        if end_modes <= COLLAPSE_MODES * total and quality >= COLLAPSE_QUALITY:
            return _finding(
                "mode_collapse",
                f"{quality:.0%} of the samples sit on a mode, but on only "
                f"{end_modes:.0f} of the {total:.0f} modes over the last {k} epochs",
            )
    spread = _column(history, "spread")
    if np.isfinite(spread).any() and len(history) >= SPREAD_EPOCHS:
        end, k = _tail(spread)
        end_spread = float(np.nanmedian(end))
        growing = end[-1] > SPREAD_GROWING * end[0]  # G still spreading out from its small start
        if end_spread < COLLAPSE_SPREAD and not growing:
            return _finding(
                "mode_collapse",
                f"the generated samples vary only {end_spread:.0%} as much as the real data over the last {k} epochs",
            )
    return None


def _swings(values):
    """Sizes of the moves between consecutive turning points (local peaks and dips) of `values`."""
    v = values[np.isfinite(values)]
    v = v[np.r_[True, np.diff(v) != 0]]  # flat stretches are no turns
    if len(v) < 3:
        return np.array([])
    slope = np.sign(np.diff(v))
    turns = [0, *(i for i in range(1, len(v) - 1) if slope[i - 1] * slope[i] < 0), len(v) - 1]
    return np.abs(np.diff(v[turns]))


def _oscillation(history):
    hq = _column(history, "high_quality_fraction")
    if not np.isfinite(hq).any():
        return None
    half = hq[len(hq) // 2 :]
    swings = _swings(half)
    big = swings[swings >= SWING_MIN]
    tail, _ = _tail(hq)
    if len(big) < MIN_SWINGS or np.nanmax(tail) - np.nanmin(tail) < SWING_MIN:
        return None
    low, high = float(np.nanmin(half)), float(np.nanmax(half))
    return _finding(
        "oscillation",
        f"over the last {len(half)} epochs the high-quality share swung by 15 points or "
        f"more {len(big)} times, between {low:.0%} and {high:.0%}",
    )


def _balanced(history, label_smoothing):
    real, k = _tail(_column(history, "d_real"))
    fake, _ = _tail(_column(history, "d_fake"))
    real_end, fake_end = float(np.nanmedian(real)), float(np.nanmedian(fake))
    centre = equilibrium("non_saturating", label_smoothing)["d"]  # D's output there is the same for every loss
    if abs(real_end - centre) <= BALANCED and abs(fake_end - centre) <= BALANCED:
        return _finding(
            "balanced",
            f"over the last {k} epochs D(real) is {real_end:.2f} and D(G(z)) {fake_end:.2f}, both near "
            f"{centre:g}, the equilibrium",
        )
    return None


def diagnose_gan(history, *, epochs_planned=None, label_smoothing=0.0):
    """Names how a GAN's game goes.

    Args:
        history: list of per-epoch dicts with `d_loss`, `g_loss`, `d_real`, `d_fake`
            and optionally `g_grad_norm`, `spread`, `modes_captured`,
            `high_quality_fraction` (the GAN lab's history).
        epochs_planned: total epochs of a live run, or None.
        label_smoothing: the run's one-sided label smoothing, which moves D's equilibrium below 1/2.

    Returns:
        The same shape as `lab.diagnosis.diagnose`: "labels", "findings"
        ("label", "evidence", "advice"), "summary", "too_early".
    """
    evidence = _diverged(history)
    if evidence:
        findings = [_finding("diverged", evidence)]
    elif len(history) < MIN_EPOCHS:
        findings = []
    else:
        findings = [f for f in (_discriminator_wins(history), _mode_collapse(history), _oscillation(history)) if f]
        if not findings:
            findings = [f for f in (_balanced(history, label_smoothing),) if f]
    return {
        "labels": [f["label"] for f in findings],
        "findings": findings,
        "summary": _summary(findings, len(history), epochs_planned),
        "too_early": not findings and len(history) < MIN_EPOCHS,
    }


def _summary(findings, epochs, planned):
    where = f"After {epochs} of {planned} epochs" if planned and epochs < planned else f"After {epochs} epochs"
    if not findings:
        if epochs < MIN_EPOCHS:
            return "Too early to tell: train a few epochs."
        return f"{where} the game is neither won by D nor balanced; watch the samples and the modes."
    return f"{where}: " + "; ".join(_TEXT[f["label"]][0] for f in findings) + "."
