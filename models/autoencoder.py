"""A dense autoencoder: encoder, linear bottleneck, mirrored decoder; loss / last-layer checks.

The model is one functional `keras.Model` whose layers are named `encoder_1`, ...,
`bottleneck`, `decoder_1`, ..., `reconstruction`, so `encoder_of` and `decoder_of`
can cut it in two, also after it was saved and loaded again.
"""

import keras

from models.optimizers import make_optimizer


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
