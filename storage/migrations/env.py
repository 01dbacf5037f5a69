"""Alembic environment: runs migrations on the engine coachbot hands over."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext

from storage.models import Base, UtcDateTime


def render_item(kind: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    # Migrations stay plain SQLAlchemy so they do not break when model code moves.
    if kind == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


config = context.config
engine = config.attributes["engine"]

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
