"""How long coachbot keeps what it holds, and the daily pass that forgets the rest on time.

Safe defaults, each changeable by the district (see docs/privacy.md):
- a cycle's words (its debrief notes, the reflections on its visits, the goal's question and
  evidence, its visits' focus and notes, its debriefs' places) go NOTES_MONTHS after the
  cycle closes; words outside any cycle, the same time after their visit or debrief;
- the access log goes with the records it describes, after the same time;
- messages coachbot sent (or gave up on) go OUTBOX_DAYS after they were sent; the record of
  which nudge went to whom (ids and times, no words) goes with the notes, NOTES_MONTHS after;
- Slack event ids, kept to take each event once, go after EVENT_DAYS;
- a person Slack reports deactivated or deleted is erased CLOSED_ACCOUNT_GRACE_DAYS after
  coachbot first sees it.
Each step works in batches of `batch` rows, one transaction each, and the pass records what it
removed as counts (a RetentionRun row), never what the rows said.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, or_, select

from bot.rules.access import ERASED_PREFIX
from bot.rules.erase import (
    REMOVED_MESSAGE,
    Rewrite,
    compact,
    erase_person,
    record_run,
    update_ids,
)
from storage.enums import GoalStatus
from storage.models import (
    AccessEntry,
    ClosedAccount,
    CoachingLog,
    Debrief,
    DebriefNote,
    Goal,
    Person,
    Reflection,
    SentNudge,
    SlackEvent,
    Visit,
)
from storage.uow import UnitOfWork

JOB_ID = "retention"
# The environment variables a district sets, and their safe defaults.
ENVIRONMENT = {
    "COACHBOT_RETAIN_NOTES_MONTHS": "notes_months",
    "COACHBOT_RETAIN_OUTBOX_DAYS": "outbox_days",
    "COACHBOT_RETAIN_EVENT_DAYS": "event_days",
    "COACHBOT_CLOSED_ACCOUNT_GRACE_DAYS": "closed_account_grace_days",
}
_DAYS_PER_MONTH = 30.44


@dataclass(frozen=True)
class RetentionPolicy:
    notes_months: int = 24
    outbox_days: int = 90
    event_days: int = 7
    closed_account_grace_days: int = 30
    batch: int = 500

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> RetentionPolicy:
        """The district's settings; a value missing, not a whole number or below 1 keeps its
        default (forgetting sooner than asked is not a safe mistake to make silently)."""
        values: dict[str, int] = {}
        for name, attribute in ENVIRONMENT.items():
            raw = environ.get(name, "").strip()
            if raw.isdigit() and int(raw) >= 1:
                values[attribute] = int(raw)
        return cls(**values)

    def describe(self) -> list[str]:
        """The policy in words, for `coachbot jobs list`."""
        return [
            f"cycle notes, reflections, goal text and visit notes: {self.notes_months} months "
            "after the cycle closes",
            f"access log: with the records it describes ({self.notes_months} months)",
            f"messages sent: {self.outbox_days} days after sending; which nudge went to whom: "
            f"{self.notes_months} months",
            f"Slack event ids: {self.event_days} days",
            f"deactivated or deleted Slack accounts: erased after {self.closed_account_grace_days}"
            " days",
        ]


def run_retention_job(
    uow_factory: Callable[[], UnitOfWork],
    engine: Engine,
    policy: RetentionPolicy,
    now: datetime,
    rewrite: Rewrite | None = None,
) -> Counter[str]:
    """The daily job: apply the policy; after erasing a closed account, leave none of its text
    in a SQLite file. (Rewriting the file holds its lock for a few seconds on a district's
    year, so a routine pass leaves the pages it freed for SQLite to write over.)"""
    counts = apply_retention(uow_factory, policy, now, rewrite)
    if counts["closed_accounts.erased"]:
        compact(engine)
    return counts


def apply_retention(
    uow_factory: Callable[[], UnitOfWork],
    policy: RetentionPolicy,
    now: datetime,
    rewrite: Rewrite | None = None,
) -> Counter[str]:
    """One daily pass: each step in batches, each batch its own transaction; counts only.

    `rewrite(channel, ts, message)` marks as removed the Slack messages about a closed account
    once its erase is committed."""
    counts: Counter[str] = Counter()
    words_before = now - timedelta(days=round(policy.notes_months * _DAYS_PER_MONTH))
    steps: list[tuple[str, Callable[[UnitOfWork], int]]] = [
        (
            "slack_events",
            lambda uow: _old_events(uow, now - timedelta(days=policy.event_days), policy.batch),
        ),
        (
            "outbox",
            lambda uow: uow.outbox.remove_finished_before(
                now - timedelta(days=policy.outbox_days), policy.batch
            ),
        ),
        ("nudges_sent", lambda uow: _old_nudges(uow, words_before, policy.batch)),
        ("cycles", lambda uow: _old_cycles(uow, words_before, policy.batch, counts)),
        ("visits", lambda uow: _old_visits(uow, words_before, policy.batch, counts)),
        ("coaching_logs", lambda uow: _old_logs(uow, words_before.date(), policy.batch)),
        ("access_log", lambda uow: uow.access.remove_older_than(words_before, policy.batch)),
    ]
    for name, step in steps:
        while True:
            with uow_factory() as uow:
                removed = step(uow)
                uow.commit()
            counts[name] += removed
            if removed < policy.batch:
                break
    counts["closed_accounts.erased"] = _closed_accounts(uow_factory, policy, now, rewrite)
    with uow_factory() as uow:
        record_run(uow, "retention", now, now, +counts)
        uow.commit()
    return counts


# --------------------------------------------------------------------------- the steps


def _old_events(uow: UnitOfWork, before: datetime, batch: int) -> int:
    return _delete_before(uow, SlackEvent.event_id, SlackEvent.received_at, before, batch)


def _delete_before(uow: UnitOfWork, key: Any, moment: Any, before: datetime, batch: int) -> int:
    """Delete up to `batch` rows whose `moment` column is before `before`, by their `key`."""
    keys = uow.session.scalars(select(key).where(moment < before).limit(batch)).all()
    if keys:
        uow.session.execute(delete(key.table).where(key.in_(keys)))
    return len(keys)


def _old_nudges(uow: UnitOfWork, before: datetime, batch: int) -> int:
    """The record of nudges due longer ago than `before`: no rule looks back that far."""
    return _delete_before(uow, SentNudge.key, SentNudge.due_at, before, batch)


_SCRUB_VISIT: dict[str, Any] = {
    "class_name": None,
    "focus": None,
    "note": None,
    "proposal_note": None,
    "decline_reason": None,
}


def _old_cycles(uow: UnitOfWork, before: datetime, batch: int, counts: Counter[str]) -> int:
    """Closed cycles past their time: the goal keeps its kind and dates, its words go."""
    goals = uow.session.scalars(
        select(Goal.id)
        .where(
            Goal.status != GoalStatus.ACTIVE,
            Goal.closed_at < before,
            or_(
                Goal.question != "",
                Goal.evidence.is_not(None),
                Goal.students_now.is_not(None),
                Goal.students_aim.is_not(None),
            ),
        )
        .order_by(Goal.id)
        .limit(batch)
    ).all()
    if not goals:
        return 0
    visits = uow.session.scalars(select(Visit.id).where(Visit.goal_id.in_(goals))).all()
    _forget_visits(uow, list(visits), counts)
    counts["access_log"] += _rowcount(
        uow.session.execute(delete(AccessEntry).where(AccessEntry.goal_id.in_(goals)))
    )
    update_ids(uow, Goal, goals, question="", evidence=None, students_now=None, students_aim=None)
    logs = uow.session.scalars(
        select(CoachingLog.id).where(CoachingLog.goal_id.in_(goals), CoachingLog.note.is_not(None))
    ).all()
    counts["coaching_logs"] += update_ids(uow, CoachingLog, logs, note=None)
    return len(goals)


def _old_visits(uow: UnitOfWork, before: datetime, batch: int, counts: Counter[str]) -> int:
    """Visits outside any cycle, ended longer ago than `before`, that still hold words."""
    with_words = or_(*(getattr(Visit, name).is_not(None) for name in _SCRUB_VISIT))
    has_debrief_words = (
        select(Debrief.id).where(Debrief.visit_id == Visit.id, Debrief.place.is_not(None)).exists()
    )
    has_reflection = select(Reflection.id).where(Reflection.visit_id == Visit.id).exists()
    visits = uow.session.scalars(
        select(Visit.id)
        .where(
            Visit.goal_id.is_(None),
            Visit.ends_at < before,
            or_(with_words, has_debrief_words, has_reflection),
        )
        .order_by(Visit.id)
        .limit(batch)
    ).all()
    _forget_visits(uow, list(visits), counts)
    return len(visits)


def _old_logs(uow: UnitOfWork, before: date, batch: int) -> int:
    """Notes of coaching logged outside any cycle, from days before `before`."""
    logs = uow.session.scalars(
        select(CoachingLog.id)
        .where(
            CoachingLog.goal_id.is_(None),
            CoachingLog.on_day < before,
            CoachingLog.note.is_not(None),
        )
        .order_by(CoachingLog.id)
        .limit(batch)
    ).all()
    return update_ids(uow, CoachingLog, logs, note=None)


def _forget_visits(uow: UnitOfWork, visits: list[int], counts: Counter[str]) -> None:
    if not visits:
        return
    s = uow.session
    debriefs = s.scalars(select(Debrief.id).where(Debrief.visit_id.in_(visits))).all()
    if debriefs:
        counts["debrief_notes"] += _rowcount(
            s.execute(delete(DebriefNote).where(DebriefNote.debrief_id.in_(debriefs)))
        )
        counts["reflections"] += _rowcount(
            s.execute(delete(Reflection).where(Reflection.debrief_id.in_(debriefs)))
        )
        update_ids(uow, Debrief, debriefs, place=None)
    counts["reflections"] += _rowcount(
        s.execute(delete(Reflection).where(Reflection.visit_id.in_(visits)))
    )
    update_ids(uow, Visit, visits, **_SCRUB_VISIT)
    counts["visits.text"] += len(visits)


def _closed_accounts(
    uow_factory: Callable[[], UnitOfWork],
    policy: RetentionPolicy,
    now: datetime,
    rewrite: Rewrite | None,
) -> int:
    """Note accounts newly seen closed; erase those closed longer than the grace period."""
    with uow_factory() as uow:
        newly = uow.session.scalars(
            select(Person.id).where(
                Person.active.is_(False),
                ~Person.user_id.startswith(ERASED_PREFIX),
                ~select(ClosedAccount.person_id)
                .where(ClosedAccount.person_id == Person.id)
                .exists(),
            )
        ).all()
        uow.session.add_all(ClosedAccount(person_id=pid, seen_at=now) for pid in newly)
        # Reactivated since: the grace period starts again if they are closed again.
        uow.session.execute(
            delete(ClosedAccount).where(
                ClosedAccount.person_id.in_(select(Person.id).where(Person.active.is_(True)))
            )
        )
        uow.commit()
    deadline = now - timedelta(days=policy.closed_account_grace_days)
    erased = 0
    while True:
        with uow_factory() as uow:
            due = uow.session.scalars(
                select(Person)
                .join(ClosedAccount, ClosedAccount.person_id == Person.id)
                .where(ClosedAccount.seen_at <= deadline, Person.active.is_(False))
                .order_by(Person.id)
                .limit(policy.batch)
            ).all()
            messages = [m for person in due for m in erase_person(uow, person, now).messages]
            uow.commit()
        if rewrite is not None:
            for channel, ts in messages:
                rewrite(channel, ts, REMOVED_MESSAGE)
        erased += len(due)
        if len(due) < policy.batch:
            return erased


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0))
