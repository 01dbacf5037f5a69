"""The coaching log's rules on a real database: who may log, the goal a log joins, who reads it
in a cycle's story, and the minutes it adds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.app.deps import Deps
from bot.rules import coaching_log, cycles
from bot.rules.coaching_log import LogInput, LogRefused
from bot.rules.domain import SupportType, VisitOutcome
from bot.rules.people import actor_for
from bot.rules.policy import Actor
from storage.models import Goal, Person, Visit
from storage.uow import UnitOfWork

NOW = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)  # 3 PM in New York
TODAY = date(2026, 12, 1)


def _people(uow: UnitOfWork) -> tuple[Person, Person, Person, Person]:
    def add(user_id: str, role: str = "teacher") -> Person:
        return uow.people.add(Person(team_id="T1", user_id=user_id, role=role, synced_at=NOW))

    return add("UCOACH", "coach"), add("UOTHER", "coach"), add("UTEACH"), add("UTEACH2")


def _actor(uow: UnitOfWork, person: Person) -> Actor:
    return actor_for(uow, "T1", person.user_id)


def _goal(uow: UnitOfWork, teacher: Person, coach: Person) -> Goal:
    return uow.goals.add(
        Goal(
            team_id="T1",
            teacher_id=teacher.id,
            coach_id=coach.id,
            question="How can more students explain their thinking?",
            focus_area="math",
            created_at=NOW,
            updated_at=NOW,
        )
    )


def test_a_log_with_one_teacher_joins_their_only_goal_and_shows_in_its_story(deps: Deps) -> None:
    with deps.uow() as uow:
        coach, other, teacher, _ = _people(uow)
        goal = _goal(uow, teacher, coach)
        new = LogInput(SupportType.CO_PLAN, TODAY, 40, (teacher,))
        log = coaching_log.log_coaching(uow, _actor(uow, coach), coach, new, TODAY, NOW)
        uow.commit()
        assert log.goal_id == goal.id

        [facts] = cycles.cycles_of(uow, _actor(uow, teacher), teacher, NOW)
        assert [(lg.support_type, lg.minutes) for lg in facts.logs] == [("co_plan", 40)]
        # Another coach who can read the goal does not read what this coach logged.
        assert coaching_log.logs_with(uow, _actor(uow, other), teacher) == []


def test_group_work_counts_once_in_the_coachs_minutes(deps: Deps) -> None:
    with deps.uow() as uow:
        coach, _, teacher, teacher2 = _people(uow)
        actor = _actor(uow, coach)
        for teachers, minutes in (((teacher, teacher2), 60), ((), 30)):
            new = LogInput(SupportType.STUDENT_WORK, TODAY, minutes, teachers)
            coaching_log.log_coaching(uow, actor, coach, new, TODAY, NOW)
        uow.commit()
        start = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
        minutes = cycles.coaching_minutes(uow, coach, start, start + timedelta(days=1))
        assert minutes == {SupportType.STUDENT_WORK: 90}
        seen = uow.coaching_logs.last_day_with(coach.id, [teacher.id, teacher2.id])
        assert seen == {teacher.id: TODAY, teacher2.id: TODAY}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"day": TODAY + timedelta(days=1)}, "day"),
        ({"day": TODAY - timedelta(days=61)}, "day"),
        ({"minutes": 2}, "minutes"),
        ({"plc_channel_id": "C0NOTAPLC"}, "plc"),
        ({"goal_id": 999}, "goal"),
    ],
)
def test_what_cannot_be_logged_is_refused_by_field(
    deps: Deps, change: dict[str, object], field: str
) -> None:
    with deps.uow() as uow:
        coach, _, teacher, _ = _people(uow)
        values: dict[str, object] = {
            "support": SupportType.CO_PLAN,
            "day": TODAY,
            "minutes": 40,
            "teachers": (teacher,),
        }
        new = LogInput(**(values | change))  # type: ignore[arg-type]
        with pytest.raises(LogRefused) as refused:
            coaching_log.log_coaching(uow, _actor(uow, coach), coach, new, TODAY, NOW)
        assert refused.value.field == field


def test_a_teacher_cannot_log_and_a_coach_cannot_log_with_themselves(deps: Deps) -> None:
    with deps.uow() as uow:
        coach, _, teacher, _ = _people(uow)
        new = LogInput(SupportType.CO_PLAN, TODAY, 40, (teacher,))
        with pytest.raises(LogRefused):
            coaching_log.log_coaching(uow, _actor(uow, teacher), teacher, new, TODAY, NOW)
        mine = LogInput(SupportType.CO_PLAN, TODAY, 40, (coach,))
        with pytest.raises(LogRefused) as refused:
            coaching_log.log_coaching(uow, _actor(uow, coach), coach, mine, TODAY, NOW)
        assert refused.value.field == "teachers"


def test_a_visits_logged_kind_can_be_changed_for_two_weeks(deps: Deps) -> None:
    with deps.uow() as uow:
        coach, _, teacher, _ = _people(uow)
        visit = uow.visits.add(
            Visit(
                team_id="T1",
                teacher_id=teacher.id,
                coach_id=coach.id,
                starts_at=NOW - timedelta(hours=3),
                ends_at=NOW - timedelta(hours=2),
                support_type="observe",
                status="accepted",
                created_at=NOW,
                updated_at=NOW,
            )
        )
        actor = _actor(uow, coach)
        happened = VisitOutcome.HAPPENED
        cycles.log_visit(uow, actor, visit.id, 1, happened, SupportType.MODEL, NOW)
        # From the thank-you message (its version), within two weeks: changed.
        cycles.log_visit(uow, actor, visit.id, 2, happened, SupportType.CO_TEACH, NOW)
        assert visit.logged_support_type == "co_teach"
        # From the first question (an older version), or after two weeks: refused.
        with pytest.raises(cycles.CycleRefused):
            cycles.log_visit(uow, actor, visit.id, 1, happened, SupportType.OBSERVE, NOW)
        later = NOW + timedelta(days=15)
        with pytest.raises(cycles.CycleRefused):
            cycles.log_visit(uow, actor, visit.id, 3, happened, SupportType.OBSERVE, later)
        assert visit.logged_support_type == "co_teach"
