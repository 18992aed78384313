"""A small transformer encoder whose every attention map can be read out.

Tokens are embedded, a positional encoding is added, then `num_layers` blocks of
`MultiHeadAttention` and a feed-forward network (each with a residual connection
and post-layer normalisation, as in "Attention is all you need") lead to logits
over the vocabulary at every position. With the causal mask a position only
attends to itself and earlier positions, which next-character prediction needs.
"""

import keras
import numpy as np
from keras import ops

from models.attention_plan import POSITIONAL


def sinusoidal_table(length, dim):
    """The fixed encoding of "Attention is all you need": PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(...).

    Returns:
        `(length, dim)` float32 array.
    """
    positions = np.arange(length)[:, None]
    rates = 1.0 / 10000 ** (np.arange(0, dim, 2) / dim)
    table = np.zeros((length, dim), dtype="float32")
    table[:, 0::2] = np.sin(positions * rates)
    table[:, 1::2] = np.cos(positions * rates)
    return table


@keras.saving.register_keras_serializable(package="lab")
class PositionalEncoding(keras.layers.Layer):
    """Adds where each token sits to its embedding.

    Args:
        kind: `sinusoidal` (fixed sine waves), `learned` (one trained vector per
            position) or `none` (the input passes unchanged).
        max_len: the longest sequence the layer accepts.

    Inputs of shape `(batch, length, dim)` with `length <= max_len`.
    """

    def __init__(self, kind="sinusoidal", max_len=32, **kwargs):
        super().__init__(**kwargs)
        if kind not in POSITIONAL:
            raise ValueError(f"kind must be one of {', '.join(POSITIONAL)}; got {kind!r}.")
        self.kind = kind
        self.max_len = int(max_len)

    def build(self, input_shape):
        dim = input_shape[-1]
        if self.kind == "learned":
            self.table = self.add_weight(
                shape=(self.max_len, dim), initializer=keras.initializers.RandomNormal(stddev=0.02), name="positions"
            )
        elif self.kind == "sinusoidal":
            self.table = ops.convert_to_tensor(sinusoidal_table(self.max_len, dim))

    def call(self, x):
        if self.kind == "none":
            return x
        return x + self.table[None, : ops.shape(x)[1], :]

    def get_config(self):
        return {**super().get_config(), "kind": self.kind, "max_len": self.max_len}


def build_transformer(config, vocab_size, return_probe=False):
    """Builds and compiles the transformer an `AttentionConfig` describes.

    Args:
        config: an `AttentionConfig`.
        vocab_size: the number of token ids.
        return_probe: also return a model that shares the layers and outputs the
            logits followed by the attention scores of every layer.

    Returns:
        The compiled model (input `(batch, length)` token ids, `length <=
        config.seq_len`; output `(batch, length, vocab_size)` logits), or
        `(model, probe)`. Each probe score has shape `(batch, num_heads, length,
        length)`: row q holds how much query position q attends to each key.
    """
    from models.optimizers import make_optimizer

    inputs = keras.Input(shape=(None,), dtype="int32", name="tokens")
    h = keras.layers.Embedding(vocab_size, config.d_model, name="embedding")(inputs)
    h = PositionalEncoding(config.positional, config.seq_len, name="positions")(h)
    h = keras.layers.Dropout(config.dropout, name="embedding_dropout")(h)
    scores = []
    for i in range(1, config.num_layers + 1):
        attention = keras.layers.MultiHeadAttention(
            config.num_heads, config.key_dim, dropout=config.dropout, name=f"attention_{i}"
        )
        a, s = attention(h, h, use_causal_mask=config.causal, return_attention_scores=True)
        scores.append(s)
        h = keras.layers.LayerNormalization(epsilon=1e-6, name=f"norm_attention_{i}")(
            h + keras.layers.Dropout(config.dropout, name=f"dropout_attention_{i}")(a)
        )
        f = keras.layers.Dense(config.ff_dim, activation="relu", name=f"ff_{i}_hidden")(h)
        f = keras.layers.Dense(config.d_model, name=f"ff_{i}_out")(f)
        h = keras.layers.LayerNormalization(epsilon=1e-6, name=f"norm_ff_{i}")(
            h + keras.layers.Dropout(config.dropout, name=f"dropout_ff_{i}")(f)
        )
    logits = keras.layers.Dense(vocab_size, name="logits")(h)
    model = keras.Model(inputs, logits, name="transformer")
    model.compile(
        optimizer=make_optimizer(config.optimizer, config.learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="token_accuracy")],
    )
    if not return_probe:
        return model
    return model, keras.Model(inputs, [logits, *scores], name="transformer_probe")
