"""The GAN game's equilibrium: where D's output and both losses settle once G draws the real data.

Pure math, shared by the loss charts' reference lines and the captions that explain them.
"""

import math


def equilibrium(loss, label_smoothing=0.0):
    """D's output and each network's loss at the game's equilibrium.

    With one-sided label smoothing D's target for real points is s = 1 − `label_smoothing`.
    For each of the lab's losses, D's best reply is then D(x) = s·p_data(x) / (p_data(x) + p_g(x)),
    which is s/2 everywhere once G draws the real data (p_g = p_data). A constant D leaves G's loss
    the same wherever G puts its samples, so neither network can improve alone: this is the
    equilibrium, and with s = 1 it is the textbook D = 1/2.

    Args:
        loss: `non_saturating`, `minimax` or `least_squares`.
        label_smoothing: the one-sided label smoothing, in [0, 1).

    Returns:
        dict: `d` (D's output everywhere: its probability, or its score for least squares),
        `d_loss` and `g_loss` (each network's loss there, as `models.gan.GAN` reports it).
    """
    s = 1.0 - label_smoothing
    d = s / 2
    if loss == "least_squares":
        return {"d": d, "d_loss": 0.5 * ((d - s) ** 2 + d**2), "g_loss": 0.5 * (d - 1) ** 2}
    d_loss = -s * math.log(d) - (1 - s) * math.log(1 - d) - math.log(1 - d)  # real with target s, fake with 0
    g_loss = math.log(1 - d) if loss == "minimax" else -math.log(d)
    return {"d": d, "d_loss": d_loss, "g_loss": g_loss}


def number(value, digits=3):
    """`value` with `digits` decimals and a true minus sign."""
    return f"{value:.{digits}f}".replace("-", "−")


def equilibrium_caption(loss, label_smoothing=0.0):
    """The sentence under the loss chart: what its dashed lines show for this loss and label smoothing."""
    eq = equilibrium(loss, label_smoothing)
    d, s = f"{eq['d']:g}", f"{1 - label_smoothing:g}"
    d_loss, g_loss = number(eq["d_loss"]), number(eq["g_loss"])
    text = f"Dashed lines: each loss at the equilibrium, where G draws the real data and D answers {d} everywhere"
    if label_smoothing:
        text += (
            f" (label smoothing {label_smoothing:g} makes D aim at {s} for real points, "
            f"so its best answer is {s}/2, not 1/2)"
        )
    if loss == "least_squares":
        return f"{text}: D's loss is ½(({d} − {s})² + {d}²) = {d_loss} and G's ½(1 − {d})² = {g_loss}."
    if not label_smoothing:
        d_loss = f"2 ln 2 ≈ {d_loss}"
    if loss == "minimax":
        g_text = f"G's minimax loss ln(1 − {d}) ≈ {g_loss}, negative since it is log(1 − D(G(z)))"
    else:
        g_text = f"G's non-saturating loss −ln {d} ≈ {g_loss}"
    return f"{text}: D's loss is {d_loss} and {g_text}."
