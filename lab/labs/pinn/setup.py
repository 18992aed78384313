"""The PINN lab's wiring: points, the physics-informed network, live views and final metrics."""

import math

import numpy as np

from lab.labs.pinn.config import STEPS_PER_EPOCH
from lab.labs.pinn.data import collocation_points
from lab.labs.pinn.reference import relative_l2
from lab.registry import Setup
from lab.runs import Snapshot

VIEW_T = 2  # the heatmaps use every 2nd time of the published grid (50)...
VIEW_X = 4  # ...and every 4th position (64)
SLICE_TIMES = (0.25, 0.50, 0.75)
SHOWN_POINTS = 1500  # collocation points drawn on the chart


def grid_points(t, x):
    """Rows (t, x) of the grid `t × x`, t-major: `(len(t) * len(x), 2)`."""
    tt, xx = np.meshgrid(t, x, indexing="ij")
    return np.stack([tt.ravel(), xx.ravel()], axis=1)


def predict_grid(model, t, x):
    """The network's u on the grid `t × x`, float64 `(len(t), len(x))`."""
    points = grid_points(t, x).astype(model.float_dtype)
    return np.asarray(model.net(points, training=False), dtype="float64").reshape(len(t), len(x))


def rel_l2_error(model, data):
    """Relative L2 error of the network on the published 256 × 100 grid."""
    return relative_l2(predict_grid(model, data.t, data.x), data.u_exact)


def epoch_metrics(model, data):
    """The numbers added to each epoch's history row: the error on the full grid."""
    return {"rel_l2_error": rel_l2_error(model, data)}


class PINNSnapshot(Snapshot, total=False):
    """The PINN's live views: what `snapshot` returns for the views (every key optional).

    Attributes:
        t: the heatmap grid's times.
        x: its positions.
        u_pred: the network's u.
        u_exact: the exact u.
        residual: the PDE residual.
        slices: u at a few times, predicted and exact.
        x_fine: the slices' positions.
        x_u: the data points.
        x_f: collocation points.
        rel_l2_error: the relative L2 error on the full grid.
        lambda1: the inverse problem's λ1.
        lambda2: and λ2.
    """

    t: np.ndarray
    x: np.ndarray
    u_pred: np.ndarray
    u_exact: np.ndarray
    residual: np.ndarray
    slices: dict
    x_fine: np.ndarray
    x_u: np.ndarray
    x_f: np.ndarray
    rel_l2_error: float
    x_added: np.ndarray
    rounds: int
    error_before: np.ndarray
    lambda1: float
    lambda2: float


def snapshot(model, data, refiner=None) -> PINNSnapshot:
    """Live views of the PINN; called from the training thread.

    Returns:
        dict with `t`, `x` (the heatmap grid), `u_pred`, `u_exact`, `residual`
        (`(50, 64)` arrays), `slices` (`{t: (u_pred, u_exact)}` on all 256 x),
        `x_fine`, `x_u` (data points), `x_f` (up to 1,500 collocation points),
        `rel_l2_error` on the full grid, and `lambda1`, `lambda2` for the inverse problem; with
        adaptive points, `x_added` (up to 1,500 of them), `rounds` and `error_before` (the
        |error| map before the first round).
    """
    t, x = data.t[::VIEW_T], data.x[::VIEW_X]
    u_full = predict_grid(model, data.t, data.x)
    residual = model.residual_numpy(grid_points(t, x)).reshape(len(t), len(x))
    rows = {ts: int(np.argmin(np.abs(data.t - ts))) for ts in SLICE_TIMES}
    x_f = model.collocation
    out = {
        "t": t,
        "x": x,
        "u_pred": u_full[::VIEW_T, ::VIEW_X],
        "u_exact": data.u_exact[::VIEW_T, ::VIEW_X],
        "residual": residual.astype("float64"),
        "x_fine": data.x,
        "slices": {ts: (u_full[i], data.u_exact[i]) for ts, i in rows.items()},
        "x_u": data.x_u[:SHOWN_POINTS],
        "x_f": x_f[:SHOWN_POINTS],
        "n_f": len(x_f),
        "rel_l2_error": relative_l2(u_full, data.u_exact),
    }
    if refiner is not None:
        out.update(x_added=model.added_collocation[:SHOWN_POINTS], rounds=refiner.rounds)
        if refiner.error_before is not None:
            out["error_before"] = refiner.error_before
    if model.inverse:
        lambda1, lambda2 = model.coefficients()
        out.update(lambda1=float(lambda1), lambda2=float(lambda2))
    return out


