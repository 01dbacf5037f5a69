"""Slack deliveries and signed requests already taken: the replay and retry guards."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete

from storage.models import RequestSignature, SlackEvent
from storage.repositories.base import (
    Repository,
    ignoring_conflicts,
    insert_if_absent,
    rowcount,
)


@functools.cache
def _claiming(dialect: str) -> Any:
    table: Table = RequestSignature.__table__  # type: ignore[assignment]
    return ignoring_conflicts(dialect, table).returning(table.c.signature)


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
        rows = [{"signature": sig, "signed_at": at} for sig, at in signatures.items()]
        # Many rows as parameters of one statement built once, which SQLAlchemy sends as one
        # multi-row INSERT; built as literal VALUES it would be compiled afresh each time.
        return set(self.session.scalars(_claiming(self.session.get_bind().dialect.name), rows))

    def purge_signed_before(self, cutoff: datetime) -> int:
        """Forget signatures too old to be accepted again anyway; returns how many."""
        result = self.session.execute(
            delete(RequestSignature).where(RequestSignature.signed_at < cutoff)
        )
        return rowcount(result)
