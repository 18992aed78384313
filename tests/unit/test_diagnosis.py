"""Tests for `lab.diagnosis`: synthetic loss curves for every label, and history files."""

import json

import numpy as np
import pytest

from lab.diagnosis import LABELS, diagnose, diagnose_history, diagnose_run
from lab.history_files import load_history
from lab.registry import get_lab
from lab.runs import Run

EPOCHS = 40
T = np.arange(EPOCHS)


def decay(tau, start=2.0, floor=0.3, noise=0.0, seed=0, epochs=EPOCHS):
    """Exponential decay from `start` to `floor`, with multiplicative Gaussian noise."""
    rng = np.random.default_rng(seed)
    clean = floor + (start - floor) * np.exp(-np.arange(epochs) / tau)
    return clean * (1 + noise * rng.standard_normal(epochs))


def finding(result, label):
    """The finding for `label` in a diagnosis."""
    return next(f for f in result["findings"] if f["label"] == label)


V_SHAPED_VAL = 0.5 + 0.02 * np.abs(T - 15)  # minimum at index 15, i.e. epoch 16
CURVES = {
    "healthy": {"loss": decay(5, noise=0.02), "val_loss": decay(5, floor=0.35, noise=0.03, seed=1)},
    "still_learning": {"loss": decay(40, noise=0.01)},
    "overfitting": {"loss": decay(8, floor=0.05), "val_loss": V_SHAPED_VAL},
    "lr_too_high": {"loss": decay(8) * (1 + 0.3 * (-1.0) ** T)},
    "diverged": {"loss": [*decay(5)[:6], float("nan")]},
    "lr_too_low": {"loss": 1.0 - 0.001 * T},
    "val_below_train": {"loss": decay(5, floor=0.4), "val_loss": 0.8 * decay(5, floor=0.4)},
}


def test_every_label_has_a_curve():
    assert set(CURVES) == set(LABELS)


@pytest.mark.parametrize("label", sorted(CURVES))
def test_each_curve_gets_its_label_with_numbers_and_advice(label):
    result = diagnose(**CURVES[label])
    assert label in result["labels"]
    assert set(result["labels"]) <= set(LABELS)
    assert [f["label"] for f in result["findings"]] == result["labels"]
    found = finding(result, label)
    assert any(ch.isdigit() for ch in found["evidence"])
    assert found["advice"] and "\n" not in found["advice"]
    assert result["summary"].endswith(".") and not result["too_early"]
    json.dumps(result)  # the CLI prints it as JSON


def test_healthy_curve_is_only_healthy():
    result = diagnose(**CURVES["healthy"])
    assert result["labels"] == ["healthy"]
    assert "healthy" in result["summary"]
    assert "fell 85%" in result["findings"][0]["evidence"]


@pytest.mark.parametrize("epochs", [10, 40, 100])
@pytest.mark.parametrize("seed", range(15))
def test_noisy_healthy_curves_are_not_flagged(seed, epochs):
    loss = decay(epochs / 8, noise=0.05, seed=seed, epochs=epochs)
    val = decay(epochs / 8, floor=0.35, noise=0.075, seed=seed + 100, epochs=epochs)
    assert diagnose(loss, val)["labels"] == ["healthy"]


def test_still_falling_curve_asks_for_more_epochs():
    result = diagnose(**CURVES["still_learning"])
    assert result["labels"] == ["still_learning"]
    assert "last 8 epochs" in result["findings"][0]["evidence"]
    assert "more epochs" in result["findings"][0]["advice"]
    assert result["summary"] == "The loss is still falling: train longer."


def test_partial_live_history_says_training_is_in_progress():
    result = diagnose(decay(40)[:10], epochs_planned=100)
    assert result["labels"] == ["still_learning"]
    assert result["summary"].startswith("Training in progress (epoch 10 of 100): ")
    assert "90 epochs to go" in result["findings"][0]["advice"]


def test_finished_history_is_not_in_progress():
    result = diagnose(CURVES["healthy"]["loss"], epochs_planned=EPOCHS)
    assert not result["summary"].startswith("Training in progress")


def test_overfitting_names_the_best_epoch():
    result = diagnose(**CURVES["overfitting"])
    assert result["labels"] == ["overfitting"]
    found = result["findings"][0]
    assert "minimum at epoch 16" in found["evidence"]
    assert "training loss fell" in found["evidence"]
    assert "epoch 16" in found["advice"]


def test_validation_rising_with_training_loss_is_not_overfitting():
    assert "overfitting" not in diagnose(0.5 + 0.01 * T, V_SHAPED_VAL)["labels"]


def test_small_validation_wobble_is_not_overfitting():
    val = 0.5 + 0.02 * np.abs(T - 30) / 10  # rises 4% from its minimum: below 10%
    assert "overfitting" not in diagnose(decay(8), val)["labels"]


def test_oscillation_means_learning_rate_too_high():
    result = diagnose(**CURVES["lr_too_high"])
    assert result["labels"][0] == "lr_too_high"
    assert "healthy" not in result["labels"] and "lr_too_low" not in result["labels"]
    assert "ReLU" in result["findings"][0]["advice"]
    assert "jumped up" in result["findings"][0]["evidence"]


