"""The run store: every run's config, curves, diagnosis, metrics and model, in a real database.

    store = default_store()                 # LAB_DATABASE_URL, else SQLite in LAB_DATA_DIR (./var)
    store.save(owner, run)                  # while it trains (curves) and at its end (with the model)
    store.runs(owner)                       # that person's runs, newest first, never anyone else's
    store.load(owner, key)                  # one run, model included; None unless it is theirs

A person is an `owner` key (`owner_key`): a hash of the signed-in user or of the
browser's random identity, so the database holds no cookie. Every query is
filtered by it: another person's run id opens nothing. A store that cannot be
opened or written to never stops a training: it says so in `problem` and keeps
nothing.
"""

import hashlib
import io
import json
import os
import pathlib
import threading
import time
import uuid
import zipfile

import sqlalchemy as sa

from lab.runs import ENDED, Run, json_safe
from lab.store.schema import migrate, models, runs

ROOT = pathlib.Path(__file__).resolve().parents[2]
STALE_S = 30.0  # a run still "running" that was not saved for this long was interrupted (saves come every 5 s)
SAVE_INTERVAL_S = 5.0  # how often a training run's curves are saved while it trains
MB = 1024 * 1024
LISTS = ("history", "batch_loss", "batch_position", "lr_changes")


def owner_key(kind, value):
    """The store's key of a person: `kind` ("user" or "browser") and their identity, hashed."""
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()[:40]


def new_key():
    """A fresh run id: 128 random bits."""
    return uuid.uuid4().hex


def database_url():
    """`LAB_DATABASE_URL`, else a SQLite file in `LAB_DATA_DIR` (default `var/` in the project)."""
    url = os.environ.get("LAB_DATABASE_URL", "").strip()
    if url:
        return url
    folder = pathlib.Path(os.environ.get("LAB_DATA_DIR") or ROOT / "var")
    return f"sqlite:///{folder / 'runs.sqlite3'}"


def _env_float(name, default):
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return float(default)


