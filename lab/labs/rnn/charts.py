"""The RNN lab's Altair charts: metric against baseline, the task's picture, gradients, gates, cells compared, state dynamics."""

import json

import altair as alt
import numpy as np
import pandas as pd

from lab import charts
from lab.labs.rnn.worked_example import SYMBOLS

CELL_NAMES = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}
CELL_COLOURS = ("#e6550d", "#3182bd", "#31a354")
METRIC = {"adding": "mse", "temperature": "mae"}  # else accuracy
METRIC_WORDS = {"mse": "validation MSE", "mae": "validation MAE (°F)", "accuracy": "validation accuracy"}


def metric_of(task):
    """The history metric a task is judged by: `mse`, `mae` or `accuracy`."""
    return METRIC.get(task, "accuracy")


def first_upper(text):
    return text[:1].upper() + text[1:]


def baseline_rule(value, text):
    rules = pd.DataFrame({"y": [value], "text": [text]})
    return [
        alt.Chart(rules).mark_rule(strokeDash=[5, 4], color="#636363").encode(y="y:Q"),
        alt.Chart(rules).mark_text(align="left", dx=4, dy=-6, color="#636363").encode(y="y:Q", text="text:N"),
    ]


def baseline_text(baseline):
    value = baseline["value"]
    return (
        f"{baseline['name']}: {value:.1%}"
        if baseline["metric"] == "val_accuracy"
        else f"{baseline['name']}: {value:.4f}"
    )


def metric_chart(run, data):
    """The task's metric per epoch (training and validation) with the baseline as a dashed line."""
    metric = metric_of(run.config.task)
    chart = charts.metric_chart(run, metric).properties(title="")
    title = f"{first_upper(METRIC_WORDS[metric])} against the baseline"
    return alt.layer(chart, *baseline_rule(data.baseline["value"], baseline_text(data.baseline))).properties(
        title=title, height=300
    )


def gradient_frame(snapshots):
    """`(step, norm, series)` rows of ‖∂loss/∂h_t‖ from `[(name, snapshot), ...]` (zeros dropped for the log axis)."""
    parts = []
    for name, snap in snapshots:
        norms = np.asarray(snap.get("grad_h", []), dtype=float)
        parts.append(pd.DataFrame({"step": np.arange(1, len(norms) + 1), "norm": norms, "series": name}))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["step", "norm", "series"])
    return frame[np.isfinite(frame["norm"].astype(float)) & (frame["norm"].astype(float) > 0)]


def gradient_chart(snapshots, colours=None):
    """‖∂loss/∂h_t‖ against t on a log axis: how much the loss still learns from each step."""
    frame = gradient_frame(snapshots)
    names = [name for name, _ in snapshots]
    scale = alt.Scale(domain=names, range=list(colours)) if colours else alt.Scale(domain=names)
    return (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=10))
        .encode(
            x=alt.X("step:Q", title="time step t", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("norm:Q", title="‖∂loss/∂h_t‖", scale=alt.Scale(type="log")),
            color=alt.Color("series:N", title=None, scale=scale, legend=alt.Legend(orient="bottom")),
            tooltip=["series:N", "step:Q", alt.Tooltip("norm:Q", format=".3g")],
        )
        .properties(title="Gradient of the loss with respect to each hidden state", height=300)
    )


