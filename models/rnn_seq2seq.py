"""Encoder–decoder RNNs for sequence to sequence, with or without additive (Bahdanau) attention.

The encoder reads the source characters and hands its last state to the decoder,
which writes the target one token at a time. Trained with teacher forcing: the
decoder reads the start token, then the true target shifted one place right.

Without attention, that last state is all the decoder knows of the input: one
vector of `units` numbers, whatever the input's length. With attention, each
decoder step i also scores every encoder output h_j,
e_ij = vᵀ·tanh(W·s_i + U·h_j) (Keras' `AdditiveAttention` on the projected query
W·s_i and keys U·h_j), turns the scores into weights α_ij = softmax_j(e_ij) and
reads the context c_i = Σ_j α_ij·h_j, which joins the decoder output before the
softmax over the vocabulary.

`attention_probe` reads the attention weights α off a model; `GreedyDecoder` runs
the trained layers token by token on their own outputs.
"""

import keras
import numpy as np
from keras import ops

from models.rnn import CELLS
from models.rnn_plan import EMBEDDING_DIM
from models.sequence_metrics import masked_token_accuracy

PAD, START, END = 0, 1, 2  # the token ids of `lab.translation`


@keras.saving.register_keras_serializable(package="lab")
class NotPadding(keras.layers.Layer):
    """`(batch, length)` booleans from token ids: True where the id is not padding (0)."""

    def call(self, ids):
        return ops.not_equal(ids, PAD)


def build_seq2seq(cell, units, vocab_size, source_len, target_len, attention=True, embedding_dim=EMBEDDING_DIM):
    """An encoder–decoder RNN `[source, target_in] -> (batch, target_len, vocab_size)` probabilities, not compiled.

    Args:
        cell: "simple_rnn", "lstm" or "gru" (encoder and decoder alike).
        units: size of the encoder's and the decoder's state.
        vocab_size: the number of token ids (shared by source and target; 0 is padding).
        source_len, target_len: the longest source and target (its end token included).
        attention: add additive attention over the encoder outputs; without it the
            decoder sees the input only through the encoder's last state.
        embedding_dim: size of the character embeddings.

    Returns:
        A `keras.Model` named "seq2seq" with inputs `source` `(batch, source_len)`
        and `target_in` `(batch, target_len)` (the decoder's teacher-forcing input).
    """
    source = keras.Input(shape=(source_len,), dtype="int32", name="source")
    target_in = keras.Input(shape=(target_len,), dtype="int32", name="target_in")
    rnn = CELLS[cell]
    h = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True, name="source_embedding")(source)
    encoder_out, *state = rnn(units, return_sequences=True, return_state=True, name="encoder")(h)
    h = keras.layers.Embedding(vocab_size, embedding_dim, name="target_embedding")(target_in)
    h, *_ = rnn(units, return_sequences=True, return_state=True, name="decoder")(h, initial_state=state)
    if attention:
        source_mask = NotPadding(name="source_mask")(source)
        query = keras.layers.Dense(units, use_bias=False, name="attention_query")(h)
        keys = keras.layers.Dense(units, use_bias=False, name="attention_keys")(encoder_out)
        context, _ = keras.layers.AdditiveAttention(name="attention")(
            [query, encoder_out, keys], mask=[None, source_mask], return_attention_scores=True
        )  # the weights are read by `attention_probe`
        h = keras.layers.Concatenate(name="with_context")([h, context])
    probabilities = keras.layers.Dense(vocab_size, activation="softmax", name="output")(h)
    return keras.Model([source, target_in], probabilities, name="seq2seq")


def attention_probe(model):
    """A model sharing `model`'s layers: `[source, target_in] -> (batch, target_len, source_len)` attention weights.

    Row i of an item's weights is α_i·, how the decoder step that writes output
    token i spreads its attention over the input characters (each row sums to 1,
    padding gets 0). Works on a reloaded model too.

    Returns:
        The probe, or None for a model without attention.
    """
    if not has_attention(model):
        return None
    _, weights = model.get_layer("attention").output
    return keras.Model(model.inputs, weights, name="seq2seq_probe")


def compile_seq2seq(model, optimizer):
    """Compiles with cross-entropy and token accuracy (under teacher forcing), padding left out of both."""
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(ignore_class=PAD),
        metrics=[keras.metrics.MeanMetricWrapper(masked_token_accuracy, name="accuracy")],
    )
    return model


def has_attention(model):
    """Whether a model from `build_seq2seq` attends over the encoder outputs."""
    return any(layer.name == "attention" for layer in model.layers)


class GreedyDecoder:
    """Decodes with a trained `build_seq2seq` model, feeding the decoder its own previous outputs.

    Builds an encoder model and a one-step decoder model from the model's own
    layers (they share the weights, so it follows the model as it trains, and it
    works on a reloaded model too).

    Args:
        model: a model from `build_seq2seq` (or loaded from its file).
    """

    def __init__(self, model):
        source, target_in = model.inputs
        encoder_out, *state = model.get_layer("encoder").output
        self.encoder = keras.Model(source, [encoder_out, *state])
        self.target_len = target_in.shape[1]
        decoder = model.get_layer("decoder")
        token = keras.Input(shape=(1,), dtype="int32")
        states = [keras.Input(shape=(decoder.cell.units,)) for _ in state]
        memory = keras.Input(shape=encoder_out.shape[1:])
        ids = keras.Input(shape=source.shape[1:], dtype="int32")
        h = model.get_layer("target_embedding")(token)
        h, *new_states = decoder(h, initial_state=states)
        if has_attention(model):
            query = model.get_layer("attention_query")(h)
            keys = model.get_layer("attention_keys")(memory)
            mask = model.get_layer("source_mask")(ids)
            context = model.get_layer("attention")([query, memory, keys], mask=[None, mask])
            h = model.get_layer("with_context")([h, context])
        probabilities = model.get_layer("output")(h)
        self.step = keras.Model([token, memory, ids, *states], [probabilities, *new_states])

    def decode(self, source, batch_size=2048):
        """Greedy decoding of every row of `source`, batched, until each answer's end token.

        Args:
            source: `(n, source_len)` int token ids, padded with 0.
            batch_size: rows decoded together.

        Returns:
            `(n, target_len)` int32 output ids: each answer, its end token, then padding.
        """
        source = np.asarray(source, dtype="int32")
        parts = [self._decode(source[i : i + batch_size]) for i in range(0, len(source), batch_size)]
        return np.concatenate(parts) if parts else np.zeros((0, self.target_len), "int32")

    def _decode(self, source):
        memory, *states = self.encoder.predict_on_batch(source)
        ids = np.full((len(source), self.target_len), PAD, dtype="int32")
        token, done = np.full((len(source), 1), START, dtype="int32"), np.zeros(len(source), dtype=bool)
        for t in range(self.target_len):
            probabilities, *states = self.step.predict_on_batch([token, memory, source, *states])
            chosen = probabilities[:, 0].argmax(axis=-1).astype("int32")
            ids[~done, t] = chosen[~done]
            done |= chosen == END
            if done.all():
                break
            token = chosen[:, None]
        return ids
