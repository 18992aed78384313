"""The RNN lab's intro, step-through, live views, "Compare cells" (or attention, for dates) and state dynamics."""

import contextlib

import streamlit as st

from lab.labs.rnn.charts import (
    CELL_COLOURS,
    CELL_NAMES,
    METRIC_WORDS,
    compare_chart,
    dynamics_chart,
    gates_chart,
    gradient_chart,
    metric_chart,
    metric_of,
    task_chart,
)
from lab.labs.rnn.config import CELLS, RNNConfig
from lab.labs.rnn.views_dates import attention_section, configurations_table, draw_dates, seq2seq_explainer
from lab.labs.rnn.views_step_through import step_through
from lab.labs.rnn.worked_example import (
    recurrent_params,
    state_dynamics,
)
from lab.registry import get_lab
from lab.ui.compare import compare_controls

COMPARE_KEY = "rnn_compare"
RADII = (0.5, 0.8, 0.9, 1.0, 1.1, 1.2, 1.5)
INTRO = (
    "A recurrent network reads a sequence one step at a time and carries a **hidden state** h_t from step to "
    "step: h_t = tanh(W_hh·h_(t−1) + W_xh·x_t + b), with the **same weights at every step**. Training "
    "unrolls the network through time and backpropagates through every step. The trouble: the gradient that "
    "reaches step t from the end is multiplied by W_hh (and the tanh slope) once per step in between, so it "
    "shrinks or blows up with W_hh's largest eigenvalue, and a plain RNN only learns from the recent past. "
    "An **LSTM** keeps a separate cell state that a forget gate can carry along almost untouched, so "
    "gradients survive hundreds of steps; a **GRU** does the same with two gates. Pick a memory task and "
    "press **Compare cells** at the bottom to watch a SimpleRNN fail where the gated cells succeed."
)
TIPS = {
    "weather_toy": "The lecture's toy: one-hot days S, C, R, T that mostly follow the cycle S → C → R → T. With "
    "cell simple_rnn and 3 hidden units the network starts from the lecture's weights (see the step-through "
    "below), with two differences: Keras starts from the state 0, where the lecture starts from [0.11, 0.21, "
    "0.31], and it trains many-to-one, with one target (the day after the three), where the lecture gives a "
    "target at every step (many-to-many). Untrained, it answers S after S, C, R; a few epochs teach it T.",
    "seattle_weather": "Four years of Seattle weather (2012–2015). The categories are unevenly spread and their use "
    "changes over the years (2012 is mostly rain, 2014–2015 mostly sun and fog), so the latest "
    "days validate: a fair but hard test. With the defaults an LSTM scores about 71% against "
    "55% for 'always sun' and 67% for 'tomorrow is like today'; it peaks after about 6 epochs, "
    "then overfits (watch the validation loss turn up).",
    "temperature": "Seattle's hourly temperatures of 2010, in °F. These values are smooth climate normals: the "
    "daily cycle repeats almost exactly, so repeating the last hour (persistence) is already good "
    "and the network must learn the shape of the day to beat it. With the defaults (12 epochs) an LSTM reaches a "
    "validation MAE of about 0.21 °F against 0.50 °F for persistence, and it is still falling: 25 epochs get "
    "about 0.17 °F.",
    "adding": "The defaults (sequence length 50, 12 epochs, about half a minute) show the classic result: the LSTM "
    "gets the sum right (validation MSE near 0.002) while the SimpleRNN stays near the baseline of 1/6. Press "
    "**Compare cells** below. The LSTM sits on the baseline for several epochs before it finds the markers. "
    "**Lecture scale** doubles the distance to 100 steps and trains 25 epochs (about two minutes): the LSTM "
    "then waits about a dozen epochs on the baseline, and the GRU is quicker.",
    "copy": "Five symbols (of 8) at the start, then a blank stretch, then name all five; guessing gets 1 in 8. "
    "This task turns the tables. Over blank steps a SimpleRNN's state stays small, where tanh is almost "
    "linear, and Keras starts W_hh orthogonal (every eigenvalue of size 1), so the state neither dies out "
    "nor explodes. Measured here: at 20 steps and 10 epochs the SimpleRNN recalls 99.9% and the LSTM 78%; "
    "at 100 steps and 25 epochs the SimpleRNN 36%, the GRU 32% (still climbing) and the LSTM stays at "
    "chance, because its forget gate starts near sigmoid(1) ≈ 0.73 and must first learn to stay open.",
    "dates": "An encoder–decoder rewrites a date written in one of 8 formats (“3 March 2021”, “03/03/21”, "
    "“Wednesday, March 3, 2021” …) as “2021-03-03”. With the lab's defaults (an LSTM of 64 units, 12 epochs) both "
    "versions end up good: measured here, 100% of the validation dates exactly right with attention, 96% without. "
    "The **Dates** preset (a GRU of 128 units, batch 128, 10 epochs) is where attention shows: 100% against 82% "
    "(81% on “Wednesday, March 3, 2021”). Press **Compare attention** below to train both side by side.",
}
DYNAMICS_WORDS = {
    "tanh": "With tanh, at a radius below 1 the state and the gradient die out like radiusᵗ (tanh is almost "
    "linear near 0), at 1 they fade slowly, and above 1 the state grows until tanh saturates, where its slope "
    "is small, so the gradient dies out anyway.",
    "sigmoid": "With sigmoid the state never dies out: σ(0) = ½, so it settles away from 0 at any radius. The "
    "gradient vanishes all the same, and faster than radiusᵗ: sigmoid's slope is at most 1/4, so each step "
    "scales it by about radius/4 or less ({quarter:.3g} here).",
    "relu": "With ReLU and this positive W_hh the state stays positive, where ReLU is the identity: the state "
    "and the gradient follow radiusᵗ, dying out below 1, holding at 1 and blowing up above it.",
}
REMEDIES = (
    "Gradient clipping caps the explosions. Against the vanishing, gates (LSTM, GRU) are the standard remedy; "
    "leaky units, echo-state networks, orthogonal initialisation, skip connections through time and attention "
    "also help (Goodfellow et al., Deep Learning, ch. 10)."
)
BPTT = (
    r"\frac{\partial L}{\partial W} = \sum_{t=1}^{T} \sum_{k=1}^{t} \frac{\partial L_t}{\partial h_t}"
    r"\Bigg(\prod_{j=k+1}^{t} \frac{\partial h_j}{\partial h_{j-1}}\Bigg) \frac{\partial^{+} h_k}{\partial W},"
    r"\qquad \frac{\partial h_j}{\partial h_{j-1}} = \operatorname{diag}\big(f'(a_j)\big)\, W_{hh}"
)


