"""Points for the PINN lab: initial/boundary data, scattered measurements, collocation points.

Every point is a row (t, x) with t in [0, 1] and x in [−1, 1].
"""

import dataclasses
import functools

import numpy as np

from lab.labs.pinn import reference as burgers
from lab.labs.pinn.reference import evaluation_grid, initial_condition

T_RANGE = (0.0, 1.0)
X_RANGE = (-1.0, 1.0)


def unit_samples(n, dims, sampling, rng):
    """`n` points in the unit cube `[0, 1]^dims`.

    Args:
        n: how many points.
        dims: dimensions (1 or 2).
        sampling: "uniform" (independent draws), "latin_hypercube" (each
            dimension cut into `n` equal strata, one point per stratum, strata
            paired at random) or "grid" (a regular grid shifted by a random
            offset, about `n` points; exactly `n` in 1-D).
        rng: a numpy `Generator`.

    Returns:
        float64 array `(m, dims)`; `m == n` except for a 2-D grid.
    """
    if sampling == "uniform":
        return rng.random((n, dims))
    if sampling == "latin_hypercube":
        strata = np.stack([rng.permutation(n) for _ in range(dims)], axis=1)
        return (strata + rng.random((n, dims))) / n
    if sampling == "grid":
        counts = [n] if dims == 1 else grid_shape(n)
        axes = [(np.arange(c) + rng.random()) / c for c in counts]
        return np.stack([a.ravel() for a in np.meshgrid(*axes, indexing="ij")], axis=1)
    raise ValueError(f"sampling must be uniform, latin_hypercube or grid; got {sampling!r}.")


def grid_shape(n):
    """`(n_t, n_x)` of a (t, x) grid of about `n` points with twice as many x as t (x spans twice t's range)."""
    n_t = max(2, round((n / 2) ** 0.5))
    return n_t, max(2, round(n / n_t))


def to_domain(unit):
    """Maps unit-square points `(n, 2)` to (t, x) in [0, 1] × [−1, 1]."""
    return np.stack([unit[:, 0], 2.0 * unit[:, 1] - 1.0], axis=1)


def collocation_points(n_f, sampling, rng):
    """Collocation points (t, x) where the PDE residual is measured, float64 `(m, 2)`."""
    return to_domain(unit_samples(n_f, 2, sampling, rng))


def initial_boundary_points(n_u, sampling, rng):
    """Points on t = 0 (half of them) and on the walls x = −1 and x = 1 (a quarter each), with u there.

    Returns:
        `(points, u)`: float64 `(n_u, 2)` rows (t, x) and `(n_u, 1)` values:
        −sin(πx) at t = 0 and 0 on the walls.
    """
    n_initial = n_u - 2 * (n_u // 4)
    n_wall = n_u // 4
    x0 = 2.0 * unit_samples(n_initial, 1, sampling, rng)[:, 0] - 1.0
    initial = np.stack([np.zeros(n_initial), x0], axis=1)
    walls = [
        np.stack([unit_samples(n_wall, 1, sampling, rng)[:, 0], np.full(n_wall, side)], axis=1) for side in (-1.0, 1.0)
    ]
    points = np.concatenate([initial, *walls])
    u = np.concatenate([initial_condition(x0), np.zeros(2 * n_wall)])
    return points, u[:, None]


def measurements(u_grid, n_u, noise, rng):
    """Scattered measurements of the exact solution for the inverse problem.

    Args:
        u_grid: the exact solution on the published grid `(100, 256)`.
        n_u: how many grid points to measure (drawn without replacement).
        noise: Gaussian noise as a share of u's standard deviation.
        rng: a numpy `Generator`.

    Returns:
        `(points, u)`: float64 `(n_u, 2)` rows (t, x) and `(n_u, 1)` noisy values.
    """
    t, x = evaluation_grid()
    flat = rng.choice(u_grid.size, size=min(n_u, u_grid.size), replace=False)
    i, k = np.unravel_index(flat, u_grid.shape)
    u = u_grid[i, k] + noise * np.std(u_grid) * rng.standard_normal(len(flat))
    return np.stack([t[i], x[k]], axis=1), u[:, None]


@functools.lru_cache(maxsize=8)
def reference_grid(equation, nu):
    """The exact solution on the published 256 × 100 grid (cached: about 0.5 s for Burgers)."""
    u = burgers.exact_on_grid(equation, nu)
    u.setflags(write=False)
    return u


@dataclasses.dataclass
class PINNData:
    """The points of one PINN run and the exact solution to judge it.

    Attributes:
        x_u, u: data points (t, x) `(n_u, 2)` and their values `(n_u, 1)`.
        x_f: collocation points `(m, 2)`.
        t, x: the published grid's axes (100 times, 256 positions).
        u_exact: the exact solution on that grid `(100, 256)`.
        sampling: how collocation points are drawn (for resampling).
        n_f: collocation points asked for (a 2-D grid rounds it).
        rng: the generator that draws fresh collocation points.
    """

    x_u: np.ndarray
    u: np.ndarray
    x_f: np.ndarray
    t: np.ndarray
    x: np.ndarray
    u_exact: np.ndarray
    sampling: str
    n_f: int
    rng: np.random.Generator

    def resample(self):
        """Fresh collocation points, as many as before (a grid keeps its shape and moves)."""
        return collocation_points(self.n_f, self.sampling, self.rng)


def load(config):
    """Draws the points of a `PINNConfig` (seeded by `config.seed`) and the exact solution."""
    rng = np.random.default_rng(config.seed)
    u_exact = reference_grid(config.equation, config.nu)
    if config.mode == "inverse":
        x_u, u = measurements(u_exact, config.n_u, config.noise, rng)
    else:
        x_u, u = initial_boundary_points(config.n_u, config.sampling, rng)
    x_f = collocation_points(config.n_f, config.sampling, rng)
    t, x = evaluation_grid()
    return PINNData(x_u=x_u, u=u, x_f=x_f, t=t, x=x, u_exact=u_exact, sampling=config.sampling, n_f=config.n_f, rng=rng)
