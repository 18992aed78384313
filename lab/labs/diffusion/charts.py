"""The diffusion lab's Altair charts: points over the real data, the schedule, the denoising field, the band losses."""

import altair as alt
import numpy as np
import pandas as pd

from lab.charts import downsample
from lab.labs.gan.charts import history_lines

REAL, GENERATED = "#08519c", "#f16913"
BAND_NAMES = {
    "loss_band_1": "t in the first quarter (least noise)",
    "loss_band_2": "second quarter",
    "loss_band_3": "third quarter",
    "loss_band_4": "last quarter (almost pure noise)",
}


def _axes(bounds):
    lo, hi = bounds
    return (
        alt.X("x:Q", title="x", scale=alt.Scale(domain=[lo, hi], nice=False, clamp=True)),
        alt.Y("y:Q", title="y", scale=alt.Scale(domain=[lo, hi], nice=False, clamp=True)),
    )


def points_chart(real, points, bounds, title, kind="generated"):
    """`points` (orange) over the `real` data (blue), clipped to the square `bounds`."""
    lo, hi = bounds
    frame = pd.concat(
        [
            pd.DataFrame(np.asarray(real)[:, :2], columns=["x", "y"]).assign(kind="real"),
            pd.DataFrame(np.asarray(points)[:, :2], columns=["x", "y"]).assign(kind=kind),
        ]
    )
    frame = frame[frame["x"].between(lo, hi) & frame["y"].between(lo, hi)]
    x, y = _axes(bounds)
    return (
        alt.Chart(frame)
        .mark_circle(size=12, opacity=0.7)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=["real", kind], range=[REAL, GENERATED]),
                legend=alt.Legend(orient="bottom"),
            ),
        )
        .properties(title=title, width=360, height=360)
    )


def schedule_chart(alpha_bar, t):
    """The signal's share √ᾱ_t and the noise's √(1 − ᾱ_t) over the steps, with step `t` (1-based) marked."""
    steps = np.arange(1, len(alpha_bar) + 1)
    frame = pd.DataFrame({"t": steps, "signal √ᾱ": np.sqrt(alpha_bar), "noise √(1 − ᾱ)": np.sqrt(1 - alpha_bar)})
    frame = downsample(frame).melt("t", var_name="part", value_name="weight")
    lines = (
        alt.Chart(frame)
        .mark_line()
        .encode(
            x=alt.X("t:Q", title="step t"),
            y=alt.Y("weight:Q", title="weight in x_t", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(
                "part:N", title=None, scale=alt.Scale(range=[REAL, GENERATED]), legend=alt.Legend(orient="bottom")
            ),
            tooltip=["t:Q", "part:N", alt.Tooltip("weight:Q", format=".3f")],
        )
    )
    rule = alt.Chart(pd.DataFrame({"t": [t]})).mark_rule(strokeDash=[4, 3], color="grey").encode(x="t:Q")
    return alt.layer(lines, rule).properties(title="How much of x_t is data and how much is noise", height=300)


def field_chart(points, moves, bounds, real, t):
    """The model's denoising direction at step `t`: an arrow from each grid point towards its guess of x_0.

    Arrows are scaled so that the longest is one grid cell; their colour gives the true length.
    """
    points, moves = np.asarray(points), np.asarray(moves)
    length = np.linalg.norm(moves, axis=1)
    lo, hi = bounds
    cell = (hi - lo) / (np.sqrt(len(points)) + 1)
    scale = cell / max(float(np.nanmax(length)), 1e-9) if np.isfinite(length).any() else 0.0
    ends = points + moves * scale
    frame = pd.DataFrame(
        {"x": points[:, 0], "y": points[:, 1], "x2": ends[:, 0], "y2": ends[:, 1], "length": np.round(length, 3)}
    )
    x, y = _axes(bounds)
    real_frame = pd.DataFrame(np.asarray(real)[:400, :2], columns=["x", "y"])
    data = alt.Chart(real_frame).mark_circle(size=6, opacity=0.25, color=REAL).encode(x=x, y=y)
    colour = alt.Color("length:Q", title="move length", scale=alt.Scale(scheme="oranges"))
    shafts = alt.Chart(frame).mark_rule(strokeWidth=1.6).encode(x=x, y=y, x2="x2:Q", y2="y2:Q", color=colour)
    tips = (
        alt.Chart(frame)
        .mark_point(shape="triangle", size=14, filled=True)
        .encode(
            x=alt.X("x2:Q", scale=alt.Scale(domain=[lo, hi], nice=False, clamp=True)),
            y=alt.Y("y2:Q", scale=alt.Scale(domain=[lo, hi], nice=False, clamp=True)),
            color=colour,
            tooltip=[alt.Tooltip("length:Q", title="distance to the guessed x_0", format=".2f")],
        )
    )
    return alt.layer(data, shafts, tips).properties(
        title=f"Where the model moves a sample at t = {t}", width=360, height=360
    )


def bands_chart(run):
    """The noise-prediction error per quarter of the timesteps, per epoch (log scale)."""
    chart = history_lines(
        run,
        list(BAND_NAMES),
        BAND_NAMES,
        "Loss per timestep band",
        "mean squared error of ε̂",
        colours=("#08519c", "#6baed6", "#fd8d3c", "#a63603"),
        log=True,
    )
    return None if chart is None else chart.properties(height=300)