# ---- Intro and data -------------------------------------------------------------------------


@st.cache_data(max_entries=16, show_spinner=False)
def _data_summary(task, seq_len, n_sequences, days, window, horizon, val_split, seed):
    """`(n_train, n_val, steps, features, baseline words, baseline value, metric)` of a task."""
    config = RNNConfig(
        task=task,
        seq_len=seq_len,
        n_sequences=n_sequences,
        days=days,
        window=window,
        horizon=horizon,
        val_split=val_split,
        seed=seed,
        batch_size=1,
    )
    data = get_lab("rnn").load_data(config)
    b = data.baseline
    return len(data.x_train), len(data.x_val), data.steps, data.n_features, b["words"], b["value"], b["metric"]


def _summary(config):
    """`_data_summary` of a validated config."""
    return _data_summary(
        config.task,
        config.seq_len,
        config.n_sequences,
        config.days,
        config.window,
        config.horizon,
        config.val_split,
        config.seed,
    )


def preview(config, upload):
    """What the page says about the validated settings' data and its baseline before training."""
    try:
        n_train, n_val, steps, features, words, value, metric = _summary(config)
    except ValueError as err:
        st.error(f"The data cannot be loaded: {err}")
        return
    shown = f"{value:.1%}" if metric == "val_accuracy" else f"{value:.4f}"
    data = (
        f"{n_train:,} training and {n_val:,} validation dates written in 8 formats, up to {steps} characters, "
        "each to be answered with its ISO form (10 characters and an end token)"
        if config.task == "dates"
        else f"{n_train:,} training and {n_val:,} validation sequences of {steps} steps × {features} features"
    )
    st.caption(f"**Data:** {data}. **Baseline:** {words}: {metric} {shown}.")


