"""The PINN lab's intro, presets and live views: loss terms, error, u over (t, x), slices, residual, λ."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from lab.charts import downsample
from lab.config import defaults
from lab.labs.pinn.config import STEPS_PER_EPOCH, PINNConfig
from lab.ui.layout import show_chart
from lab.ui.widgets import preset_button

INTRO = (
    "A **physics-informed neural network** learns u(t, x) for viscous Burgers' equation "
    "u_t + u·u_x − ν·u_xx = 0 on x ∈ [−1, 1], t ∈ [0, 1], starting from u(0, x) = −sin(πx) with u = 0 at the walls. "
    "It sees the solution only at a few initial and boundary points (the **data term**). Everywhere else it is "
    "taught by the equation itself: at the collocation points, automatic differentiation gives u_t, u_x and u_xx, "
    "and the **residual** f = u_t + u·u_x − ν·u_xx joins the loss (the **PDE term**). The two waves run into each "
    "other at x = 0 and form a steep **shock**; the exact solution (Cole–Hopf) measures the error. "
    f"Adam takes full-batch steps (if you give it any), then L-BFGS polishes. One epoch on the charts is "
    f"{STEPS_PER_EPOCH} steps or iterations. A low loss is not yet a right answer: watch the error too."
)
PRESETS = {
    "Quick (default)": {},
    "High accuracy": {"depth": 8, "width": 20, "n_f": 10000, "steps": 500, "lbfgs_iterations": 10000, "learning_rate": 1e-3, "dtype": "float64"},
    "Inverse problem": {"mode": "inverse", "depth": 4, "width": 32, "n_u": 2000, "n_f": 2500, "steps": 2000, "lbfgs_iterations": 4000, "learning_rate": 1e-3},
    "Inverse, 1% noise": {"mode": "inverse", "noise": 0.01, "depth": 4, "width": 32, "n_u": 2000, "n_f": 2500, "steps": 2000, "lbfgs_iterations": 4000, "learning_rate": 1e-3},
}
PRESET_NOTES = {
    "Quick (default)": "6 × 20 tanh, 2,500 collocation points, L-BFGS alone: below 1e-2 in about a minute, 5e-3 at the end (about 90 s on two shared CPU cores).",
    "High accuracy": "Raissi et al.'s network (8 × 20 tanh, 10,000 collocation points) in float64 with a long L-BFGS run: below 1e-3 after about 7 minutes, 4e-4 after all 10,000 iterations (about 20 minutes).",
    "Inverse problem": "learns λ1 (true 1) and λ2 (true 0.01/π ≈ 0.0031831) from 2,000 clean samples of the exact solution.",
    "Inverse, 1% noise": "the same with 1% Gaussian noise on the samples.",
}
TERMS = {"loss_u": "data term", "loss_f": "PDE residual term", "loss": "weighted total"}
CHART_HEIGHT = 310  # Streamlit shrinks charts drawn at their content height in narrow columns: fix it
TERM_COLOURS = ("#2171b5", "#d94801", "#252525")


def inputs(values):
    """The intro and the preset buttons."""
    st.markdown(INTRO)
    columns = st.columns(len(PRESETS))
    for column, name in zip(columns, PRESETS):
        key = "pinn_preset_" + name.split(" (")[0].lower().replace(" ", "_").replace(",", "").replace("%", "pct")
        preset_button("pinn", name, {**defaults(PINNConfig), **PRESETS[name]}, key, container=column,  # the rest at defaults
                      help=PRESET_NOTES[name], width="stretch")
    st.caption("Presets fill the settings on the left: " + " ".join(f"**{k}** {v}" for k, v in PRESET_NOTES.items()))
    return values, None


def _lbfgs_rule(run, layers, height_text=True):
    start = run.config.adam_epochs
    if run.config.lbfgs_iterations and run.config.steps and len(run.history) > start:
        rule = pd.DataFrame({"epoch": [start], "text": ["L-BFGS starts"]})
        layers.append(alt.Chart(rule).mark_rule(color="#6a51a3", strokeDash=[4, 3]).encode(x="epoch:Q"))
        if height_text:
            layers.append(alt.Chart(rule).mark_text(align="left", dx=3, dy=-4, color="#6a51a3").encode(x="epoch:Q", y=alt.value(10), text="text:N"))
    return layers


def terms_chart(run):
    """The data term, the residual term and the total loss per epoch (log scale)."""
    history = run.history_frame()
    present = [c for c in TERMS if c in history]
    if not len(history) or not present:
        return None
    frame = downsample(history[["epoch", *present]]).melt("epoch", var_name="term", value_name="value")
    frame = frame[np.isfinite(frame["value"]) & (frame["value"] > 0)].assign(term=lambda d: d["term"].map(TERMS))
    lines = alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=10)).encode(
        x=alt.X("epoch:Q", title=f"epoch ({STEPS_PER_EPOCH} steps each)", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("value:Q", title="mean squared value (log scale)", scale=alt.Scale(type="log")),
        color=alt.Color("term:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=list(TERMS.values()), range=list(TERM_COLOURS))),
        strokeDash=alt.condition(alt.datum.term == TERMS["loss"], alt.value([5, 3]), alt.value([1, 0])),
        tooltip=["term:N", "epoch:Q", alt.Tooltip("value:Q", format=".3e")],
    )
    return alt.layer(*_lbfgs_rule(run, [lines])).properties(title="Loss terms (epoch means)", height=300)


def error_chart(run):
    """Relative L2 error against the exact solution per epoch (log scale), with the 1e-2 and 1e-3 lines."""
    history = run.history_frame()
    if "rel_l2_error" not in history:
        return None
    frame = downsample(history[["epoch", "rel_l2_error", "seconds"]])
    frame = frame[np.isfinite(frame["rel_l2_error"]) & (frame["rel_l2_error"] > 0)]
    line = alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=10), color="#238b45").encode(
        x=alt.X("epoch:Q", title=f"epoch ({STEPS_PER_EPOCH} steps each)", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("rel_l2_error:Q", title="relative L2 error (log scale)", scale=alt.Scale(type="log")),
        tooltip=["epoch:Q", alt.Tooltip("rel_l2_error:Q", format=".2e", title="error"), alt.Tooltip("seconds:Q", format=".1f")],
    )
    marks = pd.DataFrame({"y": [1e-2, 1e-3], "text": ["1e-2", "1e-3 (Raissi et al.: 6.7e-4)"]})
    rules = alt.Chart(marks).mark_rule(color="#969696", strokeDash=[5, 4]).encode(y="y:Q")
    text = alt.Chart(marks).mark_text(align="left", dx=4, dy=-6, color="#636363").encode(y="y:Q", text="text:N", x=alt.value(4))
    return alt.layer(*_lbfgs_rule(run, [line, rules, text])).properties(title="Error against the exact solution (256 × 100 grid)", height=300)


def heat_frame(t, x, values):
    """Cells of a (t, x) heatmap: t, x (lower corners), t2, x2, value."""
    dt, dx = t[1] - t[0], x[1] - x[0]
    tt, xx = np.meshgrid(t, x, indexing="ij")
    return pd.DataFrame({"t": tt.ravel(), "x": xx.ravel() - dx / 2, "t2": tt.ravel() + dt, "x2": xx.ravel() + dx / 2,
                         "value": np.round(np.asarray(values).ravel(), 5)})


def heatmap(t, x, values, title, scheme, domain=None, legend_title="u", log=False):
    """A heatmap over t (across) and x (up)."""
    frame = heat_frame(t, x, values)
    if log:
        frame = frame.assign(value=np.maximum(frame["value"], 1e-6))
    scale = alt.Scale(scheme=scheme, domain=domain, type="log" if log else "linear", reverse=scheme == "redblue")
    cells = alt.Chart(frame).mark_rect().encode(
        x=alt.X("t:Q", title="t", scale=alt.Scale(domain=[0, 1], nice=False)), x2="t2:Q",
        y=alt.Y("x:Q", title="x", scale=alt.Scale(domain=[-1, 1], nice=False)), y2="x2:Q",
        color=alt.Color("value:Q", title=legend_title, scale=scale, legend=alt.Legend(orient="bottom", gradientLength=160)),
        tooltip=[alt.Tooltip("t:Q", format=".2f"), alt.Tooltip("x:Q", format=".3f"), alt.Tooltip("value:Q", title=legend_title, format=".3g")],
    )
    return cells.properties(title=title, height=200)


def solution_heatmaps(snap):
    """u predicted, u exact and |error| over (t, x)."""
    t, x = snap["t"], snap["x"]
    error = np.abs(snap["u_pred"] - snap["u_exact"])
    return (
        heatmap(t, x, snap["u_pred"], f"u predicted (epoch {snap['epoch']})", "redblue", [-1, 1]),
        heatmap(t, x, snap["u_exact"], "u exact (Cole–Hopf)", "redblue", [-1, 1]),
        heatmap(t, x, error, "|error| (log colour)", "inferno", [1e-5, 1], "|error|", log=True),
    )


def slices_chart(snap):
    """Prediction against the exact solution at t = 0.25, 0.50 and 0.75."""
    parts = []
    for ts, (pred, exact) in snap["slices"].items():
        parts.append(pd.DataFrame({"x": snap["x_fine"], "u": exact, "curve": "exact", "time": f"t = {ts:.2f}"}))
        parts.append(pd.DataFrame({"x": snap["x_fine"], "u": np.asarray(pred), "curve": "PINN", "time": f"t = {ts:.2f}"}))
    frame = pd.concat(parts, ignore_index=True).round(5)
    return alt.Chart(frame).mark_line().encode(
        x=alt.X("x:Q", scale=alt.Scale(domain=[-1, 1], nice=False)),
        y=alt.Y("u:Q", title="u(t, x)", scale=alt.Scale(domain=[-1.1, 1.1])),
        color=alt.Color("curve:N", title=None, scale=alt.Scale(domain=["exact", "PINN"], range=["#252525", "#e6550d"]), legend=alt.Legend(orient="bottom")),
        strokeDash=alt.StrokeDash("curve:N", scale=alt.Scale(domain=["exact", "PINN"], range=[[1, 0], [6, 3]]), legend=None),
        tooltip=["time:N", "curve:N", alt.Tooltip("x:Q", format=".3f"), alt.Tooltip("u:Q", format=".4f")],
    ).properties(width=230, height=220).facet(column=alt.Column("time:N", title=None)).properties(
        title=f"Slices through the shock (epoch {snap['epoch']})")


def points_chart(snap, inverse):
    """Where the collocation points and the data points are."""
    colloc = pd.DataFrame(np.asarray(snap["x_f"]), columns=["t", "x"]).assign(kind="collocation (PDE)")
    data_kind = "measurements" if inverse else "initial/boundary data"
    data = pd.DataFrame(np.asarray(snap["x_u"]), columns=["t", "x"]).assign(kind=data_kind)
    frame = pd.concat([colloc, data], ignore_index=True).round(4)
    shown = f"{len(colloc):,} of {snap['n_f']:,}" if len(colloc) < snap["n_f"] else f"{snap['n_f']:,}"
    dots = alt.Chart(frame).mark_circle(size=9, opacity=0.7).encode(
        x=alt.X("t:Q", scale=alt.Scale(domain=[0, 1], nice=False)),
        y=alt.Y("x:Q", scale=alt.Scale(domain=[-1, 1], nice=False)),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=["collocation (PDE)", data_kind], range=["#9ecae1", "#a50f15"]), legend=alt.Legend(orient="bottom")),
        size=alt.condition(alt.datum.kind == data_kind, alt.value(22), alt.value(9)),
    )
    return dots.properties(title=f"Where the points are ({shown} collocation points shown)", height=200)


def lambda_chart(run):
    """λ1 and λ2 per epoch against their true values (two panels)."""
    history = run.history_frame()
    if "lambda1" not in history:
        return None
    frame = downsample(history[["epoch", "lambda1", "lambda2"]])
    true1 = 1.0 if run.config.equation == "burgers" else 0.0
    panels = []
    for name, true, fmt in (("lambda1", true1, ".4f"), ("lambda2", run.config.nu, ".5f")):
        symbol = "λ1" if name == "lambda1" else "λ2"
        line = alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=10), color="#6a51a3").encode(
            x=alt.X("epoch:Q", axis=alt.Axis(tickMinStep=1)), y=alt.Y(f"{name}:Q", title=symbol, scale=alt.Scale(zero=False)),
            tooltip=["epoch:Q", alt.Tooltip(f"{name}:Q", format=fmt)])
        rule = pd.DataFrame({"y": [true], "text": ["true value"]})
        layers = [line, alt.Chart(rule).mark_rule(color="#636363", strokeDash=[5, 4]).encode(y="y:Q"),
                  alt.Chart(rule).mark_text(align="left", dx=4, dy=-6, color="#636363").encode(y="y:Q", text="text:N", x=alt.value(4))]
        panels.append(alt.layer(*layers).properties(title=f"{symbol} (true {true:{fmt}})", height=240, width=300))
    return alt.hconcat(*panels).properties(title="λ1 and λ2 while training")


def _metrics_row(snap, run):
    columns = st.columns(5 if "lambda1" in snap else 3)
    last = run.history[-1] if run.history else {}
    columns[0].metric("Relative L2 error", f"{snap['rel_l2_error']:.2e}")
    columns[1].metric("Data term", f"{last['loss_u']:.2e}" if "loss_u" in last else "–")
    columns[2].metric("PDE residual term", f"{last['loss_f']:.2e}" if "loss_f" in last else "–")
    if "lambda1" in snap:
        true1 = 1.0 if run.config.equation == "burgers" else 0.0
        columns[3].metric("λ1", f"{snap['lambda1']:.5f}", f"{snap['lambda1'] - true1:+.2e} from {true1:g}", delta_color="off")
        error2 = (snap["lambda2"] - run.config.nu) / run.config.nu
        columns[4].metric("λ2", f"{snap['lambda2']:.6f}", f"{error2:+.2%} from {run.config.nu:.6f}", delta_color="off")


def draw(run, data, job):
    """All live views of a PINN run, drawn from its latest snapshot and history."""
    snap = run.snapshot
    if "u_pred" not in snap:
        return
    inverse = run.config.mode == "inverse"
    st.subheader("Inside the PINN")
    _metrics_row(snap, run)
    left, right = st.columns(2)
    for column, chart, caption in (
        (left, terms_chart(run), ("The data term pins u at the known points; the residual term makes the equation hold "
                                  "inside. Watch both: a small total with one large term means one side is being ignored.")),
        (right, error_chart(run), ("Measured against the exact solution on the published 256 × 100 grid (the PINN never "
                                   "sees it). L-BFGS usually makes the error drop by another order of magnitude.")),
    ):
        with column:
            if chart is not None:
                st.altair_chart(chart, width="stretch", height=CHART_HEIGHT + 60)
                st.caption(caption)
    if inverse:
        if show_chart(lambda_chart(run), width="content"):
            st.caption("In the inverse problem λ1 and λ2 are weights like any other: the residual of "
                       "u_t + λ1·u·u_x − λ2·u_xx can only vanish on the measurements when they take their true values.")
    columns = st.columns(3)
    for column, chart in zip(columns, solution_heatmaps(snap)):
        column.altair_chart(chart, width="stretch", height=CHART_HEIGHT)
    st.caption("Time runs left to right, x upwards. Red is u > 0, blue u < 0: the two lobes meet at x = 0, where "
               "the shock forms after t ≈ 0.3; the error concentrates there.")
    st.altair_chart(slices_chart(snap), width="content")
    left, right = st.columns(2)
    with left:
        residual = np.abs(snap["residual"])
        st.altair_chart(heatmap(snap["t"], snap["x"], residual, "|PDE residual| (log colour)", "inferno", [1e-4, 10], "|f|", log=True), width="stretch", height=CHART_HEIGHT)
        st.caption("The equation's residual |u_t + u·u_x − ν·u_xx| on a grid, by automatic differentiation. "
                   "Where it is large, the network is not obeying the physics yet.")
    with right:
        st.altair_chart(points_chart(snap, inverse), width="stretch", height=CHART_HEIGHT)
        st.caption("Collocation points are where the residual is pushed to zero; resampling moves them during Adam.")
