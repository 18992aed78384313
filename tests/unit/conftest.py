"""Fixtures of the run store's tests: a fresh database of each kind, SQLite and a real PostgreSQL."""

import pytest
import sqlalchemy as sa

from lab.server import PostgresServer, find_postgres


@pytest.fixture(scope="session")
def postgres():
    if find_postgres() is None:
        pytest.skip("PostgreSQL is not installed (Debian's postgresql package; .ci/run installs it)")
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'runs.sqlite3'}"
        return
    server = request.getfixturevalue("postgres")
    engine = sa.create_engine(server.url)
    with engine.begin() as connection:  # every test starts from an empty database
        connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    yield server.url
