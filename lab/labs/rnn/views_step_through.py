"""The RNN lab's step-through (part of its views): the lecture's SimpleRNN example and an LSTM cell, every value shown."""

import numpy as np
import pandas as pd
import streamlit as st

from lab.labs.rnn.worked_example import GATES, LECTURE, LSTM_EXAMPLE, SYMBOLS, lstm_steps, readout, rnn_steps


def _vector(v):
    return "[" + ", ".join(f"{x:.4f}" for x in v) + "]"


def _symbols_input(key, default):
    text = st.text_input(
        "Input sequence", ", ".join(default), key=key, help="Days among S, C, R, T, separated by commas."
    )
    symbols = tuple(s.strip().upper() for s in text.split(",") if s.strip())
    bad = [s for s in symbols if s not in SYMBOLS]
    if bad or not symbols:
        st.error(f"Each input must be one of {', '.join(SYMBOLS)}, separated by commas; got {text!r}.")
        return None
    return symbols


def _rnn_tables():
    units = [f"h{i + 1}" for i in range(3)]
    weights = pd.DataFrame(
        np.concatenate([LECTURE["W_xh"], LECTURE["W_hh"], LECTURE["b"][:, None], LECTURE["h_1"][:, None]], axis=1),
        index=units,
        columns=[*(f"W_xh·{s}" for s in SYMBOLS), *(f"W_hh·{u}" for u in units), "b", "h_1"],
    )
    output = pd.DataFrame(LECTURE["W_hy"], index=[f"y·{s}" for s in SYMBOLS], columns=units)
    return weights, output


def _simple_rnn_step_through():
    st.markdown(
        "Numbered as on the lecture's slides: h_1 is the given state and S the input x_1, so reading x_t gives "
        "h_(t+1) = tanh(W_hh·h_t + W_xh·x_t + b), then y_(t+1) = W_hy·h_(t+1) and prediction = softmax(y_(t+1)). "
        "Counted the usual way (and in Keras) the given state is h_0: every h and y index drops by one. "
        "The defaults are the lecture's weights; edit any number and every value below follows."
    )
    weights, output = _rnn_tables()
    left, right = st.columns([3, 2])
    with left:
        w = st.data_editor(weights, key="rnn_step_weights", width="stretch")
    with right:
        v = st.data_editor(output, key="rnn_step_output", width="stretch")
    symbols = _symbols_input("rnn_step_inputs", LECTURE["inputs"])
    if symbols is None:
        return
    W, W_hy = w.to_numpy(dtype=float), v.to_numpy(dtype=float)
    start = readout(W_hy, W[:, 8])
    st.markdown(
        f"**h_1 = {_vector(start['h'])}** (given) · y_1 = W_hy·h_1 = {_vector(start['y'])} · "
        f"softmax = {_vector(start['softmax'])} → predicts **{SYMBOLS[int(np.argmax(start['softmax']))]}**"
    )
    steps = rnn_steps(W[:, :4], W[:, 4:7], W_hy, W[:, 7], W[:, 8], symbols)
    for t, step in enumerate(steps, start=1):
        guess = SYMBOLS[int(np.argmax(step["softmax"]))]
        st.markdown(
            f"**x_{t} = {step['x']}** · W_xh·x_{t} = {_vector(step['from_input'])} · W_hh·h_{t} = {_vector(step['from_state'])}  \n"
            f"h_{t + 1} = tanh(W_hh·h_{t} + W_xh·x_{t} + b) = tanh({_vector(step['pre'])}) = {_vector(step['h'])}  \n"
            f"y_{t + 1} = W_hy·h_{t + 1} = {_vector(step['y'])} · softmax = {_vector(step['softmax'])} → predicts **{guess}**"
        )
    st.caption(
        "Untrained, the lecture's network answers S after S, C, R where the weather says T. Training fixes that: "
        "task weather_toy with cell simple_rnn and 3 units starts from these weights, though from the state 0 "
        "and with one target per sequence (see the tip above). Keras' SimpleRNN computes x·kernel + "
        "h·recurrent_kernel, so its kernel is W_xhᵀ and its recurrent kernel W_hhᵀ."
    )


def _lstm_step_through():
    st.markdown(
        "An illustration with the app's own weights: the lecture has no LSTM numbers. "
        "Gates: i (input), f (forget), o (output) = sigmoid(W·x_t + U·h_(t−1) + b); candidate "
        "g = tanh(…). Cell: c_t = f∗c_(t−1) + i∗g. State: h_t = o∗tanh(c_t). Two units, inputs S, C, R, T; "
        "the forget bias starts at 1, as in Keras."
    )
    rows = [f"{g}{u}" for g in GATES for u in (1, 2)]
    table = pd.DataFrame(
        np.concatenate([LSTM_EXAMPLE["W"], LSTM_EXAMPLE["U"], LSTM_EXAMPLE["b"][:, None]], axis=1),
        index=rows,
        columns=[*(f"W·{s}" for s in SYMBOLS), "U·h1", "U·h2", "b"],
    )
    w = st.data_editor(table, key="rnn_step_lstm", width="stretch").to_numpy(dtype=float)
    symbols = _symbols_input("rnn_step_lstm_inputs", LSTM_EXAMPLE["inputs"])
    if symbols is None:
        return
    steps = lstm_steps(w[:, :4], w[:, 4:6], w[:, 6], LSTM_EXAMPLE["h_0"], LSTM_EXAMPLE["c_0"], symbols)
    frame = pd.DataFrame(
        [
            {
                "t": t,
                "x": s["x"],
                "unit": u + 1,
                **{name: round(float(s[name][u]), 4) for name in ("i", "f", "g", "o", "c", "h")},
            }
            for t, s in enumerate(steps, start=1)
            for u in range(2)
        ]
    )
    st.dataframe(frame, hide_index=True, width="stretch")
    st.caption(
        "Start: h_0 = c_0 = 0. A forget gate near 1 keeps c; an input gate near 0 ignores the candidate. "
        "The path from c_(t−1) to c_t has no weight matrix and no tanh, only a product with f and a sum, so "
        "where f stays near 1 the gradient along it passes almost unchanged, even over long sequences."
    )


def step_through():
    """Editable SimpleRNN (the lecture's example) and LSTM (an illustration) cells with every intermediate value."""
    rnn_tab, lstm_tab = st.tabs(["SimpleRNN (the lecture's example)", "LSTM cell (an illustration)"])
    with rnn_tab:
        _simple_rnn_step_through()
    with lstm_tab:
        _lstm_step_through()


# ---- Live views -----------------------------------------------------------------------------
