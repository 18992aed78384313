"""Hyperparameters of the diffusion lab."""

import dataclasses
import math

from lab.config import BaseConfig, Preset, epochs_param, learning_rate_param, param, seed_param
from lab.labs.gan.config import MODE_DATASETS, POINT_DATASETS
from models.diffusion_schedule import SCHEDULES

DATASETS = (*POINT_DATASETS, "digits")

DIGITS_SIZE = 1797  # scikit-learn's 8×8 digits


@dataclasses.dataclass(frozen=True)
class DiffusionConfig(BaseConfig):
    """Every hyperparameter of the diffusion lab, with its default and allowed values."""

    dataset: str = param(
        "ring8",
        "choice",
        "The data the model learns to generate: the GAN lab's 8 Gaussians on a ring, 25 on a 5×5 grid, two moons, "
        "a spiral, or scikit-learn's 1,797 handwritten digits (8×8 pixels).",
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
    timesteps: int = param(
        100,
        "int",
        "T, the number of noising steps between the data and pure noise. The network learns to undo every one "
        "of them; with few steps each reverse step must undo a lot, and the samples land between the modes.",
        label="Diffusion steps T",
        min=2,
        max=1000,
    )
    schedule: str = param(
        "linear",
        "choice",
        "How much noise each step adds. linear: β rises in a straight line (Ho et al.: 1e-4 to 0.02 at T = 1000, "
        "scaled by 1000/T here); cosine: the signal fades along a cosine (Nichol & Dhariwal), more gently at "
        "both ends.",
        label="Noise schedule",
        choices=SCHEDULES,
    )
    beta_scale: float = param(
        1.0,
        "float",
        "Multiplies the linear schedule's β: above 1 the data is pure noise long before step T, so most steps "
        "teach the network nothing.",
        label="β scale",
        active_if=("schedule", ("linear",)),
        min=0.1,
        max=20.0,
        step=0.1,
    )
    depth: int = param(3, "int", "Hidden layers of the noise-prediction network.", label="Network depth", min=1, max=8)
    width: int = param(
        128, "int", "Units in each hidden layer of the noise-prediction network.", label="Network width", min=8, max=512
    )
    learning_rate: float = learning_rate_param(
        3e-3, "Adam's step size; it can be changed while training.", min=1e-6, max=1.0
    )
    batch_size: int = param(
        512, "int", "Real samples per update (each gets its own random t).", group="Training", min=8, max=4096
    )
    epochs: int = epochs_param(100, "the real samples")
    sampling_steps: int = param(
        0,
        "int",
        "Reverse steps when generating: 0 takes all T (DDPM's ancestral sampling); fewer jump between evenly "
        "spaced steps with DDIM's deterministic update, faster but rougher.",
        label="Sampling steps",
        group="Sampling",
        min=0,
        max=1000,
    )
    seed: int = seed_param("the data, the weights, the noise and shuffling")

    def check(self):
        if self.sampling_steps > self.timesteps:
            raise ValueError(
                f"sampling_steps ({self.sampling_steps}) is more than the diffusion steps T ({self.timesteps}): "
                "the reverse process can visit at most T steps; pick at most T, or 0 for all of them."
            )
        if self.batch_size > self.n_real:
            raise ValueError(
                f"batch_size ({self.batch_size}) is larger than the number of real samples ({self.n_real}): "
                "pick a smaller batch" + ("." if self.dataset == "digits" else " or more samples.")
            )

    @property
    def n_real(self):
        """How many real samples one epoch passes over."""
        return DIGITS_SIZE if self.dataset == "digits" else self.n_samples

    @property
    def reverse_steps(self):
        """The reverse steps sampling takes (T when `sampling_steps` is 0)."""
        return self.sampling_steps or self.timesteps

    @property
    def has_modes(self):
        """The data is a Gaussian mixture, so modes captured is defined."""
        return self.dataset in MODE_DATASETS


PRESETS = (
    Preset(
        "lecture_scale",
        "Lecture scale",
        {"learning_rate": 1e-3, "batch_size": 256, "epochs": 375},
        "the longer run: 15,000 updates at Adam 1e-3 (about a minute and a half on two cores); ring8 ends with "
        "all 8 modes and about 86% of the samples on them.",
    ),
    Preset(
        "digits",
        "Use the digit settings",
        {"dataset": "digits", "width": 256, "batch_size": 128, "epochs": 300, "learning_rate": 1e-3},
        "scikit-learn's 8×8 digits with a wider network: 64 numbers per sample need more units than a point.",
    ),
)


def work(config):
    """A number proportional to the run's training time: network updates (see `lab.estimate`)."""
    return config.epochs * math.ceil(config.n_real / config.batch_size) * config.width / 128
