"""The VEEGAN / PacGAN quality metric of generated 2-D samples (pure numpy).

A sample is *high quality* when it lies within 3 standard deviations of its
nearest mode; a mode is *captured* when it is the nearest mode of at least one
high-quality sample. The benchmarks score 2,500 samples.
"""

import numpy as np

N_SAMPLES = 2500
N_STD = 3.0


def mode_quality(samples, modes, std, n_std=N_STD):
    """Scores samples against the modes of a Gaussian mixture.

    Args:
        samples: `(n, 2)` generated points.
        modes: `(k, 2)` mode centres.
        std: the standard deviation of each mode.
        n_std: how many standard deviations count as close.

    Returns:
        dict with `modes_captured` (int), `modes_total` (k), `high_quality_fraction`
        (share of samples within `n_std * std` of their nearest mode) and
        `per_mode` (high-quality samples nearest to each mode, a list of k ints).
    """
    samples = np.asarray(samples, dtype="float64").reshape(-1, 2)
    modes = np.asarray(modes, dtype="float64")
    finite = np.all(np.isfinite(samples), axis=1)
    dist = np.linalg.norm(samples[:, None, :] - modes[None, :, :], axis=-1)
    dist[~finite] = np.inf
    nearest = np.argmin(dist, axis=1)
    good = dist[np.arange(len(samples)), nearest] <= n_std * std
    per_mode = np.bincount(nearest[good], minlength=len(modes))
    return {
        "modes_captured": int(np.count_nonzero(per_mode)),
        "modes_total": int(len(modes)),
        "high_quality_fraction": float(good.mean()) if len(samples) else 0.0,
        "per_mode": per_mode.tolist(),
    }
