"""Configs: defaults are valid, every invalid value gets a sentence a student understands."""

import pytest

from lab.config import specs
from lab.labs.mlp.config import MLPConfig


def test_defaults_are_valid_and_round_trip_through_text():
    config = MLPConfig()
    assert config.to_strings() == {}
    changed = config.replace(hidden_units=(8, 4), activations=("tanh", "relu"), learning_rate=0.3)
    again = MLPConfig.from_strings(changed.to_strings())
    assert again == changed


@pytest.mark.parametrize(
    "values, words",
    [
        ({"epochs": "-5"}, "epochs must be between 1 and 2000; got -5"),
        ({"epochs": "ten"}, "epochs must be a whole number, not 'ten'"),
        ({"epochs": "2.5"}, "epochs must be a whole number"),
        ({"learning_rate": "0"}, "learning_rate must be between"),
        ({"learning_rate": "nan"}, "learning_rate must be a finite number"),
        ({"learning_rate": "inf"}, "learning_rate must be a finite number"),
        ({"batch_size": "0"}, "batch_size must be between 1 and 4096"),
        ({"dropout": "1.5"}, "dropout must be between 0 and 0.9"),
        ({"noise": "-1"}, "noise must be between 0 and 1"),
        ({"dataset": "mnist"}, "dataset must be one of moons"),
        ({"optimizer": "lbfgs"}, "optimizer must be one of sgd"),
        ({"loss": "hinge"}, "loss must be one of auto"),
        ({"hidden_units": "1,2,3,4,5,6,7,8,9"}, "hidden_units must be a comma-separated list of 0 to 8 items"),
        ({"hidden_units": "32,0"}, "each item of hidden_units must be between 1 and 512"),
        ({"hidden_units": "32,x"}, "hidden_units must be a whole number, not 'x'"),
        ({"activations": "relu,swish"}, "each item of activations must be one of relu"),
        (
            {"hidden_units": "8,8,8", "activations": "relu,tanh"},
            "activations has 2 entries but there are 3 hidden layers",
        ),
        ({"dataset": "csv"}, "dataset=csv needs a CSV file"),
        ({"colour": "red"}, "Unknown setting colour"),
    ],
)
def test_invalid_values_get_clear_messages(values, words):
    with pytest.raises(ValueError, match=None) as err:
        MLPConfig.from_strings(values)
    assert words in str(err.value)


def test_epoch_cap_from_environment(monkeypatch):
    monkeypatch.setenv("LAB_MAX_EPOCHS", "50")
    assert specs(MLPConfig)["epochs"].upper() == 50
    with pytest.raises(ValueError, match="between 1 and 50 on this server"):
        MLPConfig(epochs=51)
    MLPConfig(epochs=50)


def test_single_activation_applies_to_every_layer():
    config = MLPConfig(hidden_units=(4, 4, 4), activations=("tanh",))
    assert config.layer_activations == ("tanh", "tanh", "tanh")
    assert MLPConfig(hidden_units=(), activations=("relu",)).layer_activations == ()


def test_every_field_has_help_and_a_group():
    for name, spec in specs(MLPConfig).items():
        assert spec.help.endswith("."), name
        assert spec.group in ("Data", "Model", "Training"), name
