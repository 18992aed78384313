"""GAN lab: data, the VEEGAN metric, the model's train_step, a tiny run and the CLI."""

import dataclasses
import json
import types

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

from lab.cli import main
from lab.labs.gan import LAB as GAN_LAB
from lab.labs.gan import setup as gan_lab
from lab.labs.gan import views
from lab.labs.gan.charts import d_means_chart, losses_chart
from lab.labs.gan.config import GANConfig
from lab.labs.gan.data import grid_modes, ring_modes
from lab.labs.gan.data import load as load_gan_data
from lab.labs.gan.game import equilibrium, equilibrium_caption
from lab.labs.gan.metrics import mode_quality
from lab.training import JobQueue, TrainingJob

TINY = GANConfig(n_samples=256, batch_size=64, epochs=2, g_width=16, d_width=16, g_depth=1, d_depth=1)


def test_ring_modes_are_eight_distinct_points_on_the_circle():
    modes = ring_modes()
    assert modes.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(modes, axis=1), 2.0)
    gaps = np.linalg.norm(modes[:, None] - modes[None], axis=-1)[~np.eye(8, dtype=bool)]
    assert gaps.min() > 1.5  # no angle repeated
    assert len(np.unique(grid_modes().round(6), axis=0)) == 25


def test_metric_counts_every_mode_when_each_is_sampled():
    rng = np.random.default_rng(0)
    modes = ring_modes()
    samples = modes[rng.integers(0, 8, 2500)] + 0.02 * rng.standard_normal((2500, 2))
    result = mode_quality(samples, modes, 0.02)
    assert result["modes_captured"] == result["modes_total"] == 8
    assert result["high_quality_fraction"] > 0.97


def test_metric_counts_one_mode_when_collapsed_and_none_when_far():
    modes = ring_modes()
    collapsed = np.repeat(modes[3:4], 2500, axis=0)
    assert mode_quality(collapsed, modes, 0.02)["modes_captured"] == 1
    far = np.zeros((2500, 2))  # the centre is 2 away from every mode
    result = mode_quality(far, modes, 0.02)
    assert result["modes_captured"] == 0 and result["high_quality_fraction"] == 0.0


def test_data_sets_and_invalid_settings():
    digits = load_gan_data(TINY.replace(dataset="mnist5k"))
    assert digits.x.shape == (5000, 784) and digits.x.min() == -1.0 and digits.x.max() == 1.0 and digits.is_image
    assert TINY.replace(dataset="mnist5k", batch_size=4096).n_real == 5000  # n_samples applies to points only
    for name in ("ring8", "grid25", "moons", "spiral"):
        data = load_gan_data(TINY.replace(dataset=name))
        assert data.x.shape == (256, 2) and data.x.dtype == np.float32
        assert (data.modes is None) == (name in ("moons", "spiral"))
    with pytest.raises(ValueError, match="batch_size"):
        TINY.replace(batch_size=512)
    with pytest.raises(ValueError, match="loss must be one of"):
        TINY.replace(loss="wasserstein")


@pytest.mark.parametrize("loss", ["non_saturating", "minimax", "least_squares"])
def test_train_step_returns_both_losses_and_d_means(loss):
    from models.gan import build_gan

    model = build_gan(TINY.replace(loss=loss))
    logs = model.train_step(np.zeros((8, 2), "float32"))
    assert {"loss", "d_loss", "g_loss", "d_real", "d_fake"} <= set(logs)
    values = {k: float(v) for k, v in logs.items()}
    assert np.isclose(values["loss"], values["d_loss"] + values["g_loss"], atol=1e-5)
    if loss != "least_squares":
        assert 0 < values["d_real"] < 1 and 0 < values["d_fake"] < 1
    if loss == "minimax":
        assert values["g_loss"] < 0  # log(1 - D(G(z)))


def test_tiny_run_reports_modes_and_live_views():
    job = TrainingJob(GAN_LAB, TINY, load_gan_data(TINY), number=1, queue=JobQueue(max_jobs=4)).start()
    run = job.wait(120)
    assert run.status == "completed" and len(run.history) == 2
    assert {"d_loss", "g_loss", "d_real", "d_fake", "loss"} <= set(run.history[-1])
    m = run.metrics
    assert m["modes_total"] == 8 and 0 <= m["modes_captured"] <= 8 and 0 <= m["high_quality_fraction"] <= 1
    assert len(m["samples"]) == 2500 and len(m["samples"][0]) == 2
    snap = run.snapshot
    assert snap["samples"].shape == (gan_lab.SHOWN_SAMPLES, 2)
    assert len(snap["heat"]["p"]) == gan_lab.HEAT_GRID**2
    assert snap["mapping"]["points"].shape == (gan_lab.MAPPING_TICKS**2, 2)
    assert {"spread", "modes_captured", "modes_total", "high_quality_fraction", "g_grad_norm"} <= set(run.history[-1])


