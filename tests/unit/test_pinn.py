"""PINN lab: points, the residual by nested tapes, train_step terms, L-BFGS, the inverse problem, the CLI, codegen."""

import json
import subprocess
import sys

import keras
import numpy as np
import pytest

from lab.cli import main
from lab.labs.pinn import LAB as PINN_LAB
from lab.labs.pinn.codegen import script as pinn_script
from lab.labs.pinn.config import PINNConfig
from lab.labs.pinn.data import (
    collocation_points,
    initial_boundary_points,
    unit_samples,
)
from lab.labs.pinn.data import (
    load as load_pinn_data,
)
from lab.labs.pinn.setup import Refiner
from lab.training import JobQueue, TrainingJob
from models.pinn import PINN, build_pinn
from models.pinn_lbfgs import lbfgs
from models.pinn_network import make_network

TINY = PINNConfig(n_u=40, n_f=200, depth=2, width=12, steps=100, lbfgs_iterations=50, learning_rate=1e-2)


def test_sampling_covers_the_domain():
    rng = np.random.default_rng(0)
    lhs = unit_samples(50, 2, "latin_hypercube", rng)
    for column in lhs.T:  # one point in each of the 50 strata of each axis
        assert sorted(np.floor(column * 50).astype(int)) == list(range(50))
    grid = collocation_points(200, "grid", rng)
    assert grid.shape == (200, 2) and len(np.unique(grid[:, 0])) == 10
    points = collocation_points(500, "uniform", rng)
    assert points[:, 0].min() >= 0 and points[:, 0].max() <= 1 and points[:, 1].min() >= -1 and points[:, 1].max() <= 1
    x_u, u = initial_boundary_points(100, "uniform", rng)
    initial = x_u[:, 0] == 0
    assert initial.sum() == 50 and np.all(np.abs(x_u[~initial, 1]) == 1.0)
    np.testing.assert_allclose(u[initial, 0], -np.sin(np.pi * x_u[initial, 1]))
    np.testing.assert_allclose(u[~initial], 0.0)


def test_inverse_data_are_noisy_samples_of_the_exact_solution():
    clean = load_pinn_data(TINY.replace(mode="inverse", n_u=500))
    noisy = load_pinn_data(TINY.replace(mode="inverse", n_u=500, noise=0.05))
    np.testing.assert_allclose(clean.x_u, noisy.x_u)
    spread = np.std(noisy.u - clean.u) / np.std(clean.u_exact)
    assert 0.04 < spread < 0.06 and clean.u_exact.shape == (100, 256)


def test_residual_by_nested_tapes_matches_the_formula():
    """For u = t·x² (a network with a fixed formula), u_t + u·u_x − ν·u_xx = x² + 2t²x³ − 2νt."""
    inputs = keras.Input(shape=(2,))
    net = keras.Model(inputs, keras.layers.Lambda(lambda p: p[:, :1] * p[:, 1:] ** 2)(inputs))
    model = PINN(net, nu=0.1)
    points = np.array([[0.5, 0.3], [0.2, -0.7]], dtype="float32")
    t, x = points[:, 0], points[:, 1]
    np.testing.assert_allclose(model.residual_numpy(points), x**2 + 2 * t**2 * x**3 - 2 * 0.1 * t, rtol=1e-5)
    heat = PINN(net, nu=0.1, equation="heat")
    np.testing.assert_allclose(heat.residual_numpy(points), x**2 - 2 * 0.1 * t, rtol=1e-5)


def test_train_step_logs_each_term_and_lbfgs_lowers_the_loss():
    data = load_pinn_data(TINY)
    keras.utils.set_random_seed(0)
    model = build_pinn(TINY, data.x_u, data.u, data.x_f)
    logs = model.train_step(None)
    assert {"loss", "loss_u", "loss_f"} <= set(logs)
    np.testing.assert_allclose(float(logs["loss"]), float(logs["loss_u"]) + float(logs["loss_f"]), rtol=1e-5)
    before = float(model.loss_terms()[0])
    seen = []
    done = lbfgs(model, model.loss_terms, 30, lambda loss, lu, lf: seen.append(loss) or False)
    assert done == len(seen) > 10 and seen[-1] < 0.5 * before
    assert float(model.loss_terms()[0]) == pytest.approx(seen[-1], rel=1e-5)  # the model holds the final weights


