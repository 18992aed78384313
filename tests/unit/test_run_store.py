"""The run store on SQLite and on a real PostgreSQL: nothing saved is lost, and nobody sees another's runs."""

import io
import threading
import zipfile

import sqlalchemy as sa

import lab.store as store_module
from lab.registry import get_lab
from lab.runs import Run
from lab.store import Limits, RunStore, owner_key
from lab.store.schema import VERSION, current_version, migrate, runs
from lab.training import TrainingJob

ALICE, BOB = owner_key("browser", "a" * 32), owner_key("browser", "b" * 32)


def a_run(number=1, epochs=3, status="completed", model=b"keras" * 100):
    config = get_lab("mlp").config_cls.from_strings({"epochs": str(epochs), "seed": "4"})
    history = [{"epoch": e + 1, "loss": 1.0 / (e + 1), "val_loss": 1.2 / (e + 1)} for e in range(epochs)]
    return Run(
        lab="mlp",
        config=config,
        number=number,
        status=status,
        epochs_planned=epochs,
        history=history,
        batch_loss=[0.9, float("nan"), 0.5],
        metrics={"val_accuracy": 0.9, "samples": [[0.0] * 784] * 10},
        diagnosis={"labels": ["healthy"]},
        params=1185,
        model_bytes=model,
    )


def test_a_saved_run_comes_back_whole_and_only_to_its_owner(url):
    store = RunStore(url)
    run = a_run()
    assert store.save(ALICE, run, final=True) and run.key
    back = store.load(ALICE, run.key)
    assert back.config == run.config and back.history == run.history and back.status == "completed"
    assert back.model_bytes == run.model_bytes and back.params == 1185 and back.diagnosis == {"labels": ["healthy"]}
    assert back.batch_loss == [0.9, None, 0.5]  # NaN is kept as "no value"
    assert back.metrics == {"val_accuracy": 0.9}  # generated samples are not stored with the curves
    assert [r.key for r in store.runs(ALICE)] == [run.key]
    # Another person: no list, no run by its id, no delete, and no overwrite by saving under its id.
    assert store.runs(BOB) == [] and store.load(BOB, run.key) is None and store.delete(BOB, [run.key]) == 0
    assert store.delete(BOB) == 0 and store.load(ALICE, run.key) is not None
    stolen = a_run(epochs=1)
    stolen.key = run.key
    assert not store.save(BOB, stolen, final=True)
    assert store.load(ALICE, run.key).history == run.history and store.runs(BOB) == []


def test_a_run_saved_while_training_then_not_again_is_interrupted_with_its_curve(url, monkeypatch):
    store = RunStore(url)
    run = a_run(status="running", model=b"")
    store.save(ALICE, run)
    assert store.runs(ALICE)[0].status == "running"
    monkeypatch.setattr(store_module, "STALE_S", -1.0)  # as if the server had died a while ago
    back = store.runs(ALICE)[0]
    assert back.status == "interrupted" and back.ended and len(back.history) == 3
    assert "Interrupted" in back.status_words()


def test_a_database_of_the_previous_version_migrates_with_its_runs(url):
    engine = sa.create_engine(url)
    migrate(engine, target=VERSION - 1)  # the store as the previous version left it
    old = RunStore(url)
    old._engine = engine  # written by the old code: its tables only
    run = a_run()
    assert old.save(ALICE, run, final=True)
    with engine.connect() as connection:
        assert current_version(connection) == VERSION - 1
        assert not sa.inspect(connection).has_table("challenges")
    store = RunStore(url)
    assert store.load(ALICE, run.key).history == run.history
    with store.engine().connect() as connection:
        assert current_version(connection) == VERSION
        assert sa.inspect(connection).has_table("challenges")


def test_eight_sessions_writing_at_once_lose_nothing(url):
    store = RunStore(url)
    people = [owner_key("browser", f"{i:032x}") for i in range(8)]
    errors = []

    def session(person):
        try:
            for number in range(1, 6):
                run = a_run(number=number, status="running", model=b"")
                for epoch in range(3):  # saves while it trains, then the final one with its model
                    run.history = a_run(epochs=epoch + 1).history
                    assert store.save(person, run)
                run.status, run.model_bytes = "completed", b"m" * 1000
                assert store.save(person, run, final=True)
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=session, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and store.problem == ""
    for person in people:
        kept = store.runs(person)
        assert sorted(r.number for r in kept) == [1, 2, 3, 4, 5]
        assert all(r.status == "completed" and len(r.history) == 3 for r in kept)
        assert store.model_bytes(person) == 5000


def test_past_the_per_person_cap_the_oldest_models_go_and_curves_stay(url):
    store = RunStore(url, Limits(person_mb=2.5 / 1024, run_mb=1 / 1024))  # 2.5 kB per person, 1 kB per run
    saved = []
    for number in range(1, 5):
        run = a_run(number=number, model=b"m" * 1000)
        run.started_at += number  # in the order they were made
        store.save(ALICE, run, final=True)
        saved.append(run)
    big = a_run(number=5, model=b"m" * 2000)  # over the per-run cap: its curves only
    big.started_at += 5
    store.save(ALICE, big, final=True)
    models = {r.number: len(store.load(ALICE, r.key).model_bytes) for r in saved + [big]}
    assert models == {1: 0, 2: 0, 3: 1000, 4: 1000, 5: 0}
    assert all(len(r.history) == 3 for r in store.runs(ALICE))


def test_export_holds_every_run_and_delete_all_empties(url):
    store = RunStore(url)
    for number in (1, 2):
        store.save(ALICE, a_run(number=number), final=True)
    store.save(BOB, a_run(number=1), final=True)
    names = zipfile.ZipFile(io.BytesIO(store.export(ALICE))).namelist()
    assert len([n for n in names if n.endswith("history.csv")]) == 2
    assert len([n for n in names if n.endswith("model.keras")]) == 2 and len(names) == 6
    assert store.delete(ALICE) == 2 and store.runs(ALICE) == [] and len(store.runs(BOB)) == 1
    assert store.next_number(BOB, "mlp") == 2


def test_an_unusable_database_says_so_and_a_training_still_ends_well(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    store = RunStore(f"sqlite:///{blocked / 'runs.sqlite3'}")
    assert store.save(ALICE, a_run(), final=True) is False
    assert store.runs(ALICE) == [] and store.load(ALICE, "0" * 32) is None
    assert "Runs are not being saved" in store.problem and "Training still works" in store.problem
    unreachable = RunStore("postgresql+psycopg://lab@127.0.0.1:9/none")
    assert unreachable.runs(ALICE) == [] and "Runs are not being saved" in unreachable.problem

    lab = get_lab("mlp")
    config = lab.config_cls.from_strings({"epochs": "2", "n_samples": "200"})
    job = TrainingJob(lab, config, lab.load_data(config), recorder=lambda run, final: store.save(ALICE, run, final))
    assert job.start().wait(120).status == "completed"


def test_a_recorded_training_is_stored_with_its_curves_and_model(tmp_path):
    store = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite3'}")
    lab = get_lab("mlp")
    config = lab.config_cls.from_strings({"epochs": "3", "n_samples": "200"})
    job = TrainingJob(lab, config, lab.load_data(config), recorder=lambda run, final: store.save(ALICE, run, final))
    run = job.start().wait(120)
    back = store.load(ALICE, run.key)
    assert back.status == "completed" and back.history == run.history and back.model_bytes == run.model_bytes
    assert (
        len(back.batch_loss) == len(run.batch_loss) > 0 and back.metrics["val_accuracy"] == run.metrics["val_accuracy"]
    )
    with store.engine().connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(runs)).scalar() == 1
