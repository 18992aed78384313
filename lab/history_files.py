"""Loss histories from files: anyone's Keras logs, read for the diagnosis.

A history is read from a CSV with a `loss` column (Keras' `CSVLogger` writes one), the
JSON of Keras' `history.history` or of `python -m lab run`, or a TensorBoard log
(a directory, an event file, or a zip of either).
"""

import io
import json
import pathlib
import tempfile
import zipfile

import numpy as np
import pandas as pd

MAX_BYTES = 50 * 1024 * 1024  # a loss history is kilobytes; anything this big is not one
EVENTS = "events.out.tfevents"  # how TensorBoard names its event files
LOSS_TAG = "epoch_loss"  # what Keras' TensorBoard callback writes, under train/ and validation/


def load_history(path, loss_tag=None, val_loss_tag=None):
    """Reads a saved history (see the module's docstring).

    Args:
        path: a .csv, .json or .zip file, a TensorBoard event file or a log directory.
        loss_tag, val_loss_tag: for TensorBoard, the scalar tags of the training and
            validation loss (default: Keras' `epoch_loss` in `train/` and `validation/`).

    Returns:
        `(history, batch_loss)`: a list of {"loss"[, "val_loss"]} dicts of floats
        (nan where missing) and a list of floats, or None.

    Raises:
        ValueError: why the file cannot be read, in a sentence.
    """
    path = pathlib.Path(path)
    if path.is_dir():
        return tensorboard_history(path, loss_tag, val_loss_tag), None
    if not path.is_file():
        raise ValueError(f"'{path}' does not exist or is not a file.")
    if path.stat().st_size > MAX_BYTES:
        raise ValueError(f"'{path.name}' is {path.stat().st_size / 2**20:.0f} MB: a loss history is far smaller.")
    return read_history(path.read_bytes(), path.name, loss_tag, val_loss_tag)


def read_history(content, name, loss_tag=None, val_loss_tag=None):
    """Reads a history from a file's bytes (an upload); `name` says its kind (see `load_history`)."""
    suffix = pathlib.PurePath(name).suffix.lower()
    if len(content) > MAX_BYTES:
        raise ValueError(f"'{name}' is {len(content) / 2**20:.0f} MB: a loss history is far smaller.")
    if EVENTS in name or suffix == ".zip":
        with tempfile.TemporaryDirectory() as folder:
            if suffix == ".zip":
                _unzip(content, name, folder)
            else:
                (pathlib.Path(folder) / pathlib.PurePath(name).name).write_bytes(content)
            return tensorboard_history(pathlib.Path(folder), loss_tag, val_loss_tag), None
    if suffix not in (".csv", ".json"):
        raise ValueError(
            f"Cannot read '{name}': a history must be a .csv or .json file, a TensorBoard event file or a zip of a "
            f"log directory, not '{suffix or 'no extension'}'."
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"'{name}' is not a text file: a .csv or .json history is plain text.") from None
    if not text.strip():
        raise ValueError(f"'{name}' is empty: it holds no history.")
    if suffix == ".csv":
        try:
            table, batch = pd.read_csv(io.StringIO(text), skipinitialspace=True), None
        except (pd.errors.ParserError, UnicodeError) as error:
            raise ValueError(f"'{name}' is not a readable CSV table ({str(error).strip()[:120]}).") from None
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
    """`(table of epochs, batch losses or None)` from Keras' `history.history` or `python -m lab run` JSON."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"'{name}' is not valid JSON ({error.msg}, line {error.lineno}).") from None
    if isinstance(data, dict) and isinstance(data.get("loss"), list):  # `history.history`: a dict of lists
        lists = {k: v for k, v in data.items() if isinstance(v, list)}
        lengths = {len(v) for v in lists.values()}
        if len(lengths) > 1:
            raise ValueError(f"'{name}': the lists have different lengths ({', '.join(map(str, sorted(lengths)))}).")
        return pd.DataFrame(lists), None
    history = data.get("history") if isinstance(data, dict) else None
    if not isinstance(history, list) or not all(isinstance(r, dict) for r in history):
        raise ValueError(
            f"'{name}' has no \"history\" list of per-epoch objects: expected Keras' `history.history` (a dict of "
            "lists) or the JSON written by `python -m lab run`."
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


def _unzip(content, name, folder):
    """Extracts a zip of a TensorBoard log into `folder` (no path leaves it)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise ValueError(f"'{name}' is not a zip file.") from None
    with archive:
        members = [m for m in archive.infolist() if EVENTS in m.filename and not m.is_dir()]
        if not members:
            raise ValueError(f"'{name}' holds no TensorBoard event file ({EVENTS}...).")
        if sum(m.file_size for m in members) > MAX_BYTES:
            raise ValueError(f"'{name}' unpacks to more than {MAX_BYTES // 2**20} MB of events.")
        for i, member in enumerate(members):
            run = pathlib.PurePosixPath(member.filename).parent.name  # train/, validation/ or the top
            target = pathlib.Path(folder) / (run or ".") / f"{EVENTS}.{i}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(member))


