"""A database of its own at an older revision, for tests of the migration that follows it."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, create_engine, text

from storage.db import make_engine
from tests.conftest import DATABASES, POSTGRES_URL, postgres_copy_at, sqlite_template_at


@contextmanager
def database_at(
    kind: str, tmp_path_factory: pytest.TempPathFactory, revision: str
) -> Iterator[Engine]:
    """A new SQLite file or PostgreSQL database at `revision`, gone afterwards: a copy of one
    migrated there once per run (migrating from nothing took each test most of a second)."""
    if kind == "sqlite":
        path = tmp_path_factory.mktemp("old") / "old.db"
        shutil.copyfile(sqlite_template_at(tmp_path_factory, revision), path)
        engine = make_engine(f"sqlite:///{path}")
        try:
            yield engine
        finally:
            engine.dispose()
        return
    assert POSTGRES_URL is not None
    name = f"coachbot_migration_{uuid.uuid4().hex[:8]}"
    server = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    engine = make_engine(postgres_copy_at(server, tmp_path_factory, name, revision))
    try:
        yield engine
    finally:
        engine.dispose()
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def engine_at(revision: str) -> Callable[..., Iterator[Engine]]:
    """An `old_engine` fixture: each database kind in turn, at `revision`."""

    @pytest.fixture(params=DATABASES)
    def old_engine(
        request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[Engine]:
        with database_at(request.param, tmp_path_factory, revision) as engine:
            yield engine

    return old_engine