def test_flat_oscillation_is_too_high_not_too_low():
    assert diagnose(1.0 + 0.3 * np.sin(np.pi / 2 * T))["labels"] == ["lr_too_high"]


def test_one_low_validation_epoch_does_not_fake_overfitting():
    loss, val = CURVES["healthy"]["loss"], CURVES["healthy"]["val_loss"].copy()
    val[25] *= 0.6  # a lucky epoch: the moving median ignores it
    assert diagnose(loss, val)["labels"] == ["healthy"]


def test_repeated_spikes_mean_learning_rate_too_high_but_one_does_not():
    spiky = decay(8)
    spiky[10::6] *= 1.8
    assert "lr_too_high" in diagnose(spiky)["labels"]
    one = decay(8)
    one[20] *= 1.8
    assert diagnose(one)["labels"] == ["healthy"]


def test_flat_noisy_loss_is_too_low_not_too_high():
    flat = 1.0 + 0.01 * np.random.default_rng(0).standard_normal(EPOCHS)
    assert diagnose(flat)["labels"] == ["lr_too_low"]


def test_slow_linear_decline_is_too_low():
    result = diagnose(**CURVES["lr_too_low"])
    assert result["labels"][0] == "lr_too_low"
    assert "healthy" not in result["labels"]
    assert "3.9%" in result["findings"][0]["evidence"]


def test_small_drop_that_already_flattened_is_not_too_low():
    assert "lr_too_low" not in diagnose(0.29 + 0.01 * np.exp(-T))["labels"]


