"""The coaching log: work a coach did on their own initiative, with one teacher, several, a PLC
channel or no one, counted beside the visits teachers invited them to."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.rules.domain import SupportType
from bot.rules.policy import Actor
from bot.rules.visits import VisitRefused
from storage.models import CoachingLog, CoachingLogTeacher, Person
from storage.uow import UnitOfWork

MIN_MINUTES = 5
MAX_MINUTES = 8 * 60
# A coach may log work up to this many days back, and correct a kind or length this long after.
LOG_BACK = timedelta(days=60)
CORRECT_FOR = timedelta(days=14)
MAX_TEACHERS = 30


class LogRefused(VisitRefused):
    """The log cannot be saved; `message` says why, kindly, and `field` where to show it."""

    def __init__(self, message: str, field: str = "kind") -> None:
        super().__init__(message)
        self.field = field  # "kind", "day", "minutes", "teachers", "plc", "goal" or "note"


@dataclass(frozen=True)
class LogInput:
    support: SupportType
    day: date
    minutes: int
    teachers: Sequence[Person] = ()
    plc_channel_id: str | None = None  # a Slack channel id
    goal_id: int | None = None
    note: str | None = None


def _check_coach(actor: Actor, coach: Person) -> None:
    if not actor.coaches or actor.person_id != coach.id:
        raise LogRefused("Only coaches log coaching. Thank you for asking!")


def _check_minutes(minutes: int) -> None:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise LogRefused(
            f"Choose between {MIN_MINUTES} minutes and {MAX_MINUTES // 60} hours.", "minutes"
        )


def log_coaching(
    uow: UnitOfWork, actor: Actor, coach: Person, new: LogInput, today: date, now: datetime
) -> CoachingLog:
    """Save what the coach did; `today` is the coach's local date."""
    _check_coach(actor, coach)
    if new.day > today:
        raise LogRefused("Log what already happened: choose today or an earlier day.", "day")
    if new.day < today - LOG_BACK:
        raise LogRefused("That's more than 60 days ago: choose a more recent day.", "day")
    _check_minutes(new.minutes)
    teachers = _teachers(coach, new.teachers)
    plc = _plc(uow, coach, new.plc_channel_id)
    if (new.goal_id is not None or new.note) and len(teachers) != 1:
        field = "goal" if new.goal_id is not None else "note"
        raise LogRefused("A goal or a note goes with one teacher: choose just one.", field)
    goal_id = _goal(uow, coach, teachers, new.goal_id)
    log = CoachingLog(
        team_id=coach.team_id,
        coach_id=coach.id,
        support_type=new.support.value,
        on_day=new.day,
        minutes=new.minutes,
        plc_channel_id=plc,
        goal_id=goal_id,
        note=(new.note or "").strip() or None,
        created_at=now,
        updated_at=now,
        teachers=[CoachingLogTeacher(teacher_id=t.id) for t in teachers],
    )
    return uow.coaching_logs.add(log)


def _teachers(coach: Person, chosen: Iterable[Person]) -> list[Person]:
    teachers: dict[int, Person] = {}
    for person in chosen:
        if person.id == coach.id:
            raise LogRefused("Choose the teachers you worked with, not yourself.", "teachers")
        if person.team_id != coach.team_id or not person.active:
            raise LogRefused("Someone you chose isn't in this workspace's coachbot.", "teachers")
        teachers[person.id] = person
    if len(teachers) > MAX_TEACHERS:
        raise LogRefused(f"Choose at most {MAX_TEACHERS} teachers.", "teachers")
    return list(teachers.values())


def _plc(uow: UnitOfWork, coach: Person, channel_id: str | None) -> int | None:
    if not channel_id:
        return None
    for channel in uow.plc_channels.list_for_team(coach.team_id):
        if channel.channel_id == channel_id:
            return channel.id
    raise LogRefused("That channel isn't one of the district's PLC channels.", "plc")


def _goal(
    uow: UnitOfWork, coach: Person, teachers: Sequence[Person], goal_id: int | None
) -> int | None:
    """The goal the work was for: the one chosen, else a lone teacher's only goal with this
    coach, so the work shows in that cycle's story."""
    if len(teachers) != 1:
        return None
    goals = [g for g in uow.goals.list_active_for(teachers[0].id) if g.coach_id == coach.id]
    if goal_id is None:
        return goals[0].id if len(goals) == 1 else None
    if goal_id not in {g.id for g in goals}:
        raise LogRefused("Choose one of this teacher's goals with you, or none.", "goal")
    return goal_id


def load_own(uow: UnitOfWork, actor: Actor, log_id: int) -> CoachingLog:
    log = uow.coaching_logs.get(log_id)
    if log is None or log.team_id != actor.team_id:
        raise LogRefused("Sorry, that log is no longer here. Nothing was changed.")
    if log.coach_id != actor.person_id:
        raise LogRefused("Only the coach who logged this can change it. Nothing was changed.")
    return log


def correct_log(
    uow: UnitOfWork,
    actor: Actor,
    log_id: int,
    version: int,
    support: SupportType,
    minutes: int,
    now: datetime,
) -> CoachingLog:
    """The coach corrects the kind or length of what they logged, within two weeks."""
    log = load_own(uow, actor, log_id)
    if now - log.created_at > CORRECT_FOR:
        raise LogRefused("Logs can be corrected for two weeks; this one is older. Thank you!")
    if version != log.version:
        raise LogRefused("This log changed since you opened it, so nothing was saved.")
    _check_minutes(minutes)
    log.support_type = support.value
    log.minutes = minutes
    log.updated_at = now
    return log


def correctable(log: CoachingLog, now: datetime) -> bool:
    return now - log.created_at <= CORRECT_FOR


def logged_minutes(
    uow: UnitOfWork, coach_id: int, first: date, last: date
) -> dict[SupportType, int]:
    """A coach's logged minutes by kind, from `first` to `last`: group work counts once."""
    minutes: dict[SupportType, int] = {}
    for log in uow.coaching_logs.list_for_coach(coach_id, first, last):
        kind = support_of(log)
        minutes[kind] = minutes.get(kind, 0) + log.minutes
    return minutes


def support_of(log: CoachingLog) -> SupportType:
    """The log's kind; one this code does not know is "Something else"."""
    try:
        return SupportType(log.support_type)
    except ValueError:
        return SupportType.OTHER


def logs_with(uow: UnitOfWork, actor: Actor, teacher: Person) -> list[CoachingLog]:
    """What was logged with a teacher that the actor may read: the teacher reads all of theirs,
    a coach only what they logged themselves."""
    logs = uow.coaching_logs.list_for_teacher(teacher.id)
    if actor.person_id == teacher.id:
        return logs
    return [log for log in logs if log.coach_id == actor.person_id]


def active_goal_choices(uow: UnitOfWork, coach: Person) -> list[tuple[int, Person, str]]:
    """(goal id, teacher, question) of the active goals teachers set with this coach."""
    return [
        (goal.id, goal.teacher, goal.question)
        for goal in uow.coaching_logs.active_goals_with(coach.id)
    ]