def gates_chart(gates):
    """Mean input, forget and output gate and the cell-state norm along one sequence."""
    steps = np.arange(1, len(gates["i"]) + 1)
    frame = pd.DataFrame(
        {"step": steps, "input gate i": gates["i"], "forget gate f": gates["f"], "output gate o": gates["o"]}
    )
    frame = frame.melt("step", var_name="gate", value_name="value")
    lines = (
        alt.Chart(frame)
        .mark_line()
        .encode(
            x=alt.X("step:Q", title="time step t", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("value:Q", title="mean gate value", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("gate:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=["gate:N", "step:Q", alt.Tooltip("value:Q", format=".3f")],
        )
    )
    layers = [lines]
    if gates.get("marked"):
        marks = pd.DataFrame({"step": np.asarray(gates["marked"]) + 1})
        layers.append(alt.Chart(marks).mark_rule(color="#636363", strokeDash=[3, 3]).encode(x="step:Q"))
    return alt.layer(*layers).properties(title="LSTM gates along a validation sequence (mean over units)", height=300)


def task_chart(run, data):
    """The task's own picture: predictions, a forecast, a confusion matrix or per-symbol accuracy."""
    view = run.snapshot["task"]
    epoch = run.snapshot.get("epoch", 0)
    if data.name == "adding":
        frame = pd.DataFrame({"target": view["target"], "prediction": view["prediction"]})
        dots = (
            alt.Chart(frame)
            .mark_circle(size=18, opacity=0.6)
            .encode(
                x=alt.X("target:Q", title="true sum", scale=alt.Scale(domain=[0, 2])),
                y=alt.Y("prediction:Q", title="network's answer", scale=alt.Scale(domain=[-0.2, 2.2], clamp=True)),
            )
        )
        line = (
            alt.Chart(pd.DataFrame({"a": [0, 2]}))
            .mark_line(color="#636363", strokeDash=[4, 3])
            .encode(x="a:Q", y="a:Q")
        )
        return alt.layer(line, dots).properties(title=f"Answers against the true sums (epoch {epoch})", height=300)
    if data.name == "temperature":
        frame = pd.DataFrame(
            {
                "time": pd.to_datetime(view["time"]),
                "truth": view["truth"],
                "network": view["model"],
                "persistence": view["persistence"],
            }
        ).melt("time", var_name="series", value_name="°F")
        return (
            alt.Chart(frame)
            .mark_line()
            .encode(
                x=alt.X("time:T", title=None),
                y=alt.Y("°F:Q", scale=alt.Scale(zero=False)),
                color=alt.Color(
                    "series:N",
                    title=None,
                    legend=alt.Legend(orient="bottom"),
                    scale=alt.Scale(
                        domain=["truth", "network", "persistence"], range=["#252525", "#3182bd", "#fd8d3c"]
                    ),
                ),
                strokeDash=alt.condition(alt.datum.series == "persistence", alt.value([4, 3]), alt.value([1, 0])),
                tooltip=["series:N", "time:T", alt.Tooltip("°F:Q", format=".1f")],
            )
            .properties(title=f"Forecast of the first validation week (epoch {epoch})", height=300)
        )
    if data.name == "seattle_weather":
        return charts.confusion_chart(view["confusion"], list(data.classes)).properties(
            title=f"Validation days: true against predicted (epoch {epoch})"
        )
    if data.name == "copy":
        frame = pd.DataFrame(
            {"symbol": np.arange(1, len(view["position_accuracy"]) + 1), "accuracy": view["position_accuracy"]}
        )
        bars = (
            alt.Chart(frame)
            .mark_bar(color="#3182bd")
            .encode(
                x=alt.X("symbol:O", title="remembered symbol (1 = first shown)"),
                y=alt.Y(
                    "accuracy:Q", title="validation accuracy", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")
                ),
            )
        )
        return alt.layer(bars, *baseline_rule(data.baseline["value"], "guessing")).properties(
            title=f"Recall of each symbol (epoch {epoch})", height=300
        )
    frame = pd.DataFrame({"next day": list(SYMBOLS), "probability": view["probabilities"]})
    return (
        alt.Chart(frame)
        .mark_bar(color="#3182bd")
        .encode(
            x=alt.X("next day:N", sort=list(SYMBOLS)),
            y=alt.Y("probability:Q", scale=alt.Scale(domain=[0, 1])),
            tooltip=["next day:N", alt.Tooltip("probability:Q", format=".4f")],
        )
        .properties(title=f"After {', '.join(view['question'])}, the network expects (epoch {epoch})", height=300)
    )


def compare_chart(entries, data):
    """The task's validation metric per epoch of each cell, with the baseline."""
    metric = f"val_{metric_of(data.name)}"
    parts = [
        run.history_frame()[["epoch", metric]].assign(cell=name)
        for name, run in entries
        if run.history and metric in run.history[0]
    ]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["epoch", metric, "cell"])
    frame = frame[np.isfinite(frame[metric].astype(float))]
    names = list(CELL_NAMES.values())
    lines = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=14))
        .encode(
            x=alt.X("epoch:Q", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y(f"{metric}:Q", title=METRIC_WORDS[metric_of(data.name)], scale=alt.Scale(zero=False)),
            color=alt.Color(
                "cell:N",
                title=None,
                scale=alt.Scale(domain=names, range=list(CELL_COLOURS)),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["cell:N", "epoch:Q", alt.Tooltip(f"{metric}:Q", format=".4f")],
        )
    )
    return alt.layer(lines, *baseline_rule(data.baseline["value"], baseline_text(data.baseline))).properties(
        title=f"{first_upper(METRIC_WORDS[metric_of(data.name)])} of the three cells", height=320
    )


def dynamics_chart(dyn, radius, activation):
    """‖h_t‖, ‖∂h_t/∂h_0‖ and radiusᵗ against t on a log axis."""
    frame = pd.DataFrame(
        {"t": dyn["t"], "‖h_t‖": dyn["h_norm"], "‖∂h_t/∂h_0‖": dyn["gradient_norm"], f"{radius:g}ᵗ": dyn["power"]}
    )
    frame = frame.melt("t", var_name="series", value_name="value")
    frame = frame[(frame["value"] > 1e-30) & (frame["value"] < 1e30)]
    return (
        alt.Chart(frame)
        .mark_line()
        .encode(
            x=alt.X("t:Q", title="time step t"),
            y=alt.Y("value:Q", title="norm (log scale)", scale=alt.Scale(type="log")),
            color=alt.Color(
                "series:N",
                title=None,
                legend=alt.Legend(orient="bottom"),
                scale=alt.Scale(
                    domain=["‖h_t‖", "‖∂h_t/∂h_0‖", f"{radius:g}ᵗ"], range=["#3182bd", "#e6550d", "#969696"]
                ),
            ),
            strokeDash=alt.condition(alt.datum.series == f"{radius:g}ᵗ", alt.value([4, 3]), alt.value([1, 0])),
            tooltip=["series:N", "t:Q", alt.Tooltip("value:Q", format=".3g")],
        )
        .properties(title=f"h_t = {activation}(W_hh·h_(t−1)), spectral radius {radius:g}", height=320)
    )


def length_frame(by_length, series=None):
    """`(length, accuracy, count[, series])` rows of exact answers by input length."""
    frame = pd.DataFrame(by_length, columns=["length", "accuracy", "count"])
    return frame if series is None else frame.assign(series=series)


def length_chart(by_length, epoch):
    """Share of exactly right greedy answers for each input length (characters), the count in the tooltip."""
    return (
        alt.Chart(length_frame(by_length))
        .mark_bar(color="#3182bd")
        .encode(
            x=alt.X("length:O", title="input length (characters)"),
            y=alt.Y("accuracy:Q", title="exact answers", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
            tooltip=["length:O", alt.Tooltip("accuracy:Q", format=".1%"), alt.Tooltip("count:Q", title="dates")],
        )
        .properties(title=f"Exact answers by input length (greedy decoding, epoch {epoch})", height=300)
    )


def length_compare_chart(entries):
    """Exact answers by input length of several runs, one line each.

    Args:
        entries: `[(name, by_length), ...]`.
    """
    parts = [length_frame(rows, name) for name, rows in entries if rows]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["length", "accuracy", "series"])
    return (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=30))
        .encode(
            x=alt.X("length:Q", title="input length (characters)", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("accuracy:Q", title="exact answers", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=[
                "series:N",
                "length:Q",
                alt.Tooltip("accuracy:Q", format=".1%"),
                alt.Tooltip("count:Q", title="dates"),
            ],
        )
        .properties(title="Exact answers by input length, with and without attention", height=320)
    )


def char_label(token):
    """How a character is written on an axis (a space becomes ␣)."""
    return "␣" if token == " " else token


def alignment_chart(example):
    """The attention weights of one date: output character (rows) × input character (columns).

    Args:
        example: `{"input", "target", "output", "alignment"}` (see `lab.labs.rnn.dates.drawn_examples`).
    """
    align = example["alignment"]
    weights = np.asarray(align["weights"], dtype=float)
    out_pos, in_pos = np.meshgrid(np.arange(weights.shape[0]), np.arange(weights.shape[1]), indexing="ij")
    inputs, outputs = [char_label(t) for t in align["input"]], [char_label(t) for t in align["output"]]
    frame = pd.DataFrame(
        {
            "output": out_pos.ravel(),
            "input": in_pos.ravel(),
            "output_char": np.asarray(outputs)[out_pos.ravel()],
            "input_char": np.asarray(inputs)[in_pos.ravel()],
            "weight": weights.ravel(),
        }
    )

    def axis(labels):
        return alt.Axis(labelExpr=f"{json.dumps(labels)}[datum.value]", labelAngle=0, labelOverlap=False)

    return (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=alt.X("input:O", title=f"input: {example['input']}", axis=axis(inputs)),
            y=alt.Y("output:O", title="output character", axis=axis(outputs)),
            color=alt.Color("weight:Q", title="α", scale=alt.Scale(domain=[0, 1], scheme="blues")),
            tooltip=[
                alt.Tooltip("output_char:N", title="writing"),
                alt.Tooltip("input_char:N", title="input character"),
                alt.Tooltip("input:O", title="input position"),
                alt.Tooltip("weight:Q", format=".3f", title="α"),
            ],
        )
        .properties(title=f"{example['input']} → {example['output'] or '(nothing)'}", height=22 * len(outputs))
    )
