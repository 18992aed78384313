"""RNN lab: the lecture's worked example, numpy cells against Keras, data, config, a tiny run, CLI, codegen."""

import json
import subprocess
import sys

import numpy as np
import pytest

from lab.cli import main
from lab.labs.rnn import LAB as RNN_LAB
from lab.labs.rnn import setup as rnn_lab
from lab.labs.rnn.config import RNNConfig
from lab.labs.rnn.data import (
    ADDING_BASELINE,
    COPY_LENGTH,
    SEATTLE_CLASSES,
    load_seattle_weather,
    load_temperature,
    make_adding,
    make_copy,
    make_weather_toy,
)
from lab.labs.rnn.data import (
    load as load_sequence_data,
)
from lab.labs.rnn.views import RADII, cell_sizes, dynamics_words
from lab.labs.rnn.worked_example import (
    LECTURE,
    lstm_run,
    readout,
    recurrent_params,
    rnn_steps,
    state_dynamics,
)
from lab.training import JobQueue, TrainingJob

TINY = RNNConfig(task="adding", seq_len=12, n_sequences=400, units=8, epochs=2, batch_size=32)


def lecture_steps():
    return rnn_steps(LECTURE["W_xh"], LECTURE["W_hh"], LECTURE["W_hy"], LECTURE["b"], LECTURE["h_1"], LECTURE["inputs"])


def test_worked_example_matches_every_lecture_number():
    h1 = readout(LECTURE["W_hy"], LECTURE["h_1"])  # the slide's first column: the given state's prediction
    np.testing.assert_array_equal(np.round(h1["y"], 4), [0.5017, 0.3032, 0.2126, 0.2107])
    np.testing.assert_array_equal(np.round(h1["softmax"], 4), [0.3015, 0.2472, 0.2258, 0.2254])
    h2, h3, h4 = lecture_steps()
    np.testing.assert_array_equal(np.round(h2["h"], 4), [0.7166, 0.9363, 0.9070])
    np.testing.assert_array_equal(np.round(h2["y"], 4), [1.9261, 1.1312, 0.9358, 1.0787])
    np.testing.assert_array_equal(np.round(h2["softmax"], 4), [0.4441, 0.2006, 0.1650, 0.1903])
    np.testing.assert_array_equal(np.round(h3["h"], 4), [0.9540, 0.9807, 0.9564])
    np.testing.assert_array_equal(np.round(h4["h"], 4), [0.9370, 0.9793, 0.9876])
    np.testing.assert_array_equal(np.round(h4["softmax"], 4), [0.4456, 0.1934, 0.1632, 0.1978])
    assert np.argmax(h4["softmax"]) == 0  # untrained, it predicts S instead of T


def test_keras_simple_rnn_with_transposed_weights_gives_the_same_states():
    import keras

    layer = keras.layers.SimpleRNN(3, return_sequences=True)
    x = np.eye(4, dtype="float32")[[[0, 1, 2]]]
    layer(x)  # builds the weights
    layer.set_weights([LECTURE["W_xh"].T, LECTURE["W_hh"].T, LECTURE["b"]])
    h = np.asarray(layer(x, initial_state=[LECTURE["h_1"][None].astype("float32")]))[0]
    np.testing.assert_allclose(h, [s["h"] for s in lecture_steps()], atol=1e-5)


def test_numpy_lstm_matches_keras_lstm():
    import keras

    layer = keras.layers.LSTM(5, return_sequences=True)
    x = np.random.default_rng(0).normal(size=(1, 7, 3)).astype("float32")
    expected = np.asarray(layer(x))[0]
    kernel, recurrent, bias = layer.get_weights()
    steps = lstm_run(kernel.T, recurrent.T, bias, np.zeros(5), np.zeros(5), x[0])
    np.testing.assert_allclose([s["h"] for s in steps], expected, atol=1e-5)
    assert all(np.all((s["f"] > 0) & (s["f"] < 1)) for s in steps)


