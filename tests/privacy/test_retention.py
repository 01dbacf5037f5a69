"""The retention policy: safe defaults, a district's settings, and the daily pass in batches."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.app.deps import Deps
from bot.rules.retention import RetentionPolicy, apply_retention
from storage.enums import OutboxStatus
from storage.models import (
    DebriefNote,
    Goal,
    OutboxMessage,
    Person,
    Reflection,
    RetentionRun,
    SlackEvent,
    Visit,
)
from tests.privacy.seed import ERASE, START, seed

# Two years and a season after the first cycle closed (six weeks after START).
LATER = datetime(2027, 12, 1, 12, 0, tzinfo=UTC)


def test_defaults_are_safe_and_a_district_can_change_them() -> None:
    assert RetentionPolicy() == RetentionPolicy.from_environment({})
    policy = RetentionPolicy.from_environment(
        {
            "COACHBOT_RETAIN_NOTES_MONTHS": "36",
            "COACHBOT_RETAIN_OUTBOX_DAYS": "0",  # refused: keeps the default
            "COACHBOT_RETAIN_EVENT_DAYS": "soon",  # refused
            "COACHBOT_CLOSED_ACCOUNT_GRACE_DAYS": "14",
        }
    )
    assert (policy.notes_months, policy.outbox_days, policy.event_days) == (36, 90, 7)
    assert policy.closed_account_grace_days == 14
    assert (
        RetentionPolicy()
        .describe()[0]
        .startswith("cycle notes, reflections, goal text and visit notes: 24 months")
    )


def _count(deps: Deps, query: object) -> int:
    with deps.uow() as uow:
        return int(uow.session.scalar(query) or 0)  # type: ignore[call-overload]


def test_closed_cycles_lose_their_words_after_two_years_in_batches(deps: Deps) -> None:
    with deps.uow() as uow:
        district = seed(uow, weeks=18)  # three goals: two closed, one still active
        uow.session.add(SlackEvent(event_id="Ev1", event_type="app_home_opened", received_at=START))
        uow.commit()
    visits = _count(deps, select(func.count()).select_from(Visit))
    counts = apply_retention(deps.uow, RetentionPolicy(batch=2), LATER)
    with deps.uow() as uow:
        goals = uow.goals.list_for_teacher(district.teacher_id)
        closed = [g for g in goals if g.closed_at is not None]
        active = [g for g in goals if g.closed_at is None]
        assert len(closed) == 2 and all(g.question == "" for g in closed)
        assert all(g.question.startswith(ERASE) for g in active)
        # The active cycle keeps its notes and reflections; the closed ones' are gone.
        kept_notes = uow.session.scalars(select(DebriefNote.strengths)).all()
        assert kept_notes and all(n and n.startswith("ZQ") for n in kept_notes)
        assert len(kept_notes) == 2 * 6 + 2  # six weeks of the active cycle, and the colleague's
        assert uow.session.scalar(select(func.count()).select_from(Reflection)) == 2 * 6 + 2
        # Sent messages from long ago are gone; nothing still owed is.
        statuses = set(uow.session.scalars(select(OutboxMessage.status)))
        assert statuses == {OutboxStatus.PENDING}
        assert uow.session.scalar(select(func.count()).select_from(SlackEvent)) == 0
        [run] = uow.session.scalars(select(RetentionRun)).all()
        recorded = json.loads(run.counts)
    assert _count(deps, select(func.count()).select_from(Visit)) == visits
    assert counts["cycles"] == 2 and counts["debrief_notes"] == 2 * 12
    assert recorded["slack_events"] == 1 and recorded["cycles"] == 2
    assert run.reason == "retention"


def test_a_closed_account_is_erased_after_the_grace_period(deps: Deps) -> None:
    with deps.uow() as uow:
        district = seed(uow, weeks=1)
        uow.session.get_one(Person, district.teacher_id).active = False
        uow.commit()
    policy = RetentionPolicy(closed_account_grace_days=30)
    first = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    assert apply_retention(deps.uow, policy, first)["closed_accounts.erased"] == 0
    assert (
        apply_retention(deps.uow, policy, first + timedelta(days=29))["closed_accounts.erased"] == 0
    )
    with deps.uow() as uow:
        assert uow.session.get_one(Person, district.teacher_id).user_id == "U0PTEACH01"
    assert (
        apply_retention(deps.uow, policy, first + timedelta(days=30))["closed_accounts.erased"] == 1
    )
    with deps.uow() as uow:
        teacher = uow.session.get_one(Person, district.teacher_id)
        assert teacher.user_id == f"erased-{teacher.id}"
        assert all(
            g.question == ""
            for g in uow.session.scalars(select(Goal).where(Goal.teacher_id == teacher.id))
        )
    # Erased once: a later pass finds nothing more to do.
    assert (
        apply_retention(deps.uow, policy, first + timedelta(days=31))["closed_accounts.erased"] == 0
    )