def inputs(values):
    """The introduction, a tip for the task, and the step-through of the lecture's example.

    Returns:
        `(values, None)`: the values unchanged (this lab takes no upload).
    """
    st.markdown(INTRO)
    st.caption(f":material/lightbulb: {TIPS[values['task']]}")
    with st.expander("Inputs and outputs: which configuration each task is", expanded=values["task"] == "dates"):
        st.markdown(configurations_table(values["task"]))
    if values["task"] == "dates":
        with st.expander("Encoder–decoder: the fixed-size context vector, and attention", expanded=True):
            seq2seq_explainer()
    with st.expander(
        "Step through one cell: the lecture's SimpleRNN example and an LSTM illustration",
        expanded=values["task"] == "weather_toy",
    ):
        step_through()
    return values, None


# ---- Step-through ---------------------------------------------------------------------------


def draw(run, data, job):
    """The RNN lab's live views: the metric against its baseline, the task's picture, gradients, gates."""
    if data.kind == "seq2seq":
        draw_dates(run, data)
        return
    snap = run.snapshot
    left, right = st.columns(2)
    with left:
        if run.history:
            st.altair_chart(metric_chart(run, data), width="stretch")
            also = data.extra.get("persistence_accuracy")
            also = f" Saying tomorrow is like today would score {also:.1%}." if also is not None else ""
            st.caption(f"Dashed: the baseline to beat — {data.baseline['words']}.{also}")
    with right:
        st.altair_chart(task_chart(run, data), width="stretch")
    left, right = st.columns(2)
    with left:
        shown = [("untrained", run.first_snapshot)] if run.first_snapshot and run.first_snapshot is not snap else []
        st.altair_chart(gradient_chart([*shown, (f"epoch {snap.get('epoch', 0)}", snap)]), width="stretch")
        st.caption(
            "How strongly the loss on 32 validation sequences depends on each hidden state h_t (log scale). "
            "A curve that falls steeply towards early steps means those steps hardly teach the network "
            "anything: the vanishing gradient (the product of Jacobians under “Why gradients vanish or explode”)."
        )
    with right:
        if snap.get("gates"):
            st.altair_chart(gates_chart(snap["gates"]), width="stretch")
            st.caption(
                "A forget gate near 1 carries the cell state along; the input gate opens where something worth "
                "remembering arrives" + (" (dashed: the two marked numbers)." if snap["gates"].get("marked") else ".")
            )
        else:
            st.info(f"Gate activations are drawn for an LSTM; this run uses a {CELL_NAMES[run.config.cell]}.")


# ---- Compare cells --------------------------------------------------------------------------


def beats(value, baseline, higher):
    """Whether a result clearly beats its baseline: by a percentage point of accuracy, or 5% of an error."""
    return value >= baseline + 0.01 if higher else value <= 0.95 * baseline


def compare_verdict(entries, data):
    """The sentence naming the best cell and who beat the baseline, or None before any result.

    Args:
        entries: `[(name, run), ...]` of ended runs.
    """
    metric = f"val_{metric_of(data.name)}"
    higher = metric == "val_accuracy"
    scored = [(run.history[-1][metric], name) for name, run in entries if run.history and metric in run.history[-1]]
    if not scored:
        return None
    scored.sort(reverse=higher)
    fmt = (lambda v: f"{v:.1%}") if higher else (lambda v: f"{v:.4f}")
    base = data.baseline["value"]
    beat = [name for v, name in scored if beats(v, base, higher)]
    text = f"**{scored[0][1]}** does best: {METRIC_WORDS[metric_of(data.name)]} " + ", ".join(
        f"{fmt(v)} for {n}" for v, n in scored
    )
    text += f" (baseline {fmt(base)}). "
    text += f"Beat the baseline: {', '.join(beat)}." if beat else "None beat the baseline yet: train longer."
    return text


def _compare_live(entries, done):
    """The comparison's verdict (once all ended), overlaid curves and side views."""
    data = entries[0][1].data
    runs = [(name, job.run) for name, job in entries]
    if done and (text := compare_verdict(runs, data)):
        st.success(text, icon=":material/emoji_events:")
    left, right = st.columns(2)
    with left:
        st.altair_chart(compare_chart(runs, data), width="stretch")
    with right:
        snaps = [(name, run.snapshot) for name, run in runs if run.snapshot.get("grad_h") is not None]
        if snaps:
            colours = [CELL_COLOURS[list(CELL_NAMES.values()).index(name)] for name, _ in snaps]
            st.altair_chart(gradient_chart(snaps, colours), width="stretch")
            st.caption(
                "The latest ‖∂loss/∂h_t‖ of each cell: where a curve drops by orders of magnitude towards the "
                "first steps, that cell cannot learn from them."
            )


