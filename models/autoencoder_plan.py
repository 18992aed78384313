"""The autoencoder's checks and size without Keras: loss / last-layer mismatches and the parameter count."""

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


def count_parameters(n_pixels, hidden_units, bottleneck):
    """Trainable parameters: inputs x outputs + outputs for every `Dense` layer."""
    sizes = [n_pixels, *hidden_units, bottleneck, *reversed(hidden_units), n_pixels]
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