def _scalars(folder):
    """`{(run, tag): {step: value}}` of every scalar in the event files under `folder` (TensorFlow not needed)."""
    from tensorboard.backend.event_processing import event_accumulator
    from tensorboard.util import tensor_util

    folder = pathlib.Path(folder)
    files = [folder] if folder.is_file() else sorted(p for p in folder.rglob(f"{EVENTS}*") if p.is_file())
    out: dict = {}
    for path in files:
        run = "" if folder.is_file() else path.parent.relative_to(folder).as_posix().strip(".")
        events = event_accumulator.EventAccumulator(
            str(path), size_guidance={event_accumulator.TENSORS: 0, event_accumulator.SCALARS: 0}
        )
        try:
            events.Reload()
        except Exception as error:  # a damaged file: TensorBoard raises many kinds
            raise ValueError(
                f"'{path.name}' is not a readable TensorBoard event file ({type(error).__name__})."
            ) from None
        tags = events.Tags()
        for tag in tags.get("scalars", []):
            out.setdefault((run, tag), {}).update({e.step: float(e.value) for e in events.Scalars(tag)})
        for tag in tags.get("tensors", []):
            values = {}
            for e in events.Tensors(tag):
                array = tensor_util.make_ndarray(e.tensor_proto)
                if array.size == 1 and array.dtype.kind == "f":
                    values[e.step] = float(array.reshape(()))
            if values:
                out.setdefault((run, tag), {}).update(values)
    if not files:
        raise ValueError(f"'{folder.name}' holds no TensorBoard event file ({EVENTS}...).")
    return out


def _series(scalars, tag, runs):
    """The first series called `tag` in the first of `runs` that has it ("*" matches any run)."""
    for want in runs:
        for (run, name), values in scalars.items():
            if name == tag and (want == "*" or run.split("/")[-1] == want):
                return values
    return None


def tensorboard_history(folder, loss_tag=None, val_loss_tag=None):
    """The per-epoch history in a TensorBoard log (see `load_history`)."""
    scalars = _scalars(folder)
    if not scalars:
        raise ValueError("The TensorBoard log holds no scalars: are these event files of a Keras `fit`?")
    loss = _series(scalars, loss_tag or LOSS_TAG, ("train", "", "*"))
    if loss is None:
        tags = sorted({f"{run}/{tag}" if run else tag for run, tag in scalars})
        raise ValueError(
            f"The TensorBoard log has no '{loss_tag or LOSS_TAG}' scalar; it has: {', '.join(tags) or 'none'}. "
            "Name the tags with --loss TAG --val-loss TAG."
        )
    if val_loss_tag:
        val = _series(scalars, val_loss_tag, ("validation", "*"))
        if val is None:
            raise ValueError(f"The TensorBoard log has no '{val_loss_tag}' scalar.")
    else:
        val = _series(scalars, LOSS_TAG, ("validation",)) or _series(scalars, "epoch_val_loss", ("*",))
    history = []
    for step in sorted(loss):
        row = {"loss": loss[step]}
        if val is not None:
            row["val_loss"] = val.get(step, float("nan"))
        history.append(row)
    return history


def parse_columns(text):
    """A history from pasted numbers: one epoch per line, the training loss and optionally the validation loss.

    Numbers may be separated by spaces, tabs, commas or semicolons; a first line of
    words (a header) is skipped.

    Raises:
        ValueError: a line that is not one or two numbers, or nothing to read.
    """
    rows = [line.replace(",", " ").replace(";", " ").split() for line in text.strip().splitlines() if line.strip()]
    if rows and not _is_number(rows[0][0]):
        rows = rows[1:]  # a header
    if not rows:
        raise ValueError(
            "Paste one epoch per line: the training loss, and the validation loss after it if you have it."
        )
    history = []
    for number, row in enumerate(rows, start=1):
        if len(row) > 2 or not all(_is_number(v) for v in row):
            raise ValueError(f"Line {number} ({' '.join(row)[:60]}) is not one or two numbers.")
        history.append({"loss": float(row[0]), **({"val_loss": float(row[1])} if len(row) == 2 else {})})
    return history


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def tensorboard_zip(history, batch_loss=()):
    """A run's history as a zipped TensorBoard log, laid out as Keras' TensorBoard callback writes it.

    `train/` holds `epoch_loss` and the other training metrics (`epoch_<name>`) and
    `batch_loss`; `validation/` holds the `val_` metrics without their prefix.
    Open it with `tensorboard --logdir` after unzipping. TensorBoard writes through
    TensorFlow when it is installed, so the page calls this only on a click.

    Returns:
        The zip file's bytes.
    """
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    def scalar(tag, value, step):
        summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, simple_value=value)])
        return event_pb2.Event(summary=summary, step=step, wall_time=0.0)

    skip = {"epoch", "seconds"}
    with tempfile.TemporaryDirectory() as folder:
        writers = {run: EventFileWriter(str(pathlib.Path(folder) / run)) for run in ("train", "validation")}
        for step, row in enumerate(history):
            for key, value in row.items():
                if key in skip or not isinstance(value, (int, float)):
                    continue
                run, name = ("validation", key[4:]) if key.startswith("val_") else ("train", key)
                writers[run].add_event(scalar(f"epoch_{name}", float(value), step))
        for step, value in enumerate(batch_loss):
            writers["train"].add_event(scalar("batch_loss", float(value), step))
        for writer in writers.values():
            writer.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(pathlib.Path(folder).rglob(f"{EVENTS}*")):
                archive.write(path, path.relative_to(folder).as_posix())
        return buffer.getvalue()
