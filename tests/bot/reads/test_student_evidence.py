"""The report counts cycles with student evidence: goals that say where students are and where
the teacher wants them. A count only, and never one about fewer than five teachers."""

from __future__ import annotations

from sqlalchemy import select

from bot.app.deps import Deps
from bot.demo.block_kit import check_blocks
from bot.views.report import build_report_blocks
from storage.models import Goal, Person
from tests.bot.reads.test_report import TEAM, Roster, local, report, two_schools


def _measure(deps: Deps, teachers: int, *, now: str | None = "12 of 28 explain a step") -> None:
    """Goals with student measures for the first `teachers` teachers on the roster."""
    with deps.uow() as uow:
        roster = Roster(uow)
        people = uow.session.scalars(
            select(Person)
            .where(Person.team_id == TEAM, Person.role == "teacher")
            .order_by(Person.id)
        ).all()
        coach = uow.session.scalars(select(Person).where(Person.role == "coach")).first()
        for teacher in people[:teachers]:
            goal = roster.goal(teacher, coach, local(3))
            goal.students_now, goal.students_aim = now, "20 of 28"
        uow.commit()


def _district_text(deps: Deps) -> str:
    blocks = build_report_blocks(report(deps))
    assert check_blocks(blocks, surface="home") == []
    return str(blocks)


def test_cycles_with_student_evidence_are_counted(deps: Deps) -> None:
    two_schools(deps)  # nine teachers visited: the district shows
    _measure(deps, 6)
    made = report(deps)
    assert made.cycles_with_evidence == 6
    assert "Cycles with student evidence: 6." in _district_text(deps)


def test_a_goal_with_one_measure_or_closed_before_the_period_is_not_counted(deps: Deps) -> None:
    two_schools(deps)
    _measure(deps, 6)
    _measure(deps, 8, now=None)  # two more goals with an aim and no starting point
    with deps.uow() as uow:
        people = uow.session.scalars(
            select(Person).where(Person.role == "teacher").order_by(Person.id)
        ).all()
        old = Roster(uow).goal(people[8], None, local(1, month=10), "met", local(20, month=10))
        old.students_now, old.students_aim = "3 of 20", "10 of 20"
        uow.commit()
    assert report(deps).cycles_with_evidence == 6


def test_fewer_than_five_teachers_with_evidence_is_not_shown(deps: Deps) -> None:
    two_schools(deps)
    _measure(deps, 4)
    assert report(deps).cycles_with_evidence is None
    assert "student evidence" not in _district_text(deps)
    # None at all is a count that gives no one away.
    with deps.uow() as uow:
        for goal in uow.session.scalars(select(Goal)):
            goal.students_now = None
        uow.commit()
    assert report(deps).cycles_with_evidence == 0
