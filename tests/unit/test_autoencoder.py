"""The autoencoder lab: config messages, images, builder, warnings, live views, engine and CLI."""

import json
import os
import re
import tempfile

import numpy as np
import pytest

from lab.cli import main
from lab.labs.autoencoder import LAB as AE_LAB
from lab.labs.autoencoder import data as data_images
from lab.labs.autoencoder import setup as ae_lab
from lab.labs.autoencoder.config import AutoencoderConfig
from lab.labs.autoencoder.data import add_noise
from lab.labs.autoencoder.data import load as load_image_data
from lab.runs import Run
from lab.training import JobQueue, TrainingJob, model_to_bytes
from models.autoencoder import build_autoencoder, decoder_of, encoder_of
from models.autoencoder_plan import autoencoder_warnings, count_parameters

TINY = AutoencoderConfig(dataset="digits", hidden_units=(16,), bottleneck=4, epochs=2, batch_size=128)


@pytest.fixture(scope="module")
def digits():
    return load_image_data(TINY)


# ---- Config ---------------------------------------------------------------------------------


def test_defaults_are_the_lecture_setting():
    config = AutoencoderConfig()
    assert (config.dataset, config.hidden_units, config.bottleneck) == ("mnist5k", (128,), 32)
    assert (config.output_activation, config.loss, config.optimizer, config.learning_rate) == (
        "sigmoid",
        "binary_crossentropy",
        "adadelta",
        1.0,
    )
    assert (config.val_split, config.batch_size, config.epochs, config.noise) == (0.2, 256, 30, 0.0)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"bottleneck": 1}, "bottleneck must be between 2 and 256; got 1."),
        ({"hidden_units": (128, 0)}, "each item of hidden_units must be between 1 and 1024; got 0."),
        ({"hidden_units": (8, 8, 8, 8, 8)}, "hidden_units must be a comma-separated list of 0 to 4 items"),
        ({"loss": "hinge"}, "loss must be one of mse, mae, binary_crossentropy; got 'hinge'."),
        ({"output_activation": "softmax"}, "output_activation must be one of linear, sigmoid, relu; got 'softmax'."),
        ({"noise": 1.5}, "noise must be between 0 and 1; got 1.5."),
        ({"learning_rate": 0.0}, "learning_rate must be between 1e-06 and 100; got 0."),
        ({"dataset": "cifar"}, "dataset must be one of mnist5k, digits, mnist; got 'cifar'."),
    ],
)
def test_invalid_settings_say_what_is_allowed(changes, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        AutoencoderConfig(**changes)


def test_text_round_trip_and_epoch_cap(monkeypatch):
    config = AutoencoderConfig.from_strings({"hidden_units": "256, 64", "bottleneck": "2", "noise": "0.3"})
    assert config.hidden_units == (256, 64) and config.bottleneck == 2
    assert AutoencoderConfig.from_strings(config.to_strings()) == config
    assert AutoencoderConfig.from_strings({"hidden_units": ""}).hidden_units == ()
    monkeypatch.setenv("LAB_MAX_EPOCHS", "50")
    with pytest.raises(ValueError, match="epochs must be between 1 and 50 on this server; got 60"):
        AutoencoderConfig(epochs=60)


# ---- Images ---------------------------------------------------------------------------------


def test_digits_and_mnist5k_shapes_ranges_and_split(digits):
    assert digits.x_train.shape == (1437, 64) and digits.x_val.shape == (360, 64)
    assert digits.image_shape == (8, 8) and digits.n_pixels == 64
    assert digits.x_train.dtype == np.float32 and digits.x_train.min() == 0.0 and digits.x_train.max() == 1.0
    assert set(digits.y_val) == set(range(10))
    mnist = load_image_data(AutoencoderConfig())
    assert mnist.x_train.shape == (4000, 784) and mnist.x_val.shape == (1000, 784) and mnist.image_shape == (28, 28)
    assert 0.0 <= mnist.x_val.min() and mnist.x_val.max() <= 1.0
    assert np.bincount(mnist.y_val).tolist() == [100] * 10  # stratified: 100 of each digit


def test_full_mnist_is_never_downloaded(monkeypatch, tmp_path):
    monkeypatch.setattr(data_images, "KERAS_MNIST", tmp_path / "mnist.npz")
    with pytest.raises(ValueError, match="not on this machine .* Use mnist5k"):
        load_image_data(AutoencoderConfig(dataset="mnist"))


def test_noise_is_seeded_and_clipped(digits):
    noisy = add_noise(digits.x_train, 0.5, seed=3)
    assert noisy.shape == digits.x_train.shape and noisy.min() == 0.0 and noisy.max() == 1.0
    assert np.array_equal(noisy, add_noise(digits.x_train, 0.5, seed=3))
    assert not np.array_equal(noisy, digits.x_train)
    assert add_noise(digits.x_train, 0.0, seed=3) is digits.x_train


# ---- Builder and warnings -------------------------------------------------------------------


def test_builder_shapes_parameters_and_metrics():
    model = build_autoencoder(AutoencoderConfig(), 784)
    assert model.output_shape == (None, 784)
    assert model.count_params() == count_parameters(784, (128,), 32) == 209_968  # 784-128-32-128-784
    assert model.get_layer("reconstruction").activation.__name__ == "sigmoid"
    assert model.get_layer("bottleneck").activation.__name__ == "linear"
    assert [layer.name for layer in model.layers[1:]] == ["encoder_1", "bottleneck", "decoder_1", "reconstruction"]
    x = np.random.default_rng(0).uniform(size=(5, 784)).astype("float32")
    logs = model.evaluate(x, x, verbose=0, return_dict=True)
    assert {"loss", "mse", "bce"} <= set(logs)


def test_encoder_and_decoder_share_the_weights_also_after_saving():
    config = AutoencoderConfig(hidden_units=(12, 8), bottleneck=3, output_activation="linear", loss="mse")
    model = build_autoencoder(config, 64)
    x = np.random.default_rng(0).uniform(size=(4, 64)).astype("float32")
    encoder, decoder = encoder_of(model), decoder_of(model)
    assert encoder.output_shape == (None, 3) and decoder.output_shape == (None, 64)
    np.testing.assert_allclose(decoder(encoder(x)), model(x), rtol=1e-5, atol=1e-6)
    import keras

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "m.keras")
        with open(path, "wb") as f:
            f.write(model_to_bytes(model))
        loaded = keras.saving.load_model(path, compile=False)
    np.testing.assert_allclose(decoder_of(loaded)(encoder_of(loaded)(x)), model(x), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"output_activation": "linear"}, "binary_crossentropy with a linear last layer is a mismatch"),
        ({"output_activation": "relu"}, "but a relu output can exceed 1"),
        ({"output_activation": "relu", "loss": "mse"}, "A relu last layer can get stuck"),
        ({"bottleneck": 64}, "The bottleneck has 64 units for 64 pixels"),
        ({"hidden_units": (16,), "bottleneck": 32}, "A hidden layer of 16 units is narrower than the bottleneck (32)"),
        ({"activation": "linear"}, "can do no better than PCA"),
        ({"learning_rate": 0.001}, "Adadelta at learning rate 0.001 barely moves"),
    ],
)
def test_questionable_choices_are_explained(changes, words):
    assert any(words in w for w in autoencoder_warnings(AutoencoderConfig(**changes), 64))