def test_float64_network_and_saved_model_maps_t_x_to_u(tmp_path):
    net = make_network(2, 8, "sin", dtype="float64")
    model = PINN(net, nu=0.01, dtype="float64")
    model.set_points(np.zeros((4, 2)), np.zeros(4), np.zeros((8, 2)))
    assert model.residual(np.zeros((3, 2))).dtype == "float64"
    model.save(tmp_path / "pinn.keras")
    loaded = keras.models.load_model(tmp_path / "pinn.keras")
    points = np.array([[0.1, 0.2], [0.9, -0.5]])
    np.testing.assert_allclose(loaded(points), model(points))


@pytest.mark.parametrize("dtype, atol", [("float32", 1e-6), ("float64", 1e-14)])
def test_hard_constraints_hold_the_initial_and_boundary_values_to_float_precision(dtype, atol):
    keras.utils.set_random_seed(1)
    net = make_network(3, 16, "tanh", dtype=dtype, hard_constraints=True)
    x = np.linspace(-1, 1, 201)
    initial = np.stack([np.zeros_like(x), x], axis=1)
    walls = np.array([[t, side] for t in np.linspace(0, 1, 51) for side in (-1.0, 1.0)])
    np.testing.assert_allclose(np.asarray(net(initial))[:, 0], -np.sin(np.pi * x), atol=atol)
    np.testing.assert_allclose(np.asarray(net(walls))[:, 0], 0.0, atol=atol)
    inside = np.asarray(net(np.array([[0.5, 0.3], [0.9, -0.2]])))[:, 0]
    assert np.all(np.abs(inside + np.sin(np.pi * np.array([0.3, -0.2]))) > 1e-4)  # N still shapes the inside


def test_spare_collocation_slots_weigh_nothing_until_filled():
    data = load_pinn_data(TINY)
    keras.utils.set_random_seed(0)
    model = build_pinn(TINY, data.x_u, data.u, data.x_f, spare=50)
    plain = build_pinn(TINY, data.x_u, data.u, data.x_f)
    plain.set_weights(model.get_weights())
    assert float(model.loss_terms()[2]) == pytest.approx(float(plain.loss_terms()[2]), rel=1e-5)
    extra = collocation_points(30, "uniform", np.random.default_rng(3))
    model.add_collocation(extra)
    expected = np.mean(plain.residual_numpy(np.concatenate([data.x_f, extra])) ** 2)
    assert float(model.loss_terms()[2]) == pytest.approx(expected, rel=1e-4)
    np.testing.assert_allclose(model.added_collocation, extra, rtol=1e-6)
    assert len(model.collocation) == len(data.x_f) + 30


def test_each_adaptive_round_adds_the_points_of_largest_residual():
    config = TINY.replace(adaptive_points=200, adaptive_rounds=2, lbfgs_iterations=100)
    data = load_pinn_data(config)
    keras.utils.set_random_seed(0)
    model = build_pinn(config, data.x_u, data.u, data.x_f, spare=config.adaptive_points)
    refiner = Refiner(config, data)
    refiner(model)
    added = model.added_collocation
    assert len(added) == 100 and refiner.error_before.shape == (50, 64) and refiner.rounds == 1
    uniform = collocation_points(20000, "uniform", np.random.default_rng(5))
    threshold = np.quantile(np.abs(model.residual_numpy(uniform)), 0.99)
    assert np.mean(np.abs(model.residual_numpy(added)) >= 0.9 * threshold) > 0.9  # the worst 0.5% of candidates
    refiner(model)
    refiner(model)  # a third round finds no room left: the spare slots hold 200
    assert len(model.added_collocation) == 200


def run_job(config):
    job = TrainingJob(PINN_LAB, config, PINN_LAB.load_data(config), queue=JobQueue(4)).start()
    return job.wait(300)


