"""The PINN lab's intro, presets and live views: loss terms, error, u over (t, x), slices, residual, λ."""

import numpy as np
import streamlit as st

from lab.config import defaults
from lab.labs.pinn.charts import (
    error_chart,
    heatmap,
    lambda_chart,
    points_chart,
    slices_chart,
    solution_heatmaps,
    terms_chart,
)
from lab.labs.pinn.config import STEPS_PER_EPOCH, PINNConfig
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


INVERSE = {
    "mode": "inverse",
    "depth": 4,
    "width": 32,
    "n_u": 2000,
    "n_f": 2500,
    "steps": 2000,
    "lbfgs_iterations": 4000,
    "learning_rate": 1e-3,
}
PRESETS = {
    "Quick (default)": {},
    "High accuracy": {
        "depth": 8,
        "width": 20,
        "n_f": 10000,
        "steps": 500,
        "lbfgs_iterations": 10000,
        "learning_rate": 1e-3,
        "dtype": "float64",
    },
    "Inverse problem": INVERSE,
    "Inverse, 1% noise": {**INVERSE, "noise": 0.01},
}
PRESET_NOTES = {
    "Quick (default)": "6 × 20 tanh, 2,500 collocation points, L-BFGS alone: below 1e-2 in about a minute, 5e-3 at the end (about 90 s on two shared CPU cores).",
    "High accuracy": "Raissi et al.'s network (8 × 20 tanh, 10,000 collocation points) in float64 with a long L-BFGS run: below 1e-3 after about 7 minutes, 4e-4 after all 10,000 iterations (about 20 minutes).",
    "Inverse problem": "learns λ1 (true 1) and λ2 (true 0.01/π ≈ 0.0031831) from 2,000 clean samples of the exact solution.",
    "Inverse, 1% noise": "the same with 1% Gaussian noise on the samples.",
}
CHART_HEIGHT = 310  # Streamlit shrinks charts drawn at their content height in narrow columns: fix it


def inputs(values):
    """The intro (for the chosen mode) and the preset buttons."""
    st.markdown(intro(values.get("mode", "forward")))
    columns = st.columns(len(PRESETS))
    for column, name in zip(columns, PRESETS):
        key = "pinn_preset_" + name.split(" (")[0].lower().replace(" ", "_").replace(",", "").replace("%", "pct")
        preset_button(
            "pinn",
            name,
            {**defaults(PINNConfig), **PRESETS[name]},
            key,
            container=column,  # the rest at defaults
            help=PRESET_NOTES[name],
            width="stretch",
        )
    st.caption("Presets fill the settings on the left: " + " ".join(f"**{k}** {v}" for k, v in PRESET_NOTES.items()))
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
        st.caption("Collocation points are where the residual is pushed to zero; resampling moves them during Adam.")