@pytest.mark.parametrize("units, n_features", [(3, 4), (64, 2), (16, 9)])
def test_recurrent_params_are_keras_counts_and_an_lstm_has_four_times_a_simple_rnn(units, n_features):
    import keras

    x = np.zeros((1, 5, n_features), dtype="float32")
    counted = {}
    for cell, layer in (
        ("simple_rnn", keras.layers.SimpleRNN(units)),
        ("lstm", keras.layers.LSTM(units)),
        ("gru", keras.layers.GRU(units)),
    ):
        layer(x)  # builds the weights
        counted[cell] = layer.count_params()
        assert recurrent_params(cell, units, n_features) == counted[cell]
    assert counted["lstm"] / counted["simple_rnn"] == 4
    text = cell_sizes(units, n_features)
    assert f"{counted['simple_rnn']:,} weights as a SimpleRNN" in text
    assert f"{counted['lstm']:,} as an LSTM (4.0×)" in text and f"{counted['gru']:,} as a GRU" in text


def test_dynamics_words_depend_on_the_activation_and_match_the_dynamics():
    sigmoid, tanh, relu = (dynamics_words(a, 0.9) for a in ("sigmoid", "tanh", "relu"))
    assert sigmoid != tanh and "radius/4" in sigmoid and "σ(0) = ½" in sigmoid and "0.225 here" in sigmoid
    assert "die out like radiusᵗ" in tanh and "follow radiusᵗ" in relu and "radius/4" not in tanh
    for radius in RADII:  # what the sigmoid sentence claims
        dyn = state_dynamics(radius, "sigmoid", 60)
        assert min(dyn["h_norm"][1:]) > 1  # the state settles away from 0 (each unit above ½)
        per_step = dyn["gradient_norm"][-1] / dyn["gradient_norm"][-2]
        assert per_step <= radius / 4 < radius


def test_adding_copy_and_toy_data():
    rng = np.random.default_rng(0)
    x, y = make_adding(4000, 50, rng)
    assert x.shape == (4000, 50, 2) and y.shape == (4000, 1)
    assert np.all(x[:, :, 1].sum(axis=1) == 2)
    np.testing.assert_allclose((x[:, :, 0] * x[:, :, 1]).sum(axis=1), y[:, 0], rtol=1e-6)
    assert abs(np.mean((y - 1) ** 2) - ADDING_BASELINE) < 0.01  # predicting 1 scores about 1/6
    x, y = make_copy(10, 20, rng)
    assert x.shape == (10, 20, 8) and y.shape == (10, COPY_LENGTH)
    np.testing.assert_array_equal(x[:, :COPY_LENGTH].argmax(-1), y)
    assert x[:, COPY_LENGTH:].sum() == 0
    x, y = make_weather_toy(3000, rng)
    after_scr = np.all(x.argmax(-1) == [0, 1, 2], axis=1)
    assert np.mean(y[after_scr] == 3) > 0.8  # T follows S, C, R


def test_seattle_and_temperature_windows_and_baselines():
    data = load_seattle_weather(days=7, val_split=0.2)
    assert data.x_train.shape[1:] == (7, 4 + len(SEATTLE_CLASSES))
    assert len(data.x_train) + len(data.x_val) == 1461 - 7
    assert 0.3 < data.baseline["value"] < 0.8 and data.baseline["name"] == "majority class"
    temps = load_temperature(window=24, horizon=1, val_split=0.2)
    assert temps.x_train.shape[1:] == (24, 3) and len(temps.x_train) + len(temps.x_val) == 8759 - 24
    # the persistence forecast is the last temperature in the window, one hour before the target
    np.testing.assert_allclose(temps.extra["persistence"][1:], temps.y_val[:-1, 0])
    assert 0.2 < temps.baseline["value"] < 1.5


def test_invalid_settings_say_what_is_wrong():
    with pytest.raises(ValueError, match="seq_len must be at least 6"):
        RNNConfig(task="copy", seq_len=5)
    with pytest.raises(ValueError, match="batch_size"):
        RNNConfig(n_sequences=200, batch_size=512)
    with pytest.raises(ValueError, match="cell must be one of"):
        RNNConfig(cell="transformer")


@pytest.mark.parametrize("cell", ["simple_rnn", "lstm", "gru"])
def test_unroll_matches_the_model_and_gives_a_gradient_per_step(cell):
    from models.rnn import unroll

    data = load_sequence_data(TINY)
    model = rnn_lab.make_model(TINY.replace(cell=cell), data)
    out = unroll(model, data.x_val[:4], data.y_val[:4])
    np.testing.assert_allclose(out["output"], np.asarray(model(data.x_val[:4])), atol=1e-5)
    assert out["grad_h"].shape == (4, TINY.seq_len, TINY.units)
    norms = np.linalg.norm(out["grad_h"], axis=-1).mean(axis=0)
    assert np.all(norms > 0)  # every step, not only the last, reaches the loss


