"""Hyperparameters of the GAN lab."""

import dataclasses
import math

from lab.config import BaseConfig, Preset, epochs_param, learning_rate_param, param, seed_param
from lab.labs.mlp.config import OPTIMIZERS

POINT_DATASETS = ("ring8", "grid25", "moons", "spiral")
DATASETS = (*POINT_DATASETS, "mnist5k")
MNIST_SIZE = 5000
MODE_DATASETS = ("ring8", "grid25")  # data sets made of Gaussian modes: modes captured is defined
ACTIVATIONS = ("relu", "leaky_relu", "tanh", "elu", "gelu", "sigmoid")
LOSSES = ("non_saturating", "minimax", "least_squares")
LR_SCHEDULES = ("anneal", "constant")


@dataclasses.dataclass(frozen=True)
class GANConfig(BaseConfig):
    """Every hyperparameter of the GAN lab, with its default and allowed values."""

    dataset: str = param(
        "ring8",
        "choice",
        "The real data the generator must imitate: 8 Gaussians on a ring, 25 on a 5×5 grid, two moons, a spiral, or 5,000 MNIST digits (28×28, dense networks).",
        group="Data",
        choices=DATASETS,
    )
    n_samples: int = param(
        10000,
        "int",
        "How many real points are drawn (one epoch is one pass over them).",
        label="Real samples",
        group="Data",
        active_if=("dataset", POINT_DATASETS),
        min=256,
        max=50000,
        step=256,
    )
    latent_dim: int = param(
        2, "int", "Size of the noise vector z the generator turns into a point.", label="Latent size", min=1, max=64
    )
    g_depth: int = param(3, "int", "Hidden layers of the generator.", label="Generator depth", min=1, max=6)
    g_width: int = param(
        128, "int", "Units in each hidden layer of the generator.", label="Generator width", min=4, max=512
    )
    g_activation: str = param(
        "relu",
        "choice",
        "Activation of the generator's hidden layers; its output layer is linear for points and tanh for digits "
        "(pixels scaled to [−1, 1]).",
        label="Generator activation",
        choices=ACTIVATIONS,
    )
    d_depth: int = param(3, "int", "Hidden layers of the discriminator.", label="Discriminator depth", min=1, max=6)
    d_width: int = param(
        128, "int", "Units in each hidden layer of the discriminator.", label="Discriminator width", min=4, max=512
    )
    d_activation: str = param(
        "leaky_relu",
        "choice",
        "Activation of the discriminator's hidden layers (its output is one score).",
        label="Discriminator activation",
        choices=ACTIVATIONS,
    )
    loss: str = param(
        "non_saturating",
        "choice",
        "The game: minimax lets G minimise log(1 − D(G(z))), whose gradient vanishes when D wins; non_saturating maximises log D(G(z)) instead; least_squares pulls scores to 1 and 0.",
        choices=LOSSES,
    )
    label_smoothing: float = param(
        0.0,
        "float",
        "One-sided label smoothing: the discriminator aims at 1 − this for real points, so it cannot grow overconfident.",
        group="Training",
        min=0.0,
        max=0.5,
        step=0.05,
    )
    g_optimizer: str = param(
        "adam",
        "choice",
        "The generator's update rule (Adam uses beta_1 = 0.5, usual for GANs).",
        label="Generator optimizer",
        group="Training",
        choices=OPTIMIZERS,
    )
    g_learning_rate: float = learning_rate_param(
        1e-3,
        "The generator's step size; it can be changed while training.",
        min=1e-6,
        max=1.0,
        label="Generator learning rate",
    )
    d_optimizer: str = param(
        "adam",
        "choice",
        "The discriminator's update rule (Adam uses beta_1 = 0.5).",
        label="Discriminator optimizer",
        group="Training",
        choices=OPTIMIZERS,
    )
    d_learning_rate: float = learning_rate_param(
        1e-3,
        "The discriminator's step size; it can be changed while training.",
        min=1e-6,
        max=1.0,
        label="Discriminator learning rate",
    )
    lr_schedule: str = param(
        "anneal",
        "choice",
        "How both learning rates move during the run. anneal: held for the first half, then lowered in a straight "
        "line to a tenth at the last epoch, so the generator settles on the modes instead of circling them. "
        "constant: the rates stay as set, and the samples keep jittering from epoch to epoch. A rate changed while "
        "training moves the whole schedule.",
        label="Learning-rate schedule",
        group="Training",
        choices=LR_SCHEDULES,
    )
    d_steps: int = param(
        1,
        "int",
        "Discriminator updates per generator update.",
        label="D steps per G step",
        group="Training",
        min=1,
        max=10,
    )
    batch_size: int = param(
        256, "int", "Real points (and as many generated ones) per update.", group="Training", min=8, max=4096
    )
    epochs: int = epochs_param(75, "the real points")
    seed: int = seed_param("the data, the weights, the noise and shuffling")

    def check(self):
        if self.batch_size > self.n_real:
            raise ValueError(
                f"batch_size ({self.batch_size}) is larger than the number of real samples ({self.n_real}): "
                "pick a smaller batch" + ("." if self.dataset == "mnist5k" else " or more samples.")
            )

    @property
    def n_real(self):
        """How many real samples one epoch passes over."""
        return MNIST_SIZE if self.dataset == "mnist5k" else self.n_samples

    @property
    def learning_rate(self):
        """The learning rate the live control changes: the generator's."""
        return self.g_learning_rate


LECTURE = {"g_learning_rate": 2e-4, "d_learning_rate": 2e-4, "lr_schedule": "constant", "epochs": 300}
PRESETS = (
    Preset(
        "lecture_scale",
        "Lecture scale",
        LECTURE,
        "the longer classic run: both rates 2e-4 and constant for 300 epochs (about two minutes on two cores); on "
        "ring8 it ends with all 8 modes and about 94% of the samples on them, but the share swings from epoch to "
        "epoch.",
    ),
    Preset(
        "digits",
        "Use the digit settings",
        {
            "dataset": "mnist5k",
            "latent_dim": 32,
            "g_width": 256,
            "d_width": 256,
            "g_activation": "leaky_relu",
            "label_smoothing": 0.2,
            "batch_size": 64,
            "epochs": 100,
            "g_learning_rate": 2e-4,
            "d_learning_rate": 2e-4,
            "lr_schedule": "constant",
        },
        "digits with a 32-number noise vector, wider layers and label smoothing, so that D does not win at once.",
    ),
)


def work(config):
    """A number proportional to the run's training time: network updates (see `lab.estimate`)."""
    return config.epochs * math.ceil(config.n_real / config.batch_size) * (config.d_steps + 1)
