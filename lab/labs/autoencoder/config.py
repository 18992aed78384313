"""Hyperparameters of the autoencoder lab."""

import dataclasses

from lab.config import BaseConfig, epochs_param, learning_rate_param, param, seed_param
from lab.labs.mlp.config import ACTIVATIONS, OPTIMIZERS

DATASETS = ("mnist5k", "digits", "mnist")
SPLIT_DATASETS = ("mnist5k", "digits")  # full MNIST keeps its own test set for validation
OUTPUT_ACTIVATIONS = ("linear", "sigmoid", "relu")
LOSSES = ("mse", "mae", "binary_crossentropy")


@dataclasses.dataclass(frozen=True)
class AutoencoderConfig(BaseConfig):
    """Every hyperparameter of the autoencoder lab, with its default and allowed values."""

    dataset: str = param(
        "mnist5k",
        "choice",
        "Which images to compress: 5,000 MNIST digits (28×28), scikit-learn's 8×8 digits, or Keras' full MNIST if it is already on this machine.",
        group="Data",
        choices=DATASETS,
    )
    val_split: float = param(
        0.2,
        "float",
        "Share of the images held out to measure validation loss (full MNIST uses its own 10,000 test images).",
        label="Validation share",
        group="Data",
        active_if=("dataset", SPLIT_DATASETS),
        min=0.05,
        max=0.5,
        step=0.05,
    )
    noise: float = param(
        0.0,
        "float",
        "Denoising: the standard deviation of the Gaussian noise added to the training inputs (pixels are 0 to 1); the targets stay clean.",
        label="Input noise",
        group="Data",
        min=0.0,
        max=1.0,
        step=0.05,
        train_only=True,
    )
    hidden_units: tuple = param(
        (128,),
        "int_list",
        "Widths of the encoder's hidden layers, input side first; the decoder mirrors them.",
        label="Encoder widths",
        ui=False,
        min=1,
        max=1024,
        min_len=0,
        max_len=4,
    )
    bottleneck: int = param(
        32,
        "int",
        "Size of the latent code z, the narrowest layer: fewer units force a more compact summary of each image.",
        min=2,
        max=256,
    )
    activation: str = param(
        "relu",
        "choice",
        "Activation of every hidden layer of the encoder and decoder (the bottleneck itself is linear).",
        label="Hidden activation",
        choices=ACTIVATIONS,
    )
    output_activation: str = param(
        "sigmoid",
        "choice",
        "Activation of the last layer: sigmoid keeps pixels between 0 and 1, linear lets them take any value.",
        choices=OUTPUT_ACTIVATIONS,
    )
    loss: str = param(
        "binary_crossentropy",
        "choice",
        "How a reconstruction is compared with its image: binary cross-entropy treats each pixel as a probability of ink.",
        choices=LOSSES,
    )
    optimizer: str = param(
        "adadelta",
        "choice",
        "The update rule; momentum is SGD with momentum 0.9.",
        group="Training",
        choices=OPTIMIZERS,
    )
    learning_rate: float = learning_rate_param(
        1.0,
        "Step size of each update; Keras' Adadelta default of 0.001 is very slow, and the classic Adadelta setting is 1.0.",
        min=1e-6,
        max=100.0,
    )
    batch_size: int = param(
        256, "int", "Images per update; small batches give noisier steps.", group="Training", min=1, max=4096
    )
    epochs: int = epochs_param(30, "the training images")
    seed: int = seed_param("the split, the noise, the weights and shuffling")


def work(config):
    """A number proportional to the run's training time: update steps weighted by the layers (see `lab.estimate`)."""
    return config.epochs / config.batch_size * (sum(config.hidden_units) + config.bottleneck + 64)
