"""The run store's tables, and the migrations that bring any older database up to them.

The schema's version lives in the one-row table `schema_version`. `MIGRATIONS[i]`
takes a database from version `i` to `i + 1`; `migrate` applies the missing ones
in a transaction, so a database of any earlier version opens with its data kept.
"""

import sqlalchemy as sa

metadata = sa.MetaData()

schema_version = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, nullable=False))

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),  # random: a run's id tells nothing and cannot be guessed
    sa.Column("owner", sa.String(80), nullable=False, index=True),  # a hash of the browser's or user's identity
    sa.Column("lab", sa.String(40), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("message", sa.Text, nullable=False, default=""),
    sa.Column("config", sa.JSON, nullable=False),  # {setting: text}, every setting
    sa.Column("history", sa.JSON, nullable=False),
    sa.Column("batch_loss", sa.JSON, nullable=False),
    sa.Column("batch_position", sa.JSON, nullable=False),
    sa.Column("lr_changes", sa.JSON, nullable=False),
    sa.Column("metrics", sa.JSON, nullable=False),
    sa.Column("diagnosis", sa.JSON, nullable=False),
    sa.Column("warnings", sa.JSON, nullable=False),
    sa.Column("timings", sa.JSON, nullable=False),
    sa.Column("params", sa.Integer, nullable=False, default=0),
    sa.Column("epochs_planned", sa.Integer, nullable=False, default=0),
    sa.Column("initial_loss", sa.Float),
    sa.Column("started_at", sa.Float, nullable=False),
    sa.Column("train_started_at", sa.Float),
    sa.Column("ended_at", sa.Float),
    sa.Column("saved_at", sa.Float, nullable=False),  # the last write: a running run not saved lately was interrupted
    sa.Column("model_size", sa.Integer, nullable=False, default=0),
)

models = sa.Table(
    "models",
    metadata,
    sa.Column("run_id", sa.String(32), sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

challenges = sa.Table(
    "challenges",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("owner", sa.String(80), nullable=False, index=True),  # the teacher
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("lab", sa.String(40), nullable=False),
    sa.Column("fixed", sa.JSON, nullable=False),  # {setting: text} every entry must use (the data)
    sa.Column("metric", sa.String(60), nullable=False),
    sa.Column("goal", sa.String(3), nullable=False),  # "max" or "min"
    sa.Column("limits", sa.JSON, nullable=False),  # {"params": n, "epochs": n}
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("closed_at", sa.Float),
)

entries = sa.Table(
    "entries",
    metadata,
    sa.Column("challenge_id", sa.String(32), sa.ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("run_id", sa.String(32), sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("nickname", sa.String(40), nullable=False),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("entered_at", sa.Float, nullable=False),
)

VERSION_1 = (schema_version, runs, models)  # the first store: runs and their models
VERSION_2 = (challenges, entries)  # class challenges, on top of the runs


def _create(*tables):
    def step(connection):
        for table in tables:
            table.create(connection)

    return step


MIGRATIONS = [_create(*VERSION_1), _create(*VERSION_2)]
VERSION = len(MIGRATIONS)


def current_version(connection):
    """The database's schema version; 0 for an empty database."""
    if not sa.inspect(connection).has_table("schema_version"):
        return 0
    return connection.execute(sa.select(schema_version.c.version)).scalar() or 0


def migrate(engine, target=VERSION):
    """Brings the database up to `target` (default: this code's version); returns the version it had.

    Raises:
        RuntimeError: the database was written by a newer version of the app.
    """
    with engine.begin() as connection:
        found = current_version(connection)
        if found > VERSION:
            raise RuntimeError(f"the run store's database is of a newer version ({found}) than this app ({VERSION})")
        for step in MIGRATIONS[found:target]:
            step(connection)
        if found < target:
            connection.execute(sa.delete(schema_version))
            connection.execute(sa.insert(schema_version).values(version=target))
    return found
