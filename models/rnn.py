"""Recurrent networks for sequences: one SimpleRNN, LSTM or GRU layer and a head.

The recurrent layer is named "recurrent"; the layers before it only prepare the
input (normalisation), the layers after it turn the last hidden state into the
answer. `unroll` steps the layer's own cell by hand, so the gradient of the loss
with respect to every hidden state h_t can be read off.
"""

import keras
import numpy as np
import tensorflow as tf

from models.optimizers import make_optimizer

CELLS = {"simple_rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}


def optimizer_with_clipping(name, learning_rate, clipnorm):
    """The lab's optimizer `name`; with `clipnorm` > 0 each gradient is scaled to at most that norm."""
    optimizer = make_optimizer(name, learning_rate)
    if clipnorm:
        optimizer = type(optimizer).from_config({**optimizer.get_config(), "clipnorm": float(clipnorm)})
    return optimizer


def build_rnn(
    cell,
    units,
    steps,
    n_features,
    kind,
    n_classes=0,
    copy_length=0,
    input_mean=None,
    input_var=None,
    target_mean=None,
    target_std=None,
    lecture=None,
):
    """A recurrent network `(batch, steps, n_features) -> answer`, not compiled.

    Args:
        cell: "simple_rnn", "lstm" or "gru".
        units: size of the hidden state.
        steps, n_features: the input sequences' shape.
        kind: "regression" (one number), "classification" (`n_classes`
            probabilities) or "copy" (`copy_length` x `n_classes` probabilities).
        input_mean, input_var: per-feature statistics for a first normalisation
            layer, or None for no normalisation.
        target_mean, target_std: the output is `target_mean + target_std * z`, so
            the network answers in the target's own units (or z when None).
        lecture: `{"W_xh", "W_hh", "W_hy", "b"}` start weights (lecture orientation)
            for a SimpleRNN with a bias-free softmax output, or None.

    Returns:
        A `keras.Model` named "rnn".
    """
    inputs = keras.Input(shape=(steps, n_features), name="sequence")
    h = inputs
    if input_mean is not None:
        h = keras.layers.Normalization(mean=input_mean, variance=np.maximum(input_var, 1e-8), name="normalize")(h)
    h = CELLS[cell](units, name="recurrent")(h)
    if kind == "regression":
        out = keras.layers.Dense(1, name="output")(h)
        if target_mean is not None:
            out = keras.layers.Rescaling(scale=target_std, offset=target_mean, name="to_units")(out)
    elif kind == "classification":
        out = keras.layers.Dense(n_classes, activation="softmax", use_bias=lecture is None, name="output")(h)
    else:
        out = keras.layers.Dense(copy_length * n_classes, name="output")(h)
        out = keras.layers.Reshape((copy_length, n_classes), name="per_symbol")(out)
        out = keras.layers.Softmax(name="probabilities")(out)
    model = keras.Model(inputs, out, name="rnn")
    if lecture is not None:
        model.get_layer("recurrent").set_weights([lecture["W_xh"].T, lecture["W_hh"].T, lecture["b"]])
        model.get_layer("output").set_weights([lecture["W_hy"].T])
    return model


def compile_rnn(model, kind, optimizer):
    """Compiles with the task's loss and metric (`mse`, `mae` or `accuracy`)."""
    if kind == "regression":
        metrics = [keras.metrics.MeanSquaredError(name="mse"), keras.metrics.MeanAbsoluteError(name="mae")]
        loss = "mse"
    else:
        metrics = [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]
        loss = "sparse_categorical_crossentropy"
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    return model


def _split(model):
    """The layers before and after the recurrent layer (the input layer left out)."""
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    at = [layer.name for layer in layers].index("recurrent")
    return layers[:at], layers[at], layers[at + 1 :]


def unroll(model, x, y=None):
    """Steps the recurrent layer's cell by hand over `x`.

    Args:
        model: a model from `build_rnn`.
        x: `(batch, steps, features)` inputs.
        y: targets; when given, the loss and its gradient with respect to each h_t
            are computed too.

    Returns:
        dict with `h` (`(batch, steps, units)` hidden states), `c` (LSTM cell
        states or None), `output` (the model's answer, equal to `model(x)`) and,
        with `y`, `loss` and `grad_h` (`(batch, steps, units)`: ∂loss/∂h_t,
        through every later step).
    """
    before, rnn, after = _split(model)
    cell = rnn.cell
    sizes = cell.state_size if isinstance(cell.state_size, (list, tuple)) else [cell.state_size]
    x = tf.convert_to_tensor(np.asarray(x, dtype="float32"))
    with tf.GradientTape() as tape:
        z = x
        for layer in before:
            z = layer(z)
        states = [tf.zeros((tf.shape(x)[0], size)) for size in sizes]
        hs, cs = [], []
        for t in range(x.shape[1]):
            h, states = cell(z[:, t], states)
            states = list(states) if isinstance(states, (list, tuple)) else [states]
            hs.append(h)
            if len(states) > 1:
                cs.append(states[1])
        out = h
        for layer in after:
            out = layer(out)
        loss = tf.reduce_mean(keras.losses.get(model.loss)(y, out)) if y is not None else None
    result = {
        "h": np.stack([np.asarray(v) for v in hs], axis=1),
        "c": np.stack([np.asarray(v) for v in cs], axis=1) if cs else None,
        "output": np.asarray(out),
    }
    if y is not None:
        grads = tape.gradient(loss, hs)
        result["loss"] = float(loss)
        result["grad_h"] = np.stack([np.zeros(h.shape) if g is None else np.asarray(g) for g in grads], axis=1)
    return result


def lstm_weights(model):
    """The LSTM layer's weights in the lecture's orientation: `(W, U, b)` with rows i, f, g, o."""
    kernel, recurrent, bias = model.get_layer("recurrent").get_weights()
    return kernel.T, recurrent.T, bias


def normalized_inputs(model, x):
    """`x` as the recurrent layer sees it (after the normalisation layer, if any)."""
    z = tf.convert_to_tensor(np.asarray(x, dtype="float32"))
    for layer in _split(model)[0]:
        z = layer(z)
    return np.asarray(z)
