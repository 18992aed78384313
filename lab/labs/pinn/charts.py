"""The PINN lab's Altair charts: loss terms, the error, heatmaps of u, slices, the points, the lambdas."""

import altair as alt
import numpy as np
import pandas as pd

from lab.charts import downsample
from lab.labs.pinn.config import STEPS_PER_EPOCH

TERMS = {"loss_u": "data term", "loss_f": "PDE residual term", "loss": "weighted total"}
TERM_COLOURS = ("#2171b5", "#d94801", "#252525")


def lbfgs_rule(run, layers, height_text=True):
    start = run.config.adam_epochs
    if run.config.lbfgs_iterations and run.config.steps and len(run.history) > start:
        rule = pd.DataFrame({"epoch": [start], "text": ["L-BFGS starts"]})
        layers.append(alt.Chart(rule).mark_rule(color="#6a51a3", strokeDash=[4, 3]).encode(x="epoch:Q"))
        if height_text:
            layers.append(
                alt.Chart(rule)
                .mark_text(align="left", dx=3, dy=-4, color="#6a51a3")
                .encode(x="epoch:Q", y=alt.value(10), text="text:N")
            )
    return layers


def terms_chart(run):
    """The data term, the residual term and the total loss per epoch (log scale)."""
    history = run.history_frame()
    present = [c for c in TERMS if c in history]
    if not len(history) or not present:
        return None
    frame = downsample(history[["epoch", *present]]).melt("epoch", var_name="term", value_name="value")
    frame = frame[np.isfinite(frame["value"]) & (frame["value"] > 0)].assign(term=lambda d: d["term"].map(TERMS))
    lines = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=10))
        .encode(
            x=alt.X("epoch:Q", title=f"epoch ({STEPS_PER_EPOCH} steps each)", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("value:Q", title="mean squared value (log scale)", scale=alt.Scale(type="log")),
            color=alt.Color(
                "term:N",
                title=None,
                legend=alt.Legend(orient="bottom"),
                scale=alt.Scale(domain=list(TERMS.values()), range=list(TERM_COLOURS)),
            ),
            strokeDash=alt.condition(alt.datum.term == TERMS["loss"], alt.value([5, 3]), alt.value([1, 0])),
            tooltip=["term:N", "epoch:Q", alt.Tooltip("value:Q", format=".3e")],
        )
    )
    return alt.layer(*lbfgs_rule(run, [lines])).properties(title="Loss terms (epoch means)", height=300)


def error_chart(run):
    """Relative L2 error against the exact solution per epoch (log scale), with the 1e-2 and 1e-3 lines."""
    history = run.history_frame()
    if "rel_l2_error" not in history:
        return None
    frame = downsample(history[["epoch", "rel_l2_error", "seconds"]])
    frame = frame[np.isfinite(frame["rel_l2_error"]) & (frame["rel_l2_error"] > 0)]
    line = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=10), color="#238b45")
        .encode(
            x=alt.X("epoch:Q", title=f"epoch ({STEPS_PER_EPOCH} steps each)", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("rel_l2_error:Q", title="relative L2 error (log scale)", scale=alt.Scale(type="log")),
            tooltip=[
                "epoch:Q",
                alt.Tooltip("rel_l2_error:Q", format=".2e", title="error"),
                alt.Tooltip("seconds:Q", format=".1f"),
            ],
        )
    )
    marks = pd.DataFrame({"y": [1e-2, 1e-3], "text": ["1e-2", "1e-3 (Raissi et al.: 6.7e-4)"]})
    rules = alt.Chart(marks).mark_rule(color="#969696", strokeDash=[5, 4]).encode(y="y:Q")
    text = (
        alt.Chart(marks)
        .mark_text(align="left", dx=4, dy=-6, color="#636363")
        .encode(y="y:Q", text="text:N", x=alt.value(4))
    )
    return alt.layer(*lbfgs_rule(run, [line, rules, text])).properties(
        title="Error against the exact solution (256 × 100 grid)", height=300
    )


def heat_frame(t, x, values):
    """Cells of a (t, x) heatmap: t, x (lower corners), t2, x2, value."""
    dt, dx = t[1] - t[0], x[1] - x[0]
    tt, xx = np.meshgrid(t, x, indexing="ij")
    return pd.DataFrame(
        {
            "t": tt.ravel(),
            "x": xx.ravel() - dx / 2,
            "t2": tt.ravel() + dt,
            "x2": xx.ravel() + dx / 2,
            "value": np.round(np.asarray(values).ravel(), 5),
        }
    )


def heatmap(t, x, values, title, scheme, domain=None, legend_title="u", log=False):
    """A heatmap over t (across) and x (up)."""
    frame = heat_frame(t, x, values)
    if log:
        frame = frame.assign(value=np.maximum(frame["value"], 1e-6))
    scale = alt.Scale(scheme=scheme, domain=domain, type="log" if log else "linear", reverse=scheme == "redblue")
    cells = (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=alt.X("t:Q", title="t", scale=alt.Scale(domain=[0, 1], nice=False)),
            x2="t2:Q",
            y=alt.Y("x:Q", title="x", scale=alt.Scale(domain=[-1, 1], nice=False)),
            y2="x2:Q",
            color=alt.Color(
                "value:Q", title=legend_title, scale=scale, legend=alt.Legend(orient="bottom", gradientLength=160)
            ),
            tooltip=[
                alt.Tooltip("t:Q", format=".2f"),
                alt.Tooltip("x:Q", format=".3f"),
                alt.Tooltip("value:Q", title=legend_title, format=".3g"),
            ],
        )
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


