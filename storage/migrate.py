"""Alembic, driven from code: `coachbot db upgrade` and the SQLite upgrade on start.

Alembic is imported only when a migration has to run: a database already at the head starts
without it, which keeps a restart quick. The head and the chain of revisions are read from the
files in migrations/versions, so a new migration needs no other edit.
"""

from __future__ import annotations

import re
import sys
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
_ASSIGNMENT = re.compile(
    r'^(revision|down_revision)\s*(?::[^=]*)?=\s*(?:"([^"]*)"|None)\s*$', re.MULTILINE
)


class SchemaState(StrEnum):
    NEW = "new"  # no alembic_version table yet
    BEHIND = "behind"  # an older revision this code knows: `coachbot db upgrade`
    CURRENT = "current"
    AHEAD = "ahead"  # a revision this code does not know: the database is newer than the code


@cache
def revisions() -> dict[str, str | None]:
    """Each revision in migrations/versions and the one it revises, read without Alembic."""
    chain: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        found = {name: value for name, value in _ASSIGNMENT.findall(path.read_text("utf-8"))}
        if "revision" in found:
            chain[found["revision"]] = found.get("down_revision") or None
    return chain


def head() -> str:
    """The newest revision: the one no other revises (a test keeps it equal to Alembic's)."""
    chain = revisions()
    heads = sorted(set(chain) - {parent for parent in chain.values() if parent})
    return ",".join(heads)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    # Alembic's default stdout is the one at its import; commands print to today's.
    config = Config(stdout=sys.stdout)
    config.set_main_option("script_location", str(MIGRATIONS))
    # The engine travels as an attribute so a password never passes through ini parsing.
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, read directly; None for a new database."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(value) if value is not None else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def schema_state(engine: Engine) -> SchemaState:
    current = current_revision(engine)
    if current is None:
        return SchemaState.NEW
    if current == head():
        return SchemaState.CURRENT
    return SchemaState.BEHIND if current in revisions() else SchemaState.AHEAD


def upgrade_if_behind(engine: Engine) -> None:
    if schema_state(engine) in (SchemaState.NEW, SchemaState.BEHIND):
        upgrade(engine)


def revision(engine: Engine, message: str, *, autogenerate: bool = True) -> None:
    from alembic import command

    command.revision(alembic_config(engine), message=message, autogenerate=autogenerate)


def is_up_to_date(engine: Engine) -> bool:
    return schema_state(engine) is SchemaState.CURRENT


def script_head(engine: Engine) -> str:
    """Alembic's own idea of the newest revision, for the test that keeps head() true."""
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config(engine)).get_heads()
    return str(heads[0]) if len(heads) == 1 else ",".join(sorted(heads))
