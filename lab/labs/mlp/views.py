"""The MLP lab's own inputs and live views."""

import numpy as np
import streamlit as st

from lab import charts
from lab.config import specs
from lab.labs.mlp.config import MLPConfig
from lab.labs.mlp.data import csv_columns, load, read_csv

INTRO = (
    "A multilayer perceptron passes its input through layers of neurons: each computes a weighted sum "
    "of its inputs plus a bias, then an activation switches it on or off, "
    "y = f_N(… f_2(f_1(x·W₁ + b₁)·W₂ + b₂) …). Training nudges every weight and bias downhill on the loss. "
    "Pick a data set and an architecture on the left, press **Train**, and watch the loss fall and the "
    "decision regions take shape. Try a deep `sigmoid` network to see the gradients vanish, a learning "
    "rate of 10 to see it diverge, or `mse` on a classification task to see a mismatched loss."
)

SUGGESTED = {
    "moons": "The defaults reach about 98% validation accuracy in a few seconds.",
    "spirals": "Spirals need depth: try 3 layers of 64 `tanh` units, 300 epochs, batch size 32, noise 0.1.",
    "digits": "Digits: 1 layer of 64 `relu` units, 30 epochs reach about 97% validation accuracy.",
    "xor": "XOR needs at least one hidden layer: with 0 layers no straight line separates the classes.",
    "circles": "Circles: a single hidden layer of 8 units is enough; with 0 layers it fails.",
    "sine": "Sine: try 2 layers of 32 `tanh` units; `relu` gives a piecewise-straight curve.",
}

LOSS_TABLE = (  # (loss, task, last activation, last size): what `auto` picks, and what every mismatch is checked against
    ("mse, mae", "regression", "linear", "1 per target"),
    ("msle", "regression with targets that are never negative", "linear", "1 per target"),
    ("binary_crossentropy", "two classes (or several yes/no labels)", "sigmoid", "1 (or 1 per label)"),
    ("categorical_crossentropy", "several classes", "softmax", "1 per class"),
    ("kl_divergence", "several classes, targets that are probabilities", "softmax", "1 per class"),
)


def _csv_input(values):
    """The CSV upload and its target column; returns (values, upload bytes or None)."""
    if values["dataset"] != "csv":
        return values, None
    uploaded = st.sidebar.file_uploader(
        "Your CSV file", type=["csv"], key="mlp_csv", help="A header row, numeric feature columns and a target column."
    )
    if uploaded is None:
        st.info("Upload a CSV file in the sidebar (a header row, numeric features and one column to predict).")
        return values, None
    content = uploaded.getvalue()
    try:
        columns = csv_columns(content)
        target = st.sidebar.selectbox("Column to predict", columns, index=len(columns) - 1, key="mlp_csv_target")
        features, target = read_csv(content, target)
    except ValueError as err:
        st.error(f"This CSV file cannot be used: {err}")
        return values, None
    st.caption(f"Your CSV: {len(features)} rows; predicting **{target.name}** from {features.shape[1]} columns.")
    return {**values, "csv_path": uploaded.name, "target": str(target.name)}, content


@st.cache_data(max_entries=32, show_spinner=False)
def _preview_data(config, upload):
    return load(config, upload)


def hyperparameter_count(config):
    """Settings a user tunes: every model and training setting, layer widths and activations counted per layer."""
    tunable = [
        n
        for n, s in specs(MLPConfig).items()
        if s.group in ("Model", "Training") and n not in ("hidden_units", "activations", "seed")
    ]
    return len(tunable) + 1 + 2 * len(config.hidden_units)


def inputs(values):
    """The upload for CSV data, the introduction and a tip for the chosen data set.

    Returns:
        `(values, upload)`: with the CSV's name and target column, and its bytes (or None).
    """
    values, upload = _csv_input(values)
    st.markdown(INTRO)
    if values["dataset"] in SUGGESTED:
        st.caption(f":material/lightbulb: {SUGGESTED[values['dataset']]}")
    return values, upload


def preview(config, upload):
    """The data and the model the validated settings give, before training."""
    try:
        data = _preview_data(config, upload)
    except Exception as err:  # odd data must never crash the page
        words = str(err) if isinstance(err, ValueError) else f"{type(err).__name__}: {err}"
        st.error(f"The data could not be prepared: {words}")
        return
    from models.mlp_plan import choose_head, count_parameters

    head = choose_head(data.task, data.n_classes, config.loss, config.output_activation)
    params = count_parameters(data.input_dim, config.hidden_units, head.units)
    st.caption(
        f"**Data:** {data.name}: {len(data.x_train)} training and {len(data.x_val)} validation samples, "
        f"{data.input_dim} inputs, task: {data.task}. **Model:** {params:,} trainable parameters "
        f"(each layer has inputs × outputs weights plus one bias per output), {hyperparameter_count(config)} hyperparameters; "
        f"last layer: {head.units} × {head.activation}, loss: {head.loss}."
    )
    for warning in head.warnings:
        st.warning(warning, icon=":material/warning:")


def draw(run, data, job):
    """The MLP's live views: decision regions or fitted curve, metric, confusion matrix, gradients."""
    snap = run.snapshot
    history = run.history_frame()
    left, right = st.columns(2)
    with left:
        if "boundary" in snap:
            x = np.concatenate([data.x_train, data.x_val])
            y = np.concatenate([data.y_train, data.y_val])
            st.altair_chart(charts.boundary_chart(snap["boundary"], x, y, data.class_names), width="stretch")
            st.caption(f"Redrawn while training (last at epoch {snap['epoch']}).")
        elif "curve" in snap:
            st.altair_chart(charts.curve_chart(snap["curve"], data.x_train, data.y_train), width="stretch")
            st.caption(f"Redrawn while training (last at epoch {snap['epoch']}). Targets are standardised.")
        elif "confusion" in snap:
            st.altair_chart(charts.confusion_chart(snap["confusion"], data.class_names), width="stretch")
    with right:
        metric = "accuracy" if "accuracy" in history else "mse" if "mse" in history else None
        if metric and len(history):
            st.altair_chart(charts.metric_chart(run, metric), width="stretch")
    left, right = st.columns(2)
    with left:
        if "gradients" in snap:
            initial = run.first_snapshot.get("gradients")
            st.altair_chart(charts.gradient_chart(snap["gradients"], initial, snap["epoch"]), width="stretch")
            st.caption(
                "How strongly the loss pulls on each layer's weights. In a deep `sigmoid` network the "
                "gradient shrinks layer by layer towards the input, since the sigmoid's slope is at most 0.25 "
                "(vanishing gradients); the early layers then barely learn. `relu` and `elu` keep it."
            )
    with right:
        if "confusion" in snap and "boundary" in snap:
            st.altair_chart(charts.confusion_chart(snap["confusion"], data.class_names), width="stretch")


def sections(config):
    """The cheat sheet: which loss suits which task, and which last layer suits which loss."""
    with st.expander("Cheat sheet: loss and last layer", icon=":material/table_chart:"):
        header = "| loss | task | last layer | outputs |\n|---|---|---|---|\n"
        st.markdown(header + "\n".join(f"| `{a}` | {b} | `{c}` | {d} |" for a, b, c, d in LOSS_TABLE))
        st.caption(
            "The lecture's table lists sigmoid for the multi-class rows; this app uses softmax there, as Keras and "
            "the textbooks do. Categorical cross-entropy and KL divergence compare probability distributions, and "
            "only a softmax gives outputs that are positive and sum to 1; separate sigmoids would score each class "
            "on its own. Pick a mismatched pair on the left to see the warning and how it trains."
        )
