"""The durable outbox: every scheduled message is a row first, then sent once.

Planners call `enqueue` with an idempotency key; the unique key makes planning twice (or on
two replicas) harmless. `deliver_due` claims a small batch with a lease it renews as it goes,
and only the holder of the lease records an outcome. Outages are waited out, not counted: a
429 pauses every replica for as long as Slack says, from its answer; 5xx, timeouts and refused
connections back off (with jitter, at most five minutes); a row is dead only for an error no
retry can fix, or dropped once it is no longer wanted. An attempt whose outcome is unknown
(a timeout, a 5xx, a crash mid-send) is looked up in Slack by its key before any re-send.
Nothing is dropped silently.
"""

from __future__ import annotations

import json
import logging
import math
import random
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot import metrics
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
        _row(key, person, kind, ref, due_at, now)
        | {
            "text": str(message.get("text", "")),
            "blocks": json.dumps(blocks) if blocks is not None else None,
            "status": PENDING,
            "attempts": 0,
        }
    )


def _row(
    key: str, person: Person, kind: str, ref: str | None, due_at: datetime, now: datetime
) -> dict[str, Any]:
    """What every outbox row says of itself: its key, whom it is for, what about, and when."""
    return {
        "key": key[:200],
        "team_id": person.team_id,
        "person_id": person.id,
        "channel": person.user_id,
        "kind": kind,
        "ref": ref,
        "due_at": due_at,
        "available_at": due_at,
        "created_at": now,
    }


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
        _row(key, person, kind, ref, now, now)
        | {
            "text": "",
            "blocks": None,
            "status": SENT,
            "attempts": 1,
            "slack_channel": where[0],
            "slack_ts": where[1],
            "sent_at": now,
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
# Bookkeeping after a row was sent, in the transaction that records it (where it is in Slack).
AfterSent = Callable[[UnitOfWork, OutboxMessage], None]

# A claim holds its rows this long; it is renewed before each message, so only a worker that
# died (or stalled for this long) loses its rows, and another worker has them within a minute.
LEASE = timedelta(seconds=60)
BATCH = 10
# Back-off after a failure that is not a 429: 5 s, 10 s, 20 s, ... never more than 5 minutes,
# each cut by up to half at random so that replicas and rows do not retry in step, and a
# message still wanted goes out within five minutes of Slack's return.
BACKOFF_FIRST = 5.0
BACKOFF_CAP = 300.0
# After this many failures in a row that say Slack is down (on any replica sharing the budget),
# every replica waits the back-off before the next call: an outage is probed, not hammered.
OUTAGE_AFTER = 3
# A worker waits this long at most for a slot of the shared budget; a longer wait (Slack said
# to pause) gives the rest of its batch back, due when the pause ends.
SLOT_HORIZON = 5.0
# Slack's answers that say it could not tell whether it did the work.
UNKNOWN_ERRORS = frozenset({"fatal_error", "internal_error", "request_timeout"})


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    dropped: int = 0
    recovered: int = 0  # found in Slack after an attempt whose outcome was unknown
    postponed: int = 0  # came due outside the person's school hours; waiting for them
    released: int = 0  # claimed but given back untried while Slack asked every replica to wait
    waits: list[float] = field(default_factory=list)  # Retry-After seconds Slack asked for

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.dead += other.dead
        self.dropped += other.dropped
        self.recovered += other.recovered
        self.postponed += other.postponed
        self.released += other.released
        self.waits += other.waits

    @property
    def busy(self) -> bool:
        """Whether this batch did anything (a caller loops until one does not)."""
        return bool(self.sent or self.retried or self.dead or self.dropped or self.recovered)


def claim_due(
    uow: UnitOfWork,
    now: datetime,
    worker: str,
    limit: int,
    kinds: tuple[str, ...] | None = None,
) -> list[OutboxMessage]:
    """Lease up to `limit` due rows to this worker, for LEASE; no two workers get one row."""
    return uow.outbox.claim_due(now, worker, limit, LEASE, kinds)


class Sender:
    """What delivery needs from Slack; bot.slack.messaging.SlackSender is the real one."""

    def post(self, channel: str, text: str, blocks: list[Any] | None, key: str) -> tuple[str, str]:
        """Post and return (channel, ts); raise SendFailed on any failure."""
        raise NotImplementedError

    def find(self, channel: str, key: str) -> tuple[str, str] | None:
        """(channel, ts) of a message already posted with this key, if Slack has one."""
        raise NotImplementedError


class SendFailed(Exception):
    """A call that did not succeed. `unknown`: it may have reached Slack and done its work
    (a timeout or a dropped connection after sending, a 5xx), so the message may be there."""

    def __init__(
        self,
        error: str,
        *,
        retry_after: float | None = None,
        transient: bool,
        unknown: bool = False,
    ) -> None:
        super().__init__(error)
        self.error = error
        self.retry_after = retry_after
        self.transient = transient
        self.unknown = unknown


def backoff(failures: int, spread: float = 1.0) -> timedelta:
    """5 s, 10 s, 20 s, ... capped at 5 minutes; `spread` in [0, 1] keeps half of it to all."""
    base = min(BACKOFF_FIRST * 2 ** max(failures - 1, 0), BACKOFF_CAP)
    return timedelta(seconds=base * (1 + spread) / 2)


@dataclass(frozen=True)
class Budget:
    """A posting rate shared by every replica through the database (`send_budgets`)."""

    per_minute: float
    name: str = "chat.postMessage"

    @property
    def interval_ms(self) -> int:
        # Rounded up: the budget is a ceiling, never exceeded by rounding.
        return max(1, math.ceil(60_000 / self.per_minute))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)