def _batches(spikes, seed=0, count=2000):
    rng = np.random.default_rng(seed)
    batches = decay(250, epochs=count) * rng.lognormal(0.0, 0.3, count)
    batches[:: count // spikes] *= 6
    return batches


def test_batch_spikes_mean_learning_rate_too_high():
    result = diagnose(CURVES["healthy"]["loss"], batch_loss=_batches(spikes=200))
    assert result["labels"] == ["lr_too_high"]
    assert "batch losses spiked" in result["findings"][0]["evidence"]


def test_noisy_batches_without_spikes_are_fine():
    rng = np.random.default_rng(1)
    batches = decay(250, epochs=2000) * rng.lognormal(0.0, 0.3, 2000)
    assert diagnose(CURVES["healthy"]["loss"], batch_loss=batches)["labels"] == ["healthy"]
    # A few hard batches (2%, as small batches or dropout give) are not a learning-rate problem.
    assert diagnose(CURVES["healthy"]["loss"], batch_loss=_batches(spikes=40))["labels"] == ["healthy"]


@pytest.mark.parametrize(
    "kwargs, where",
    [
        ({"loss": [*decay(5)[:6], float("nan")]}, "nan at epoch 7"),
        ({"loss": [*decay(5)[:8], float("inf")]}, "inf at epoch 9"),
        ({"loss": 0.5 * 2.0 ** np.arange(8)}, "at epoch 8 (128x)"),
        ({"loss": decay(5), "batch_loss": [1.0, 0.9, 0.8, 0.7, float("nan")]}, "batch 5"),
    ],
)
def test_divergence_is_reported_with_where_it_happened(kwargs, where):
    result = diagnose(**kwargs)
    assert result["labels"] == ["diverged"]
    assert where in result["findings"][0]["evidence"]
    assert result["summary"] == "The run diverged."


@pytest.mark.parametrize("loss", [[], [1.0], [1.0, 0.8, 0.7, 0.65]])
def test_too_early_to_tell(loss):
    result = diagnose(loss, val_loss=loss)
    assert result["labels"] == [] and result["findings"] == []
    assert result["too_early"]
    assert result["summary"].startswith("Too early to tell")


def test_divergence_is_reported_even_when_too_early():
    result = diagnose([1.0, 0.9, float("inf")])
    assert result["labels"] == ["diverged"] and not result["too_early"]
    assert result["summary"] == "The run diverged."
    assert diagnose([0.5, 9.0])["labels"] == ["diverged"]


def test_five_epochs_are_enough():
    assert not diagnose([1.0, 0.8, 0.7, 0.65, 0.63])["too_early"]


def test_validation_below_training_accompanies_healthy():
    result = diagnose(**CURVES["val_below_train"])
    assert result["labels"] == ["healthy", "val_below_train"]
    found = finding(result, "val_below_train")
    assert "20 of the last 20 epochs" in found["evidence"] and "20% lower" in found["evidence"]
    assert "dropout" in found["advice"]
    assert "also: validation below training" in result["summary"]


@pytest.mark.parametrize(
    ("lab", "settings", "cause", "not_cause"),
    [
        ("mlp", {"dropout": 0.3}, "dropout 0.3 act only while training", "average over the epoch"),
        ("autoencoder", {"noise": 0.2}, "input noise 0.2 act only while training", "average over the epoch"),
        ("mlp", {"dropout": 0.0, "l1": 0.0, "l2": 0.0}, "average over the epoch", "dropout 0"),
        ("rnn", {}, "average over the epoch", "dropout or"),
        ("attention", {"dropout": 0.0}, "Nothing here acts only in training", "dropout 0"),
    ],
)
def test_validation_below_training_is_explained_by_the_runs_own_settings(lab, settings, cause, not_cause):
    config = get_lab(lab).config_cls(**settings)
    curves = CURVES["val_below_train"]
    history = [{"loss": a, "val_loss": b} for a, b in zip(curves["loss"], curves["val_loss"])]
    run = Run(lab=lab, config=config, history=history, epochs_planned=len(history))
    advice = finding(diagnose_run(run, finished=True), "val_below_train")["advice"]
    assert cause in advice and not_cause not in advice


def test_validation_below_training_from_a_file_names_both_causes():
    advice = finding(diagnose(**CURVES["val_below_train"]), "val_below_train")["advice"]
    assert "dropout" in advice and "average over the epoch" in advice


def test_overfitting_is_not_also_still_learning():
    # The training loss still falls, but "train longer" would be the wrong advice once validation climbs.
    result = diagnose(decay(40, start=1.0, floor=0.05), V_SHAPED_VAL)
    assert result["labels"] == ["overfitting"]
    assert result["summary"] == "The model is overfitting."


def test_diagnose_history_reads_keras_style_rows():
    loss, val = CURVES["overfitting"]["loss"], CURVES["overfitting"]["val_loss"]
    history = [{"epoch": i, "loss": a, "val_loss": b, "accuracy": 0.5} for i, (a, b) in enumerate(zip(loss, val))]
    assert diagnose_history(history) == diagnose(loss, val)


def test_diagnose_history_skips_missing_validation_epochs():
    loss = CURVES["val_below_train"]["loss"]
    history = [{"loss": a} if i % 2 else {"loss": a, "val_loss": 0.8 * a} for i, a in enumerate(loss)]
    assert diagnose_history(history)["labels"] == ["healthy", "val_below_train"]
    assert diagnose_history([{"loss": a} for a in loss])["labels"] == ["healthy"]


def test_diagnose_history_needs_loss():
    with pytest.raises(ValueError, match="needs a 'loss'"):
        diagnose_history([{"val_loss": 1.0}])


def test_load_history_csv(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("epoch,loss,val_loss,accuracy\n0,1.0,1.1,0.5\n1,0.5,,0.6\n2,0.4,0.45,0.7\n")
    history, batch_loss = load_history(path)
    assert batch_loss is None
    assert [row["loss"] for row in history] == [1.0, 0.5, 0.4]
    assert np.isnan(history[1]["val_loss"]) and history[2]["val_loss"] == 0.45
    assert set(history[0]) == {"loss", "val_loss"}


def test_load_history_json_round_trip(tmp_path):
    loss = [*decay(5)[:6]]
    path = tmp_path / "run.json"
    rows = [{"epoch": i, "loss": a, "lr": 0.01} for i, a in enumerate(loss)]
    rows.append({"epoch": 6, "loss": None})
    path.write_text(json.dumps({"config": {}, "history": rows, "batch_loss": [0.9, 0.8]}))
    history, batch_loss = load_history(str(path))
    assert batch_loss == [0.9, 0.8]
    assert [row["loss"] for row in history[:6]] == pytest.approx(loss)
    assert "val_loss" not in history[0]
    result = diagnose_history(history, batch_loss)  # null (NaN when saved) means divergence
    assert result["labels"] == ["diverged"] and "epoch 7" in result["findings"][0]["evidence"]


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("h.txt", "loss\n1\n", "must be a .csv or .json file"),
        ("h.csv", "", "is empty"),
        ("h.csv", "epoch,loss\n", "holds no epochs"),
        ("h.csv", "epoch,acc\n0,0.5\n", "has no 'loss' column"),
        ("h.csv", "epoch,loss\n0,1.0\n1,abc\n", "value 2 of 'loss' is 'abc'"),
        ("h.json", "{bad", "not valid JSON"),
        ("h.json", '{"metrics": {}}', 'no "history" list'),
        ("h.json", '{"history": []}', "holds no epochs"),
        ("h.json", '{"history": [{"loss": "x"}]}', "value 1 of 'loss' is 'x'"),
        ("h.json", '{"history": [{"loss": 1}], "batch_loss": 3}', "must be a list"),
        ("h.json", '{"history": [{"loss": 1}], "batch_loss": [1, "a"]}', "value 2 of 'batch_loss'"),
    ],
)
def test_load_history_rejects_bad_files(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ValueError, match=message.replace(".", r"\.").replace("(", r"\(")):
        load_history(path)


def test_load_history_rejects_a_missing_file(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        load_history(tmp_path / "missing.csv")


def test_batch_loss_that_explodes_within_the_first_epoch_is_diverged():
    result = diagnose([0.7], batch_loss=[0.74, 0.6, 3.0, 5.1e5])
    assert result["labels"] == ["diverged"]
    assert "batch loss grew from 0.74 at batch 1" in result["findings"][0]["evidence"]
