"""What saving runs costs: a training recorded into the run store against a bare `model.fit` and an unrecorded job.

    python -m bench.store_overhead [--repeats 5] [--lab mlp] [--postgres]

Alternates, in one process, three trainings of the lab's default: a bare
`model.fit` of the same model in a thread (`bench.engine_overhead.plain_once`),
a `TrainingJob` without a recorder, and a `TrainingJob` whose recorder saves to a
fresh SQLite store (or a throwaway PostgreSQL with `--postgres`) every 5 s and at
the end. Prints the median seconds of `fit` in each, the ratios (the issue asks
recorded / bare `fit` at most 1.05x), the time of the final save, and the bytes
the store holds per run (curves and settings, and its model).
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bench.engine_overhead import plain_once, timed_fit_lab
from lab.registry import get_lab
from lab.server import PostgresServer
from lab.store import RunStore, owner_key
from lab.store.schema import models, runs
from lab.training import TrainingJob

OWNER = owner_key("browser", "bench")


def train(lab, config, data, store):
    """One job (recorded into `store` unless None); returns the seconds of its `fit` and of each save."""
    saves, fits = [], []

    def record(run, final):
        start = time.perf_counter()
        store.save(OWNER, run, final)
        saves.append(time.perf_counter() - start)

    job = TrainingJob(timed_fit_lab(lab, fits), config, data, recorder=record if store else None)
    run = job.start().wait()
    assert run.status == "completed", run.message
    return fits[0], saves


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
        bare, engine, recorded, finals, during = [], [], [], [], []
        cpu = {"bare": [], "engine": [], "recorded": []}  # the process' CPU seconds: blind to other processes
        for _ in range(args.repeats):
            start = time.process_time()
            bare.append(plain_once(lab, config, data))
            cpu["bare"].append(time.process_time() - start)
            start = time.process_time()
            engine.append(train(lab, config, data, None)[0])
            cpu["engine"].append(time.process_time() - start)
            start = time.process_time()
            seconds, saves = train(lab, config, data, store)
            cpu["recorded"].append(time.process_time() - start)
            recorded.append(seconds)
            finals.append(saves[-1])
            during.append(sum(saves[:-1]) / seconds)  # the saves made while it trained, as a share of its fit
        curves, model = stored_bytes(store)
    finally:
        store.close()
        if server:
            server.stop()
    b, e, r = (statistics.median(x) for x in (bare, engine, recorded))
    print(f"{args.lab} default, {args.repeats} alternated triples, {'PostgreSQL' if server else 'SQLite'}")
    for name, values, median in (("bare fit", bare, b), ("engine", engine, e), ("recorded", recorded, r)):
        print(f"  {name:9s} median {median:.2f} s of fit  ({', '.join(f'{x:.2f}' for x in values)})")
    print(f"  ratio recorded / bare fit: {r / b:.3f};  recorded / engine: {r / e:.3f};  engine / bare fit: {e / b:.3f}")
    per_triple = [r / b for r, b in zip(recorded, bare)]
    print(f"  per triple, recorded / bare fit: median {statistics.median(per_triple):.3f}")
    c = {name: statistics.median(values) for name, values in cpu.items()}
    print(
        f"  CPU seconds of the process (build included): bare {c['bare']:.2f}, engine {c['engine']:.2f}, "
        f"recorded {c['recorded']:.2f}; recorded / bare {c['recorded'] / c['bare']:.3f}, "
        f"recorded / engine {c['recorded'] / c['engine']:.3f}"
    )
    print(f"  saves while training: median {statistics.median(during):.2%} of the fit's time (in the job's thread)")
    print(f"  final save (curves and model): median {statistics.median(finals) * 1000:.0f} ms")
    print(f"  stored per run: curves and settings about {curves / 1024:.0f} kB, model {model / 1024:.0f} kB")


if __name__ == "__main__":
    main()