CANDIDATES = 20000  # fresh random points per adaptive round, among which the largest residuals are kept


class Refiner:
    """Residual-based adaptive refinement (RAR): `refiner(model)` adds one round of collocation points.

    Each round draws `CANDIDATES` uniform points and adds the `adaptive_points / adaptive_rounds`
    with the largest |residual|. Before the first round it keeps the error map, for the
    page's "before and after".

    Args:
        config: the `PINNConfig` (its `adaptive_points` must be above 0).
        data: the run's `PINNData`.
    """

    def __init__(self, config, data):
        self.data = data
        self.per_round = math.ceil(config.adaptive_points / config.adaptive_rounds)
        self.error_before = None
        self.rounds = 0

    def __call__(self, model):
        if self.error_before is None:
            t, x = self.data.t[::VIEW_T], self.data.x[::VIEW_X]
            self.error_before = np.abs(predict_grid(model, t, x) - self.data.u_exact[::VIEW_T, ::VIEW_X])
        candidates = collocation_points(CANDIDATES, "uniform", self.data.rng)
        worst = np.argsort(-np.abs(model.residual_numpy(candidates)))[: self.per_round]
        model.add_collocation(candidates[worst])
        self.rounds += 1


def build(config, data):
    """Builds the PINN and its (dummy) fit input; called in the training thread after seeding."""
    from models.pinn import build_pinn
    from models.pinn_plan import pinn_warnings

    model = build_pinn(config, data.x_u, data.u, data.x_f, spare=config.adaptive_points)
    refiner = Refiner(config, data) if config.adaptive_points else None
    model.plan(
        STEPS_PER_EPOCH,
        config.adam_epochs,
        config.lbfgs_iterations,
        config.resample_every,
        data.resample,
        config.refine_every,
        refiner,
        config.lbfgs_memory,
    )
    return Setup(
        model=model,
        x=np.zeros((STEPS_PER_EPOCH, 1), dtype="float32"),  # one row per step: the points live in the model
        y=None,
        validation_data=None,
        batch_size=1,
        warnings=pinn_warnings(config),
        snapshot=lambda m: snapshot(m, data, refiner),
        extra={"data": data},
        epoch_metrics=lambda m: epoch_metrics(m, data),
    )


def true_coefficients(config):
    """`(λ1, λ2)` of the config's equation: (1, ν) for Burgers, (0, ν) for heat."""
    return (1.0 if config.equation == "burgers" else 0.0), config.nu


def metrics(setup, run):
    """Final metrics: `rel_l2_error` on the 256 × 100 grid, the last loss terms, and λ1, λ2 for the inverse problem."""
    model, data, config = setup.model, setup.extra["data"], run.config
    out = {"rel_l2_error": rel_l2_error(model, data)}
    if run.history:
        last = run.history[-1]
        out.update({k: last[k] for k in ("loss", "loss_u", "loss_f") if k in last})
    if model.inverse:
        lambda1, lambda2 = (float(v) for v in model.coefficients())
        true1, true2 = true_coefficients(config)
        out.update(
            lambda1=lambda1,
            lambda2=lambda2,
            lambda2_true=true2,
            lambda1_error=abs(lambda1 - true1) / (abs(true1) or 1.0),
            lambda2_error=abs(lambda2 - true2) / true2,
        )
    out["epochs_trained"] = len(run.history)
    return out