def test_suited_choices_give_no_warning():
    assert autoencoder_warnings(AutoencoderConfig(), 784) == ()
    assert autoencoder_warnings(AutoencoderConfig(output_activation="linear", loss="mse"), 784) == ()
    assert autoencoder_warnings(AutoencoderConfig(output_activation="sigmoid", loss="mse"), 784) == ()


# ---- Live views -----------------------------------------------------------------------------


def test_latent_plane_keeps_2d_codes_and_projects_larger_ones():
    rng = np.random.default_rng(0)
    codes = rng.normal(size=(200, 2))
    points, plane = ae_lab.latent_plane(codes)
    assert np.allclose(points, codes) and plane["explained"] is None
    # Codes on a 2-D plane inside 5-D space: the projection holds all the variance and maps back exactly.
    flat = rng.normal(size=(200, 2)) @ rng.normal(size=(2, 5)) + 3.0
    points, plane = ae_lab.latent_plane(flat)
    assert points.shape == (200, 2) and sum(plane["explained"]) == pytest.approx(1.0)
    np.testing.assert_allclose(ae_lab.plane_to_codes(plane, points), flat, atol=1e-8)
    grid = ae_lab.plane_grid(plane, size=3)
    assert (
        grid.shape == (9, 2)
        and grid[0, 1] == pytest.approx(plane["hi"][1])
        and grid[-1, 0] == pytest.approx(plane["hi"][0])
    )


