"""What an invitation form opens with: the teacher, their coach, whether the coach keeps office
hours, and the teacher's active goals, in one statement.

`/invite-coach` answers Slack first and opens its form right after, inside the trigger's 3 s.
Under a burst of commands each statement a command makes waits its turn for Python's
interpreter lock, and loading whole people and goals costs several times what their few
columns do; so this reads columns, once. Working out a coach's open times
(bot/rules/office_hours.py) reads more, and only for a coach who keeps office hours.

The statement takes a plain connection: `/invite-coach` runs it outside any unit of work, since
making and closing an ORM session costs about as much CPU as the statement, and Home's "Invite
a coach" runs it on its unit of work's connection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Exists, Select, bindparam, exists, select
from sqlalchemy.orm import InstrumentedAttribute, aliased

from bot.rules.domain import GoalStatus
from storage.models import Goal, OfficeHourWindow, Person


@dataclass(frozen=True)
class Opening:
    """Who is inviting whom. The teacher's fields are None for someone coachbot has not met;
    the coach's for no coach, or a coach coachbot has not met."""

    teacher_id: int | None = None
    timezone: str | None = None
    coach_id: int | None = None
    coach_user_id: str | None = None
    coach_keeps_hours: bool = False
    goals: tuple[tuple[int, str], ...] = ()


def opening(
    connection: Connection, team_id: str, user_id: str, coach_user_id: str | None
) -> Opening:
    """The form's facts for `user_id` inviting `coach_user_id` (None: their assigned coach).

    One statement: the teacher, joined to the coach and, a row each, to their active goals,
    oldest first. Someone coachbot has not met who names a coach costs a second, for the coach.
    """
    names = {"team_id": team_id, "user_id": user_id, "coach_user_id": coach_user_id}
    statement = _WITH_NAMED_COACH if coach_user_id else _WITH_ASSIGNED_COACH
    rows = connection.execute(statement, names).all()
    if not rows:
        return _stranger(connection, team_id, coach_user_id)
    teacher_id, timezone, coach_id, found_user_id, keeps_hours = rows[0][:5]
    return Opening(
        teacher_id=teacher_id,
        timezone=timezone,
        coach_id=coach_id,
        coach_user_id=found_user_id,
        coach_keeps_hours=bool(keeps_hours),
        goals=tuple((goal_id, question) for *_, goal_id, question in rows if goal_id is not None),
    )


def _stranger(connection: Connection, team_id: str, coach_user_id: str | None) -> Opening:
    """Someone coachbot has not met: no goals, no assigned coach; the coach they named, if any."""
    if not coach_user_id:
        return Opening()
    row = connection.execute(
        select(Person.id, _keeps_hours(Person.id)).where(
            Person.team_id == team_id, Person.user_id == coach_user_id
        )
    ).first()
    if row is None:
        return Opening()
    return Opening(coach_id=row[0], coach_user_id=coach_user_id, coach_keeps_hours=bool(row[1]))


def _keeps_hours(coach_id: ColumnElement[int] | InstrumentedAttribute[int]) -> Exists:
    return exists().where(OfficeHourWindow.coach_id == coach_id)


_Facts = Select[int, str, int, str, bool, int, str]


# Built once: making the statement (and the coach's alias) costs more than running it.
def _teacher_and_coach(named: Callable[[type[Person]], ColumnElement[bool]]) -> _Facts:
    coach = aliased(Person, name="coach")
    return (
        select(
            Person.id,
            Person.timezone,
            coach.id,
            coach.user_id,
            _keeps_hours(coach.id),
            Goal.id,
            Goal.question,
        )
        .select_from(Person)
        .outerjoin(coach, named(coach))
        .outerjoin(Goal, (Goal.teacher_id == Person.id) & (Goal.status == GoalStatus.ACTIVE))
        .where(Person.team_id == bindparam("team_id"), Person.user_id == bindparam("user_id"))
        .order_by(Goal.created_at, Goal.id)
    )


_WITH_ASSIGNED_COACH = _teacher_and_coach(lambda coach: coach.id == Person.assigned_coach_id)
_WITH_NAMED_COACH = _teacher_and_coach(
    lambda coach: (
        (coach.team_id == bindparam("team_id")) & (coach.user_id == bindparam("coach_user_id"))
    )
)
