"""The outbox: messages owed to people, planned once by key and leased for sending, and the
rate budget that every replica sending them shares."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, Table, and_, bindparam, case, delete, func, or_, select, update
from sqlalchemy.orm import Session

from storage.enums import SENT_OR_DUE, OutboxStatus
from storage.models import OutboxMessage, SendBudget
from storage.repositories.base import insert_if_absent, rowcount

# Delivery runs the statements below for every message and every poll of every replica, so
# each is built once, with its values as named parameters: building a statement and working
# out its cache key cost more than running it. The UPDATEs leave the session's copies of the
# rows alone (synchronize_session=False): the rows they change are read afresh (a claim, a held
# row and a sent row are each loaded after the UPDATE that changed them, with
# populate_existing where the session may hold an older copy).
_STILL = {"synchronize_session": False}


def _held() -> tuple[Any, ...]:
    """The rows the claim `:claim` still holds."""
    return (
        OutboxMessage.leased_by == bindparam("claim"),
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.lease_until.is_not(None),
    )


def _free() -> Any:
    """Rows no live lease holds at `:now`."""
    return or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < bindparam("now"))


@cache
def _candidates(by_kind: bool, skip_locked: bool) -> Any:
    query = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.available_at <= bindparam("now"),
            _free(),
        )
        .order_by(OutboxMessage.available_at, OutboxMessage.id)
        .limit(bindparam("limit"))
    )
    if by_kind:
        query = query.where(OutboxMessage.kind.in_(bindparam("kinds", expanding=True)))
    return query.with_for_update(skip_locked=True) if skip_locked else query


@cache
def _lease() -> Any:
    return (
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(bindparam("ids", expanding=True)),
            OutboxMessage.status == OutboxStatus.PENDING,
            _free(),
        )
        .values(
            lease_until=bindparam("until"),
            leased_by=bindparam("claim"),
            attempts=OutboxMessage.attempts + 1,
            # Every SET reads the row as it was: a lease still set means no outcome.
            maybe_sent=or_(OutboxMessage.maybe_sent, OutboxMessage.lease_until.is_not(None)),
        )
        .returning(OutboxMessage.id)
        .execution_options(**_STILL)
    )


@cache
def _leased() -> Any:
    return (
        select(OutboxMessage)
        .where(OutboxMessage.id.in_(bindparam("ids", expanding=True)))
        .order_by(OutboxMessage.available_at, OutboxMessage.id)
        .execution_options(populate_existing=True)
    )


@cache
def _renew() -> Any:
    return (
        update(OutboxMessage)
        .where(*_held())
        .values(lease_until=bindparam("until"))
        .execution_options(**_STILL)
    )


@cache
def _get_held() -> Any:
    return (
        select(OutboxMessage)
        .where(OutboxMessage.id == bindparam("message_id"), *_held())
        .execution_options(populate_existing=True)
    )


@cache
def _finish(columns: tuple[str, ...]) -> Any:
    """The fenced UPDATE that records an outcome setting these columns (`:set_<column>`)."""
    values: dict[str, Any] = {name: bindparam(f"set_{name}") for name in columns}
    return (
        update(OutboxMessage)
        .where(OutboxMessage.id == bindparam("message_id"), *_held())
        .values(lease_until=None, **values)
        .execution_options(**_STILL)
    )


@cache
def _release() -> Any:
    return (
        update(OutboxMessage)
        .where(*_held())
        .values(
            lease_until=None,
            available_at=bindparam("again"),
            attempts=OutboxMessage.attempts - 1,
        )
        .execution_options(**_STILL)
    )


@cache
def _take_slot() -> Any:
    now = bindparam("now_ms", type_=BigInteger)
    slot = case((SendBudget.next_ms > now, SendBudget.next_ms), else_=now)
    return (
        update(SendBudget)
        .where(
            SendBudget.name == bindparam("budget"),
            slot <= bindparam("latest", type_=BigInteger),
        )
        .values(next_ms=slot + bindparam("interval", type_=BigInteger))
        .returning(SendBudget.next_ms)
        .execution_options(**_STILL)
    )


@cache
def _next_slot() -> Any:
    return select(SendBudget.next_ms).where(SendBudget.name == bindparam("budget"))


@cache
def _budget_failed() -> Any:
    return (
        update(SendBudget)
        .where(SendBudget.name == bindparam("budget"))
        .values(failures=SendBudget.failures + 1)
        .returning(SendBudget.failures)
        .execution_options(**_STILL)
    )


@cache
def _budget_answered() -> Any:
    return (
        update(SendBudget)
        .where(SendBudget.name == bindparam("budget"), SendBudget.failures > 0)
        .values(failures=0)
        .execution_options(**_STILL)
    )


@cache
def _hold_budget() -> Any:
    until = bindparam("until_ms", type_=BigInteger)
    return (
        update(SendBudget)
        .where(SendBudget.name == bindparam("budget"), SendBudget.next_ms < until)
        .values(next_ms=until)
        .execution_options(**_STILL)
    )


def _dead_in(team_id: str) -> tuple[Any, ...]:
    return (OutboxMessage.team_id == team_id, OutboxMessage.status == OutboxStatus.DEAD)


@cache
def _count_by_status() -> Any:
    return select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_if_absent(self, values: dict[str, Any]) -> bool:
        """Plan a message; False when its key was planned already (here or on a replica)."""
        table: Table = OutboxMessage.__table__  # type: ignore[assignment]
        return insert_if_absent(self.session, table, values, key="id")

    def get(self, message_id: int) -> OutboxMessage | None:
        return self.session.get(OutboxMessage, message_id)

    def get_one(self, message_id: int) -> OutboxMessage:
        return self.session.get_one(OutboxMessage, message_id)

    def get_by_key(self, key: str) -> OutboxMessage | None:
        return self.session.scalars(select(OutboxMessage).where(OutboxMessage.key == key)).first()

    def list_sent_about(self, person_id: int, ref: str) -> list[tuple[str, str]]:
        """(channel, ts) of the messages sent to a person about an item or a part of it
        (`ref` "visit:12" also matches "visit:12:answer:3"), newest first."""
        rows = self.session.execute(
            select(OutboxMessage.slack_channel, OutboxMessage.slack_ts)
            .where(
                OutboxMessage.person_id == person_id,
                OutboxMessage.status == OutboxStatus.SENT,
                or_(
                    OutboxMessage.ref == ref,
                    OutboxMessage.ref.startswith(f"{ref}:", autoescape=True),
                ),
            )
            .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc())
        ).all()
        return [(str(channel), str(ts)) for channel, ts in rows if channel and ts]

    def count_sent_or_due(self, kind: str, ref: str) -> int:
        """Messages of a kind about one item, sent or still to send."""
        query = (
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.kind == kind,
                OutboxMessage.ref == ref,
                OutboxMessage.status.in_(SENT_OR_DUE),
            )
        )
        return int(self.session.scalar(query) or 0)

    def due_moments(
        self,
        kinds: Collection[str],
        start: datetime,
        end: datetime,
        people: Collection[int] | None = None,
    ) -> list[tuple[int, datetime]]:
        """(person id, due_at) of every message of these kinds sent or due in [start, end),
        to these people (everyone when None)."""
        query = select(OutboxMessage.person_id, OutboxMessage.due_at).where(
            OutboxMessage.kind.in_(list(kinds)),
            OutboxMessage.status.in_(SENT_OR_DUE),
            OutboxMessage.due_at >= start,
            OutboxMessage.due_at < end,
            OutboxMessage.person_id.is_not(None),
        )
        if people is not None:
            query = query.where(OutboxMessage.person_id.in_(list(people)))
        rows = self.session.execute(query)
        return [(person_id, due_at) for person_id, due_at in rows if person_id is not None]

    def count_for_person(
        self, person_id: int, kinds: Collection[str], start: datetime, end: datetime
    ) -> int:
        """Messages of these kinds sent or due to a person in [start, end)."""
        query = (
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.person_id == person_id,
                OutboxMessage.kind.in_(list(kinds)),
                OutboxMessage.status.in_(SENT_OR_DUE),
                OutboxMessage.due_at >= start,
                OutboxMessage.due_at < end,
            )
        )
        return int(self.session.scalar(query) or 0)

    def list_due_times(
        self, kind: str, person_ids: Collection[int], since: datetime
    ) -> list[tuple[int, datetime]]:
        """(person, due_at) of each message of a kind sent or due to these people since `since`."""
        if not person_ids:
            return []
        rows = self.session.execute(
            select(OutboxMessage.person_id, OutboxMessage.due_at).where(
                OutboxMessage.kind == kind,
                OutboxMessage.status.in_(SENT_OR_DUE),
                OutboxMessage.person_id.in_(list(person_ids)),
                OutboxMessage.due_at >= since,
            )
        )
        return [(person_id, due_at) for person_id, due_at in rows if person_id is not None]

    def drop(self, ref: str, kinds: Collection[str] | None = None) -> int:
        """Cancel the unsent messages about an item that was settled; returns how many."""
        query = update(OutboxMessage).where(
            OutboxMessage.ref == ref, OutboxMessage.status == OutboxStatus.PENDING
        )
        if kinds is not None:
            query = query.where(OutboxMessage.kind.in_(list(kinds)))
        return rowcount(
            self.session.execute(
                query.values(status=OutboxStatus.DROPPED, last_error="settled before sending")
            )
        )

    def claim_due(
        self,
        now: datetime,
        claim: str,
        limit: int,
        lease: timedelta,
        kinds: Collection[str] | None = None,
    ) -> list[OutboxMessage]:
        """Lease up to `limit` due rows to one claim (a worker's batch).

        PostgreSQL skips rows another worker has locked; the conditional update is what makes
        a lease exclusive on any database. A row whose earlier lease lapsed with no outcome
        recorded (its worker died, perhaps mid-send) is marked `maybe_sent` as it is claimed.
        """
        skip_locked = self.session.get_bind().dialect.name == "postgresql"
        params: dict[str, Any] = {"now": now, "limit": limit}
        if kinds is not None:
            params["kinds"] = list(kinds)
        ids = list(self.session.scalars(_candidates(kinds is not None, skip_locked), params))
        if not ids:
            return []
        claimed = self.session.scalars(
            _lease(), {"ids": ids, "now": now, "until": now + lease, "claim": claim}
        ).all()
        return list(self.session.scalars(_leased(), {"ids": list(claimed)}).all())

    def renew(self, claim: str, until: datetime) -> int:
        """Extend the lease of every row this claim still holds; returns how many."""
        return rowcount(self.session.execute(_renew(), {"claim": claim, "until": until}))

    def get_held(self, message_id: int, claim: str) -> OutboxMessage | None:
        """The row, if this claim still holds its lease."""
        return self.session.scalars(_get_held(), {"message_id": message_id, "claim": claim}).first()

    def finish(self, message_id: int, claim: str, values: dict[str, Any]) -> bool:
        """Record an attempt's outcome, only if this claim still holds the row (a fence: a
        worker whose lease lapsed and was taken over records nothing)."""
        params = {f"set_{name}": value for name, value in values.items()}
        params |= {"message_id": message_id, "claim": claim}
        return rowcount(self.session.execute(_finish(tuple(sorted(values))), params)) == 1

    def release(self, claim: str, available_at: datetime) -> int:
        """Give back the rows this claim holds but did not try, to be tried at `available_at`."""
        params = {"claim": claim, "again": available_at}
        return rowcount(self.session.execute(_release(), params))

    # ------------------------------------------------------------------ the shared rate budget

    def take_slot(self, name: str, now_ms: int, interval_ms: int, horizon_ms: int) -> int | None:
        """Reserve the budget's next slot, when it is at most `horizon_ms` away: the moment
        (ms since the epoch) the call may be made, or None (nothing reserved) when it is later.

        One UPDATE, so two replicas never get the same slot: PostgreSQL re-reads a row another
        transaction changed before applying the WHERE and the SET.
        """
        params = {
            "budget": name,
            "now_ms": now_ms,
            "latest": now_ms + horizon_ms,
            "interval": interval_ms,
        }
        for _ in range(2):
            taken = self.session.scalars(_take_slot(), params).first()
            if taken is not None:
                return int(taken) - interval_ms
            table: Table = SendBudget.__table__  # type: ignore[assignment]
            if not insert_if_absent(self.session, table, {"name": name, "next_ms": 0}):
                return None  # the budget exists: its next slot is past the horizon
        return None  # pragma: no cover - the row was just inserted

    def next_slot(self, name: str) -> int:
        """When the budget's next slot is (ms since the epoch); 0 for a budget never used."""
        value = self.session.scalar(_next_slot(), {"budget": name})
        return int(value or 0)

    def budget_failed(self, name: str) -> int:
        """Count one more failure in a row that says Slack is down; returns how many now."""
        table: Table = SendBudget.__table__  # type: ignore[assignment]
        insert_if_absent(self.session, table, {"name": name, "next_ms": 0})
        streak = self.session.scalars(_budget_failed(), {"budget": name}).one()
        return int(streak)

    def budget_answered(self, name: str) -> None:
        """Slack answered: the count of failures in a row starts again."""
        self.session.execute(_budget_answered(), {"budget": name})

    def hold_budget(self, name: str, until_ms: int) -> None:
        """Nobody takes a slot before `until_ms` (Slack said to wait): every replica pauses."""
        table: Table = SendBudget.__table__  # type: ignore[assignment]
        insert_if_absent(self.session, table, {"name": name, "next_ms": 0})
        self.session.execute(_hold_budget(), {"budget": name, "until_ms": until_ms})

    def retry_dead(self, now: datetime) -> int:
        """Put dead rows back in line, as new; returns how many."""
        return rowcount(
            self.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.status == OutboxStatus.DEAD)
                .values(
                    status=OutboxStatus.PENDING,
                    attempts=0,
                    failures=0,
                    available_at=now,
                    lease_until=None,
                    last_error=None,
                )
            )
        )

    def count_dead(self, team_id: str) -> int:
        """Messages to a workspace that the outbox gave up on."""
        query = select(func.count()).select_from(OutboxMessage).where(*_dead_in(team_id))
        return int(self.session.scalar(query) or 0)

    def list_dead(self, team_id: str, limit: int) -> list[tuple[str, str | None, datetime]]:
        """The newest messages to a workspace that the outbox gave up on, as their kind,
        Slack's error and when they were due: never their words or who they were for."""
        return [
            (kind, error, due_at)
            for kind, error, due_at in self.session.execute(
                select(OutboxMessage.kind, OutboxMessage.last_error, OutboxMessage.due_at)
                .where(*_dead_in(team_id))
                .order_by(OutboxMessage.id.desc())
                .limit(limit)
            )
        ]

    def remove_finished_before(self, before: datetime, limit: int) -> int:
        """Up to `limit` messages sent, dropped or given up on longer ago than `before`, by id;
        nothing still owed (retention, in batches). Returns how many went."""
        finished = OutboxMessage.status.in_(
            [OutboxStatus.SENT, OutboxStatus.DROPPED, OutboxStatus.DEAD]
        )
        when = or_(
            OutboxMessage.sent_at < before,
            and_(OutboxMessage.sent_at.is_(None), OutboxMessage.created_at < before),
        )
        ids = self.session.scalars(
            select(OutboxMessage.id).where(finished, when).order_by(OutboxMessage.id).limit(limit)
        ).all()
        if ids:
            self.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))
        return len(ids)

    def count_by_status(self) -> dict[OutboxStatus, int]:
        rows = self.session.execute(_count_by_status()).all()
        return {status: int(number) for status, number in rows}

    def count_due(self, now: datetime) -> int:
        """Unsent messages that may be sent at `now`."""
        query = (
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.available_at <= now)
        )
        return int(self.session.scalar(query) or 0)