def cell_sizes(units, n_features):
    """The sentence comparing the weight counts of the three recurrent layers at `units` units."""
    simple, gru, lstm = (recurrent_params(cell, units, n_features) for cell in ("simple_rnn", "gru", "lstm"))
    return (
        f"At {units} units on {n_features} input features the recurrent layer has {simple:,} weights as a "
        f"SimpleRNN, {gru:,} as a GRU ({gru / simple:.1f}×) and {lstm:,} as an LSTM ({lstm / simple:.1f}×): "
        "an LSTM has a full set of input, recurrent and bias weights for each of its three gates and its "
        "candidate, a GRU for its two gates and its candidate, a SimpleRNN just one set."
    )


def compare_section(config):
    """ "Compare cells": SimpleRNN, LSTM and GRU on the same data and seed, curves overlaid."""
    st.subheader("Compare cells")
    st.markdown(
        "The same task, data, seed and settings, trained three times with only the cell changed: "
        "a SimpleRNN, an LSTM and a GRU."
    )
    if config is not None:
        with contextlib.suppress(ValueError):  # the preview already says why the data cannot load
            st.caption(cell_sizes(config.units, _summary(config)[3]))
    compare_controls("rnn", COMPARE_KEY, "Compare cells", config, _variants, _shared, _compare_live)


def _variants(config):
    return [(CELL_NAMES[cell], config.replace(cell=cell)) for cell in CELLS]


def _shared(config):
    return (
        f"{config.task}, {config.units} units, {config.optimizer} at learning rate {config.learning_rate:g}, "
        f"clip norm {config.clipnorm:g}, {config.epochs} epochs, seed {config.seed}"
    )


# ---- State dynamics -------------------------------------------------------------------------


def dynamics_words(activation, radius):
    """What the state dynamics show for `activation`, in words; for sigmoid with the factor radius/4."""
    return DYNAMICS_WORDS[activation].format(quarter=radius / 4)


def dynamics_section():
    """The hidden state and its gradient over time for a chosen spectral radius and activation."""
    st.subheader("Why gradients vanish or explode")
    st.markdown(
        "Leave out the inputs and run only the recurrence h_t = act(W_hh·h_(t−1)) from a state of norm 1. "
        "W_hh is a random matrix with positive entries, scaled so its largest eigenvalue (the spectral "
        "radius) is the value you pick. ∂h_t/∂h_0 is what backpropagation through time multiplies a gradient "
        "by on its way from step t back to step 0."
    )
    st.markdown(
        "Backpropagation through time, written out for a loss L = Σ_t L_t and weights W shared by every step "
        "(∂⁺h_k/∂W is W's direct effect on h_k with h_(k−1) held fixed, f the activation and a_j = W_hh·h_(j−1) + W_xh·x_j + b):"
    )
    st.latex(BPTT)
    st.markdown(
        "Each term multiplies t − k Jacobians, so its size is at most (max f′ · ‖W_hh‖)^(t−k), with ‖W_hh‖ the "
        "largest singular value: when that is below 1, the terms that link a loss to early steps vanish. The "
        "lab's tasks score only the last step, so only t = T is left; the chart shows the product for k = 0."
    )
    left, right = st.columns([1, 3])
    with left:
        radius = st.select_slider("Spectral radius of W_hh", RADII, value=1.0, key="rnn_radius")
        activation = st.radio("Activation", ("tanh", "sigmoid", "relu"), key="rnn_dyn_activation")
        steps = st.slider("Steps", 10, 200, 100, 10, key="rnn_dyn_steps")
    dyn = state_dynamics(radius, activation, steps)
    with right:
        st.altair_chart(dynamics_chart(dyn, radius, activation), width="stretch")
    st.caption(
        f"After {steps} steps: ‖h_t‖ = {dyn['h_norm'][-1]:.3g}, ‖∂h_t/∂h_0‖ = {dyn['gradient_norm'][-1]:.3g}. "
        f"{dynamics_words(activation, radius)} {REMEDIES}"
    )


def sections(config):
    """The sections under the lab: "Compare cells" (for dates: with and without attention) and the state dynamics."""
    if config is not None and config.task == "dates":
        attention_section(config)
    else:
        compare_section(config)
    dynamics_section()
