"""The PINN lab's intro, presets and live views: loss terms, error, u over (t, x), slices, residual, λ."""

import numpy as np
import streamlit as st

from lab.config import defaults
from lab.labs.pinn.charts import (
    error_chart,
    heatmap,
    lambda_chart,
    points_chart,
    refinement_heatmaps,
    slices_chart,
    solution_heatmaps,
    terms_chart,
)
from lab.labs.pinn.config import PRESETS, STEPS_PER_EPOCH, PINNConfig
from lab.ui.layout import show_chart
from lab.ui.widgets import preset_button

SEES = {
    "forward": "It sees the solution only at a few initial and boundary points (the **data term**). Everywhere else",
    "inverse": (
        "In the **inverse** mode it sees measurements of u inside the domain (the **data term**), and the equation's "
        "coefficients λ1 and λ2 are unknowns it learns. Between the measurements"
    ),
}
INTRO_START = (
    "A **physics-informed neural network** learns u(t, x) for viscous Burgers' equation "
    "u_t + u·u_x − ν·u_xx = 0 on x ∈ [−1, 1], t ∈ [0, 1], starting from u(0, x) = −sin(πx) with u = 0 at the walls. "
)
INTRO_END = (
    " it is taught by the equation itself: at the collocation points, automatic differentiation gives u_t, u_x and "
    "u_xx, and the **residual** f = u_t + u·u_x − ν·u_xx joins the loss (the **PDE term**). The two waves run into each "
    "other at x = 0 and form a steep **shock**; the exact solution (Cole–Hopf) measures the error. "
    f"Adam takes full-batch steps (if you give it any), then L-BFGS polishes. One epoch on the charts is "
    f"{STEPS_PER_EPOCH} steps or iterations. A low loss is not yet a right answer: watch the error too."
)


def intro(mode):
    """The page's opening paragraph for the forward or the inverse problem."""
    return INTRO_START + SEES[mode] + INTRO_END


ADAPTIVE_CAPTION = (
    "Orange points were added during L-BFGS (RAR): each round tries 20,000 random candidates and keeps those "
    "where the residual is largest, so they gather at the shock, where uniform points are too sparse to see it."
)
CHART_HEIGHT = 310  # Streamlit shrinks charts drawn at their content height in narrow columns: fix it


def inputs(values):
    """The intro (for the chosen mode) and the preset buttons."""
    st.markdown(intro(values.get("mode", "forward")))
    columns = st.columns(len(PRESETS))
    for column, preset in zip(columns, PRESETS):
        preset_button(
            "pinn",
            preset.label,
            {**defaults(PINNConfig), **preset.settings},  # the rest at defaults
            f"pinn_preset_{preset.key}",
            container=column,
            help=preset.note,
            width="stretch",
        )
    st.caption(
        "Presets fill the settings on the left (`python -m lab run pinn --preset KEY` runs them): "
        + " ".join(f"**{p.label}** (`{p.key}`) {p.note}" for p in PRESETS)
    )
    return values, None


def _metrics_row(snap, run):
    columns = st.columns(5 if "lambda1" in snap else 3)
    last = run.history[-1] if run.history else {}
    columns[0].metric("Relative L2 error", f"{snap['rel_l2_error']:.2e}")
    columns[1].metric("Data term", f"{last['loss_u']:.2e}" if "loss_u" in last else "–")
    columns[2].metric("PDE residual term", f"{last['loss_f']:.2e}" if "loss_f" in last else "–")
    if "lambda1" in snap:
        true1 = 1.0 if run.config.equation == "burgers" else 0.0
        columns[3].metric(
            "λ1", f"{snap['lambda1']:.5f}", f"{snap['lambda1'] - true1:+.2e} from {true1:g}", delta_color="off"
        )
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
        (
            left,
            terms_chart(run),
            (
                "The data term pins u at the known points; the residual term makes the equation hold "
                "inside. Watch both: a small total with one large term means one side is being ignored."
            ),
        ),
        (
            right,
            error_chart(run),
            (
                "Measured against the exact solution on the published 256 × 100 grid (the PINN never "
                "sees it). L-BFGS usually makes the error drop by another order of magnitude."
            ),
        ),
    ):
        with column:
            if chart is not None:
                st.altair_chart(chart, width="stretch", height=CHART_HEIGHT + 60)
                st.caption(caption)
    if inverse:
        if show_chart(lambda_chart(run), width="content"):
            st.caption(
                "In the inverse problem λ1 and λ2 are weights like any other. The residual "
                "u_t + λ1·u·u_x − λ2·u_xx is computed at the collocation points, while the measurements pin u down: "
                "a u that matches the measurements can only make the residual vanish everywhere when λ1 and λ2 take "
                "their true values."
            )
    columns = st.columns(3)
    for column, chart in zip(columns, solution_heatmaps(snap)):
        column.altair_chart(chart, width="stretch", height=CHART_HEIGHT)
    st.caption(
        "Time runs left to right, x upwards. Red is u > 0, blue u < 0: the two lobes meet at x = 0, where "
        "the shock forms after t ≈ 0.3; the error concentrates there."
    )
    st.altair_chart(slices_chart(snap), width="content")
    left, right = st.columns(2)
    with left:
        residual = np.abs(snap["residual"])
        st.altair_chart(
            heatmap(
                snap["t"], snap["x"], residual, "|PDE residual| (log colour)", "inferno", [1e-4, 10], "|f|", log=True
            ),
            width="stretch",
            height=CHART_HEIGHT,
        )
        st.caption(
            "The equation's residual |u_t + u·u_x − ν·u_xx| on a grid, by automatic differentiation. "
            "Where it is large, the network is not obeying the physics yet."
        )
    with right:
        st.altair_chart(points_chart(snap, inverse), width="stretch", height=CHART_HEIGHT)
        st.caption(
            "Collocation points are where the residual is pushed to zero; resampling moves them during Adam. "
            + (ADAPTIVE_CAPTION if "x_added" in snap else "")
        )
    maps = refinement_heatmaps(snap)
    if maps is not None:
        for column, chart in zip(st.columns(2), maps):
            column.altair_chart(chart, width="stretch", height=CHART_HEIGHT)
        st.caption(
            "The error on one colour scale, just before the first adaptive round and now. The new points sit where "
            "the residual was largest, along the shock at x = 0, which is where the error was: the band there "
            "narrows and darkens as L-BFGS works on them."
        )
