"""Alembic environment: runs migrations on the engine coachbot hands over, or, for Alembic's
own command line (`uv run alembic current` with the alembic.ini at the top), on DATABASE_URL."""

from __future__ import annotations

import os
from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Engine

from storage.db import make_engine
from storage.models import Base, UtcDateTime


def render_item(kind: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    # Migrations stay plain SQLAlchemy so they do not break when model code moves.
    if kind == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _engine() -> tuple[Engine, bool]:
    """The engine to migrate, and whether this file made it (and so disposes of it)."""
    given = config.attributes.get("engine")
    if given is not None:
        return given, False
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    return make_engine(os.environ.get("DATABASE_URL", "sqlite:///coachbot.db")), True


config = context.config
engine, owned = _engine()

try:
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            render_item=render_item,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
finally:
    if owned:
        engine.dispose()