def test_state_dynamics_follow_the_spectral_radius():
    grow, shrink = state_dynamics(1.1, "relu", 50), state_dynamics(0.9, "relu", 50)
    assert grow["h_norm"][-1] == pytest.approx(1.1**50, rel=0.2)
    assert shrink["h_norm"][-1] == pytest.approx(0.9**50, rel=0.2)
    assert state_dynamics(1.1, "tanh", 50)["h_norm"][-1] < 4  # tanh saturates: at most sqrt(16)
    assert state_dynamics(1.1, "sigmoid", 50)["gradient_norm"][-1] < 1e-10  # slope <= 1/4 kills it


def test_tiny_run_learns_and_reports_baseline_and_views():
    config = TINY.replace(cell="lstm", epochs=3, learning_rate=0.01)
    run = (
        TrainingJob(RNN_LAB, config, load_sequence_data(config), number=1, queue=JobQueue(max_jobs=4)).start().wait(120)
    )
    assert run.status == "completed" and len(run.history) == 3
    assert run.history[-1]["loss"] < run.history[0]["loss"]
    assert run.metrics["baseline_mse"] == pytest.approx(1 / 6, abs=0.05) and "val_mse" in run.metrics
    snap = run.snapshot
    assert len(snap["grad_h"]) == config.seq_len and len(snap["gates"]["f"]) == config.seq_len
    assert len(snap["gates"]["marked"]) == 2 and len(snap["task"]["prediction"]) > 0


def test_toy_starts_from_the_lecture_weights_and_learns_t_after_s_c_r():
    config = RNNConfig(
        task="weather_toy", cell="simple_rnn", units=3, n_sequences=1000, epochs=8, learning_rate=0.01, batch_size=32
    )
    run = TrainingJob(RNN_LAB, config, load_sequence_data(config), queue=JobQueue(max_jobs=4)).start().wait(120)
    before, after = run.first_snapshot["task"]["probabilities"], run.snapshot["task"]["probabilities"]
    assert np.argmax(before) == 0  # S, as in the lecture
    assert np.argmax(after) == 3 and after[3] > 0.6  # T
    assert run.metrics["val_accuracy"] > run.metrics["baseline_accuracy"]


def test_cli_reports_temperature_against_persistence(tmp_path):
    out = tmp_path / "out.json"
    code = main(
        [
            "run",
            "rnn",
            "--set",
            "task=temperature",
            "--set",
            "window=6",
            "--set",
            "units=4",
            "--set",
            "epochs=1",
            "--set",
            "batch_size=256",
            "--quiet",
            "--json",
            str(out),
        ]
    )
    assert code == 0
    metrics = json.loads(out.read_text())["metrics"]
    assert {"val_mae", "persistence_mae", "val_loss"} <= set(metrics)
    assert main(["run", "rnn", "--set", "task=copy", "--set", "seq_len=3"]) == 2


def test_generated_script_reproduces_the_run(tmp_path):
    from lab.labs.rnn.codegen import script as rnn_script

    config = TINY.replace(cell="gru")
    path = tmp_path / "rnn_script.py"
    path.write_text(rnn_script(config))
    result = subprocess.run(
        [sys.executable, str(path)], check=False, capture_output=True, text=True, timeout=180, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-2000:]
    line = [text for text in result.stdout.splitlines() if text.startswith("final_loss=")][-1]
    loss = float(line.split()[0].split("=")[1])
    run = TrainingJob(RNN_LAB, config, load_sequence_data(config), queue=JobQueue(max_jobs=4)).start().wait(120)
    assert loss == pytest.approx(run.history[-1]["loss"], rel=1e-4)


def test_clip_norm_reaches_the_optimizer_and_zero_switches_it_off():
    from models.rnn import optimizer_with_clipping

    assert optimizer_with_clipping("adam", 1e-3, 1.0).clipnorm == 1.0
    assert optimizer_with_clipping("momentum", 1e-3, 0.0).clipnorm is None
