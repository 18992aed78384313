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
from models.sequence_metrics import masked_token_accuracy


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


@keras.saving.register_keras_serializable(package="lab")
class KeyPaddingMask(keras.layers.Layer):
    """The attention mask that hides padding (id 0) from every query: `(batch, 1, length)` booleans from token ids."""

    def call(self, ids):
        return ops.expand_dims(ops.not_equal(ids, 0), 1)


def transformer_block(h, name, num_heads, key_dim, ff_dim, dropout, context=None, mask=None, causal=False):
    """Self-attention (then cross-attention over `context`, for a decoder), then the feed-forward network.

    Each sub-layer has dropout, a residual connection and post-layer normalisation.

    Args:
        h: `(batch, length, d_model)` the block's input.
        name: the suffix of its layers' names.
        num_heads, key_dim, ff_dim, dropout: the sizes of `MultiHeadAttention` and of the feed-forward network.
        context: the encoder's output that cross-attention reads (None: an encoder block).
        mask: the `(batch, 1, source_len)` padding mask of the source.
        causal: self-attention hides later positions (a decoder).

    Returns:
        `(h, scores)`: the block's output and the attention scores of each attention sub-layer.
    """

    def residual(h, update, part):
        update = keras.layers.Dropout(dropout, name=f"dropout_{part}_{name}")(update)
        return keras.layers.LayerNormalization(epsilon=1e-6, name=f"norm_{part}_{name}")(h + update)

    heads = dict(num_heads=num_heads, key_dim=key_dim, dropout=dropout)
    a, s = keras.layers.MultiHeadAttention(**heads, name=f"self_attention_{name}")(
        h, h, attention_mask=None if causal else mask, use_causal_mask=causal, return_attention_scores=True
    )
    h, scores = residual(h, a, "self"), [s]
    if context is not None:
        a, s = keras.layers.MultiHeadAttention(**heads, name=f"cross_attention_{name}")(
            h, context, attention_mask=mask, return_attention_scores=True
        )
        h = residual(h, a, "cross")
        scores.append(s)
    f = keras.layers.Dense(ff_dim, activation="relu", name=f"ff_hidden_{name}")(h)
    return residual(h, keras.layers.Dense(h.shape[-1], name=f"ff_out_{name}")(f), "ff"), scores


def build_encoder_decoder(config, vocab_size, source_len, target_len, return_probe=False):
    """Builds and compiles the encoder–decoder transformer of "Attention is all you need" at a small scale.

    The encoder reads the source with self-attention that ignores padding. The decoder
    reads the target so far (the start token, then the target shifted right: teacher
    forcing) with causal self-attention, and cross-attention whose queries are its own
    positions and whose keys and values are the encoder's output.

    Args:
        config: an `AttentionConfig` (`num_layers` encoder and `num_layers` decoder blocks).
        vocab_size: the number of token ids (shared by source and target; 0 is padding).
        source_len, target_len: the longest source and target.
        return_probe: also return a model that outputs the logits followed by every
            layer's encoder self-attention, decoder self-attention and cross-attention scores.

    Returns:
        The compiled model (inputs `source` `(batch, source_len)` and `target_in`
        `(batch, target_len)`; output `(batch, target_len, vocab_size)` logits), or
        `(model, probe)`. Probe scores are `(batch, heads, queries, keys)`: encoder
        maps are source × source, decoder maps target × target, cross maps target × source.
    """
    from models.optimizers import make_optimizer

    source = keras.Input(shape=(source_len,), dtype="int32", name="source")
    target_in = keras.Input(shape=(target_len,), dtype="int32", name="target_in")
    mask = KeyPaddingMask(name="source_padding")(source)

    def embed(ids, length, part):
        h = keras.layers.Embedding(vocab_size, config.d_model, name=f"{part}_embedding")(ids)
        h = PositionalEncoding(config.positional, length, name=f"{part}_positions")(h)
        return keras.layers.Dropout(config.dropout, name=f"{part}_embedding_dropout")(h)

    sizes = (config.num_heads, config.key_dim, config.ff_dim, config.dropout)
    h, encoder_scores = embed(source, source_len, "source"), []
    for i in range(1, config.num_layers + 1):
        h, (s,) = transformer_block(h, f"encoder_{i}", *sizes, mask=mask)
        encoder_scores.append(s)
    memory = h
    h, decoder_scores, cross_scores = embed(target_in, target_len, "target"), [], []
    for i in range(1, config.num_layers + 1):
        h, (s, c) = transformer_block(h, f"decoder_{i}", *sizes, context=memory, mask=mask, causal=True)
        decoder_scores.append(s)
        cross_scores.append(c)
    logits = keras.layers.Dense(vocab_size, name="logits")(h)
    model = keras.Model([source, target_in], logits, name="encoder_decoder")
    model.compile(
        optimizer=make_optimizer(config.optimizer, config.learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0),
        metrics=[keras.metrics.MeanMetricWrapper(masked_token_accuracy, name="token_accuracy")],
    )
    if not return_probe:
        return model
    probe = keras.Model([source, target_in], [logits, *encoder_scores, *decoder_scores, *cross_scores], name="probe")
    return model, probe
