"""Slack deliveries and signed requests already taken: the replay and retry guards."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, delete

from storage.models import RequestSignature, SlackEvent
from storage.repositories.base import (
    Repository,
    insert_if_absent,
    insert_ignoring_conflicts,
    rowcount,
)


class SlackEventRepository(Repository):
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
        return rowcount(result)


class RequestSignatureRepository(Repository):
    def claim(self, signature: str, signed_at: datetime) -> bool:
        """Record a signed request; False when its signature was already taken (a replay).

        The primary key decides, so two replicas receiving the same request cannot both win.
        """
        return insert_if_absent(
            self.session,
            RequestSignature.__table__,  # type: ignore[arg-type]
            {"signature": signature, "signed_at": signed_at},
        )

    def claim_all(self, signatures: dict[str, datetime]) -> set[str]:
        """Record many signed requests in one statement; returns the signatures that were new."""
        if not signatures:
            return set()
        table: Table = RequestSignature.__table__  # type: ignore[assignment]
        rows = [{"signature": sig, "signed_at": at} for sig, at in signatures.items()]
        # Many rows as parameters of one cached statement, which SQLAlchemy sends as one
        # multi-row INSERT; built as literal VALUES it would be compiled afresh each time.
        stmt = insert_ignoring_conflicts(self.session, table).returning(table.c.signature)
        return set(self.session.scalars(stmt, rows))

    def purge_signed_before(self, cutoff: datetime) -> int:
        """Forget signatures too old to be accepted again anyway; returns how many."""
        result = self.session.execute(
            delete(RequestSignature).where(RequestSignature.signed_at < cutoff)
        )
        return rowcount(result)
