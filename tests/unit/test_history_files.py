"""Anyone's Keras logs in (CSVLogger, history.history, TensorBoard), and the diagnosis as a callback out."""

import json
import subprocess
import sys
import zipfile

import keras
import numpy as np
import pytest

from lab.callbacks import LossDiagnosis
from lab.cli import main
from lab.diagnosis import diagnose_history
from lab.history_files import load_history, read_history


def regression(seed=0, n=512):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x @ np.array([1.0, -2.0, 0.5, 3.0]) + 0.1 * rng.normal(size=n)).astype("float32")


def fitted_logs(folder, epochs=12):
    """A real `fit` logged three ways: CSVLogger, TensorBoard and the `history.history` JSON."""
    keras.utils.set_random_seed(0)
    x, y = regression()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.01), "mse")
    callbacks = [
        keras.callbacks.CSVLogger(str(folder / "log.csv")),
        keras.callbacks.TensorBoard(log_dir=str(folder / "tb"), write_graph=False),
    ]
    history = model.fit(x, y, validation_split=0.25, epochs=epochs, batch_size=32, verbose=0, callbacks=callbacks)
    (folder / "history.json").write_text(json.dumps(history.history))
    return history.history


def test_csvlogger_history_json_and_tensorboard_read_the_same_curve(tmp_path):
    keras_history = fitted_logs(tmp_path)
    csv, _ = load_history(tmp_path / "log.csv")
    hist, _ = load_history(tmp_path / "history.json")
    board, _ = load_history(tmp_path / "tb")
    assert len(csv) == len(hist) == len(board) == 12
    np.testing.assert_allclose([r["loss"] for r in csv], keras_history["loss"], rtol=1e-6)
    for other in (hist, board):
        for key in ("loss", "val_loss"):
            np.testing.assert_allclose([r[key] for r in other], [r[key] for r in csv], rtol=1e-6)
    labels = diagnose_history(csv)["labels"]
    assert labels and diagnose_history(hist)["labels"] == labels == diagnose_history(board)["labels"]


def test_the_cli_diagnoses_each_kind_and_a_zipped_log(tmp_path, capsys):
    fitted_logs(tmp_path, epochs=8)
    with zipfile.ZipFile(tmp_path / "tb.zip", "w") as archive:
        for path in (tmp_path / "tb").rglob("*"):
            archive.write(path, path.relative_to(tmp_path))
    found = []
    for name in ("log.csv", "history.json", "tb", "tb.zip"):
        assert main(["diagnose", str(tmp_path / name)]) == 0, name
        found.append(json.loads(capsys.readouterr().out)["labels"])
    assert found[1:] == found[:1] * 3
    assert main(["diagnose", str(tmp_path / "tb"), "--loss", "no_such_tag"]) == 2
    assert "has no 'no_such_tag' scalar; it has: " in capsys.readouterr().err


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("h.csv", b"", "is empty"),
        ("h.csv", b"\xff\xfe\x00binary", "not a text file"),
        ("h.json", b'{"loss": [1, 2], "val_loss": [1]}', "different lengths"),
        ("h.zip", b"PK not a zip", "not a zip file"),
        ("events.out.tfevents.1", b"garbage", "holds no scalars"),
        ("h.png", b"x", "must be a .csv or .json file"),
        ("h.csv", b"x" * (51 * 2**20), "is 51 MB"),
    ],
)
def test_bad_uploads_get_a_sentence(name, content, words):
    with pytest.raises(ValueError, match=words):
        read_history(content, name)


def test_loss_diagnosis_prints_its_reading_and_stops_a_run_that_turns_nan():
    x, y = regression()
    lines = []
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.01), "mse")
    watch = LossDiagnosis(print_fn=lines.append)
    model.fit(x, y, validation_split=0.25, epochs=10, batch_size=32, verbose=0, callbacks=[watch])
    assert lines and lines[-1].startswith("LossDiagnosis (epoch 10): ") and watch.diagnosis["labels"]
    model.compile(keras.optimizers.SGD(1e6), "mse")  # a step this large sends the weights to infinity
    stopper = LossDiagnosis(stop_on=("diverged",), print_fn=lines.append)
    history = model.fit(x, y, epochs=20, batch_size=32, verbose=0, callbacks=[stopper])
    assert stopper.diagnosis["labels"] == ["diverged"]
    assert len(history.history["loss"]) == 1  # stopped within the first epoch, not after 20
    assert len(stopper.history) == 1  # that epoch is read once, not twice
    assert "LossDiagnosis: stopping, the run is diverged." in lines


def test_loss_diagnosis_works_in_a_plain_keras_script(tmp_path):
    script = tmp_path / "mine.py"
    script.write_text(
        "import keras, numpy as np\n"
        "from lab.callbacks import LossDiagnosis\n"
        "x = np.random.rand(256, 3).astype('float32'); y = x.sum(1)\n"
        "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(8), keras.layers.Dense(1)])\n"
        "model.compile('adam', 'mse')\n"
        "model.fit(x, y, epochs=6, verbose=0, callbacks=[LossDiagnosis()])\n"
    )
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(__import__("pathlib").Path(__file__).resolve().parents[2])},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-1500:]
    assert "LossDiagnosis (epoch 6): " in done.stdout
