"""A database of its own at an older revision, for tests of the migration that follows it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from storage import migrate
from storage.db import make_engine
from tests.conftest import DATABASES, POSTGRES_URL


@contextmanager
def database_at(kind: str, tmp_path: Path, revision: str) -> Iterator[Engine]:
    """A new SQLite file or PostgreSQL database migrated to `revision`, gone afterwards."""
    if kind == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        migrate.upgrade(engine, revision)
        try:
            yield engine
        finally:
            engine.dispose()
        return
    assert POSTGRES_URL is not None
    name = f"coachbot_migration_{uuid.uuid4().hex[:8]}"
    server = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(
        make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    )
    try:
        migrate.upgrade(engine, revision)
        yield engine
    finally:
        engine.dispose()
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def engine_at(revision: str) -> Callable[..., Iterator[Engine]]:
    """An `old_engine` fixture: each database kind in turn, at `revision`."""

    @pytest.fixture(params=DATABASES)
    def old_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
        with database_at(request.param, tmp_path, revision) as engine:
            yield engine

    return old_engine