class Limits:
    """What a host keeps: `LAB_KEEP_DAYS` of models (0: forever), and model bytes per run and per person.

    Curves, settings and metrics are always kept; only models are dropped, oldest first.
    """

    def __init__(self, keep_days=None, run_mb=None, person_mb=None):
        self.keep_days = _env_float("LAB_KEEP_DAYS", 0) if keep_days is None else keep_days
        self.run_bytes = int(MB * (_env_float("LAB_STORE_RUN_MB", 50) if run_mb is None else run_mb))
        self.person_bytes = int(MB * (_env_float("LAB_STORE_PERSON_MB", 500) if person_mb is None else person_mb))


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class RunStore:
    """Runs kept in the database at `url`, opened (and migrated) on first use.

    Args:
        url: an SQLAlchemy URL (`sqlite:///path`, `postgresql+psycopg://...`).
        limits: the host's retention (`Limits`).
    """

    def __init__(self, url, limits=None):
        self.url = url
        self.limits = limits or Limits()
        self.problem = ""  # why runs are not being saved, in words ("" while all is well)
        self._engine = None
        self._lock = threading.Lock()

    # ---- Opening ----------------------------------------------------------------------------

    def engine(self):
        """The migrated engine, or None (with `problem` set) when the database cannot be used."""
        with self._lock:
            if self._engine is None and not self.problem:
                try:
                    self._engine = self._open()
                except Exception as err:  # a missing folder, a read-only file, an unreachable server
                    self.problem = _unavailable(err)
            return self._engine

    def _open(self):
        url = sa.make_url(self.url)
        if url.get_backend_name() == "sqlite":
            if url.database and url.database != ":memory:":
                pathlib.Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            engine = sa.create_engine(url, connect_args={"timeout": 30})
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = sa.create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
        try:
            migrate(engine)
        except Exception:
            migrate(engine)  # another replica may have been creating the same tables: once more, now they exist
        return engine

    def write(self, work):
        """Runs `work(connection)` in a transaction; a failure sets `problem` and is not raised."""
        engine = self.engine()
        if engine is None:
            return None
        try:
            with engine.begin() as connection:
                result = work(connection)
            self.problem = ""
            return result
        except Exception as err:
            self.problem = _unavailable(err)
            return None

    def read(self, work, empty):
        """`work(connection)`'s result, or `empty` (with `problem` set) when the database cannot be read."""
        engine = self.engine()
        if engine is None:
            return empty
        try:
            with engine.connect() as connection:
                return work(connection)
        except Exception as err:
            self.problem = _unavailable(err)
            return empty

    # ---- Runs -------------------------------------------------------------------------------

    def save(self, owner, run, final=False):
        """Writes `run` (its key set on the first save); at the end (`final`) its model too, within the caps.

        Returns:
            bool: it was written.
        """
        run.key = run.key or new_key()
        record = _record(owner, run)
        model = run.model_bytes if final and len(run.model_bytes) <= self.limits.run_bytes else b""
        record["model_size"] = len(model)

        def work(connection):
            where = (runs.c.id == run.key) & (runs.c.owner == owner)
            if connection.execute(sa.update(runs).where(where).values(**record)).rowcount == 0:
                connection.execute(sa.insert(runs).values(id=run.key, owner=owner, **record))
            if model:
                connection.execute(sa.delete(models).where(models.c.run_id == run.key))
                connection.execute(sa.insert(models).values(run_id=run.key, data=model))
                self._drop_old_models(connection, owner)
            return True

        return bool(self.write(work))

    def runs(self, owner, lab=None, limit=500):
        """`owner`'s runs, newest first, as `Run`s without their models (`Run.key` set)."""

        def work(connection):
            query = sa.select(runs).where(runs.c.owner == owner).order_by(runs.c.started_at.desc()).limit(limit)
            if lab:
                query = query.where(runs.c.lab == lab)
            return [run_from_row(row) for row in connection.execute(query).mappings()]

        return self.read(work, [])

    def load(self, owner, key):
        """One of `owner`'s runs with its model, or None (not theirs, deleted or unknown)."""

        def work(connection):
            row = connection.execute(sa.select(runs).where((runs.c.id == key) & (runs.c.owner == owner))).mappings()
            row = row.first()
            if row is None:
                return None
            run = run_from_row(row)
            run.model_bytes = connection.execute(sa.select(models.c.data).where(models.c.run_id == key)).scalar() or b""
            return run

        return self.read(work, None) if key else None

    def delete(self, owner, keys=None):
        """Deletes `owner`'s runs `keys` (all of them when None); returns how many went."""

        def work(connection):
            where = runs.c.owner == owner
            if keys is not None:
                where &= runs.c.id.in_(list(keys))
            mine = sa.select(runs.c.id).where(where)
            connection.execute(sa.delete(models).where(models.c.run_id.in_(mine)))
            return connection.execute(sa.delete(runs).where(where)).rowcount

        return self.write(work) or 0

    def export(self, owner, keys=None):
        """`owner`'s runs `keys` (all when None) as a zip: per run its history CSV, its record as JSON, its model."""
        chosen = [run for run in self.runs(owner, limit=100_000) if keys is None or run.key in keys]
        return runs_zip(self.load(owner, run.key) or run for run in chosen)

    def next_number(self, owner, lab):
        """The number the next run of `owner` in `lab` gets (1 + the highest stored)."""

        def work(connection):
            query = sa.select(sa.func.max(runs.c.number)).where((runs.c.owner == owner) & (runs.c.lab == lab))
            return (connection.execute(query).scalar() or 0) + 1

        return self.read(work, 1)

    def model_bytes(self, owner):
        """The bytes of `owner`'s stored models."""

        def work(connection):
            query = sa.select(sa.func.coalesce(sa.func.sum(runs.c.model_size), 0)).where(runs.c.owner == owner)
            return int(connection.execute(query).scalar())

        return self.read(work, 0)

    def _drop_old_models(self, connection, owner):
        """Drops `owner`'s oldest models past the per-person cap, and every model older than `LAB_KEEP_DAYS`."""
        with_model = (
            sa.select(runs.c.id, runs.c.model_size, runs.c.started_at)
            .where((runs.c.owner == owner) & (runs.c.model_size > 0))
            .order_by(runs.c.started_at.desc())
        )
        kept, dropped = 0, []
        cutoff = time.time() - self.limits.keep_days * 86400 if self.limits.keep_days > 0 else None
        for key, size, started in connection.execute(with_model):
            kept += size
            if kept > self.limits.person_bytes or (cutoff is not None and started < cutoff):
                dropped.append(key)
        if dropped:
            connection.execute(sa.delete(models).where(models.c.run_id.in_(dropped)))
            connection.execute(sa.update(runs).where(runs.c.id.in_(dropped)).values(model_size=0))

    def close(self):
        if self._engine is not None:
            self._engine.dispose()


