"""The GAN's checks without Keras: questionable settings, in words."""


def gan_warnings(config):
    """Sentences about questionable GAN choices (kept, never silently fixed)."""
    warnings = []
    if config.loss == "minimax":
        warnings.append(
            "minimax lets the generator minimise log(1 − D(G(z))): early on the discriminator easily spots fakes, "
            "D(G(z)) is near 0 and this loss is flat there, so the generator gets almost no gradient. "
            "non_saturating (maximise log D(G(z))) is the usual fix."
        )
    if config.d_activation == "sigmoid" or config.g_activation == "sigmoid":
        warnings.append("sigmoid hidden layers saturate and slow both networks down; relu or leaky_relu train faster.")
    if config.d_learning_rate >= 10 * config.g_learning_rate and config.d_steps > 1:
        warnings.append(
            "The discriminator learns much faster than the generator and gets several steps: it will likely win, and D(G(z)) → 0 starves the generator."
        )
    return tuple(warnings)
