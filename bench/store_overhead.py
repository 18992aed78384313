"""What saving runs costs: a training recorded into the run store against the same training unrecorded.

    python -m bench.store_overhead [--repeats 5] [--lab mlp] [--postgres]

Alternates, in one process, a `TrainingJob` of the lab's default with a recorder
that saves to a fresh SQLite store (or a throwaway PostgreSQL with `--postgres`)
every 5 s and at the end, and the same job without one. Prints the median
`wall_seconds` of each, their ratio (the issue asks at most 1.05x), the time of
the final save, and the bytes the store holds per run (with and without its model).
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from lab.registry import get_lab
from lab.server import PostgresServer
from lab.store import RunStore, owner_key
from lab.store.schema import models, runs
from lab.training import TrainingJob

OWNER = owner_key("browser", "bench")


def train(lab, config, data, store):
    saves = []

    def record(run, final):
        start = time.perf_counter()
        store.save(OWNER, run, final)
        saves.append(time.perf_counter() - start)

    job = TrainingJob(lab, config, data, recorder=record if store else None)
    run = job.start().wait()
    assert run.status == "completed", run.message
    return run.wall_seconds, saves


def stored_bytes(store):
    with store.engine().connect() as connection:
        rows = connection.execute(sa.select(runs)).mappings().all()
        model = connection.execute(sa.select(sa.func.sum(sa.func.length(models.c.data)))).scalar() or 0
    curves = sum(len(str(dict(row))) for row in rows)
    return curves / max(len(rows), 1), model / max(len(rows), 1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--lab", default="mlp")
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args(argv)
    lab = get_lab(args.lab)
    config = lab.config_cls()
    data = lab.load_data(config)
    server = PostgresServer().start() if args.postgres else None
    folder = tempfile.mkdtemp(prefix="store-bench-")
    store = RunStore(server.url if server else f"sqlite:///{Path(folder) / 'runs.sqlite3'}")
    try:
        train(lab, config, data, None)  # warm-up: the first training builds the graphs
        bare, recorded, finals = [], [], []
        for _ in range(args.repeats):
            bare.append(train(lab, config, data, None)[0])
            seconds, saves = train(lab, config, data, store)
            recorded.append(seconds)
            finals.append(saves[-1])
        curves, model = stored_bytes(store)
    finally:
        store.close()
        if server:
            server.stop()
    b, r = statistics.median(bare), statistics.median(recorded)
    print(f"{args.lab} default, {args.repeats} alternated pairs, {'PostgreSQL' if server else 'SQLite'}")
    print(f"  bare fit:   median {b:.2f} s  ({', '.join(f'{x:.2f}' for x in bare)})")
    print(f"  recorded:   median {r:.2f} s  ({', '.join(f'{x:.2f}' for x in recorded)})")
    print(f"  ratio recorded / bare: {r / b:.3f}")
    print(f"  final save (curves and model): median {statistics.median(finals) * 1000:.0f} ms")
    print(f"  stored per run: curves and settings about {curves / 1024:.0f} kB, model {model / 1024:.0f} kB")


if __name__ == "__main__":
    main()