def _ms(moment: datetime) -> int:
    """Milliseconds since the epoch, rounded up: a slot is never earlier than the moment."""
    return -((_EPOCH - moment) // _MS)


def _moment(ms: int) -> datetime:
    return _EPOCH + ms * _MS


@dataclass(frozen=True)
class _Claimed:
    id: int
    kind: str
    channel: str
    key: str
    attempts: int
    failures: int
    maybe_sent: bool


@dataclass
class _Delivery:
    """One batch: its claim, its clock, and what it has learned of Slack so far."""

    uow: Callable[[], UnitOfWork]
    sender: Sender
    claim: str
    clock: Callable[[], datetime]
    sleep: Callable[[float], None]
    budget: Budget | None
    report: DeliveryReport
    spread: Callable[[], float]
    paused_until: datetime | None = None
    streak: int = 0  # failures in a row, for a worker without a shared budget

    def give_back(self, at: datetime) -> None:
        """Slack asked everyone to wait: the rows not tried yet are due again at `at`."""
        with self.uow() as uow:
            self.report.released += uow.outbox.release(self.claim, at)
            uow.commit()

    def take_slot(self) -> datetime | None:
        """Wait for this worker's turn in the shared budget; None when the turn is further off
        than SLOT_HORIZON (then nothing was reserved) or Slack asked this worker to pause."""
        now = self.clock()
        if self.paused_until is not None and self.paused_until > now:
            return None
        if self.budget is None:
            return now
        with self.uow() as uow:
            slot = uow.outbox.take_slot(
                self.budget.name, _ms(now), self.budget.interval_ms, int(SLOT_HORIZON * 1000)
            )
            if slot is None:
                self.paused_until = _moment(uow.outbox.next_slot(self.budget.name))
            uow.commit()
        if slot is None:
            return None
        wait = (_moment(slot) - now).total_seconds()
        if wait > 0:
            self.sleep(wait)
        return _moment(slot)

    def pause(self, uow: UnitOfWork, seconds: float) -> None:
        """Nobody here, nor on any replica sharing the budget, calls Slack before this passes."""
        until = self.clock() + timedelta(seconds=seconds)
        self.paused_until = max(self.paused_until or until, until)
        if self.budget is not None:
            uow.outbox.hold_budget(self.budget.name, _ms(until))

    def answered(self, uow: UnitOfWork) -> None:
        """Slack answered (even with an error): it is up, the count of failures starts again."""
        self.streak = 0
        if self.budget is not None:
            uow.outbox.budget_answered(self.budget.name)

    def slack_down(self, uow: UnitOfWork) -> None:
        """A failure that says Slack may be down; past OUTAGE_AFTER in a row, everyone waits."""
        if self.budget is None:
            self.streak += 1
            streak = self.streak
        else:
            streak = uow.outbox.budget_failed(self.budget.name)
        if streak >= OUTAGE_AFTER:
            wait = backoff(streak - OUTAGE_AFTER + 1, self.spread())
            self.pause(uow, wait.total_seconds())


def deliver_due(
    deps_uow: Callable[[], UnitOfWork],
    sender: Sender,
    now: datetime | None = None,
    *,
    worker: str,
    still_wanted: Mapping[str, StillWanted] | None = None,
    gate: Gate | None = None,
    batch: int = BATCH,
    clock: Callable[[], datetime] | None = None,
    sleep: Callable[[float], None] | None = None,
    budget: Budget | None = None,
    after_sent: Mapping[str, AfterSent] | None = None,
    kinds: tuple[str, ...] | None = None,
    spread: Callable[[], float] = random.random,
) -> DeliveryReport:
    """Send one batch of due messages; call again until it sends nothing.

    `clock` is read at each step, so a wait Slack asks for counts from its answer and
    `sent_at` is the moment of the successful call (a fixed `now` serves tests that hold time
    still). `sleep` waits for a slot of the shared `budget`.
    """
    if clock is None:
        if now is None:
            raise TypeError("deliver_due needs now or clock")
        fixed = now
        clock = lambda: fixed  # noqa: E731 - a clock that holds still
    delivery = _Delivery(
        uow=deps_uow,
        sender=sender,
        claim=f"{worker[:40]}:{secrets.token_hex(6)}",
        clock=clock,
        sleep=sleep or _no_sleep,
        budget=budget,
        report=DeliveryReport(),
        spread=spread,
    )
    with deps_uow() as uow:
        if budget is not None:
            # Slack asked every replica to wait (a 429, an outage): claim nothing till then.
            paused = _moment(uow.outbox.next_slot(budget.name))
            if paused > clock() + timedelta(seconds=SLOT_HORIZON):
                return delivery.report
        rows = claim_due(uow, clock(), delivery.claim, batch, kinds)
        claimed = [
            _Claimed(r.id, r.kind, r.channel, r.key, r.attempts, r.failures, r.maybe_sent)
            for r in rows
        ]
        uow.commit()
    for row in claimed:
        if delivery.paused_until is not None and delivery.paused_until > clock():
            delivery.give_back(delivery.paused_until)
            break
        content = _prepare(delivery, row, still_wanted or {}, gate)
        if content is None:
            continue
        _deliver_one(delivery, row, content, after_sent or {})
    return delivery.report


def _no_sleep(seconds: float) -> None:
    """Without a budget nothing waits; with one, a caller passes a real sleep."""


def _prepare(
    delivery: _Delivery,
    row: _Claimed,
    still_wanted: Mapping[str, StillWanted],
    gate: Gate | None,
) -> tuple[str, list[Any] | None] | None:
    """Renew the batch's leases, then check the row is still this worker's, still wanted, and
    may go out now; its words, or None when it is not to be sent by this worker now."""
    now = delivery.clock()
    with delivery.uow() as uow:
        uow.outbox.renew(delivery.claim, now + LEASE)
        current = uow.outbox.get_held(row.id, delivery.claim)
        if current is None:
            uow.commit()
            return None
        check = still_wanted.get(row.kind)
        if check is not None and not check(uow, current):
            uow.outbox.finish(
                row.id, delivery.claim, {"status": DROPPED, "last_error": "settled before sending"}
            )
            delivery.report.dropped += 1
            uow.commit()
            return None
        later = gate(uow, current, now) if gate is not None else None
        if later is not None and later > now:
            # Came due while the reader was outside school hours: wait for their morning.
            uow.outbox.finish(
                row.id,
                delivery.claim,
                {"available_at": later, "attempts": max(row.attempts - 1, 0)},
            )
            delivery.report.postponed += 1
            uow.commit()
            return None
        content = current.text, json.loads(current.blocks) if current.blocks else None
        uow.commit()
    return content


def _deliver_one(
    delivery: _Delivery,
    row: _Claimed,
    content: tuple[str, list[Any] | None],
    after_sent: Mapping[str, AfterSent],
) -> None:
    if row.maybe_sent:
        # An earlier attempt may have reached Slack: look before posting again (a lookup is
        # not a post, and takes no slot of the posting budget; it waits out a pause, though).
        if delivery.paused_until is not None and delivery.paused_until > delivery.clock():
            delivery.give_back(delivery.paused_until)
            return
        try:
            found = delivery.sender.find(row.channel, row.key)
        except SendFailed as failure:
            _failed(delivery, row, failure, still_unknown=True)
            return
        if found is not None:
            _sent(delivery, row, found, after_sent, recovered=True)
            return
    if delivery.take_slot() is None:
        delivery.give_back(delivery.paused_until or delivery.clock())
        return
    try:
        posted = delivery.sender.post(row.channel, content[0], content[1], row.key)
    except SendFailed as failure:
        _failed(delivery, row, failure, still_unknown=row.maybe_sent)
        return
    _sent(delivery, row, posted, after_sent, recovered=False)


def _sent(
    delivery: _Delivery,
    row: _Claimed,
    where: tuple[str, str],
    after_sent: Mapping[str, AfterSent],
    *,
    recovered: bool,
) -> None:
    values = {
        "status": SENT,
        "blocks": None,  # the words stay as the message's text; the layout is in Slack now
        "sent_at": delivery.clock(),
        "slack_channel": where[0],
        "slack_ts": where[1],
        "last_error": None,
    }
    with delivery.uow() as uow:
        delivery.answered(uow)
        if not uow.outbox.finish(row.id, delivery.claim, values):
            uow.commit()
            logger.warning("outbox %s was sent after its lease passed to another worker", row.id)
            return
        hook = after_sent.get(row.kind)
        if hook is not None:
            hook(uow, uow.outbox.get_one(row.id))
        uow.commit()
    metrics.MESSAGES_SENT.inc()
    if recovered:
        delivery.report.recovered += 1
    else:
        delivery.report.sent += 1


def _failed(
    delivery: _Delivery, row: _Claimed, failure: SendFailed, *, still_unknown: bool
) -> None:
    """Record a failed attempt: dead only when no retry can help; otherwise due again when
    Slack said, or after a back-off, counted from the moment of the answer."""
    at = delivery.clock()
    values: dict[str, Any] = {
        "last_error": failure.error[:300],
        "maybe_sent": still_unknown or failure.unknown,
    }
    if not failure.transient:
        values["status"] = DEAD
    elif failure.retry_after is not None:
        values["available_at"] = at + timedelta(seconds=failure.retry_after)
        delivery.report.waits.append(failure.retry_after)
    else:
        values["failures"] = row.failures + 1
        values["available_at"] = at + backoff(row.failures + 1, delivery.spread())
    with delivery.uow() as uow:
        if failure.transient and failure.retry_after is None:
            delivery.slack_down(uow)
        else:
            delivery.answered(uow)
            if failure.retry_after is not None:
                delivery.pause(uow, failure.retry_after)
        done = uow.outbox.finish(row.id, delivery.claim, values)
        uow.commit()
    if failure.retry_after is not None:
        metrics.RATE_LIMITED.inc()
    if not done:
        logger.warning("outbox %s: the lease passed to another worker; left to it", row.id)
    elif not failure.transient:
        metrics.MESSAGES_DEAD.inc()
        delivery.report.dead += 1
        logger.warning("outbox %s is dead: %s", row.key, failure.error)
    else:
        delivery.report.retried += 1


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
