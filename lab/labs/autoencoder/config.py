"""Hyperparameters of the autoencoder lab."""

import dataclasses

from lab.config import BaseConfig, Preset, epochs_param, learning_rate_param, param, seed_param
from lab.labs.mlp.config import ACTIVATIONS, OPTIMIZERS

DATASETS = ("mnist5k", "digits", "mnist")
SPLIT_DATASETS = ("mnist5k", "digits")  # full MNIST keeps its own test set for validation
OUTPUT_ACTIVATIONS = ("linear", "sigmoid", "relu")
LOSSES = ("mse", "mae", "binary_crossentropy")
MODELS = ("autoencoder", "vae")
VAE_LOSSES = ("binary_crossentropy", "mse")  # a VAE's reconstruction term must be a log-likelihood


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
    model: str = param(
        "autoencoder",
        "choice",
        "A plain autoencoder maps each image to one code; a variational autoencoder (VAE) maps it to a Gaussian "
        "around a code and pulls those Gaussians towards N(0, I), so that codes drawn from N(0, I) decode to new digits.",
        choices=MODELS,
    )
    beta: float = param(
        1.0,
        "float",
        "VAE only: the weight β of the KL term. Larger β gives a smoother latent space and blurrier images; "
        "very large β collapses the posterior (every image gets the same code).",
        label="β (KL weight)",
        active_if=("model", ("vae",)),
        min=0.0,
        max=100.0,
        step=0.5,
    )
    kl_warmup: int = param(
        0,
        "int",
        "VAE only: epochs over which β rises in a straight line from 0, so the decoder learns to use the codes "
        "before the KL term pulls them together; 0 uses β from the start.",
        label="KL warm-up epochs",
        active_if=("model", ("vae",)),
        min=0,
        max=2000,
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

    def check(self):
        if self.model != "vae":
            return
        if self.loss not in VAE_LOSSES:
            raise ValueError(
                f"A VAE cannot train with the {self.loss} loss: its reconstruction term is a log-likelihood, "
                "binary_crossentropy (pixels as probabilities of ink) or mse (Gaussian pixels). Pick one of those."
            )
        if self.loss == "binary_crossentropy" and self.output_activation != "sigmoid":
            raise ValueError(
                f"A VAE with binary_crossentropy needs a sigmoid last layer, not {self.output_activation}: the "
                "cross-entropy reads each output as the probability that a pixel is ink. Pick sigmoid, or the mse loss."
            )


VAE_2D = {
    "model": "vae",
    "bottleneck": 2,
    "hidden_units": (256, 128),
    "optimizer": "adam",
    "learning_rate": 1e-3,
    "batch_size": 64,
    "epochs": 100,
    "kl_warmup": 10,
}
PRESETS = (
    Preset(
        "vae_2d",
        "VAE with a 2-D latent",
        VAE_2D,
        "a VAE 784-256-128-(2)-128-256-784 with Adam at 0.001, batch 64, a 10-epoch KL warm-up and 100 epochs: "
        "its samples from N(0, I) show all ten digits.",
    ),
)


def work(config):
    """A number proportional to the run's training time: update steps weighted by the layers (see `lab.estimate`)."""
    return config.epochs / config.batch_size * (sum(config.hidden_units) + config.bottleneck + 64)
