"""Alembic, driven from code: `coachbot db upgrade` and the SQLite upgrade on start.

Alembic is imported only when a migration has to run: a database already at HEAD starts
without it, which keeps a restart quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest revision in migrations/versions; a test keeps it equal to Alembic's head.
HEAD = "0008"


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
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


def upgrade_if_behind(engine: Engine) -> None:
    if current_revision(engine) != HEAD:
        upgrade(engine)


def revision(engine: Engine, message: str, *, autogenerate: bool = True) -> None:
    from alembic import command

    command.revision(alembic_config(engine), message=message, autogenerate=autogenerate)


def is_up_to_date(engine: Engine) -> bool:
    return current_revision(engine) == HEAD


def script_head(engine: Engine) -> str:
    """Alembic's own idea of the newest revision, for the test that keeps HEAD true."""
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config(engine)).get_heads()
    return str(heads[0]) if len(heads) == 1 else ",".join(sorted(heads))
