"""Data of the diffusion lab: the GAN lab's 2-D sets, and scikit-learn's 8×8 digits.

Points keep the GAN lab's coordinates (so both labs score samples alike); digits
are scaled from 0–16 to [−1, 1], the range the noise is added to.
"""

import dataclasses

import numpy as np

from lab.labs.gan import data as gan_data

# How finely the network resolves each coordinate (the sinusoidal embedding's scale): the ring's modes are 0.02
# wide, the grid's 0.05 on a wider window.
X_SCALES = {"ring8": 25.0, "grid25": 5.0, "moons": 25.0, "spiral": 25.0, "digits": 0.0}


@dataclasses.dataclass
class DiffusionData(gan_data.GANData):
    """The GAN lab's data plus the embedding scale its network uses (see `X_SCALES`).

    Attributes:
        x_scale: the sinusoidal scale of each coordinate (0: pixels are fed as they are).
        labels: the digit of each image (digits only).
    """

    x_scale: float = 0.0
    labels: np.ndarray | None = None


def digits():
    """scikit-learn's 1,797 digits, flattened and scaled to [−1, 1]."""
    from sklearn.datasets import load_digits

    found = load_digits()
    x = (found.data.astype("float32") / 8.0 - 1.0).astype("float32")
    return DiffusionData("digits", x, None, None, None, shape=(8, 8), labels=found.target)


def load(config):
    """The data a `DiffusionConfig` asks for, seeded by `config.seed`.

    Raises:
        ValueError: an unknown data set.
    """
    if config.dataset == "digits":
        return digits()
    if config.dataset not in X_SCALES:
        raise ValueError(f"dataset must be one of {', '.join(X_SCALES)}; got {config.dataset!r}.")
    points = gan_data.load(config)
    return DiffusionData(**dataclasses.asdict(points), x_scale=X_SCALES[config.dataset])