def test_first_of_each_skips_absent_digits():
    assert ae_lab.first_of_each([3, 1, 1, 0, 3], (0, 1, 2, 3)) == [3, 1, 0]


def test_interpolation_ends_at_the_two_reconstructions(digits):
    model = build_autoencoder(TINY, 64)
    encoder, decoder = encoder_of(model), decoder_of(model)
    strip = ae_lab.interpolate(encoder, decoder, digits.x_val[0], digits.x_val[1], steps=5)
    assert strip.shape == (5, 64)
    np.testing.assert_allclose(strip[[0, -1]], model(digits.x_val[:2]), rtol=1e-5, atol=1e-6)


def run_tiny(config, data):
    job = TrainingJob(AE_LAB, config, data, number=1, queue=JobQueue(max_jobs=4)).start()
    return job.wait(120)


def test_training_reports_val_mse_and_val_bce_and_live_views(digits):
    run = run_tiny(TINY, digits)
    assert run.status == "completed" and len(run.history) == 2
    assert {"val_mse", "val_bce", "val_loss", "epochs_trained"} <= set(run.metrics)
    assert run.metrics["val_loss"] == run.metrics["val_bce"]  # the loss is binary cross-entropy
    snap = run.snapshot
    assert snap["epoch"] == 2 and len(snap["shown"]) == 8 and snap["reconstructions"].shape == (8, 64)
    assert [int(digits.y_val[i]) for i in snap["shown"]] == list(range(8))
    assert len(snap["latent"]["z1"]) == len(snap["latent"]["digit"]) == 360
    assert snap["manifold"].shape == (ae_lab.GRID**2, 64) and snap["interpolation"].shape == (ae_lab.STEPS, 64)
    assert len(snap["plane"]["explained"]) == 2 and "noisy" not in snap


def test_denoising_trains_noisy_to_clean(digits):
    config = TINY.replace(noise=0.3, bottleneck=2, epochs=1)
    setup = ae_lab.build(config, digits)
    assert not np.array_equal(setup.x, digits.x_train) and setup.y is digits.x_train
    assert setup.validation_data[0] is setup.validation_data[1] is digits.x_val
    run = run_tiny(config, digits)
    assert run.snapshot["noisy"].shape == run.snapshot["denoised"].shape == (8, 64)
    assert run.snapshot["plane"]["explained"] is None  # a 2-D code is shown as it is


def test_cli_runs_the_lab_headless(tmp_path, capsys):
    out = tmp_path / "out.json"
    assert (
        main(["run", "autoencoder", "--set", "dataset=digits", "--set", "epochs=2", "--quiet", "--json", str(out)]) == 0
    )
    result = json.loads(out.read_text())
    assert result["status"] == "completed" and {"val_mse", "val_bce"} <= set(result["metrics"])
    assert main(["run", "autoencoder", "--set", "bottleneck=1"]) == 2
    assert "bottleneck must be between 2 and 256; got 1." in capsys.readouterr().err


def test_verdict_names_the_lowest_validation_mse():
    from lab.labs.autoencoder.charts import image_grid
    from lab.labs.autoencoder.views import verdict

    def run(val_mse, falling=False):
        history = [{"epoch": e, "val_mse": val_mse * (1 + (6 - e) * 0.1 * falling)} for e in range(1, 7)]
        return Run(lab="autoencoder", config=TINY, history=history, metrics={"val_mse": val_mse})

    text = verdict([("linear + MSE", run(0.05)), ("sigmoid + MSE", run(0.06)), ("sigmoid + BCE", run(0.04))])
    assert text.startswith("**sigmoid + BCE** reconstructs the validation images best: validation MSE 0.0400")
    assert "0.0500 for linear + MSE and 0.0600 for sigmoid + MSE" in text and "still falling" not in text
    assert "still falling" in verdict([("a", run(0.05, falling=True))])
    grid = image_grid(np.zeros((3, 64)), (8, 8), columns=2)
    assert grid.dtype == np.uint8 and grid.shape[0] > grid.shape[1] / 2