def refinement_heatmaps(snap):
    """|error| before the first round of adaptive points and now, on one colour scale (None before that round)."""
    if "error_before" not in snap:
        return None
    t, x = snap["t"], snap["x"]
    now = np.abs(snap["u_pred"] - snap["u_exact"])
    return (
        heatmap(
            t, x, snap["error_before"], "|error| before the adaptive points", "inferno", [1e-5, 1], "|error|", log=True
        ),
        heatmap(
            t,
            x,
            now,
            f"|error| now, after {snap['rounds']} round(s) (epoch {snap['epoch']})",
            "inferno",
            [1e-5, 1],
            "|error|",
            log=True,
        ),
    )


def slices_chart(snap):
    """Prediction against the exact solution at t = 0.25, 0.50 and 0.75."""
    parts = []
    for ts, (pred, exact) in snap["slices"].items():
        parts.append(pd.DataFrame({"x": snap["x_fine"], "u": exact, "curve": "exact", "time": f"t = {ts:.2f}"}))
        parts.append(
            pd.DataFrame({"x": snap["x_fine"], "u": np.asarray(pred), "curve": "PINN", "time": f"t = {ts:.2f}"})
        )
    frame = pd.concat(parts, ignore_index=True).round(5)
    return (
        alt.Chart(frame)
        .mark_line()
        .encode(
            x=alt.X("x:Q", scale=alt.Scale(domain=[-1, 1], nice=False)),
            y=alt.Y("u:Q", title="u(t, x)", scale=alt.Scale(domain=[-1.1, 1.1])),
            color=alt.Color(
                "curve:N",
                title=None,
                scale=alt.Scale(domain=["exact", "PINN"], range=["#252525", "#e6550d"]),
                legend=alt.Legend(orient="bottom"),
            ),
            strokeDash=alt.StrokeDash(
                "curve:N", scale=alt.Scale(domain=["exact", "PINN"], range=[[1, 0], [6, 3]]), legend=None
            ),
            tooltip=["time:N", "curve:N", alt.Tooltip("x:Q", format=".3f"), alt.Tooltip("u:Q", format=".4f")],
        )
        .properties(width=230, height=220)
        .facet(column=alt.Column("time:N", title=None))
        .properties(title=f"Slices through the shock (epoch {snap['epoch']})")
    )


ADDED_KIND = "added (RAR)"


def points_chart(snap, inverse):
    """Where the collocation points and the data points are (and those added by adaptive refinement)."""
    colloc = pd.DataFrame(np.asarray(snap["x_f"]), columns=["t", "x"]).assign(kind="collocation (PDE)")
    added = pd.DataFrame(np.asarray(snap.get("x_added", np.zeros((0, 2)))), columns=["t", "x"]).assign(kind=ADDED_KIND)
    data_kind = "measurements" if inverse else "initial/boundary data"
    data = pd.DataFrame(np.asarray(snap["x_u"]), columns=["t", "x"]).assign(kind=data_kind)
    frame = pd.concat([colloc, added, data], ignore_index=True).round(4)
    shown_count = min(len(colloc) + len(added), snap["n_f"])
    shown = f"{shown_count:,} of {snap['n_f']:,}" if shown_count < snap["n_f"] else f"{snap['n_f']:,}"
    dots = (
        alt.Chart(frame)
        .mark_circle(size=9, opacity=0.7)
        .encode(
            x=alt.X("t:Q", scale=alt.Scale(domain=[0, 1], nice=False)),
            y=alt.Y("x:Q", scale=alt.Scale(domain=[-1, 1], nice=False)),
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(
                    domain=["collocation (PDE)", ADDED_KIND, data_kind], range=["#9ecae1", "#fd8d3c", "#a50f15"]
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            size=alt.condition(alt.datum.kind == data_kind, alt.value(22), alt.value(9)),
        )
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
        line = (
            alt.Chart(frame)
            .mark_line(point=alt.OverlayMarkDef(size=10), color="#6a51a3")
            .encode(
                x=alt.X("epoch:Q", axis=alt.Axis(tickMinStep=1)),
                y=alt.Y(f"{name}:Q", title=symbol, scale=alt.Scale(zero=False)),
                tooltip=["epoch:Q", alt.Tooltip(f"{name}:Q", format=fmt)],
            )
        )
        rule = pd.DataFrame({"y": [true], "text": ["true value"]})
        layers = [
            line,
            alt.Chart(rule).mark_rule(color="#636363", strokeDash=[5, 4]).encode(y="y:Q"),
            alt.Chart(rule)
            .mark_text(align="left", dx=4, dy=-6, color="#636363")
            .encode(y="y:Q", text="text:N", x=alt.value(4)),
        ]
        panels.append(alt.layer(*layers).properties(title=f"{symbol} (true {true:{fmt}})", height=240, width=300))
    return alt.hconcat(*panels).properties(title="λ1 and λ2 while training")
