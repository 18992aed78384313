"""The MLP builder: parameter counts, heads, and the loss / last-layer table."""

import keras
import numpy as np
import pytest

from lab.labs.mlp.config import MLPConfig
from models.mlp import build_mlp, encode_targets
from models.mlp_plan import choose_head, count_parameters


@pytest.mark.parametrize(
    "hidden, n_in, n_out, expected",
    [
        ((), 2, 1, 3),
        ((32, 32), 2, 1, 2 * 32 + 32 + 32 * 32 + 32 + 32 + 1),
        ((64,), 64, 10, 64 * 64 + 64 + 64 * 10 + 10),
    ],
)
def test_parameter_count_formula_matches_keras(hidden, n_in, n_out, expected):
    assert count_parameters(n_in, hidden, n_out) == expected
    head = choose_head("multiclass" if n_out > 1 else "binary", max(n_out, 2))
    model = build_mlp(MLPConfig(hidden_units=hidden), np.zeros((4, n_in), "float32"), head)
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert trainable == expected


def test_saved_model_takes_raw_inputs(tmp_path):
    x = np.random.default_rng(0).normal(100.0, 30.0, size=(64, 3)).astype("float32")
    head = choose_head("binary", 2)
    model = build_mlp(MLPConfig(hidden_units=(4,)), x, head)
    assert model.layers[1].name == "normalize"
    path = tmp_path / "m.keras"
    model.save(path)
    again = keras.saving.load_model(path)
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5)


@pytest.mark.parametrize(
    "task, n, loss, act, units, resolved_loss, resolved_act",
    [
        ("binary", 2, "auto", "auto", 1, "binary_crossentropy", "sigmoid"),
        ("multiclass", 3, "auto", "auto", 3, "categorical_crossentropy", "softmax"),
        ("regression", 0, "auto", "auto", 1, "mse", "linear"),
        ("binary", 2, "categorical_crossentropy", "auto", 2, "categorical_crossentropy", "softmax"),
        ("multiclass", 4, "kl_divergence", "auto", 4, "kl_divergence", "softmax"),
    ],
)
def test_auto_choices_follow_the_table(task, n, loss, act, units, resolved_loss, resolved_act):
    head = choose_head(task, n, loss, act)
    assert (head.units, head.loss, head.activation, head.warnings) == (units, resolved_loss, resolved_act, ())


@pytest.mark.parametrize(
    "task, loss, act, words",
    [
        ("binary", "binary_crossentropy", "linear", "binary_crossentropy with a linear last layer is a mismatch"),
        ("multiclass", "categorical_crossentropy", "sigmoid", "The suited last layer is softmax"),
        ("regression", "mse", "sigmoid", "mse with a sigmoid last layer is a mismatch"),
        ("regression", "binary_crossentropy", "auto", "classification loss, but this is a regression task"),
        ("multiclass", "mse", "auto", "regression loss used on class labels"),
        ("binary", "binary_crossentropy", "softmax", "softmax over a single output is always 1"),
    ],
)
def test_mismatches_are_explained_not_fixed(task, loss, act, words):
    head = choose_head(task, 3 if task == "multiclass" else 2, loss, act)
    assert any(words in w for w in head.warnings), head.warnings
    assert head.loss == loss and (act == "auto" or head.activation == act)


def test_targets_encoding():
    y = np.array([0, 2, 1])
    one_hot = encode_targets(y, choose_head("multiclass", 3), 3)
    np.testing.assert_array_equal(one_hot, np.eye(3)[y])
    binary = encode_targets(np.array([0, 1]), choose_head("binary", 2), 2)
    assert binary.shape == (2, 1)


def test_the_pages_cheat_sheet_says_what_the_builder_does():
    from lab.labs.mlp.views import LOSS_TABLE
    from models.mlp_plan import SUITED_ACTIVATION

    shown = {loss.strip(): activation for losses, _, activation, _ in LOSS_TABLE for loss in losses.split(",")}
    assert shown == SUITED_ACTIVATION
