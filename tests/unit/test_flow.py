"""The RealNVP flow: an exact inverse, a density that integrates to one, training by likelihood, seeded sampling."""

import keras
import numpy as np
import pytest

from lab.labs.gan.config import GANConfig
from lab.labs.gan.data import load
from models.flow import RealNVP, build_flow, coupling_masks


def perturbed_flow(seed=0, **kwargs):
    """A flow whose couplings are not the identity (their last layers start at zero)."""
    keras.utils.set_random_seed(seed)
    model = build_flow(**kwargs)
    rng = np.random.default_rng(seed)
    for layer in model.layers_:
        layer.out.kernel.assign(0.3 * rng.standard_normal(layer.out.kernel.shape).astype("float32"))
        layer.out.bias.assign(0.3 * rng.standard_normal(layer.out.bias.shape).astype("float32"))
    return model


def test_the_couplings_alternate_which_coordinate_moves():
    assert coupling_masks(2, 4).tolist() == [[0, 1], [1, 0], [0, 1], [1, 0]]


def test_the_inverse_undoes_the_forward_map_and_the_couplings_move_the_points():
    model = perturbed_flow(couplings=4, depth=2, width=16)
    model.adapt(load(GANConfig(n_samples=512)).x)
    x = np.random.default_rng(1).uniform(-3, 3, (200, 2)).astype("float32")
    z, _ = model.forward(x)
    assert np.abs(np.asarray(model.inverse(z)) - x).max() < 1e-5
    assert np.abs(np.asarray(z) - (x - np.asarray(model.loc)) / np.asarray(model.scale)).max() > 0.1


def test_an_identity_flow_is_the_gaussian_of_its_standardisation():
    model = RealNVP(2, 2, 1, 8, loc=[1.0, -2.0], scale=[2.0, 0.5])  # new couplings are the identity
    x = np.array([[1.0, -2.0], [3.0, -1.0]], dtype="float32")
    expected = -np.log(2 * np.pi * 2.0 * 0.5) - 0.5 * np.sum(((x - [1.0, -2.0]) / [2.0, 0.5]) ** 2, axis=1)
    assert model.log_prob(x) == pytest.approx(expected, abs=1e-5)


def test_the_density_integrates_to_one():
    model = perturbed_flow(couplings=4, depth=2, width=16)
    ticks = np.linspace(-10, 10, 401)
    grid = np.stack(np.meshgrid(ticks, ticks), axis=-1).reshape(-1, 2)
    mass = np.exp(model.log_prob(grid)).sum() * (ticks[1] - ticks[0]) ** 2
    assert mass == pytest.approx(1.0, abs=0.02)


def test_training_lowers_the_negative_log_likelihood_on_ring8():
    x = load(GANConfig(dataset="ring8", n_samples=2048)).x
    keras.utils.set_random_seed(0)
    model = build_flow(couplings=4, depth=2, width=32, learning_rate=3e-3, data=x)
    before = -model.log_prob(x).mean()
    history = model.fit(x, batch_size=128, epochs=25, verbose=0).history
    assert set(history) == {"loss"}
    assert history["loss"][0] == pytest.approx(before, abs=0.5)  # the loss is the mean NLL in nats
    assert history["loss"][-1] < before - 1.0  # 3.5 to about 1.3 nats
    assert -model.log_prob(x).mean() == pytest.approx(history["loss"][-1], abs=0.3)


def test_samples_are_finite_and_the_same_for_the_same_seed(tmp_path):
    model = perturbed_flow(couplings=4, depth=2, width=16)
    a, b, c = model.sample(300, seed=3), model.sample(300, seed=3), model.sample(300, seed=4)
    assert a.shape == (300, 2) and np.isfinite(a).all()
    assert np.array_equal(a, b) and not np.allclose(a, c)
    path = tmp_path / "flow.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, RealNVP) and loaded.couplings == 4
    assert np.allclose(loaded.sample(300, seed=3), a, atol=1e-5)
