"""A dense autoencoder: encoder, linear bottleneck, mirrored decoder; loss / last-layer checks.

The model is one functional `keras.Model` whose layers are named `encoder_1`, ...,
`bottleneck`, `decoder_1`, ..., `reconstruction`, so `encoder_of` and `decoder_of`
can cut it in two, also after it was saved and loaded again.
"""

import keras

from models.optimizers import make_optimizer

# Why a last layer does not suit a loss, in words.
MISMATCH = {
    ("binary_crossentropy", "linear"): (
        "binary_crossentropy with a linear last layer is a mismatch: cross-entropy reads each output as "
        "the probability that a pixel is ink, so it needs values between 0 and 1. Keras clips the outputs "
        "into that range before taking the log, so a pixel predicted below 0 or above 1 gets no gradient "
        "and the loss stops meaning anything. The suited last layer is sigmoid."
    ),
    ("binary_crossentropy", "relu"): (
        "binary_crossentropy with a relu last layer is a mismatch: cross-entropy needs values between 0 and 1, "
        "but a relu output can exceed 1, where Keras clips it (and stops its gradient). The suited last layer is sigmoid."
    ),
}
RELU_OUTPUT = (
    "A relu last layer can get stuck: once a pixel's output is negative before the relu for every image, "
    "it outputs 0 and gets no gradient, so that pixel stays black. sigmoid keeps every pixel trainable."
)
LINEAR_HIDDEN = (
    "With linear hidden layers the whole encoder is one matrix: the autoencoder can do no better than "
    "PCA (principal component analysis) with as many components as the bottleneck has units."
)
SLOW_ADADELTA = (
    "Adadelta at learning rate {lr:g} barely moves: Keras' default of 0.001 is very slow, and the classic "
    "setting is 1.0."
)


def autoencoder_warnings(config, n_pixels):
    """Sentences about questionable choices of an autoencoder (kept, never silently fixed).

    Args:
        config: an `AutoencoderConfig`.
        n_pixels: pixels per image.

    Returns:
        A tuple of sentences; empty when nothing looks wrong.
    """
    warnings = []
    if (config.loss, config.output_activation) in MISMATCH:
        warnings.append(MISMATCH[config.loss, config.output_activation])
    if config.output_activation == "relu":
        warnings.append(RELU_OUTPUT)
    if config.bottleneck >= n_pixels:
        warnings.append(
            f"The bottleneck has {config.bottleneck} units for {n_pixels} pixels: nothing forces the network to "
            "compress, so it can learn to copy its input. Pick fewer units than pixels."
        )
    narrowest = min(config.hidden_units, default=config.bottleneck)
    if narrowest < config.bottleneck:
        warnings.append(
            f"A hidden layer of {narrowest} units is narrower than the bottleneck ({config.bottleneck}): "
            "the information has to pass through it, so it is the real bottleneck."
        )
    if config.activation == "linear" and config.hidden_units:
        warnings.append(LINEAR_HIDDEN)
    if config.optimizer == "adadelta" and config.learning_rate < 0.1:
        warnings.append(SLOW_ADADELTA.format(lr=config.learning_rate))
    return tuple(warnings)


def build_autoencoder(config, n_pixels):
    """Builds and compiles the autoencoder a config describes.

    Pixels -> `Dense` layers of `config.hidden_units` -> a linear `Dense`
    bottleneck of `config.bottleneck` units (the code z) -> the same widths in
    reverse -> `Dense(n_pixels)` with `config.output_activation`. Besides the loss,
    it reports `mse` and `bce` (binary cross-entropy) whatever the loss, so
    reconstructions trained with different losses can be compared on one scale.
    Keras clips predictions into (0, 1) for `bce`, so it is finite for any output.

    Args:
        config: an `AutoencoderConfig`.
        n_pixels: pixels per (flattened) image.

    Returns:
        A compiled `keras.Model`.
    """
    inputs = keras.Input(shape=(n_pixels,), name="pixels")
    h = inputs
    for i, units in enumerate(config.hidden_units, start=1):
        h = keras.layers.Dense(units, activation=config.activation, name=f"encoder_{i}")(h)
    h = keras.layers.Dense(config.bottleneck, name="bottleneck")(h)
    for i, units in enumerate(reversed(config.hidden_units), start=1):
        h = keras.layers.Dense(units, activation=config.activation, name=f"decoder_{i}")(h)
    outputs = keras.layers.Dense(n_pixels, activation=config.output_activation, name="reconstruction")(h)
    model = keras.Model(inputs, outputs, name="autoencoder")
    model.compile(
        optimizer=make_optimizer(config.optimizer, config.learning_rate),
        loss=config.loss,
        metrics=[keras.metrics.MeanSquaredError(name="mse"), keras.metrics.BinaryCrossentropy(name="bce")],
    )
    return model


def encoder_of(autoencoder):
    """The encoder (pixels -> code z) of an autoencoder, sharing its layers and weights."""
    return keras.Model(autoencoder.input, autoencoder.get_layer("bottleneck").output, name="encoder")


def decoder_of(autoencoder):
    """The decoder (code z -> pixels) of an autoencoder, sharing its layers and weights."""
    layers = [
        layer for layer in autoencoder.layers if layer.name.startswith("decoder_") or layer.name == "reconstruction"
    ]
    z = keras.Input(shape=(autoencoder.get_layer("bottleneck").units,), name="code")
    h = z
    for layer in layers:
        h = layer(h)
    return keras.Model(z, h, name="decoder")


def count_parameters(n_pixels, hidden_units, bottleneck):
    """Trainable parameters: inputs x outputs + outputs for every `Dense` layer."""
    sizes = [n_pixels, *hidden_units, bottleneck, *reversed(hidden_units), n_pixels]
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
