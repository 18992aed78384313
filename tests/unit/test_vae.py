"""The VAE of `models.vae` and its wiring into the autoencoder lab: shapes, the KL, saving, training, collapse."""

import json

import keras
import numpy as np
import pytest

from lab.labs.autoencoder.config import PRESETS, AutoencoderConfig
from lab.registry import get_lab
from lab.training import TrainingJob
from models.vae import VAE, build_vae, kl_divergence, make_vae, sample_prior


def digits(n=600):
    from sklearn.datasets import load_digits

    return (load_digits().data[:n] / 16.0).astype("float32")


def test_build_vae_has_the_documented_parts_and_shapes():
    vae = build_vae(2, latent_dim=3, depth=2, width=16, reconstruction="mse")
    assert isinstance(vae, VAE) and vae.optimizer is not None
    mean, log_var = vae.encoder(np.zeros((5, 2), "float32"))
    assert mean.shape == (5, 3) and log_var.shape == (5, 3)
    assert vae.decoder(np.zeros((5, 3), "float32")).shape == (5, 2)
    assert [layer.name for layer in vae.encoder.layers[1:]] == ["encoder_1", "encoder_2", "z_mean", "z_log_var"]
    assert vae.decoder.layers[-1].activation.__name__ == "linear"
    assert build_vae(64, 2, 1, 8).decoder.layers[-1].activation.__name__ == "sigmoid"
    samples = sample_prior(vae, 7, seed=3)
    assert isinstance(samples, np.ndarray) and samples.shape == (7, 2)
    np.testing.assert_allclose(samples, sample_prior(vae, 7, seed=3))


def test_kl_matches_the_closed_form_in_numpy():
    rng = np.random.default_rng(0)
    mean, log_var = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    expected = 0.5 * np.sum(mean**2 + np.exp(log_var) - log_var - 1.0, axis=1)
    got = np.asarray(kl_divergence(mean.astype("float32"), log_var.astype("float32")))
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    assert np.allclose(np.asarray(kl_divergence(np.zeros((2, 3)), np.zeros((2, 3)))), 0.0)  # the prior itself


def test_train_step_reports_reconstruction_plus_beta_kl_and_the_loss_falls():
    keras.utils.set_random_seed(0)
    x = digits()
    vae = make_vae(64, 2, (32,), beta=0.5, learning_rate=3e-3)
    history = vae.fit(x, epochs=6, batch_size=64, validation_data=(x, x), verbose=0).history
    assert {"loss", "reconstruction", "kl", "mse", "bce", "val_loss", "val_kl"} <= set(history)
    assert history["loss"][-1] < 0.85 * history["loss"][0]
    # Each batch's loss is reconstruction + β·KL, so the epoch means add up the same way.
    assert history["loss"][-1] == pytest.approx(history["reconstruction"][-1] + 0.5 * history["kl"][-1], rel=1e-4)


def test_kl_warmup_raises_beta_from_zero():
    vae = make_vae(4, 2, (), beta=2.0, kl_warmup_steps=10)
    assert float(vae.current_beta()) == 0.0
    vae.optimizer.iterations.assign(5)
    assert float(vae.current_beta()) == pytest.approx(1.0)
    vae.optimizer.iterations.assign(50)
    assert float(vae.current_beta()) == pytest.approx(2.0)


def test_bad_arguments_say_what_is_allowed():
    with pytest.raises(ValueError, match="reconstruction must be one of bce, mse"):
        make_vae(4, 2, (), reconstruction="mae")
    with pytest.raises(ValueError, match="needs a sigmoid last layer"):
        make_vae(4, 2, (), output_activation="linear")


def test_saved_vae_loads_and_decodes_the_same(tmp_path):
    keras.utils.set_random_seed(1)
    x = digits(128)
    vae = make_vae(64, 2, (16,), beta=3.0, kl_warmup_steps=4)
    vae.fit(x, epochs=1, batch_size=64, verbose=0)
    vae.save(tmp_path / "vae.keras")
    loaded = keras.models.load_model(tmp_path / "vae.keras")
    assert isinstance(loaded, VAE) and (loaded.beta, loaded.kl_warmup_steps) == (3.0, 4)
    np.testing.assert_allclose(sample_prior(loaded, 5), sample_prior(vae, 5), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(loaded(x[:3])), np.asarray(vae(x[:3])), rtol=1e-5)


def test_large_beta_collapses_the_posterior():
    x = digits()
    kl = {}
    for beta in (1.0, 20.0):
        keras.utils.set_random_seed(0)
        vae = make_vae(64, 2, (16,), beta=beta, learning_rate=3e-3)
        kl[beta] = vae.fit(x, epochs=4, batch_size=64, validation_data=(x, x), verbose=0).history["val_kl"][-1]
    assert kl[20.0] < 0.1 < kl[1.0]


def vae_config(**changes):
    return AutoencoderConfig(dataset="digits", hidden_units=(16,), bottleneck=2, epochs=2, model="vae", **changes)


def test_config_accepts_the_vae_and_rejects_losses_it_cannot_use():
    assert AutoencoderConfig().model == "autoencoder"  # the plain autoencoder stays the default
    assert vae_config(loss="mse", output_activation="linear").model == "vae"
    with pytest.raises(ValueError, match="A VAE cannot train with the mae loss"):
        vae_config(loss="mae")
    with pytest.raises(ValueError, match="needs a sigmoid last layer, not linear"):
        vae_config(output_activation="linear")
    AutoencoderConfig(loss="mae", output_activation="linear")  # fine for the plain autoencoder
    preset = {p.key: p for p in PRESETS}["vae_2d"]
    assert AutoencoderConfig(**preset.settings).bottleneck == 2


def test_lab_run_gives_kl_prior_samples_and_a_model_that_loads(tmp_path):
    config = vae_config(kl_warmup=1)
    lab = get_lab("autoencoder")
    run = TrainingJob(lab, config, lab.load_data(config)).start().wait(120)
    assert run.status == "completed", run.message
    assert {"val_mse", "val_bce", "kl", "reconstruction"} <= set(run.metrics)
    samples = np.asarray(run.metrics["samples"])
    assert samples.shape == (500, 64) and samples.min() >= 0.0 and samples.max() <= 1.0
    json.dumps(run.to_dict())  # the JSON the CLI writes
    assert run.snapshot["prior_samples"].shape == (48, 64) and run.snapshot["plane"]["prior"]
    (tmp_path / "m.keras").write_bytes(run.model_bytes)
    assert isinstance(keras.models.load_model(tmp_path / "m.keras"), VAE)
