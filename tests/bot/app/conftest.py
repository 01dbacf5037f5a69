"""Fixtures of the composition root's tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from storage import migrate
from storage.db import make_engine


@pytest.fixture
def ahead_database(tmp_path: Path) -> str:
    """A SQLite database at revision 9999, one a newer coachbot would have left behind."""
    url = f"sqlite:///{tmp_path / 'ahead.db'}"
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    finally:
        engine.dispose()
    return url