def test_cli_writes_modes_and_samples(tmp_path, capsys):
    out = tmp_path / "out.json"
    code = main(
        [
            "run",
            "gan",
            "--set",
            "n_samples=256",
            "--set",
            "batch_size=64",
            "--set",
            "epochs=1",
            "--set",
            "g_width=16",
            "--set",
            "d_width=16",
            "--quiet",
            "--json",
            str(out),
        ]
    )
    assert code == 0
    result = json.loads(out.read_text())
    assert result["status"] == "completed"
    assert {"modes_captured", "modes_total", "high_quality_fraction"} <= set(result["metrics"])
    assert len(result["metrics"]["samples"]) == 2500
    assert "samples=<2500 pairs>" in capsys.readouterr().out
    assert main(["run", "gan", "--set", "d_steps=0"]) == 2


def test_saved_gan_loads_with_the_same_generator(tmp_path):
    import keras

    from lab.training import model_to_bytes
    from models.gan import build_gan

    model = build_gan(TINY.replace(loss="least_squares"))
    path = tmp_path / "gan.keras"
    path.write_bytes(model_to_bytes(model))
    loaded = keras.models.load_model(path)
    z = np.ones((3, TINY.latent_dim), "float32")
    np.testing.assert_allclose(loaded.generator(z), model.generator(z), rtol=1e-6)
    assert loaded.gan_loss == "least_squares"


def test_digits_run_shows_generated_images_and_no_point_metrics():
    config = TINY.replace(dataset="mnist5k", batch_size=500, epochs=1)
    job = TrainingJob(GAN_LAB, config, load_gan_data(config), number=1, queue=JobQueue(max_jobs=4)).start()
    run = job.wait(120)
    assert run.status == "completed", run.message
    images = run.snapshot["images"]
    assert images.shape == (gan_lab.IMAGE_SHOWN, 28, 28) and images.min() >= 0 and images.max() <= 1
    assert "samples" not in run.metrics and "modes_captured" not in run.metrics and "spread" in run.metrics


def test_spread_is_one_for_real_like_samples_and_small_when_collapsed():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(2500, 2))
    assert gan_lab.spread(rng.normal(size=(2500, 2)), real) == pytest.approx(1.0, abs=0.05)
    assert gan_lab.spread(0.01 * rng.normal(size=(2500, 2)) + 3.0, real) < 0.05


def test_steps_by_hand_move_each_network_and_add_an_epoch():
    job = TrainingJob(GAN_LAB, TINY, load_gan_data(TINY), number=1, queue=JobQueue(max_jobs=4)).start()
    with pytest.raises(RuntimeError, match="completed or stopped"):
        job.step("d_step")  # still training
    run = job.wait(120)
    model = job._setup.model  # the engine's model, inspected here only to prove which network moved
    d_before = [w.copy() for w in model.discriminator.get_weights()]
    g_before = [w.copy() for w in model.generator.get_weights()]
    out = job.step("d_step")
    assert out["step"] == "D" and np.isfinite(out["d_loss"])
    assert not all(np.array_equal(a, b) for a, b in zip(d_before, model.discriminator.get_weights()))
    assert all(np.array_equal(a, b) for a, b in zip(g_before, model.generator.get_weights()))
    samples_before = run.snapshot["samples"].copy()
    out = job.step("g_step")
    assert out["step"] == "G" and out["g_grad_norm"] > 0
    assert not np.array_equal(samples_before, run.snapshot["samples"])  # the views show the moved points
    batches = len(run.batch_loss)
    out = job.step("epoch")
    assert out["step"] == "epoch" and out["epoch"] == 3
    assert len(run.history) == 3 and run.history[-1]["epoch"] == 3 and "modes_captured" in run.history[-1]
    assert run.epochs_planned == 3 and run.metrics["epochs_trained"] == 3
    assert len(run.batch_loss) > batches  # the same callbacks as training: batch losses and history rows
    assert run.history[-1]["seconds"] > run.history[-2]["seconds"]
    with pytest.raises(ValueError, match="no step 'jump'"):
        job.step("jump")


def game(n=40, d_real=0.5, d_fake=0.5, **columns):
    """A synthetic GAN history of `n` epochs."""
    rows = [{"loss": 2.0, "d_loss": 1.38, "g_loss": 0.7, "d_real": d_real, "d_fake": d_fake} for _ in range(n)]
    for key, values in columns.items():
        for row, value in zip(rows, values):
            row[key] = value
    return rows


