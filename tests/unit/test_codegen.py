"""The exported Keras script: standalone, same data as the lab, same losses as the engine."""

import ast
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from lab.codegen import mlp_script, optimizer_code
from lab.configs.mlp import DATASETS, OPTIMIZERS, MLPConfig
from lab.data import load_mlp_data
from lab.registry import get_lab
from lab.training import TrainingJob
from models.mlp import choose_head, encode_targets
from models.optimizers import make_optimizer

ALLOWED_IMPORTS = {"numpy", "sklearn", "keras", "pandas"}


def start_script(source, folder):
    """Starts a script in a fresh interpreter that cannot import the lab."""
    path = folder / "script.py"
    path.write_text(source)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(TF_CPP_MIN_LOG_LEVEL="2", PYTHONHASHSEED="0")
    return subprocess.Popen([sys.executable, str(path)], cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def final_losses(process):
    """The losses of the script's final line `final_loss=... final_val_loss=...`."""
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr[-3000:]
    last = stdout.strip().splitlines()[-1]
    assert last.startswith("final_loss="), last
    return {key: float(value) for key, value in (pair.split("=") for pair in last.split())}


@pytest.mark.parametrize(
    "changes",
    [
        {"epochs": 5},
        {"dataset": "sine", "n_samples": 300, "activations": ("tanh",), "optimizer": "sgd", "learning_rate": 0.05,
         "dropout": 0.2, "l2": 0.001, "epochs": 5},
    ],
    ids=["moons", "sine-tanh-sgd-dropout"],
)
def test_script_reproduces_the_engines_losses(changes, tmp_path):
    config = MLPConfig(**changes)
    process = start_script(mlp_script(config), tmp_path)  # runs beside the engine
    lab = get_lab("mlp")
    run = TrainingJob(lab, config, lab.load_data(config)).start().wait(300)
    assert run.status == "completed", run.message
    script = final_losses(process)
    # Same data, seed point, layers and fit: the losses agree to float precision (they
    # are bit-identical on CPU), far tighter than two differently seeded runs would be.
    assert script["final_loss"] == pytest.approx(run.history[-1]["loss"], rel=1e-6)
    assert script["final_val_loss"] == pytest.approx(run.history[-1]["val_loss"], rel=1e-6)


def csv_file(folder, classes):
    rng = np.random.default_rng(0)
    rows = ["a,b,target"] + [
        f"{x:.3f},{y:.3f},{('yes' if x > y else 'no') if classes else f'{2 * x + y:.4f}'}"
        for x, y in rng.normal(size=(80, 2))
    ]
    path = folder / "data.csv"
    path.write_text("\n".join(rows))
    return str(path)


CASES = [(name, None) for name in DATASETS if name != "csv"] + [("csv", True), ("csv", False)]


@pytest.mark.parametrize("name, classes", CASES, ids=[f"{n}-{'classes' if c else 'values'}" if n == "csv" else n for n, c in CASES])
def test_script_is_standalone_and_builds_the_labs_data(name, classes, tmp_path):
    extra = {"csv_path": csv_file(tmp_path, classes)} if name == "csv" else {}
    config = MLPConfig(dataset=name, n_samples=120, seed=7, **extra)
    source = mlp_script(config)
    compile(source, "x", "exec")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    assert imported <= ALLOWED_IMPORTS and ("pandas" in imported) == (name == "csv")

    # Run the script up to the model (setup, hyperparameters, data) and compare with the lab.
    namespace = {}
    exec(compile(source.split('"""\n## The model')[0], "script", "exec"), namespace)
    data = load_mlp_data(config)
    head = choose_head(data.task, data.n_classes, config.loss, config.output_activation)
    assert (namespace["OUTPUT_UNITS"], namespace["OUTPUT_ACTIVATION"], namespace["LOSS"]) == (head.units, head.activation, head.loss)
    for split in ("train", "val"):
        np.testing.assert_array_equal(namespace[f"x_{split}"], getattr(data, f"x_{split}"))
        np.testing.assert_array_equal(namespace[f"y_{split}"], encode_targets(getattr(data, f"y_{split}"), head, data.n_classes))


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizer_code_builds_the_labs_optimizer(name):
    ours = eval(optimizer_code(name), {"keras": keras, "LEARNING_RATE": 0.01}).get_config()
    theirs = make_optimizer(name, 0.01).get_config()
    assert {**ours, "name": None} == {**theirs, "name": None}  # names differ by a counter


def test_settings_appear_as_named_values():
    config = MLPConfig(dataset="spirals", hidden_units=(8, 4), activations=("tanh", "relu"), l1=0.001, dropout=0.1,
                       loss="mse", learning_rate=0.02, optimizer="momentum")
    source = mlp_script(config)
    for line in ['HIDDEN_UNITS = [8, 4]', 'ACTIVATIONS = ["tanh", "relu"]', "L1 = 0.001", "DROPOUT = 0.1",
                 "LEARNING_RATE = 0.02", 'LOSS = "mse"', "OUTPUT_UNITS = 2", "momentum=0.9", "# Note: mse is a regression loss",
                 "def make_spirals(n, noise, rng):"]:
        assert line in source
    assert "keras.utils.set_random_seed(SEED)" in source.split("keras.layers.Normalization")[0].split("train_test_split(\n")[-1]