def test_tiny_run_streams_adam_then_lbfgs_and_the_error_falls():
    run = run_job(TINY)
    assert run.status == "completed", run.message
    assert len(run.history) == 2  # one epoch of 100 Adam steps, one of 50 L-BFGS iterations
    assert len(run.batch_loss) == 150
    first, last = run.history[0], run.history[-1]
    for key in ("loss_u", "loss_f", "rel_l2_error"):
        assert key in last
    assert last["loss"] < first["loss"]
    assert 0 < run.metrics["rel_l2_error"] < 1.0 and "lambda1" not in run.metrics
    snap = run.snapshot
    assert snap["u_pred"].shape == snap["residual"].shape == (50, 64) and set(snap["slices"]) == {0.25, 0.5, 0.75}


def test_inverse_run_reports_lambdas_and_their_trajectory():
    run = run_job(TINY.replace(mode="inverse", n_u=300, lbfgs_iterations=0, resample_every=50))
    assert run.status == "completed", run.message
    assert {"lambda1", "lambda2", "lambda1_error", "lambda2_error"} <= set(run.metrics)
    assert run.history[-1]["lambda1"] != 0.0  # λ1 moved from its start at 0
    assert run.metrics["lambda2_true"] == pytest.approx(0.01 / np.pi)


def test_invalid_settings_have_clear_messages():
    with pytest.raises(ValueError, match="multiple of 100"):
        TINY.replace(steps=150)
    with pytest.raises(ValueError, match="Nothing would train"):
        TINY.replace(steps=0, lbfgs_iterations=0)
    with pytest.raises(ValueError, match="weight"):
        TINY.replace(weight_u=0.0, weight_f=0.0)
    with pytest.raises(ValueError, match="between"):
        TINY.replace(nu=0.0)
    with pytest.raises(ValueError, match="measurements inside the domain"):
        TINY.replace(mode="inverse", hard_constraints=True)
    with pytest.raises(ValueError, match="during L-BFGS"):
        TINY.replace(adaptive_points=100, lbfgs_iterations=0)
    with pytest.raises(ValueError, match="adaptive rounds need more"):
        TINY.replace(adaptive_points=100, adaptive_rounds=4, lbfgs_iterations=4)
    assert TINY.epochs == 2 and TINY.replace(lbfgs_iterations=250).epochs == 4


def test_cli_run_writes_rel_l2_error_and_saves_the_network(tmp_path, capsys):
    out, model_path = tmp_path / "run.json", tmp_path / "u.keras"
    sets = ["n_u=40", "n_f=100", "depth=1", "width=8", "steps=100", "lbfgs_iterations=0"]
    args = ["run", "pinn", "--json", str(out), "--save-model", str(model_path), "--quiet"]
    assert main(args + [x for s in sets for x in ("--set", s)]) == 0
    result = json.loads(out.read_text())
    assert result["status"] == "completed" and result["metrics"]["rel_l2_error"] > 0
    assert result["history"][-1]["loss_f"] >= 0
    net = keras.models.load_model(model_path)
    assert net(np.array([[0.5, 0.0]], dtype="float32")).shape == (1, 1)
    assert main(["run", "pinn", "--set", "steps=150"]) == 2
    assert "multiple of 100" in capsys.readouterr().err


@pytest.mark.parametrize(
    "changes", [{}, {"hard_constraints": True, "adaptive_points": 60, "adaptive_rounds": 2}], ids=["plain", "rar"]
)
def test_generated_script_runs_and_matches_the_lab(tmp_path, changes):
    config = TINY.replace(lbfgs_iterations=20, **changes)
    path = tmp_path / "pinn_script.py"
    path.write_text(pinn_script(config))
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(text for text in done.stdout.splitlines() if text.startswith("Adam step 100"))
    script_loss = float(line.split("loss=")[1].split()[0])
    lbfgs_line = next(text for text in done.stdout.splitlines() if text.startswith("L-BFGS:"))
    run = run_job(config)
    assert script_loss == pytest.approx(run.batch_loss[99], rel=1e-3)
    assert float(lbfgs_line.split("loss=")[1]) == pytest.approx(run.batch_loss[-1], rel=1e-2)
