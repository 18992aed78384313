"""The noise schedule of a diffusion model (pure numpy, so pages can draw it without TensorFlow).

The forward process mixes data with noise, x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε, where
ᾱ_t = Π_{s≤t}(1 − β_s) is the share of the signal's variance left after t steps.
"""

import math

import numpy as np

SCHEDULES = ("linear", "cosine")
HO_STEPS = 1000  # Ho et al.'s T, which the linear schedule's β range is quoted at
COSINE_OFFSET = 0.008  # Nichol & Dhariwal's s
MAX_BETA = 0.999


def betas(timesteps, schedule="linear", beta_scale=1.0):
    """The noise added at each forward step, β_1 … β_T (float64).

    Args:
        timesteps: T.
        schedule: `linear`: Ho et al.'s 1e-4 to 0.02 at T = 1000, scaled by 1000/T so
            that any T ends as close to pure noise; `cosine`: ᾱ_t follows
            cos²((t/T + s)/(1 + s)·π/2) (Nichol & Dhariwal 2021).
        beta_scale: multiplies the linear schedule's β (more noise per step: the
            signal is gone sooner).

    Raises:
        ValueError: an unknown schedule.
    """
    if schedule == "linear":
        ratio = HO_STEPS / timesteps
        values = np.linspace(1e-4 * ratio, 0.02 * ratio, timesteps) * beta_scale
    elif schedule == "cosine":
        t = np.arange(timesteps + 1) / timesteps
        alpha_bar = np.cos((t + COSINE_OFFSET) / (1 + COSINE_OFFSET) * math.pi / 2) ** 2
        values = 1.0 - alpha_bar[1:] / alpha_bar[:-1]
    else:
        raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}; got {schedule!r}.")
    return np.clip(values, 1e-8, MAX_BETA)


def alpha_bars(timesteps, schedule="linear", beta_scale=1.0):
    """ᾱ_t = Π_{s≤t}(1 − β_s) for t = 1 … T: the share of the signal's variance left at step t."""
    return np.cumprod(1.0 - betas(timesteps, schedule, beta_scale))


def noised(x0, t, noise, alpha_bar):
    """The forward process in one jump: x_t for 0-based steps `t` (numpy)."""
    a = alpha_bar[np.asarray(t)].reshape(-1, *([1] * (np.ndim(x0) - 1)))
    return np.sqrt(a) * x0 + np.sqrt(1.0 - a) * noise
