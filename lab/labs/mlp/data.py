"""Offline data sets and CSV checks.

Every data set is generated here or ships inside a package we depend on
(scikit-learn's bundled tables), so nothing is downloaded at run time.
"""

import dataclasses
import io

import numpy as np
import pandas as pd
from sklearn import datasets as skdata
from sklearn.model_selection import train_test_split

MAX_CSV_ROWS = 200_000
MAX_CSV_COLUMNS = 500


@dataclasses.dataclass
class Dataset:
    """A split data set ready for Keras.

    Attributes:
        x_train, y_train, x_val, y_val: float32 arrays; classification targets are
            integer class indices, regression targets are standardised (for
            `msle` only scaled, so they stay non-negative).
        task: "binary", "multiclass" or "regression".
        feature_names: the input columns.
        class_names: the class labels (classification), else empty.
        name: what the data is, in words.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    task: str
    feature_names: list
    class_names: list
    name: str

    @property
    def n_classes(self):
        return len(self.class_names)

    @property
    def input_dim(self):
        return self.x_train.shape[1]


def make_xor(n, noise, rng):
    """Four clusters in the quadrants; the class is the sign of x1 * x2."""
    x = rng.uniform(-1, 1, size=(n, 2))
    y = (x[:, 0] * x[:, 1] > 0).astype(int)
    return x + rng.normal(0, noise * 0.5, size=x.shape), y


def make_spirals(n, noise, rng):
    """Two interleaved spirals of 1.75 turns each."""
    half = n // 2
    t = np.sqrt(rng.uniform(0, 1, size=half)) * 3.5 * np.pi
    arm = np.stack([t * np.cos(t), t * np.sin(t)], axis=1) / (3.5 * np.pi)
    x = np.concatenate([arm, -arm]) + rng.normal(0, noise * 0.15, size=(2 * half, 2))
    y = np.concatenate([np.zeros(half, int), np.ones(half, int)])
    return x, y


def make_sine(n, noise, rng):
    """A noisy sine wave on [-3, 3] (1-D regression)."""
    x = rng.uniform(-3, 3, size=(n, 1))
    return x, np.sin(2 * x[:, 0]) + rng.normal(0, noise, size=n)


def _toy(name, n, noise, seed):
    rng = np.random.RandomState(seed)
    if name == "moons":
        return skdata.make_moons(n, noise=noise, random_state=rng)
    if name == "circles":
        return skdata.make_circles(n, noise=noise * 0.5, factor=0.5, random_state=rng)
    if name == "blobs":
        return skdata.make_blobs(n, centers=3, cluster_std=1.0 + 3 * noise, random_state=rng)
    return {"xor": make_xor, "spirals": make_spirals, "sine": make_sine}[name](n, noise, rng)


_TABLES = {
    "digits": (skdata.load_digits, "8x8 handwritten digits (1,797 images, 10 classes)"),
    "iris": (skdata.load_iris, "Iris flowers (150 samples, 3 species)"),
    "wine": (skdata.load_wine, "Wine cultivars (178 samples, 13 measurements, 3 classes)"),
    "diabetes": (skdata.load_diabetes, "Diabetes progression (442 patients, 10 measurements; regression)"),
}


def _read_frame(source, nrows):
    """Reads a CSV into a DataFrame, turning pandas' errors into sentences."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        return pd.read_csv(source, encoding="utf-8", nrows=nrows)
    except UnicodeDecodeError:
        raise ValueError("The CSV file is not UTF-8 text. Save it as UTF-8 and upload it again.") from None
    except pd.errors.EmptyDataError:
        raise ValueError("The CSV file is empty.") from None
    except FileNotFoundError:
        raise ValueError(f"No CSV file at {source}.") from None
    except (pd.errors.ParserError, ValueError) as err:
        raise ValueError(f"The file could not be read as CSV: {str(err).splitlines()[0]}") from None


def csv_columns(source):
    """The column names of a CSV file (its header row).

    Raises:
        ValueError: the file is empty, not UTF-8 or not a table.
    """
    return [str(c) for c in _read_frame(source, 0).columns]


