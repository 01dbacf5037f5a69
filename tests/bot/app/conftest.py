"""Fixtures of the composition root's tests."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import make_engine


@pytest.fixture
def ahead_database(tmp_path: Path, sqlite_template: Path) -> str:
    """A SQLite database at revision 9999, one a newer coachbot would have left behind."""
    shutil.copyfile(sqlite_template, tmp_path / "ahead.db")
    url = f"sqlite:///{tmp_path / 'ahead.db'}"
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    finally:
        engine.dispose()
    return url


def ready_port(process: subprocess.Popen[str]) -> int:
    """The port a `coachbot serve` process says it is ready on, read from its stderr."""
    assert process.stderr is not None
    for line in process.stderr:
        found = re.search(r"coachbot is ready: HTTP on [\d.]+:(\d+)", line)
        if found:
            return int(found.group(1))
    raise AssertionError("coachbot serve never said it was ready")