def test_gan_diagnosis_names_each_failure_and_the_balanced_game():
    from lab.diagnosis import diagnose_history

    assert diagnose_history(game())["labels"] == ["balanced"]
    wins = diagnose_history(game(d_real=0.97, d_fake=0.02, g_grad_norm=[1.0] * 10 + [0.001] * 30))
    assert wins["labels"] == ["discriminator_wins"] and "0.001" in wins["findings"][0]["evidence"]
    collapsed = diagnose_history(game(modes_captured=[8] * 20 + [2] * 20))
    assert collapsed["labels"] == ["mode_collapse"] and "8 modes at epoch 1" in collapsed["findings"][0]["evidence"]
    assert diagnose_history(game(spread=[0.05] * 40))["labels"] == ["mode_collapse"]
    on_two_modes = diagnose_history(
        game(modes_captured=[2] * 40, modes_total=[8] * 40, high_quality_fraction=[0.9] * 40)
    )
    assert (
        on_two_modes["labels"] == ["mode_collapse"]
        and "only 2 of the 8 modes" in on_two_modes["findings"][0]["evidence"]
    )
    assert diagnose_history(game(modes_captured=[8] * 40, modes_total=[8] * 40, high_quality_fraction=[0.9] * 40))[
        "labels"
    ] == ["balanced"]
    swinging = diagnose_history(game(high_quality_fraction=[0.9, 0.9, 0.3, 0.3] * 10))
    assert swinging["labels"] == ["oscillation"]
    steady = diagnose_history(game(high_quality_fraction=list(np.linspace(0.5, 0.95, 40))))
    assert steady["labels"] == ["balanced"]
    assert diagnose_history(game(n=3))["too_early"]
    assert diagnose_history(game(d_real=[0.5, float("nan")] + [0.5] * 38, d_loss=[1.0, float("nan")]))["labels"] == [
        "diverged"
    ]


def test_a_balanced_game_is_judged_against_the_equilibrium_label_smoothing_moves():
    from lab.diagnosis import diagnose_history
    from lab.labs.gan.config import GANConfig

    settled = game(d_real=0.26, d_fake=0.24)  # around s/2 = 0.25 with label smoothing 0.5
    assert diagnose_history(settled)["labels"] != ["balanced"]
    found = diagnose_history(settled, config=GANConfig(label_smoothing=0.5))
    assert found["labels"] == ["balanced"] and "near 0.25" in found["findings"][0]["evidence"]


def history_run(config, n=6):
    """A stand-in for a finished `Run` with `n` epochs of a synthetic game: what the chart builders read."""
    frame = pd.DataFrame(game(n)).assign(epoch=np.arange(1, n + 1))
    return types.SimpleNamespace(config=config, history_frame=lambda: frame)


def rules(chart):
    """`(value, label)` of each dashed reference line of a `history_lines` chart."""
    frame = chart.layer[1].data
    return list(zip(frame["y"], frame["text"]))


@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@pytest.mark.parametrize("loss", ["non_saturating", "minimax", "least_squares"])
def test_equilibrium_is_where_the_models_own_losses_settle(loss, smoothing):
    from models.gan import build_gan

    model = build_gan(TINY.replace(loss=loss, label_smoothing=smoothing))
    eq = equilibrium(loss, smoothing)
    # G draws the real data, so D gives real and generated points one and the same answer; find D's best one.
    answers = np.linspace(0.005, 0.995, 199)
    outputs = answers if loss == "least_squares" else np.log(answers / (1 - answers))  # scores or logits

    def d_loss(out):
        out = tf.fill((8, 1), float(out))
        return float(model._d_objective(out, out))

    losses = [d_loss(out) for out in outputs]
    assert answers[int(np.argmin(losses))] == pytest.approx(eq["d"], abs=0.005)
    assert eq["d"] == pytest.approx((1 - smoothing) / 2)
    best = eq["d"] if loss == "least_squares" else np.log(eq["d"] / (1 - eq["d"]))
    assert d_loss(best) == pytest.approx(eq["d_loss"], rel=1e-5) and d_loss(best) <= min(losses) + 1e-7
    assert float(model._g_objective(tf.fill((8, 1), float(best)))) == pytest.approx(eq["g_loss"], rel=1e-5)


