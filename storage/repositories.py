"""Repositories: queries over one session; they flush, never commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete
from sqlalchemy.orm import Session

from storage.models import SlackEvent


def insert_if_absent(session: Session, table: Table, values: dict[str, Any]) -> bool:
    """Insert a row unless one with the same key exists; True when this call inserted it.

    Uses the database's own ON CONFLICT so two replicas racing on one key cannot both win.
    """
    dialect = session.get_bind().dialect.name
    # Imported here: each dialect module is slow to import and a process needs only one.
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        stmt: Any = postgresql.insert(table).values(**values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        stmt = sqlite.insert(table).values(**values).on_conflict_do_nothing()
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(f"unsupported database: {dialect}")
    # RETURNING, because rowcount is not reported for this statement by every driver.
    key = next(iter(table.primary_key.columns))
    return session.execute(stmt.returning(key)).first() is not None


class SlackEventRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def claim(self, event_id: str, event_type: str, now: datetime) -> bool:
        """Record an event delivery; False when it was already taken (a Slack retry)."""
        return insert_if_absent(
            self.session,
            SlackEvent.__table__,  # type: ignore[arg-type]
            {"event_id": event_id, "event_type": event_type, "received_at": now},
        )

    def purge_received_before(self, cutoff: datetime) -> int:
        """Forget deliveries older than Slack's retry window; returns how many."""
        result = self.session.execute(delete(SlackEvent).where(SlackEvent.received_at < cutoff))
        return int(getattr(result, "rowcount", 0))
