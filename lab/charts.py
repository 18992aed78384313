"""Altair chart builders (pure: data in, chart out; no Streamlit)."""

import altair as alt
import numpy as np
import pandas as pd
import scipy.signal

MAX_POINTS = 1000
SERIES = {
    "training, each batch": "#c6dbef",
    "training, smoothed": "#2171b5",
    "training, epoch mean": "#08306b",
    "validation": "#f16913",
}


def downsample(frame, max_points=MAX_POINTS):
    """Keeps at most `max_points` evenly spaced rows (always the last one)."""
    if len(frame) <= max_points:
        return frame
    index = np.unique(np.linspace(0, len(frame) - 1, max_points).round().astype(int))
    return frame.iloc[index]


def ema(values, smoothing):
    """Exponential moving average with bias correction (as TensorBoard smooths).

    Args:
        values: the series.
        smoothing: 0 (none) to below 1 (heavy).
    """
    values = np.asarray(values, dtype=float)
    average = scipy.signal.lfilter([1 - smoothing], [1, -smoothing], values)
    weight = 1 - smoothing ** np.arange(1, len(values) + 1)
    return list(average / weight)


def _finite(frame, log_scale):
    frame = frame[np.isfinite(frame["value"])]
    return frame[frame["value"] > 0] if log_scale else frame


def loss_frame(run, smoothing=0.6, show_batches=True):
    """The loss series of a run in long form: columns `epoch`, `value`, `series`.

    The batch series starts at epoch 0 with the untrained model's loss when the
    run has one.
    """
    parts = []
    positions, losses = list(run.batch_position), list(run.batch_loss)
    n = min(len(positions), len(losses))
    start = [] if run.initial_loss is None else [(0.0, run.initial_loss)]
    batch = pd.DataFrame(start + list(zip(positions[:n], losses[:n])), columns=["epoch", "value"], dtype=float)
    batch = batch[np.isfinite(batch["value"])]
    if show_batches and len(batch):
        parts.append(downsample(batch).assign(series="training, each batch"))
    if smoothing > 0 and len(batch):
        smooth = batch.assign(value=ema(batch["value"].to_numpy(), smoothing))
        parts.append(downsample(smooth).assign(series="training, smoothed"))
    history = run.history_frame()
    if len(history):
        parts.append(
            downsample(history[["epoch", "loss"]].rename(columns={"loss": "value"})).assign(
                series="training, epoch mean"
            )
        )
        if "val_loss" in history:
            parts.append(
                downsample(history[["epoch", "val_loss"]].rename(columns={"val_loss": "value"})).assign(
                    series="validation"
                )
            )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["epoch", "value", "series"])


def run_differences(run, other):
    """The settings of `other` that differ from `run`'s, as `"name=value, ..."` (empty when none)."""
    if run.config is None or other.config is None or type(run.config) is not type(other.config):
        return ""
    mine, theirs = run.config.to_strings(only_changed=False), other.config.to_strings(only_changed=False)
    return ", ".join(f"{k}={v}" for k, v in theirs.items() if mine.get(k) != v)


def _earlier_frame(runs, current=None):
    parts = []
    for run in runs:
        history = run.history_frame()
        diff = run_differences(current, run) if current is not None else ""
        name = f"{run.label}: {diff}" if diff else run.label
        for column, kind in (("loss", "training"), ("val_loss", "validation")):
            if column in history:
                part = downsample(history[["epoch", column]].rename(columns={column: "value"}))
                parts.append(part.assign(run=name, kind=kind))
    return pd.concat(parts, ignore_index=True) if parts else None


def _quantity(field, **extra):
    return {"field": field, "type": "quantitative", **extra}


def _nominal(field, **extra):
    return {"field": field, "type": "nominal", **extra}


