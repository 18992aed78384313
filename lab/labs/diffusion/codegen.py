"""Exports a diffusion run as a standalone Keras script (the schedule, network and `Diffusion` class copied)."""

from lab.codegen import assignments, class_source, source_of, top_level
from lab.labs.gan.codegen import data_code as point_data

DIGITS = """\
from sklearn.datasets import load_digits

# scikit-learn's 1,797 digits (8x8, pixels 0-16), scaled to [-1, 1].
x = (load_digits().data.astype("float32") / 8.0 - 1.0).astype("float32")
"""
SCHEDULE = ("HO_STEPS", "COSINE_OFFSET", "MAX_BETA", "betas", "alpha_bars")


def _data(config):
    if config.dataset == "digits":
        return DIGITS
    return point_data(config)


def script(config):
    """Returns a standalone Python script that reproduces a diffusion run.

    The script draws the same data, defines the lab's noise schedule, noise
    network and `Diffusion` model (a `keras.Model` with its own `train_step`),
    seeds Keras where the engine does and trains with `fit`. Its last line of
    output is `final_loss=<float>`.

    Args:
        config: a `DiffusionConfig`.

    Returns:
        The script's source code.
    """
    from lab.labs.diffusion.data import X_SCALES

    names = {"SEED": config.seed}
    if config.dataset != "digits":
        names["N_SAMPLES"] = config.n_samples
    names.update(
        TIMESTEPS=config.timesteps,
        SCHEDULE=config.schedule,
        BETA_SCALE=config.beta_scale,
        DEPTH=config.depth,
        WIDTH=config.width,
        X_SCALE=X_SCALES[config.dataset],
        LEARNING_RATE=config.learning_rate,
        BATCH_SIZE=config.batch_size,
        EPOCHS=config.epochs,
    )
    schedule = "\n\n".join(top_level("models.diffusion_schedule", SCHEDULE))
    embedding = class_source(source_of("models.diffusion", "SinusoidalEmbedding"), ("get_config",))
    model = class_source(source_of("models.diffusion", "Diffusion"), ("get_config", "from_config"))
    return f'''"""
Title: A diffusion model (DDPM) on {config.dataset}
Description: A run of Deep Learning Lab's diffusion lab as plain Keras: same data, schedule, network and seed.
"""

"""
## Setup
"""

import math

import keras
import numpy as np
import tensorflow as tf

"""
## Hyperparameters
"""

{assignments(names)}
BANDS = 4  # the loss is also reported per quarter of the timesteps

"""
## The data
"""

{_data(config)}
"""
## The noise schedule

beta_t is the noise added at step t; alpha_bar_t the share of the data's variance left after t steps.
"""

{schedule}

"""
## The noise-prediction network and the model

The network sees a noisy sample and its step, both embedded as sines and cosines, and
predicts the noise. `Diffusion.train_step` draws a step for each sample, noises it and
minimises the squared error of that prediction.
"""


{embedding}

{source_of("models.diffusion", "make_noise_network")}

{model}

"""
## Training

Seeding here, just before the network is built, fixes the initial weights, the steps
and noise drawn in each batch, and the shuffling; the lab seeds at the same point.
"""

keras.utils.set_random_seed(SEED)
network = make_noise_network(x.shape[1], DEPTH, WIDTH, TIMESTEPS, X_SCALE)
model = Diffusion(network, TIMESTEPS, SCHEDULE, BETA_SCALE, name="diffusion")
model.compile(optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE), jit_compile=True)
history = model.fit(x, batch_size=BATCH_SIZE, epochs=EPOCHS, shuffle=True, verbose=2)
print(f"final_loss={{history.history['loss'][-1]}}")
'''
