"""Class challenges: a teacher fixes a lab's data and a metric to beat, and the class's runs are ranked on a board.

    challenge = create(store, teacher, "mlp", "Best moons classifier", fixed={"dataset": "moons"},
                       metric="val_accuracy", goal="max", limits={"params": 500, "epochs": 50})
    enter(store, challenge.id, student, run.key, "Ada")   # after the server's own final save of that run
    board(store, challenge.id)                              # each student's best entry, ranked

An entry is made only from a run this server trained and stored: `enter` reads
that run's row (it must be the student's own and completed) and takes the metric
from it, so no request can post a number of its own. A challenge's id is
random: its link is the only way to its board.
"""

import dataclasses
import datetime
import math
import re
import time

import pandas as pd
import sqlalchemy as sa

from lab.store import new_key, run_from_row
from lab.store.schema import challenges, entries, runs

NICKNAME_CHARS = 30
TITLE_CHARS = 120
LOWER_IS_BETTER = ("loss", "error", "mse", "mae", "l2", "kl", "distance")
LIMITS = {"params": "parameters", "epochs": "epochs"}
UNFINISHED = {
    "stopped": "it was stopped before its last epoch",
    "diverged": "it diverged",
    "failed": "it failed",
    "interrupted": "it was interrupted",
}


@dataclasses.dataclass(frozen=True)
class Challenge:
    """A class challenge.

    Attributes:
        fixed: `{setting: text}` every entry must keep (the data, say).
        metric: the number ranked: a final metric or the last epoch's value.
        goal: "max" (higher is better) or "min".
        limits: `{"params": n, "epochs": n}`; a missing or zero limit is no limit.
    """

    id: str
    owner: str
    title: str
    lab: str
    fixed: dict
    metric: str
    goal: str
    limits: dict
    created_at: float
    closed_at: float | None = None

    @property
    def open(self):
        return self.closed_at is None

    def describe(self):
        """`Highest val_accuracy; at most 500 parameters and 50 epochs`."""
        words = f"{'Highest' if self.goal == 'max' else 'Lowest'} {self.metric}"
        limits = [f"{n:,} {LIMITS[name]}" for name, n in self.limits.items() if n]
        return words + (f"; at most {' and '.join(limits)}" if limits else "")

    def better(self, a, b):
        """`a` beats `b`."""
        return a > b if self.goal == "max" else a < b


def default_goal(metric):
    """ "min" for losses and errors, "max" for the rest (accuracies, mode counts)."""
    return "min" if any(word in metric.lower() for word in LOWER_IS_BETTER) else "max"


def scores(run):
    """The numbers a challenge can rank `run` by: its last epoch's values and its final metrics (which win)."""
    found = dict(run.history[-1]) if run.history else {}
    found.update(run.metrics)
    return {
        name: float(value)
        for name, value in found.items()
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and name != "epoch"
    }


def setting_reasons(challenge, config):
    """Why a run of `config` would not be entered, before it trains (empty when it would be)."""
    given = config.to_strings(only_changed=False)
    reasons = [
        f"it changes {name} (the challenge fixes it at {text})"
        for name, text in challenge.fixed.items()
        if given.get(name) != text
    ]
    limit = challenge.limits.get("epochs")
    if limit and getattr(config, "epochs", 0) > limit:
        reasons.append(f"it trains {config.epochs} epochs (at most {limit})")
    return reasons


def reasons(challenge, run):
    """Why `run` is not entered in `challenge` (empty when it is eligible)."""
    if run.lab != challenge.lab:
        return ["it was trained in another lab"]
    found = [] if run.status == "completed" else [UNFINISHED.get(run.status, "it has not finished")]
    found += setting_reasons(challenge, run.config)
    limit = challenge.limits.get("params")
    if limit and run.params > limit:
        found.append(f"it has {run.params:,} parameters (at most {limit:,})")
    if challenge.metric not in scores(run):
        found.append(f"it has no {challenge.metric} to rank")
    return found


def clean_nickname(text):
    """A nickname as shown on a board: one line of at most 30 characters, "anonymous" when empty."""
    text = re.sub(r"[\x00-\x1f\x7f]", "", re.sub(r"\s+", " ", text or "")).strip()[:NICKNAME_CHARS]
    return text or "anonymous"


def _challenge(row):
    return Challenge(**{column: row[column] for column in challenges.c.keys()})


def create(store, owner, lab, title, fixed, metric, goal, limits):
    """A new open challenge of `owner` (the teacher), or None when the store cannot be written."""
    if goal not in ("max", "min"):
        raise ValueError(f"the goal is 'max' or 'min', not {goal!r}")
    challenge = Challenge(
        id=new_key(),
        owner=owner,
        title=(title or "").strip()[:TITLE_CHARS] or f"Best {metric}",
        lab=lab,
        fixed=dict(fixed),
        metric=metric,
        goal=goal,
        limits={name: int(n) for name, n in limits.items() if name in LIMITS and n},
        created_at=time.time(),
    )
    written = store.write(lambda connection: connection.execute(sa.insert(challenges).values(**vars(challenge))))
    return challenge if written is not None else None


def _find(connection, challenge_id):
    row = connection.execute(sa.select(challenges).where(challenges.c.id == challenge_id)).mappings().first()
    return _challenge(row) if row else None


def get(store, challenge_id):
    """The challenge with this id, or None."""
    return store.read(lambda connection: _find(connection, challenge_id), None) if challenge_id else None


