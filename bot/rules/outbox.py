"""The durable outbox: every scheduled message is a row first, then sent once.

Planners call `enqueue` with an idempotency key; the unique key makes planning twice (or on
two replicas) harmless. `deliver_due` claims due rows with a lease, sends them, and records
Slack's answer; 429 waits as long as Slack says, 5xx and timeouts back off, and a row that
keeps failing ends as dead with its reason. Nothing is dropped silently.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from storage.enums import OutboxStatus
from storage.models import OutboxMessage, Person
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

PENDING, SENT, DEAD, DROPPED = (
    OutboxStatus.PENDING,
    OutboxStatus.SENT,
    OutboxStatus.DEAD,
    OutboxStatus.DROPPED,
)
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=2)
# Errors that no retry will fix: the row ends as dead straight away, with the reason.
PERMANENT = {
    "channel_not_found",
    "user_not_found",
    "user_disabled",
    "account_inactive",
    "is_archived",
    "not_in_channel",
    "invalid_blocks",
    "invalid_arguments",
    "msg_too_long",
    "no_text",
    "invalid_auth",
    "not_authed",
    "token_revoked",
    "missing_scope",
}


def enqueue(
    uow: UnitOfWork,
    *,
    key: str,
    person: Person,
    kind: str,
    message: Mapping[str, Any],
    due_at: datetime,
    now: datetime,
    ref: str | None = None,
) -> bool:
    """Owe `person` a direct message at `due_at`; False if this key was already planned."""
    blocks = message.get("blocks")
    return uow.outbox.add_if_absent(
        {
            "key": key[:200],
            "team_id": person.team_id,
            "person_id": person.id,
            "channel": person.user_id,
            "kind": kind,
            "ref": ref,
            "text": str(message.get("text", "")),
            "blocks": json.dumps(blocks) if blocks is not None else None,
            "due_at": due_at,
            "available_at": due_at,
            "status": PENDING,
            "attempts": 0,
            "created_at": now,
        }
    )


def record_sent(
    uow: UnitOfWork,
    *,
    key: str,
    person: Person,
    kind: str,
    ref: str,
    where: tuple[str, str],
    now: datetime,
) -> bool:
    """Note a direct message a listener sent itself, as sent, with where it is in Slack.

    Delivery never picks such a row up; it is there so that a later click on that message is
    checked against where coachbot posted it, like every message the outbox sent. The words
    are not copied: the row holds ids only.
    """
    return uow.outbox.add_if_absent(
        {
            "key": key[:200],
            "team_id": person.team_id,
            "person_id": person.id,
            "channel": person.user_id,
            "kind": kind,
            "ref": ref,
            "text": "",
            "blocks": None,
            "due_at": now,
            "available_at": now,
            "status": SENT,
            "attempts": 1,
            "slack_channel": where[0],
            "slack_ts": where[1],
            "sent_at": now,
            "created_at": now,
        }
    )


def sent_about(uow: UnitOfWork, *, person_id: int, ref: str) -> list[tuple[str, str]]:
    """Where the messages sent to one person about one item are in Slack, newest first.

    `ref` names the item ("visit:12", "reflection:5"); rows about a part of it
    ("visit:12:answer:3") count too.
    """
    return uow.outbox.list_sent_about(person_id, ref)


def count_sent_or_due(uow: UnitOfWork, *, kind: str, ref: str) -> int:
    """How many messages of a kind about one item exist (sent or still to send)."""
    return uow.outbox.count_sent_or_due(kind, ref)


def count_for_person(
    uow: UnitOfWork, person: Person, kinds: tuple[str, ...], start: datetime, end: datetime
) -> int:
    """Messages of these kinds due to a person in [start, end), for the weekly nudge cap."""
    return uow.outbox.count_for_person(person.id, kinds, start, end)


def drop(uow: UnitOfWork, *, ref: str, kinds: tuple[str, ...] | None = None) -> int:
    """Cancel unsent messages about an item that was settled; returns how many."""
    return uow.outbox.drop(ref, kinds)


# --------------------------------------------------------------------------- delivery

StillWanted = Callable[[UnitOfWork, OutboxMessage], bool]
# When a row may be sent: None for now, or a later moment to wait for (school hours).
Gate = Callable[[UnitOfWork, OutboxMessage, datetime], datetime | None]


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    dropped: int = 0
    recovered: int = 0  # sent before a crash, found in Slack instead of being sent again
    postponed: int = 0  # came due outside the person's school hours; waiting for them
    waits: list[float] = field(default_factory=list)  # Retry-After seconds Slack asked for

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.dead += other.dead
        self.dropped += other.dropped
        self.recovered += other.recovered
        self.postponed += other.postponed
        self.waits += other.waits


def claim_due(uow: UnitOfWork, now: datetime, worker: str, limit: int) -> list[OutboxMessage]:
    """Lease up to `limit` due rows to this worker, for LEASE; no two workers get one row."""
    return uow.outbox.claim_due(now, worker, limit, LEASE)


class Sender:
    """What delivery needs from Slack; bot.slack.messaging.SlackSender is the real one."""

    def post(self, channel: str, text: str, blocks: list[Any] | None, key: str) -> tuple[str, str]:
        """Post and return (channel, ts); raise SendFailed on any failure."""
        raise NotImplementedError

    def find(self, channel: str, key: str) -> tuple[str, str] | None:
        """(channel, ts) of a message already posted with this key, if Slack has one."""
        raise NotImplementedError


class SendFailed(Exception):
    def __init__(self, error: str, *, retry_after: float | None = None, transient: bool) -> None:
        super().__init__(error)
        self.error = error
        self.retry_after = retry_after
        self.transient = transient


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at 30 min."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 1800))


def deliver_due(
    deps_uow: Callable[[], UnitOfWork],
    sender: Sender,
    now: datetime,
    *,
    worker: str,
    still_wanted: Mapping[str, StillWanted] | None = None,
    gate: Gate | None = None,
    batch: int = 50,
) -> DeliveryReport:
    """Send one batch of due messages; call again until it sends nothing."""
    report = DeliveryReport()
    with deps_uow() as uow:
        rows = claim_due(uow, now, worker, batch)
        claimed = [(r.id, r.kind, r.attempts, r.last_error, r.channel, r.key) for r in rows]
        uow.commit()
    for row_id, kind, attempts, last_error, channel, key in claimed:
        with deps_uow() as uow:
            row = uow.outbox.get_one(row_id)
            check = (still_wanted or {}).get(kind)
            if check is not None and not check(uow, row):
                row.status, row.last_error, row.lease_until = (
                    DROPPED,
                    "settled before sending",
                    None,
                )
                report.dropped += 1
                uow.commit()
                continue
            later = gate(uow, row, now) if gate is not None else None
            if later is not None and later > now:
                # Came due while the reader was outside school hours: wait for their morning.
                row.available_at, row.lease_until = later, None
                row.attempts = max(row.attempts - 1, 0)
                report.postponed += 1
                uow.commit()
                continue
            text, blocks = row.text, json.loads(row.blocks) if row.blocks else None
            uow.commit()
        # A row claimed before without a recorded outcome may have reached Slack just before
        # a crash: look for it before sending it again.
        found = None
        if attempts > 1 and last_error is None:
            try:
                found = sender.find(channel, key)
            except SendFailed:
                found = None
        try:
            posted = found or sender.post(channel, text, blocks, key)
        except SendFailed as failure:
            with deps_uow() as uow:
                row = uow.outbox.get_one(row_id)
                _record_failure(row, failure, now, report)
                uow.commit()
            continue
        with deps_uow() as uow:
            row = uow.outbox.get_one(row_id)
            row.status, row.sent_at, row.lease_until = SENT, now, None
            row.slack_channel, row.slack_ts, row.last_error = posted[0], posted[1], None
            uow.commit()
        if found:
            report.recovered += 1
        else:
            report.sent += 1
    return report


def _record_failure(
    row: OutboxMessage, failure: SendFailed, now: datetime, report: DeliveryReport
) -> None:
    row.lease_until = None
    row.last_error = failure.error[:300]
    if not failure.transient or row.attempts >= MAX_ATTEMPTS:
        row.status = DEAD
        report.dead += 1
        logger.warning(
            "outbox %s is dead after %d attempts: %s", row.key, row.attempts, failure.error
        )
        return
    if failure.retry_after is not None:
        wait = timedelta(seconds=failure.retry_after)
        report.waits.append(failure.retry_after)
    else:
        wait = backoff(row.attempts)
    row.available_at = now + wait
    report.retried += 1


def retry_dead(uow: UnitOfWork, now: datetime) -> int:
    """Put dead rows back in line, as new; returns how many."""
    return uow.outbox.retry_dead(now)


def summary(uow: UnitOfWork, now: datetime) -> dict[str, int]:
    """Counts by state for `coachbot jobs list` and the admin's view: due, later, sent, dead."""
    by_status = uow.outbox.count_by_status()
    counts = {"due": 0, "later": 0, SENT.value: 0, DEAD.value: 0, DROPPED.value: 0}
    for status, number in by_status.items():
        if status != PENDING:
            counts[status.value] = counts.get(status.value, 0) + number
    counts["due"] = uow.outbox.count_due(now)
    counts["later"] = by_status.get(PENDING, 0) - counts["due"]
    return counts
