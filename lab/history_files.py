"""Loss histories from files: a CSV with epoch, loss[, val_loss] columns, or the JSON of `python -m lab run`."""

import io
import json
import pathlib

import numpy as np
import pandas as pd


def load_history(path):
    """Reads a saved history: a CSV file or the JSON of `python -m lab run`.

    Args:
        path: a .csv file with a "loss" column (optionally "epoch", "val_loss";
            other columns are ignored; one row per epoch, in order), or a .json
            file holding an object with a "history" list of per-epoch objects and
            optionally a "batch_loss" list (null stands for NaN or infinity).

    Returns:
        `(history, batch_loss)`: a list of {"loss"[, "val_loss"]} dicts of floats
        (nan where missing) and a list of floats, or None.

    Raises:
        ValueError: for a missing file, an unknown extension, an empty file, no
            epochs, no loss column, invalid JSON or a value that is not a number.
    """
    path = pathlib.Path(path)
    name, suffix = path.name, path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise ValueError(
            f"Cannot read '{name}': a history must be a .csv or .json file, not '{suffix or 'no extension'}'."
        )
    if not path.is_file():
        raise ValueError(f"'{path}' does not exist or is not a file.")
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        raise ValueError(f"'{name}' is empty: it holds no history.")
    if suffix == ".csv":
        table, batch = pd.read_csv(io.StringIO(text), skipinitialspace=True), None
    else:
        table, batch = _read_json(text, name)
    if table.empty:
        raise ValueError(f"'{name}' holds no epochs.")
    if "loss" not in table.columns:
        raise ValueError(
            f"'{name}' has no 'loss' column (it has: "
            f"{', '.join(map(str, table.columns))}); expected epoch, loss "
            "and optionally val_loss."
        )
    columns = {c: _numbers(table[c], c, name) for c in ("loss", "val_loss") if c in table}
    history = [{c: values[i] for c, values in columns.items()} for i in range(len(table))]
    if batch is not None:
        batch = _numbers(pd.Series(batch, dtype=object), "batch_loss", name)
    return history, batch


def _read_json(text, name):
    """`(table of epochs, batch losses or None)` from `python -m lab run` JSON."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"'{name}' is not valid JSON ({error.msg}, line {error.lineno}).") from None
    history = data.get("history") if isinstance(data, dict) else None
    if not isinstance(history, list) or not all(isinstance(r, dict) for r in history):
        raise ValueError(
            f"'{name}' has no \"history\" list of per-epoch objects: expected the JSON written by `python -m lab run`."
        )
    if not isinstance(data.get("batch_loss", []), list):
        raise ValueError(f"'{name}': \"batch_loss\" must be a list of numbers.")
    return pd.DataFrame(history), data.get("batch_loss")


def _numbers(column, label, name):
    """A column as floats (missing values become nan); ValueError on a non-number."""
    numbers = pd.to_numeric(column, errors="coerce")
    bad = np.flatnonzero(numbers.isna() & column.notna())
    if len(bad):
        raise ValueError(
            f"'{name}': value {bad[0] + 1} of '{label}' is {column.iloc[bad[0]]!r}, which is not a number."
        )
    return [float(number) for number in numbers]