def created_by(store, owner):
    """The challenges `owner` created, newest first."""

    def work(connection):
        query = sa.select(challenges).where(challenges.c.owner == owner).order_by(challenges.c.created_at.desc())
        return [_challenge(row) for row in connection.execute(query).mappings()]

    return store.read(work, [])


def entered_by(store, owner):
    """The challenges `owner` has runs entered in, newest first."""

    def work(connection):
        theirs = (
            sa.select(entries.c.challenge_id).join(runs, runs.c.id == entries.c.run_id).where(runs.c.owner == owner)
        )
        query = sa.select(challenges).where(challenges.c.id.in_(theirs)).order_by(challenges.c.created_at.desc())
        return [_challenge(row) for row in connection.execute(query).mappings()]

    return store.read(work, [])


def close(store, owner, challenge_id):
    """Closes `owner`'s challenge: no more entries. Returns whether it was theirs (and open)."""

    def work(connection):
        where = (challenges.c.id == challenge_id) & (challenges.c.owner == owner) & challenges.c.closed_at.is_(None)
        return connection.execute(sa.update(challenges).where(where).values(closed_at=time.time())).rowcount

    return bool(store.write(work))


def enter(store, challenge_id, owner, run_key, nickname):
    """Enters `owner`'s stored run `run_key` in the challenge, if it is open and the run meets it.

    The run is read back from the store, where only the server's training writes
    it; its metric is taken from there.

    Returns:
        `(entered, reasons)`: whether it is on the board now, and why not.
    """

    def work(connection):
        challenge = _find(connection, challenge_id)
        if challenge is None:
            return False, ["the challenge does not exist"]
        if not challenge.open:
            return False, ["the challenge is closed"]
        row = connection.execute(sa.select(runs).where((runs.c.id == run_key) & (runs.c.owner == owner)))
        row = row.mappings().first()
        if row is None:
            return False, ["the run is not among your saved runs"]
        run = run_from_row(row)
        why = reasons(challenge, run)
        if why:
            return False, why
        done = sa.select(entries).where((entries.c.challenge_id == challenge_id) & (entries.c.run_id == run_key))
        if connection.execute(done).first() is None:
            connection.execute(
                sa.insert(entries).values(
                    challenge_id=challenge_id,
                    run_id=run_key,
                    nickname=clean_nickname(nickname),
                    value=scores(run)[challenge.metric],
                    entered_at=time.time(),
                )
            )
        return True, []

    return store.write(work) or (False, [store.problem or "the run store cannot be used"])


def entry_value(store, challenge_id, run_key):
    """The value the run `run_key` was entered with, or None when it is not on the board."""

    def work(connection):
        where = (entries.c.challenge_id == challenge_id) & (entries.c.run_id == run_key)
        return connection.execute(sa.select(entries.c.value).where(where)).scalar()

    return store.read(work, None) if run_key else None


def board(store, challenge, viewer=None):
    """Each student's best entry, best first: rank, nickname, value, parameters, epochs, settings and more.

    Args:
        challenge: a `Challenge`.
        viewer: the owner key of who looks; their row has `you` set.

    Returns:
        A list of dicts (`rank` ties share a rank). `settings` are the entry's
        changed settings as `{name: text}`, which reproduce it in the lab.
    """

    def work(connection):
        query = (
            sa.select(entries, runs.c.owner, runs.c.config, runs.c.params, runs.c.history, runs.c.lab, runs.c.number)
            .join(runs, runs.c.id == entries.c.run_id)
            .where(entries.c.challenge_id == challenge.id)
        )
        return list(connection.execute(query).mappings())

    best, counts = {}, {}
    for row in store.read(work, []):
        person = row["owner"]
        counts[person] = counts.get(person, 0) + 1
        if person not in best or challenge.better(row["value"], best[person]["value"]):
            best[person] = row
    ranked = sorted(
        best.values(), key=lambda r: (-r["value"] if challenge.goal == "max" else r["value"], r["entered_at"])
    )
    rows = []
    for row in ranked:
        rows.append(
            {
                "rank": 1 + sum(challenge.better(other["value"], row["value"]) for other in ranked),
                "nickname": row["nickname"],
                "value": row["value"],
                "parameters": row["params"],
                "epochs": len(row["history"]),
                "settings": _changed(row["lab"], row["config"]),
                "runs entered": counts[row["owner"]],
                "entered": datetime.datetime.fromtimestamp(row["entered_at"]),
                "you": viewer is not None and row["owner"] == viewer,
            }
        )
    return rows


def _changed(lab_name, config):
    from lab.registry import get_lab

    base = get_lab(lab_name).config_cls().to_strings(only_changed=False)
    return {name: text for name, text in config.items() if name in base and base[name] != text}


def board_frame(challenge, rows):
    """The board as a table, its metric's column named after it (what the page shows and the CSV holds)."""
    return pd.DataFrame(
        [
            {
                "rank": row["rank"],
                "nickname": row["nickname"],
                challenge.metric: row["value"],
                "parameters": row["parameters"],
                "epochs": row["epochs"],
                "settings": ", ".join(f"{k}={v}" for k, v in row["settings"].items()) or "defaults",
                "runs entered": row["runs entered"],
                "entered": row["entered"],
            }
            for row in rows
        ],
        columns=["rank", "nickname", challenge.metric, "parameters", "epochs", "settings", "runs entered", "entered"],
    )
