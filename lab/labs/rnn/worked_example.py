"""SimpleRNN and LSTM cells in plain numpy, step by step, with the lecture's numbers.

Conventions follow the lecture (weights act on column vectors):
    SimpleRNN: h_t = tanh(W_hh·h_{t−1} + W_xh·x_t + b), y_t = W_hy·h_t.
    LSTM: [i, f, g, o] = W·x_t + U·h_{t−1} + b split in four (i, f, o through a
    sigmoid, the candidate g through tanh); c_t = f∗c_{t−1} + i∗g, h_t = o∗tanh(c_t).
The slides call the given start state h_1 and the first input x_1, so reading x_t
gives h_(t+1); counted the usual way (and in Keras) the start state is h_0.
Keras stores the transposes: SimpleRNN's kernel is W_xhᵀ and its recurrent
kernel W_hhᵀ; LSTM's kernel is Wᵀ with the gates in the same order i, f, g, o.
"""

import numpy as np
from scipy.special import expit

SYMBOLS = ("S", "C", "R", "T")
LECTURE = {
    "W_xh": np.array([[0.28, 0.84, 0.57, 0.48], [0.90, 0.87, 0.69, 0.18], [0.53, 0.09, 0.55, 0.49]]),
    "W_hh": np.array([[0.41, 0.12, 0.13], [0.51, 0.24, 0.26], [0.61, 0.34, 0.36]]),
    "W_hy": np.array([[0.37, 0.97, 0.83], [0.39, 0.28, 0.65], [0.64, 0.19, 0.33], [0.91, 0.32, 0.14]]),
    "b": np.array([0.51, 0.62, 0.73]),
    "h_1": np.array([0.11, 0.21, 0.31]),
    "inputs": ("S", "C", "R"),
}
GATES = ("i", "f", "g", "o")
# A small LSTM (2 units, inputs S, C, R, T) for the step-through: rows i1, i2, f1, f2, g1, g2, o1, o2.
LSTM_EXAMPLE = {
    "W": np.array(
        [
            [0.5, -0.3, 0.2, 0.8],
            [0.1, 0.4, -0.6, 0.3],
            [0.3, 0.2, 0.1, -0.4],
            [-0.2, 0.6, 0.3, 0.1],
            [0.9, -0.5, 0.4, 0.7],
            [-0.3, 0.8, 0.6, -0.9],
            [0.4, 0.1, -0.2, 0.5],
            [0.2, -0.1, 0.7, 0.3],
        ]
    ),
    "U": np.array(
        [
            [0.2, -0.1],
            [0.3, 0.2],
            [0.1, 0.4],
            [-0.2, 0.3],
            [0.5, -0.4],
            [0.2, 0.6],
            [-0.3, 0.1],
            [0.4, 0.2],
        ]
    ),
    "b": np.array([0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]),  # forget bias 1, as Keras starts it
    "h_0": np.zeros(2),
    "c_0": np.zeros(2),
    "inputs": ("S", "C", "R"),
}
ACTIVATIONS = {
    "tanh": (np.tanh, lambda a: 1.0 - np.tanh(a) ** 2),
    "sigmoid": (expit, lambda a: expit(a) * (1.0 - expit(a))),
    "relu": (lambda a: np.maximum(a, 0.0), lambda a: (a > 0).astype(float)),
}


def one_hot(symbol, symbols=SYMBOLS):
    """The one-hot column of a weather symbol.

    Raises:
        ValueError: the symbol is not one of `symbols`.
    """
    if symbol not in symbols:
        raise ValueError(f"Each input must be one of {', '.join(symbols)}; got {symbol!r}.")
    return np.eye(len(symbols))[symbols.index(symbol)]


def softmax(y):
    """Softmax of a vector (shifted by its maximum, so large scores do not overflow)."""
    e = np.exp(y - np.max(y))
    return e / e.sum()


def readout(W_hy, h):
    """What a state predicts: dict with `h`, `y` (W_hy·h) and `softmax` (of y)."""
    y = W_hy @ h
    return {"h": h, "y": y, "softmax": softmax(y)}


def rnn_steps(W_xh, W_hh, W_hy, b, h_start, inputs):
    """Runs a SimpleRNN cell over `inputs`, keeping every intermediate number.

    Args:
        W_xh: `(units, n_in)`; W_hh: `(units, units)`; W_hy: `(n_out, units)`; b: `(units,)`.
        h_start: the state before the first input.
        inputs: symbols (one-hot encoded here).

    Returns:
        One dict per step: `x` (the symbol), `from_input` (W_xh·x), `from_state`
        (W_hh·h_{t−1}), `pre` (their sum plus b), `h` (tanh of it), `y` (W_hy·h)
        and `softmax` (of y).
    """
    h, out = np.asarray(h_start, dtype=float), []
    for symbol in inputs:
        x = one_hot(symbol)
        from_input, from_state = W_xh @ x, W_hh @ h
        pre = from_input + from_state + b
        h = np.tanh(pre)
        out.append({"x": symbol, "from_input": from_input, "from_state": from_state, "pre": pre, **readout(W_hy, h)})
    return out