def test_loss_chart_lines_and_caption_follow_the_loss_and_the_smoothing():
    non_saturating = rules(losses_chart(history_run(TINY)))
    minimax = rules(losses_chart(history_run(TINY.replace(loss="minimax"))))
    ln2 = np.log(2)
    assert non_saturating == [
        (pytest.approx(2 * ln2), "D at equilibrium: 1.386"),
        (pytest.approx(ln2), "G at equilibrium: 0.693"),
    ]
    assert minimax == [
        (pytest.approx(2 * ln2), "D at equilibrium: 1.386"),
        (pytest.approx(-ln2), "G at equilibrium: −0.693"),
    ]
    assert "−ln 0.5 ≈ 0.693" in equilibrium_caption("non_saturating")
    assert "ln(1 − 0.5) ≈ −0.693" in equilibrium_caption("minimax")
    smoothed = TINY.replace(label_smoothing=0.2)
    (d_line, d_text), (g_line, g_text) = rules(losses_chart(history_run(smoothed)))
    assert d_line == pytest.approx(-0.8 * np.log(0.4) - 1.2 * np.log(0.6)) and d_text == "D at equilibrium: 1.346"
    assert g_line == pytest.approx(-np.log(0.4)) and g_text == "G at equilibrium: 0.916"
    assert rules(d_means_chart(history_run(smoothed))) == [(pytest.approx(0.4), "equilibrium 0.4")]
    assert rules(d_means_chart(history_run(TINY))) == [(0.5, "equilibrium 0.5")]
    caption = equilibrium_caption("minimax", 0.2)
    assert "D answers 0.4 everywhere" in caption and "ln(1 − 0.4) ≈ −0.511" in caption and "2 ln 2" not in caption
    least_squares = rules(losses_chart(history_run(TINY.replace(loss="least_squares"))))
    assert least_squares == [(0.25, "D at equilibrium: 0.250"), (0.125, "G at equilibrium: 0.125")]


def test_collapse_advice_rebalances_the_game_as_the_gallery_fix_does():
    from lab.diagnosis import diagnose_history
    from lab.labs.gan.gallery import ENTRIES

    advice = diagnose_history(game(modes_captured=[8] * 20 + [2] * 20))["findings"][0]["advice"]
    assert "Rebalance D and G" in advice and "equal learning rates and one D step per G step" in advice
    assert "smaller generator learning rate" not in advice and "wider generator" not in advice
    entry = next(e for e in ENTRIES if e.label == "mode_collapse")
    fixed = GANConfig(**{k: type(getattr(TINY, k))(v) for k, v in {**entry.settings, **entry.fix}.items()})
    assert fixed.d_learning_rate == fixed.g_learning_rate and fixed.d_steps == 1  # what the advice says


def test_generator_help_names_the_output_layer_of_points_and_digits():
    from models.gan import build_gan

    field = next(f for f in dataclasses.fields(GANConfig) if f.name == "g_activation")
    text = field.metadata["spec"].help
    assert "linear for points" in text and "tanh for digits" in text
    points = build_gan(TINY).generator.layers[-1].activation
    digits = build_gan(TINY.replace(dataset="mnist5k"), n_features=784, image=True).generator.layers[-1].activation
    assert points.__name__ == "linear" and digits.__name__ == "tanh"


def test_saturation_figure_is_computed_from_the_measured_gradients():
    ratio = views.G_GRADIENT["non_saturating"] / views.G_GRADIENT["minimax"]
    assert views.SATURATION == ratio and f"about {ratio:.0f} times smaller" in views.INTRO
    assert "10-20" not in views.INTRO


def test_annealed_rates_hold_then_fall_to_a_tenth_and_a_live_change_moves_the_schedule(tmp_path):
    import keras

    from models.gan import HoldThenDecay

    schedule = HoldThenDecay(1e-3, total_steps=100)
    rates = [float(schedule(step)) for step in (0, 50, 75, 100, 400)]
    assert rates == pytest.approx([1e-3, 1e-3, 5.5e-4, 1e-4, 1e-4])
    config = TINY.replace(epochs=4)  # 256 points in batches of 64: 16 generator updates
    run = TrainingJob(GAN_LAB, config, load_gan_data(config), queue=JobQueue(max_jobs=1)).start().wait(120)
    assert run.status == "completed"
    assert run.history[0]["learning_rate"] == pytest.approx(config.g_learning_rate)  # held in the first half
    assert run.history[-1]["learning_rate"] == pytest.approx(config.g_learning_rate / 10)  # a tenth at the end
    constant = TrainingJob(GAN_LAB, config.replace(lr_schedule="constant"), load_gan_data(config), queue=JobQueue(1))
    assert constant.start().wait(120).history[-1]["learning_rate"] == pytest.approx(config.g_learning_rate)
    setup = gan_lab.build(config, load_gan_data(config))
    setup.live["g_learning_rate"](0.004)  # the page's live control: the schedule now starts from 0.004
    assert float(setup.model.g_optimizer.learning_rate) == pytest.approx(0.004)
    path = tmp_path / "gan.keras"
    setup.model.save(path)  # an annealed GAN saves and loads
    assert keras.saving.load_model(path).generator.output_shape == (None, 2)