def loss_chart(run, earlier=(), log_scale=False, smoothing=0.6, show_batches=True, title="Loss"):
    """The live loss chart of a run, as a Vega-Lite spec.

    Shows each batch's own loss, its smoothed trend, the epoch mean of the
    training loss (what Keras reports), the validation loss, learning-rate
    changes as vertical rules, and earlier runs in grey for comparison. The
    spec is written as a dict rather than built with Altair: the page redraws
    it a few times a second, and Altair's copies and schema checks cost about
    20 times as much as the dict.

    Args:
        run: the `Run`.
        earlier: earlier `Run`s to overlay.
        log_scale: a logarithmic loss axis.
        smoothing: EMA smoothing of the batch loss (0 = off).
        show_batches: draw the raw per-batch loss.
        title: the chart title.

    Returns:
        A Vega-Lite spec whose `datasets` are data frames, for `st.vega_lite_chart`
        (which sends them to the browser as Arrow).
    """
    x = _quantity("epoch", title="epoch", scale={"domainMin": 0}, axis={"tickMinStep": 1})
    y = _quantity(
        "value",
        title="loss" + (" (log scale)" if log_scale else ""),
        scale={"type": "log"} if log_scale else {"zero": False},
    )
    frame = _finite(loss_frame(run, smoothing, show_batches), log_scale)
    present = set(frame["series"].unique())
    shown = [k for k in SERIES if k in present]  # no legend entry for a series a lab lacks
    color = _nominal(
        "series",
        title=None,
        legend={"orient": "bottom", "columns": 2},
        scale={"domain": shown, "range": [SERIES[k] for k in shown]},
    )
    tooltip = [_nominal("series"), _quantity("epoch", format=".2f"), _quantity("value", format=".4g")]
    means = frame["series"] == "training, epoch mean"
    datasets = {"lines": frame[~means], "means": frame[means]}
    layers = []
    old = _earlier_frame(earlier, current=run)
    if old is not None and len(old := _finite(old, log_scale)):
        datasets["earlier"] = old
        layers.append(
            {
                "data": {"name": "earlier"},
                "mark": {"type": "line", "opacity": 0.55, "strokeWidth": 1.3},
                "encoding": {
                    "x": x,
                    "y": y,
                    "color": _nominal(
                        "run",
                        title="earlier runs (settings that differ from this run)",
                        scale={"range": ["#636363", "#9e9e9e", "#252525", "#c4c4c4"]},
                        legend={"orient": "bottom", "columns": 1, "labelLimit": 600},
                    ),
                    "strokeDash": _nominal("kind", title=None, legend={"orient": "bottom"}),
                    "tooltip": [
                        _nominal("run"),
                        _nominal("kind"),
                        _quantity("epoch"),
                        _quantity("value", format=".4g"),
                    ],
                },
            }
        )
    encoding = {"x": x, "y": y, "color": color, "tooltip": tooltip}
    layers.append(  # one colour legend for this run's series, apart from the earlier runs' legend
        {
            "layer": [
                {
                    "data": {"name": "lines"},
                    "mark": {"type": "line", "strokeWidth": 1.5, "clip": True},
                    "encoding": encoding,
                },
                {"data": {"name": "means"}, "mark": {"type": "circle", "size": 22}, "encoding": encoding},
            ]
        }
    )
    if run.lr_changes:
        changes = pd.DataFrame(run.lr_changes).assign(text=lambda d: "lr → " + d["learning_rate"].map("{:g}".format))
        datasets["lr_changes"] = changes
        layers += [
            {
                "data": {"name": "lr_changes"},
                "mark": {"type": "rule", "color": "#6a51a3", "strokeDash": [4, 3]},
                "encoding": {
                    "x": _quantity("epoch"),
                    "tooltip": [
                        _quantity("epoch", title="changed at epoch"),
                        _quantity("learning_rate", title="new learning rate"),
                    ],
                },
            },
            {
                "data": {"name": "lr_changes"},
                "mark": {"type": "text", "align": "left", "dx": 3, "dy": -4, "color": "#6a51a3", "fontSize": 11},
                "encoding": {"x": _quantity("epoch"), "y": {"value": 8}, "text": _nominal("text")},
            },
        ]
    zoom = {"name": "zoom", "select": {"type": "interval", "encodings": ["x"]}, "bind": "scales"}
    first = layers[0] if "mark" in layers[0] else layers[0]["layer"][0]
    first["params"] = [zoom]  # drag or scroll to zoom the epochs
    return {
        "title": title,
        "height": 320,
        "layer": layers,
        "resolve": {"scale": {"color": "independent"}},
        "datasets": datasets,
    }