def runs_zip(runs):
    """Runs as a zip: per run a folder with its history CSV, its record as JSON and its `.keras` model when kept."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for run in runs:
            stem = f"{run.lab}_run{run.number}_{run.key[:8]}"
            archive.writestr(f"{stem}/history.csv", run.to_csv())
            archive.writestr(f"{stem}/run.json", json.dumps({**run.to_dict(), "key": run.key}, indent=1))
            if run.model_bytes:
                archive.writestr(f"{stem}/model.keras", run.model_bytes)
    return buffer.getvalue()


def _unavailable(err):
    reason = str(err).strip().splitlines()[0][:200] if str(err).strip() else type(err).__name__
    return f"Runs are not being saved: the run store cannot be used ({reason}). Training still works."


def _record(owner, run):
    """The columns of `run` (JSON-safe: NaN and infinities become null)."""
    return {
        "lab": run.lab,
        "number": run.number,
        "status": run.status,
        "message": run.message or "",
        "config": run.config.to_strings(only_changed=False),
        **{name: json_safe(list(getattr(run, name))) for name in LISTS},
        "metrics": json_safe({k: v for k, v in run.metrics.items() if _plain(v)}),
        "diagnosis": json_safe(run.diagnosis or {}),
        "warnings": list(run.warnings),
        "timings": json_safe(run.timings or {}),
        "params": int(run.params or 0),
        "epochs_planned": int(run.epochs_planned or 0),
        "initial_loss": json_safe(run.initial_loss),
        "started_at": run.started_at,
        "train_started_at": run.train_started_at,
        "ended_at": run.ended_at,
        "saved_at": time.time(),
    }


def _plain(value):
    """A metric the store keeps: a number, a word or a short list of numbers (not a 500 × 784 sample)."""
    if isinstance(value, (int, float, str, bool)) or value is None:
        return True
    return isinstance(value, (list, tuple)) and len(value) <= 64 and all(isinstance(v, (int, float)) for v in value)


def run_from_row(row):
    """A stored row as a `Run` (without its model); an unfinished run not saved lately is "interrupted"."""
    from lab.registry import get_lab

    config_cls = get_lab(row["lab"]).config_cls
    known = {k: v for k, v in row["config"].items() if k in config_cls.__dataclass_fields__}
    try:
        config = config_cls.from_strings(known)
    except ValueError:  # settings of an older version that no longer validate: the defaults stand in
        config = config_cls()
    status = row["status"]
    if status not in ENDED and time.time() - row["saved_at"] > STALE_S:
        status = "interrupted"
    return Run(
        lab=row["lab"],
        config=config,
        number=row["number"],
        status=status,
        epochs_planned=row["epochs_planned"],
        **{name: list(row[name]) for name in LISTS},
        metrics=dict(row["metrics"]),
        diagnosis=dict(row["diagnosis"]),
        message=row["message"],
        warnings=tuple(row["warnings"]),
        params=row["params"],
        initial_loss=row["initial_loss"],
        timings=dict(row["timings"]),
        key=row["id"],
        position=float(len(row["history"])),
        started_at=row["started_at"],
        train_started_at=row["train_started_at"],
        ended_at=row["ended_at"] or (row["saved_at"] if status == "interrupted" else None),
    )


_DEFAULT: dict = {}
_DEFAULT_LOCK = threading.Lock()


def default_store():
    """This process' store at `database_url()` (one per URL)."""
    url = database_url()
    with _DEFAULT_LOCK:
        if url not in _DEFAULT:
            _DEFAULT[url] = RunStore(url)
        return _DEFAULT[url]