def lstm_step(x, h, c, W, U, b):
    """One LSTM step.

    Args:
        x: the input `(n_in,)`; h, c: the previous states `(units,)`.
        W: `(4 units, n_in)`; U: `(4 units, units)`; b: `(4 units,)`; gate order i, f, g, o.

    Returns:
        dict with the gates `i`, `f`, `g`, `o` and the new states `c`, `h`.
    """
    z = W @ x + U @ h + b
    i, f, g, o = np.split(z, 4)
    i, f, g, o = expit(i), expit(f), np.tanh(g), expit(o)
    c = f * c + i * g
    return {"i": i, "f": f, "g": g, "o": o, "c": c, "h": o * np.tanh(c)}


def lstm_run(W, U, b, h_start, c_start, xs):
    """Runs an LSTM cell over the input vectors `xs` (rows); returns one `lstm_step` dict per step."""
    h, c, out = np.asarray(h_start, dtype=float), np.asarray(c_start, dtype=float), []
    for x in xs:
        step = lstm_step(np.asarray(x, dtype=float), h, c, W, U, b)
        h, c = step["h"], step["c"]
        out.append(step)
    return out


def lstm_steps(W, U, b, h_start, c_start, inputs):
    """Runs an LSTM cell over weather symbols; each step's dict also names its input `x`."""
    steps = lstm_run(W, U, b, h_start, c_start, [one_hot(s) for s in inputs])
    return [{"x": s, **step} for s, step in zip(inputs, steps)]


def recurrent_params(cell, units, n_features):
    """The number of weights in a Keras recurrent layer: kernel, recurrent kernel and biases.

    A SimpleRNN has one such set, a GRU three (update and reset gates and the
    candidate, each with two biases as Keras' `reset_after=True` builds them) and
    an LSTM four (input, forget and output gates and the candidate).

    Args:
        cell: "simple_rnn", "lstm" or "gru".
        units: the size of the hidden state.
        n_features: the size of each input vector.
    """
    sets, biases = {"simple_rnn": (1, 1), "gru": (3, 2), "lstm": (4, 1)}[cell]
    return sets * units * (n_features + units + biases)


def recurrent_matrix(radius, units=16, seed=0):
    """A random matrix with non-negative entries whose largest eigenvalue is `radius`.

    Non-negative entries make the largest eigenvalue real and positive with a
    positive eigenvector (Perron–Frobenius), so a positive state grows or shrinks
    by exactly that factor per step in the linear regime.
    """
    W = np.random.default_rng(seed).random((units, units))
    return W * radius / np.max(np.abs(np.linalg.eigvals(W)))


def state_dynamics(radius, activation, steps=100, units=16, seed=0):
    """How the hidden state and its memory of h_0 evolve under h_t = act(W_hh·h_{t−1}).

    No input and no bias: only the recurrence acts. The gradient of h_t with
    respect to h_0 is the product of the step Jacobians diag(act′)·W_hh, the
    factor by which backpropagation through time scales a gradient from step t
    back to step 0.

    Args:
        radius: the spectral radius of W_hh.
        activation: "tanh", "sigmoid" or "relu".

    Returns:
        dict of lists over t = 0..steps: `t`, `h_norm` (‖h_t‖), `gradient_norm`
        (the spectral norm of ∂h_t/∂h_0) and `power` (radiusᵗ, the linear guide).
    """
    act, slope = ACTIVATIONS[activation]
    W = recurrent_matrix(radius, units, seed)
    h = np.full(units, 1.0 / np.sqrt(units))  # ‖h_0‖ = 1
    J = np.eye(units)
    h_norm, gradient_norm = [1.0], [1.0]
    for _ in range(steps):
        a = W @ h
        h = act(a)
        J = (slope(a)[:, None] * W) @ J
        h_norm.append(float(np.linalg.norm(h)))
        gradient_norm.append(float(np.linalg.norm(J, 2)))
    t = np.arange(steps + 1)
    return {
        "t": t.tolist(),
        "h_norm": h_norm,
        "gradient_norm": gradient_norm,
        "power": (radius ** t.astype(float)).tolist(),
    }
