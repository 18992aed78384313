"""Data sets: shapes, splits, tasks, and clear errors for bad CSV files."""

import json

import numpy as np
import pytest

from lab.cli import main
from lab.labs.mlp.config import DATASETS, MLPConfig
from lab.labs.mlp.data import load as load_mlp_data
from lab.labs.mlp.data import read_csv


@pytest.mark.parametrize("name", [d for d in DATASETS if d != "csv"])
def test_every_builtin_dataset_loads_and_splits(name):
    data = load_mlp_data(MLPConfig(dataset=name, n_samples=200, val_split=0.25))
    n = len(data.x_train) + len(data.x_val)
    assert abs(len(data.x_val) / n - 0.25) < 0.02
    assert data.x_train.dtype == np.float32 and np.isfinite(data.x_train).all()
    expected = {
        "sine": "regression",
        "diabetes": "regression",
        "iris": "multiclass",
        "wine": "multiclass",
        "digits": "multiclass",
        "blobs": "multiclass",
    }.get(name, "binary")
    assert data.task == expected
    if data.task == "regression":
        y = np.concatenate([data.y_train, data.y_val])
        assert abs(y.mean()) < 1e-5 and abs(y.std() - 1) < 1e-4
    else:
        assert set(np.unique(data.y_train)) == set(range(data.n_classes))


def test_same_seed_same_data_other_seed_other_data():
    a = load_mlp_data(MLPConfig(dataset="spirals", seed=1))
    b = load_mlp_data(MLPConfig(dataset="spirals", seed=1))
    c = load_mlp_data(MLPConfig(dataset="spirals", seed=2))
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_train, c.x_train)


def test_csv_classification_and_regression(tmp_path):
    rng = np.random.default_rng(0)
    rows = ["a,b,label,value"] + [
        f"{x:.3f},{y:.3f},{'yes' if x > y else 'no'},{x * 2 + y:.4f}" for x, y in rng.normal(size=(60, 2))
    ]
    path = tmp_path / "data.csv"
    path.write_text("\n".join(rows))
    data = load_mlp_data(MLPConfig(dataset="csv", csv_path=str(path), target="label"))
    assert data.task == "binary" and data.class_names == ["no", "yes"] and data.input_dim == 3
    numeric = tmp_path / "numeric.csv"
    numeric.write_text("\n".join(row.rsplit(",", 2)[0] + "," + row.rsplit(",", 1)[1] for row in rows))
    data = load_mlp_data(MLPConfig(dataset="csv", csv_path=str(numeric)))
    assert data.task == "regression" and data.feature_names == ["a", "b"]


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "empty"),
        (b"\xff\xfe\x00a,b\n\x001,2", "not UTF-8"),
        (b"a,b\n1,2\n", "at least 10 rows"),
        (b"just one column\n" + b"1\n" * 20, "at least two columns"),
        (b"a,b,c\n" + b"1,hello,0\n" * 20, "these hold text: b"),
        (b"a,b,c\n" + b"1,,0\n" * 20, "missing"),
        (b"a,b,c\n" + b"1,nan,0\n" * 20, "missing"),
        (b"a,b,c\n" + b"1,inf,0\n" * 20, "infinite"),
        (b'a,b\n"1,2\n' + b"3,4\n" * 20, "could not be read as CSV"),
    ],
)
def test_bad_csv_files_get_clear_messages(content, words):
    with pytest.raises(ValueError) as err:
        read_csv(content)
    assert words in str(err.value)


def test_unknown_target_column_lists_the_columns():
    with pytest.raises(ValueError, match="no column 'z'; the columns are a, b"):
        read_csv(b"a,b\n" + b"1,0\n" * 20, target="z")


def test_single_class_target_is_refused(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("a,b\n" + "1,0\n2,0\n" * 10)
    with pytest.raises(ValueError, match="single class"):
        load_mlp_data(MLPConfig(dataset="csv", csv_path=str(path)))


def test_msle_refuses_negative_targets_and_keeps_positive_ones_positive(tmp_path):
    out = tmp_path / "run.json"
    with pytest.raises(ValueError, match="MSLE needs non-negative targets"):
        load_mlp_data(MLPConfig(dataset="sine", loss="msle"))
    data = load_mlp_data(MLPConfig(dataset="diabetes", loss="msle"))
    y = np.concatenate([data.y_train, data.y_val])
    assert y.min() >= 0 and abs(y.std() - 1) < 1e-4  # scaled, not shifted: log(1 + y) sees every target
    assert (
        main(["run", "mlp", "--set", "dataset=diabetes", "--set", "loss=msle", "--set", "epochs=8", "--json", str(out)])
        == 0
    )
    history = json.loads(out.read_text())["history"]
    assert history[-1]["val_loss"] < 0.5 * history[0]["val_loss"]  # every target pulls: the loss falls
