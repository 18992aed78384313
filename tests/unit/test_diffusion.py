"""The diffusion lab: its schedule, model, sampling, config, data, diagnosis and exported script."""

import keras
import numpy as np
import pytest

from lab.cli import main
from lab.diagnosis import diagnose_history
from lab.labs.diffusion.codegen import script
from lab.labs.diffusion.config import DiffusionConfig
from lab.labs.diffusion.data import load
from lab.registry import get_lab
from lab.training import TrainingJob
from models import diffusion
from models.diffusion_schedule import alpha_bars, betas, noised
from tests.unit.test_codegen import final_losses, imported_modules, start_script

TINY = {"n_samples": 512, "batch_size": 128, "width": 32, "epochs": 3, "timesteps": 20}


@pytest.mark.parametrize("schedule", ["linear", "cosine"])
@pytest.mark.parametrize("timesteps", [10, 100, 1000])
def test_every_schedule_ends_in_almost_pure_noise_and_starts_near_the_data(schedule, timesteps):
    alpha_bar = alpha_bars(timesteps, schedule)
    assert alpha_bar.shape == (timesteps,) and np.all(np.diff(alpha_bar) < 0)
    assert alpha_bar[-1] < 1e-3 and alpha_bar[0] > 0.9


def test_the_linear_schedule_is_ho_et_al_at_t_1000_and_beta_scale_multiplies_it():
    assert betas(1000)[[0, -1]] == pytest.approx([1e-4, 0.02])
    assert betas(100, beta_scale=2.0) == pytest.approx(2 * betas(100))
    with pytest.raises(ValueError, match="schedule must be one of linear, cosine"):
        betas(10, "sigmoid")


def test_noising_keeps_unit_variance_and_mixes_signal_and_noise_as_the_formula_says():
    rng = np.random.default_rng(0)
    x0, eps = rng.standard_normal((20000, 2)), rng.standard_normal((20000, 2))
    alpha_bar = alpha_bars(100)
    x_t = noised(x0, np.full(len(x0), 49), eps, alpha_bar)
    assert np.std(x_t) == pytest.approx(1.0, abs=0.02)
    assert np.corrcoef(x_t[:, 0], x0[:, 0])[0, 1] == pytest.approx(np.sqrt(alpha_bar[49]), abs=0.02)


def test_the_model_reports_the_loss_and_each_band_and_the_loss_falls():
    keras.utils.set_random_seed(0)
    x = load(DiffusionConfig(n_samples=2048)).x
    model = diffusion.build_diffusion(DiffusionConfig(width=64, timesteps=50), 2, x_scale=25.0)
    history = model.fit(x, batch_size=256, epochs=6, verbose=0).history
    assert set(history) == {"loss", "loss_band_1", "loss_band_2", "loss_band_3", "loss_band_4"}
    assert history["loss"][-1] < 0.6 * history["loss"][0]
    # The noisiest quarter is the easiest guess (x_t is almost the noise itself); the least noisy the hardest.
    assert history["loss_band_4"][-1] < history["loss_band_1"][-1]


def test_ddpm_and_ddim_sampling_give_finite_points_and_keep_the_walk(tmp_path):
    keras.utils.set_random_seed(0)
    model = diffusion.build_diffusion(DiffusionConfig(width=16, timesteps=20), 2, x_scale=25.0)
    samples, walk = diffusion.sample(model, 50, keep=5, seed=3)
    assert samples.shape == (50, 2) and np.isfinite(samples).all()
    assert [t for t, _ in walk] == [20, 15, 10, 5, 0] and np.array_equal(walk[-1][1], samples)
    fast = diffusion.sample(model, 50, steps=5, seed=3)
    assert fast.shape == (50, 2) and not np.allclose(fast, samples)
    assert list(diffusion.sampling_steps(20, 5)) == [19, 14, 10, 5, 0]
    path = tmp_path / "d.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert np.allclose(diffusion.sample(loaded, 50, seed=3), samples, atol=1e-5)


