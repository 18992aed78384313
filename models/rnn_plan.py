"""The RNN's checks without Keras: questionable settings, in words."""

EMBEDDING_DIM = 32  # size of the encoder–decoder's character embeddings (task dates)


def rnn_warnings(config):
    """Sentences about questionable choices (kept, never silently fixed)."""
    warnings = []
    if config.cell == "simple_rnn" and config.task in ("adding", "copy") and config.seq_len >= 50:
        warnings.append(
            f"A SimpleRNN must carry the memory through {config.seq_len} tanh steps: its gradient from the "
            "early steps vanishes, so expect it to stay near the baseline. That is the point of the comparison."
        )
    if config.clipnorm == 0 and config.learning_rate >= 0.01:
        warnings.append(
            "No gradient clipping at a high learning rate: a recurrent network's gradients can explode "
            "(watch for spikes in the loss). A clip norm of 1 tames them."
        )
    if config.optimizer in ("sgd", "adadelta") and config.learning_rate <= 1e-3:
        warnings.append(
            f"{config.optimizer} at learning rate {config.learning_rate:g} barely moves a recurrent network; "
            "Adam or RMSprop at 1e-3 to 1e-2 train much faster."
        )
    return tuple(warnings)
