"""The stored debrief-nudge rule: which visits still need a debrief, in school days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app.deps import Deps
from bot.rules.cycles import visits_needing_debrief_nudge
from bot.rules.domain import DEBRIEF_NUDGE_SCHOOL_DAYS
from storage.models import Debrief, Person, Visit

TEAM = "T0COACH"
# Thursday 2026-12-03, 10:00-10:45 in New York.
VISIT_START = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


def _visit(deps: Deps, *, outcome: str = "happened") -> int:
    with deps.uow() as uow:
        teacher = uow.people.add(Person(team_id=TEAM, user_id="U0T", timezone="America/New_York"))
        coach = uow.people.add(Person(team_id=TEAM, user_id="U0C", role="coach"))
        visit = Visit(
            team_id=TEAM,
            teacher_id=teacher.id,
            coach_id=coach.id,
            starts_at=VISIT_START,
            ends_at=VISIT_START + timedelta(minutes=45),
            support_type="observe",
            status="accepted",
            outcome=outcome,
            created_at=VISIT_START,
            updated_at=VISIT_START,
        )
        uow.session.add(visit)
        uow.session.flush()
        uow.commit()
        return visit.id


def test_a_visit_without_a_debrief_is_due_two_school_days_later(deps: Deps) -> None:
    _visit(deps)
    # Thursday's visit: Friday is one school day, Monday the second; due Monday at 07:00 local.
    monday_open = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    with deps.uow() as uow:
        assert (
            visits_needing_debrief_nudge(
                uow, monday_open - timedelta(minutes=1), DEBRIEF_NUDGE_SCHOOL_DAYS
            )
            == []
        )
        [due] = visits_needing_debrief_nudge(uow, monday_open, DEBRIEF_NUDGE_SCHOOL_DAYS)
        assert due.starts_at == VISIT_START
        uow.commit()


def test_a_scheduled_debrief_or_a_missed_visit_needs_no_nudge(deps: Deps) -> None:
    visit_id = _visit(deps)
    later = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
    with deps.uow() as uow:
        visit = uow.session.get_one(Visit, visit_id)
        uow.session.add(
            Debrief(
                team_id=TEAM,
                visit_id=visit.id,
                teacher_id=visit.teacher_id,
                coach_id=visit.coach_id,
                starts_at=later,
                ends_at=later,
                created_at=later,
            )
        )
        uow.commit()
    with deps.uow() as uow:
        assert visits_needing_debrief_nudge(uow, later, DEBRIEF_NUDGE_SCHOOL_DAYS) == []


def test_a_visit_that_did_not_happen_needs_no_debrief(deps: Deps) -> None:
    _visit(deps, outcome="teacher_absent")
    with deps.uow() as uow:
        assert visits_needing_debrief_nudge(uow, datetime(2027, 1, 1, tzinfo=UTC), 2) == []