def test_the_denoising_field_points_from_noise_towards_the_data():
    keras.utils.set_random_seed(0)
    config = DiffusionConfig(n_samples=4096, timesteps=50, width=64)
    data = load(config)
    model = diffusion.build_diffusion(config, 2, x_scale=data.x_scale)
    model.fit(data.x, batch_size=256, epochs=15, verbose=0)
    far = np.array([[2.8, 2.8], [-2.8, -2.8], [2.8, -2.8], [-2.8, 2.8]], dtype="float32")
    moves = diffusion.denoising_field(model, far, 5)
    closer = np.linalg.norm(far + moves, axis=1) < np.linalg.norm(far, axis=1)  # the ring has radius 2
    assert closer.all()


def test_config_rejects_more_sampling_steps_than_t_and_batches_above_the_data():
    with pytest.raises(ValueError, match=r"sampling_steps \(50\) is more than the diffusion steps T \(20\)"):
        DiffusionConfig(timesteps=20, sampling_steps=50)
    with pytest.raises(ValueError, match="batch_size .* is larger than the number of real samples"):
        DiffusionConfig(dataset="digits", batch_size=2048)
    assert DiffusionConfig(sampling_steps=0).reverse_steps == 100


def test_digits_are_scaled_to_minus_one_one():
    data = load(DiffusionConfig(dataset="digits"))
    assert data.x.shape == (1797, 64) and data.x.min() == -1.0 and data.x.max() == 1.0 and data.is_image


def test_the_diagnosis_names_too_few_steps_and_a_schedule_that_destroys_the_signal():
    rows = [
        {"loss": 0.3 / (i + 1), "loss_band_1": 0.3, "loss_band_2": 0.002, "loss_band_3": 0.002, "loss_band_4": 0.002}
        for i in range(10)
    ]
    rows[-1]["high_quality_fraction"] = 0.04
    assert diagnose_history(rows, config=DiffusionConfig(timesteps=10))["labels"][0] == "too_few_steps"
    found = diagnose_history(rows, config=DiffusionConfig(beta_scale=8.0))
    assert found["labels"][0] == "signal_destroyed_early" and "0.002" in found["findings"][0]["evidence"]
    assert not {"too_few_steps", "signal_destroyed_early"} & set(
        diagnose_history(rows, config=DiffusionConfig())["labels"]
    )
    assert not {"too_few_steps", "signal_destroyed_early"} & set(diagnose_history(rows)["labels"])  # a file: no config


def test_the_cli_writes_the_issues_keys(tmp_path):
    out = tmp_path / "d.json"
    sets = [arg for pair in TINY.items() for arg in ("--set", f"{pair[0]}={pair[1]}")]
    assert main(["run", "diffusion", *sets, "--quiet", "--json", str(out)]) == 0
    import json

    found = json.loads(out.read_text())
    metrics = found["metrics"]
    assert {"modes_captured", "modes_total", "high_quality_fraction", "sample_seconds"} <= set(metrics)
    assert metrics["modes_total"] == 8 and metrics["sample_seconds"] > 0
    assert np.asarray(metrics["samples"]).shape == (2500, 2)
    assert {"dataset", "timesteps", "schedule"} <= set(found["config"])
    assert main(["run", "diffusion", "--set", "sampling_steps=500", "--quiet"]) == 2


@pytest.mark.parametrize(
    "settings",
    [
        TINY,
        {**TINY, "schedule": "cosine", "dataset": "moons"},
        {"dataset": "digits", "width": 32, "epochs": 2, "timesteps": 20},
    ],
    ids=["ring8", "moons-cosine", "digits"],
)
def test_the_script_reproduces_the_engines_loss(settings, tmp_path):
    config = DiffusionConfig(**settings)
    source = script(config)
    assert imported_modules(source) <= {"keras", "numpy", "tensorflow", "math", "sklearn"}
    process = start_script(source, tmp_path)
    lab = get_lab("diffusion")
    run = TrainingJob(lab, config, lab.load_data(config)).start().wait(300)
    assert run.status == "completed", run.message
    assert final_losses(process)["final_loss"] == pytest.approx(run.history[-1]["loss"], rel=1e-5)