def metric_chart(run, metric):
    """Training and validation curves of one metric (accuracy or mse) per epoch."""
    history = run.history_frame()
    columns = [c for c in (metric, f"val_{metric}") if c in history]
    frame = downsample(history[["epoch", *columns]]).melt("epoch", var_name="series", value_name="value")
    frame["series"] = frame["series"].map({metric: "training", f"val_{metric}": "validation"})
    frame = frame[np.isfinite(frame["value"])]
    return (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=15))
        .encode(
            x=alt.X("epoch:Q", title="epoch", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("value:Q", title=metric, scale=alt.Scale(zero=False)),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=["training", "validation"], range=["#08306b", "#f16913"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["series:N", "epoch:Q", alt.Tooltip("value:Q", format=".4g")],
        )
        .properties(title=metric.capitalize(), height=320)
    )


def boundary_chart(boundary, x, y, class_names):
    """The decision regions over a grid, with the data points on top.

    Args:
        boundary: the snapshot's `boundary` dict (grid `x1`, `x2`, `p`, `cls`).
        x, y: the data's 2-D inputs and class indices.
        class_names: class labels.
    """
    grid = pd.DataFrame(boundary)
    size = int(round(np.sqrt(len(grid))))
    step1 = (grid["x1"].max() - grid["x1"].min()) / (size - 1)
    step2 = (grid["x2"].max() - grid["x2"].min()) / (size - 1)
    grid = grid.assign(x1b=grid["x1"] + step1, x2b=grid["x2"] + step2, cls=grid["cls"].map(lambda c: class_names[c]))
    palette = [
        "#3182bd",
        "#e6550d",
        "#31a354",
        "#756bb1",
        "#636363",
        "#e7ba52",
        "#d6616b",
        "#8ca252",
        "#7b4173",
        "#17becf",
    ]
    color_scale = alt.Scale(domain=list(class_names), range=palette[: len(class_names)])
    x_enc = alt.X("x1:Q", title="x1", scale=alt.Scale(domain=[grid["x1"].min(), grid["x1b"].max()], nice=False))
    y_enc = alt.Y("x2:Q", title="x2", scale=alt.Scale(domain=[grid["x2"].min(), grid["x2b"].max()], nice=False))
    regions = (
        alt.Chart(grid)
        .mark_rect()
        .encode(
            x=x_enc,
            x2="x1b:Q",
            y=y_enc,
            y2="x2b:Q",
            color=alt.Color("cls:N", title="class", scale=color_scale),
            opacity=alt.Opacity(
                "p:Q", scale=alt.Scale(domain=[1 / len(class_names), 1], range=[0.05, 0.5]), legend=None
            ),
            tooltip=[alt.Tooltip("cls:N", title="predicted"), alt.Tooltip("p:Q", title="probability", format=".2f")],
        )
    )
    points = pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "cls": [class_names[c] for c in y]})
    dots = (
        alt.Chart(downsample(points, 1500))
        .mark_circle(size=22, opacity=0.9, stroke="white", strokeWidth=0.4)
        .encode(x="x1:Q", y="x2:Q", color=alt.Color("cls:N", scale=color_scale), tooltip=["cls:N"])
    )
    return alt.layer(regions, dots).properties(title="Decision regions (shade = confidence)", height=360)


def curve_chart(curve, x, y):
    """The fitted curve over the (1-D) data."""
    points = (
        alt.Chart(pd.DataFrame({"x": x[:, 0], "y": y}))
        .mark_circle(size=14, color="#9ecae1")
        .encode(x="x:Q", y=alt.Y("y:Q", title="y (standardised)"))
    )
    line = alt.Chart(pd.DataFrame(curve)).mark_line(color="#e6550d", strokeWidth=2.5).encode(x="x:Q", y="y:Q")
    return alt.layer(points, line).properties(title="The network's curve (orange) over the data", height=360)


def confusion_chart(matrix, class_names):
    """The confusion matrix on the validation data, counts written in the cells."""
    n = len(class_names)
    frame = pd.DataFrame(
        [
            {"true": class_names[i], "predicted": class_names[j], "count": matrix[i][j]}
            for i in range(n)
            for j in range(n)
        ]
    )
    base = alt.Chart(frame).encode(
        x=alt.X("predicted:N", sort=list(class_names), title="predicted class", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("true:N", sort=list(class_names), title="true class"),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("count:Q", scale=alt.Scale(scheme="blues"), legend=None), tooltip=["true", "predicted", "count"]
    )
    text = base.mark_text(fontSize=11).encode(
        text="count:Q",
        color=alt.condition(alt.datum.count > frame["count"].max() / 2, alt.value("white"), alt.value("black")),
    )
    return alt.layer(cells, text).properties(title="Confusion matrix (validation)", height=max(200, 28 * n))


def gradient_chart(gradients, initial=None, epoch=None):
    """Mean |gradient| of each layer's weights, input side on the left, log scale.

    Args:
        gradients: `[{"layer", "mean_abs_gradient"}, ...]` now.
        initial: the same before training, drawn dashed for comparison.
        epoch: the epoch `gradients` was measured at (for the legend).
    """
    now = f"after epoch {epoch}" if epoch else "now"
    parts = [pd.DataFrame(gradients).assign(when=now)]
    if initial and epoch:
        parts.insert(0, pd.DataFrame(initial).assign(when="before training"))
    frame = pd.concat(parts, ignore_index=True)
    frame = frame[frame["mean_abs_gradient"] > 0]
    order = list(dict.fromkeys(frame["layer"]))
    return (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=60))
        .encode(
            x=alt.X("layer:N", sort=order, title="layer (input side → output)", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("mean_abs_gradient:Q", scale=alt.Scale(type="log"), title="mean |dLoss/dW| (log scale)"),
            color=alt.Color(
                "when:N", title=None, scale=alt.Scale(domain=["before training", now], range=["#bcbddc", "#54278f"])
            ),
            strokeDash=alt.StrokeDash(
                "when:N", scale=alt.Scale(domain=["before training", now], range=[[4, 3], [1, 0]]), legend=None
            ),
            tooltip=["when", "layer", alt.Tooltip("mean_abs_gradient:Q", format=".3g")],
        )
        .properties(title="Gradient size per layer", height=320)
    )
