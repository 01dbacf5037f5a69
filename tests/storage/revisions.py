"""A database of a test's own at an older revision, on SQLite or PostgreSQL, for migration tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from storage import migrate
from storage.db import make_engine
from tests.conftest import POSTGRES_URL


@contextmanager
def database_at(kind: str, tmp_path: Path, revision: str) -> Iterator[Engine]:
    """A new database (`kind` "sqlite" or "postgresql") migrated up to `revision`, dropped after."""
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
