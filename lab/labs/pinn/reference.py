"""The exact solution of viscous Burgers' equation (Cole–Hopf), and the published evaluation grid.

    u_t + u·u_x − ν·u_xx = 0,  x ∈ [−1, 1], t ∈ [0, 1],
    u(0, x) = −sin(πx),  u(t, −1) = u(t, 1) = 0.

The Cole–Hopf transform turns the equation into the heat equation, whose solution
is a Gaussian convolution. With f(y) = exp(−cos(πy) / (2πν)):

    u(t, x) = −∫ sin(π(x−η)) f(x−η) e^{−η²/(4νt)} dη / ∫ f(x−η) e^{−η²/(4νt)} dη.

Substituting η = 2√(νt)·z leaves weights e^{−z²}: Gauss–Hermite quadrature.
The exponents of f are shifted by their maximum at each point so nothing overflows.
With 100 nodes this matches the data of Raissi et al. to about 3e-12 relative L2.
"""

import numpy as np

NU = 0.01 / np.pi  # the viscosity of the published benchmark
NODES = 100  # more than about 300 Hermite nodes overflow in numpy
GRID_X = 256  # the published data: 256 points in x over [−1, 1]...
GRID_T = 100  # ...and t = 0, 0.01, ..., 0.99
CHECKS = (  # (t, x, u) printed in the published data
    (0.25, 0.0039216, -0.0499658),
    (0.50, -0.2156863, 0.8769223),
    (0.75, 0.5686275, -0.3993925),
)


def initial_condition(x):
    """u(0, x) = −sin(πx)."""
    return -np.sin(np.pi * np.asarray(x, dtype="float64"))


def burgers_exact(t, x, nu=NU, nodes=NODES):
    """The exact solution u(t, x) of viscous Burgers' equation, vectorised.

    Args:
        t: times in [0, 1] (any shape that broadcasts with `x`).
        x: positions in [−1, 1].
        nu: the viscosity ν > 0.
        nodes: Gauss–Hermite nodes.

    Returns:
        float64 array of u with the broadcast shape of `t` and `x`.

    Raises:
        ValueError: ν is not positive or a time is negative.
    """
    if not nu > 0:
        raise ValueError(f"The viscosity nu must be positive; got {nu}.")
    t, x = np.broadcast_arrays(np.asarray(t, dtype="float64"), np.asarray(x, dtype="float64"))
    if np.any(t < 0):
        raise ValueError("Times must be 0 or later.")
    z, w = np.polynomial.hermite.hermgauss(nodes)
    y = x[..., None] - 2.0 * np.sqrt(nu * t)[..., None] * z  # x − η at every node
    exponent = -np.cos(np.pi * y) / (2.0 * np.pi * nu)
    weight = w * np.exp(exponent - exponent.max(axis=-1, keepdims=True))
    u = -np.sum(np.sin(np.pi * y) * weight, axis=-1) / np.sum(weight, axis=-1)
    return np.where(t == 0, initial_condition(x), u)


def heat_exact(t, x, nu):
    """The exact solution of the heat equation u_t = ν·u_xx with the same start and walls: −sin(πx)·e^{−νπ²t}."""
    t, x = np.asarray(t, dtype="float64"), np.asarray(x, dtype="float64")
    return initial_condition(x) * np.exp(-nu * np.pi**2 * t)


def evaluation_grid():
    """The published grid: `(t, x)` with t = 0, 0.01, ..., 0.99 (100) and 256 points x in [−1, 1]."""
    return np.arange(GRID_T) / GRID_T, np.linspace(-1.0, 1.0, GRID_X)


def exact(equation, t, x, nu=NU):
    """The exact solution of `equation` ("burgers" or "heat") at `(t, x)`."""
    if equation == "heat":
        return heat_exact(t, x, nu)
    return burgers_exact(t, x, nu)


def exact_on_grid(equation="burgers", nu=NU, t=None, x=None):
    """The exact solution on a grid, `(len(t), len(x))`; the published grid by default."""
    grid_t, grid_x = evaluation_grid()
    t = grid_t if t is None else np.asarray(t, dtype="float64")
    x = grid_x if x is None else np.asarray(x, dtype="float64")
    return exact(equation, t[:, None], x[None, :], nu)


def relative_l2(predicted, exact_values):
    """‖predicted − exact‖₂ / ‖exact‖₂ over all points."""
    predicted = np.asarray(predicted, dtype="float64").ravel()
    exact_values = np.asarray(exact_values, dtype="float64").ravel()
    return float(np.linalg.norm(predicted - exact_values) / np.linalg.norm(exact_values))
