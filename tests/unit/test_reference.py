"""The exact Burgers solution (Cole–Hopf by Gauss–Hermite quadrature) against the published data."""

import numpy as np
import pytest

from lab.labs.pinn import reference as burgers


def grid_index(t, x):
    """The published grid's row and column of a printed point (x is printed to 7 digits)."""
    return round(t * burgers.GRID_T), round((x + 1.0) * (burgers.GRID_X - 1) / 2.0)


def test_grid_is_the_published_one():
    t, x = burgers.evaluation_grid()
    assert t.shape == (100,) and x.shape == (256,)
    assert t[0] == 0.0 and t[-1] == pytest.approx(0.99) and x[0] == -1.0 and x[-1] == 1.0


@pytest.mark.parametrize("t, x, u", burgers.CHECKS)
def test_check_values_to_1e6(t, x, u):
    grid = burgers.exact_on_grid()
    i, k = grid_index(t, x)
    assert abs(grid[i, k] - u) < 1e-6
    assert abs(burgers.burgers_exact(t, burgers.evaluation_grid()[1][k]) - u) < 1e-6


def test_initial_condition_and_walls():
    _, x = burgers.evaluation_grid()
    grid = burgers.exact_on_grid()
    np.testing.assert_allclose(grid[0], -np.sin(np.pi * x), atol=1e-12)
    np.testing.assert_allclose(burgers.burgers_exact(1e-6, x), -np.sin(np.pi * x), atol=1e-3)  # continuous at t = 0
    np.testing.assert_allclose(grid[:, [0, -1]], 0.0, atol=1e-9)


def test_shock_forms_at_zero_and_solution_is_odd():
    grid = burgers.exact_on_grid()
    np.testing.assert_allclose(grid, -grid[:, ::-1], atol=1e-9)  # u(t, −x) = −u(t, x)
    _, x = burgers.evaluation_grid()
    slope = np.diff(grid[-1]) / np.diff(x)
    assert (
        np.argmin(slope) in (127, 128) and slope.min() < -50
    )  # steepest at x = 0 by t = 0.99 (about −80 between grid points)


def test_vectorised_matches_pointwise_and_small_viscosity_does_not_overflow():
    t, x = np.array([0.3, 0.7]), np.array([-0.4, 0.1])
    together = burgers.burgers_exact(t, x)
    one_by_one = [burgers.burgers_exact(ti, xi) for ti, xi in zip(t, x)]
    np.testing.assert_allclose(together, one_by_one)
    steep = burgers.burgers_exact(np.full(5, 0.5), np.linspace(-1, 1, 5), nu=1e-4)
    assert np.all(np.isfinite(steep)) and np.all(np.abs(steep) <= 1.0 + 1e-9)


def test_heat_solution_satisfies_its_equation():
    t, x, nu, h = 0.3, 0.2, 0.05, 1e-4

    def u(t, x):
        return burgers.heat_exact(t, x, nu)

    u_t = (u(t + h, x) - u(t - h, x)) / (2 * h)
    u_xx = (u(t, x + h) - 2 * u(t, x) + u(t, x - h)) / h**2
    assert abs(u_t - nu * u_xx) < 1e-5


def test_relative_l2_and_invalid_input():
    assert burgers.relative_l2([1.0, 1.0], [1.0, 1.0]) == 0.0
    assert burgers.relative_l2([0.0, 2.0], [0.0, 1.0]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="positive"):
        burgers.burgers_exact(0.5, 0.0, nu=0.0)
    with pytest.raises(ValueError, match="0 or later"):
        burgers.burgers_exact(-0.1, 0.0)