def read_csv(source, target=""):
    """Reads and checks a user's CSV file.

    Args:
        source: a path, bytes, or a file-like object.
        target: the column to predict; empty means the last column.

    Returns:
        `(features, target_series)`: a numeric DataFrame and the target column.

    Raises:
        ValueError: the file is empty, not UTF-8, not a table, too large, has
            no numeric feature, non-numeric feature columns, missing values, or
            an unknown target column.
    """
    frame = _read_frame(source, MAX_CSV_ROWS + 1)
    if len(frame) > MAX_CSV_ROWS or frame.shape[1] > MAX_CSV_COLUMNS:
        raise ValueError(f"The CSV file is too large: at most {MAX_CSV_ROWS:,} rows and {MAX_CSV_COLUMNS} columns.")
    if frame.shape[1] < 2 or len(frame) < 10:
        raise ValueError("The CSV file needs a header row, at least two columns and at least 10 rows.")
    target = target or frame.columns[-1]
    if target not in frame.columns:
        raise ValueError(f"There is no column {target!r}; the columns are {', '.join(map(str, frame.columns))}.")
    features = frame.drop(columns=[target])
    bad = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
    if bad:
        raise ValueError(f"Feature columns must be numbers; these hold text: {', '.join(map(str, bad))}.")
    missing = features.columns[features.isna().any()].tolist()
    if missing or frame[target].isna().any():
        raise ValueError(f"Some values are missing (empty or NaN) in {', '.join(map(str, missing or [target]))}.")
    if not np.isfinite(features.to_numpy(dtype=float)).all():
        raise ValueError("Some feature values are infinite.")
    return features, frame[target]


def _csv_task(target):
    """A text column or a few whole-number values means classification."""
    if not pd.api.types.is_numeric_dtype(target):
        return "classification"
    values = target.to_numpy()
    if np.all(np.equal(np.mod(values, 1), 0)) and target.nunique() <= 20:
        return "classification"
    return "regression"


def _encode(y_raw, task, loss):
    """Returns (y, class_names, task) with classes as integer indices.

    Regression targets are standardised; for `msle`, which takes the log of
    1 + target, they are only divided by their spread, so they stay non-negative.

    Raises:
        ValueError: `msle` with targets below zero.
    """
    if task == "regression":
        y = np.asarray(y_raw, dtype="float64")
        if loss != "msle":
            return (y - y.mean()) / (y.std() or 1.0), [], "regression"
        negative = int((y < 0).sum())
        if negative:
            raise ValueError(
                f"MSLE needs non-negative targets, and {negative} of these {len(y)} targets are below zero "
                f"(the smallest is {y.min():.3g}). Keras clips them to 0, so they would teach nothing. "
                "Use mse or mae here."
            )
        return y / (y.std() or 1.0), [], "regression"
    classes, y = np.unique(np.asarray(y_raw), return_inverse=True)
    if len(classes) < 2:
        raise ValueError("The target has a single class; there is nothing to learn.")
    return y, [str(c) for c in classes], "binary" if len(classes) == 2 else "multiclass"


def load(config, csv_source=None):
    """Builds the data set an MLP config names, split into training and validation.

    Args:
        config: an `MLPConfig`.
        csv_source: the uploaded CSV (bytes or file) for `dataset=csv`; the CLI
            passes `config.csv_path` instead.

    Returns:
        A `Dataset`.

    Raises:
        ValueError: a bad CSV file.
    """
    name = config.dataset
    if name == "csv":
        features, target = read_csv(csv_source if csv_source is not None else config.csv_path, config.target)
        x, y_raw, feature_names = features.to_numpy(float), target, [str(c) for c in features.columns]
        task = _csv_task(target)
        title = f"Your CSV ({len(x)} rows, predicting {target.name!r})"
    elif name in _TABLES:
        loader, title = _TABLES[name]
        bunch = loader()
        x, y_raw, feature_names = bunch.data, bunch.target, list(bunch.feature_names)
        task = "regression" if name == "diabetes" else "classification"
        if task == "classification":
            y_raw = np.asarray(bunch.target_names)[bunch.target] if name != "digits" else bunch.target
    else:
        x, y_raw = _toy(name, config.n_samples, config.noise, config.seed)
        feature_names = ["x"] if name == "sine" else ["x1", "x2"]
        task = "regression" if name == "sine" else "classification"
        title = f"{name} ({config.n_samples} points, noise {config.noise:g})"
    y, class_names, task = _encode(y_raw, task, config.loss)
    stratify = y if task != "regression" and min(np.bincount(y)) >= 2 else None
    x_tr, x_va, y_tr, y_va = train_test_split(
        x, y, test_size=config.val_split, random_state=config.seed, stratify=stratify
    )
    y_dtype = "float32" if task == "regression" else "int32"
    return Dataset(
        x_train=x_tr.astype("float32"),
        y_train=y_tr.astype(y_dtype),
        x_val=x_va.astype("float32"),
        y_val=y_va.astype(y_dtype),
        task=task,
        feature_names=feature_names,
        class_names=class_names,
        name=title,
    )
