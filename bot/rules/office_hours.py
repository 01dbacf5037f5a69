"""Office hours a teacher can book: a coach's weekly windows and visit length, the days they
are out, and the open slots those leave over the next ten school days.

Windows are local times in the coach's own zone. A slot is an instant (UTC) that each reader
sees in their own zone. Logged coaching (bot/rules/coaching_log.py) has a day and minutes but
no time of day, so it cannot hold a slot.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.rules.calendar import SchoolCalendar, zone_or_default
from bot.rules.outbox import enqueue
from bot.rules.policy import Actor
from bot.rules.school_calendar import calendar_for
from bot.rules.weekly_hours import (
    DEFAULT_MINUTES,
    VISIT_LENGTHS,
    Hours,
    OutVisit,
    Span,
    Window,
    open_slots,
    school_days_ahead,
)
from storage.models import Person, Visit
from storage.uow import UnitOfWork

# A range of days out longer than this is a leave, for the lead coach to know of, not a form.
MAX_DAYS_OUT = 60
OUT_KIND = "coach_out"


class HoursRefused(Exception):
    """Not something this person may do, or a day that cannot be marked; `message` says why."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --------------------------------------------------------------------------- saving


def _require_coach(actor: Actor, person: Person | None) -> Person:
    if person is None or not actor.coaches or actor.person_id != person.id:
        raise HoursRefused("Office hours are for coaches. Thank you for asking!")
    return person


def hours_of(uow: UnitOfWork, coach: Person) -> Hours:
    """A coach's office hours as saved (no windows, the usual length, when never set)."""
    minutes, rows = uow.office_hours.hours_and_windows(coach.id)
    return Hours(
        tuple(Window(weekday, starts, ends) for weekday, starts, ends in rows),
        minutes or DEFAULT_MINUTES,
        zone_or_default(coach.timezone).key,  # a zone Slack named oddly reads as the district's
    )


def save_hours(
    uow: UnitOfWork,
    actor: Actor,
    coach: Person | None,
    windows: Sequence[Window],
    minutes: int,
    now: datetime,
) -> Hours:
    """The coach's windows and visit length become these; only the coach may set their own."""
    me = _require_coach(actor, coach)
    if minutes not in VISIT_LENGTHS:
        raise HoursRefused("Choose a visit length from the list.", "minutes")
    uow.office_hours.replace(
        me.team_id, me.id, minutes, [(w.weekday, w.starts, w.ends) for w in windows], now
    )
    return hours_of(uow, me)


def slots_for(
    uow: UnitOfWork,
    coach: Person,
    teacher: Person | None,
    now: datetime,
    *,
    moving: int | None = None,
) -> list[Span]:
    """The coach's next open slots for this teacher, read in a few indexed queries: the hours,
    the calendars, the days out and what holds the coach's time in the ten school days only.
    `moving` is a visit being moved: its own time is free for it."""
    hours = hours_of(uow, coach)
    if not hours.windows:
        return []
    calendar = calendar_for(uow, coach)
    today = now.astimezone(zone_or_default(hours.tz)).date()
    days = school_days_ahead(calendar, today)
    start = calendar.at_local(days[0], time(0), hours.tz)
    end = calendar.at_local(days[-1] + timedelta(days=1), time(0), hours.tz)
    teacher_side = None
    if teacher is not None:
        teacher_calendar = (
            calendar if teacher.school_id == coach.school_id else calendar_for(uow, teacher)
        )
        teacher_side = (teacher_calendar, teacher.timezone)
    return open_slots(
        hours,
        days=days,
        calendar=calendar,
        busy=uow.office_hours.busy(coach.id, start, end, other_than=moving),
        days_out=set(uow.office_hours.days_out(coach.id, days[0], days[-1])),
        now=now,
        teacher=teacher_side,
    )


def outside_hours(uow: UnitOfWork, coach: Person, starts_at: datetime, ends_at: datetime) -> bool:
    """Is this time outside the coach's office hours (or on a day they are out)? False for a
    coach who has set no office hours: they take any time."""
    hours = hours_of(uow, coach)
    if not hours.windows:
        return False
    day = starts_at.astimezone(zone_or_default(coach.timezone)).date()
    return not hours.contains(starts_at, ends_at) or bool(
        uow.office_hours.days_out(coach.id, day, day)
    )


# --------------------------------------------------------------------------- days out


# Builds the one message a teacher gets about a day their coach is out:
# (coach's user id, the teacher's zone, the day, that day's visits) -> message.
OutMessage = Callable[[str, str, date, Sequence[OutVisit]], Mapping[str, Any]]


def days_out_ahead(uow: UnitOfWork, coach: Person, today: date) -> list[date]:
    """The days the coach is out from today on, earliest first."""
    return uow.office_hours.days_out(coach.id, today, date.max)


def mark_out(
    uow: UnitOfWork,
    actor: Actor,
    coach: Person | None,
    first: date,
    last: date | None,
    today: date,
    now: datetime,
    message: OutMessage,
) -> list[date]:
    """Mark the coach out from `first` to `last` (school days only); returns the days newly
    marked. Each teacher with an open visit with the coach on one of them is owed one message
    through the outbox, under a key of the coach, day and teacher, so a second mark (a double
    click, two replicas, a day marked again after it was unmarked) sends nothing more."""
    me = _require_coach(actor, coach)
    last = last or first
    if first < today:
        raise HoursRefused("That day has passed. Choose today or a later day.", "first")
    if last < first:
        raise HoursRefused("The last day comes before the first. Choose a later one.", "last")
    if (last - first).days >= MAX_DAYS_OUT:
        raise HoursRefused(
            f"Mark at most {MAX_DAYS_OUT} days at once; your lead coach can help with a longer "
            "leave.",
            "last",
        )
    calendar = calendar_for(uow, me)
    days = [
        first + timedelta(days=n)
        for n in range((last - first).days + 1)
        if calendar.is_school_day(first + timedelta(days=n))
    ]
    if not days:
        raise HoursRefused("There's no school on those days, so there's nothing to mark.", "first")
    new = uow.office_hours.mark_out(me.team_id, me.id, days, now)
    if new:
        _tell_teachers(uow, me, new, calendar, now, message)
    return new


def mark_back(uow: UnitOfWork, actor: Actor, coach: Person | None, days: Collection[date]) -> int:
    """The coach is in on these days after all; returns how many were marked out."""
    me = _require_coach(actor, coach)
    return uow.office_hours.mark_back(me.id, days)


def _tell_teachers(
    uow: UnitOfWork,
    coach: Person,
    days: Sequence[date],
    calendar: SchoolCalendar,
    now: datetime,
    message: OutMessage,
) -> int:
    zone = zone_or_default(coach.timezone)
    tz = zone.key
    start = calendar.at_local(days[0], time(0), tz)
    end = calendar.at_local(days[-1] + timedelta(days=1), time(0), tz)
    wanted = set(days)
    owed: dict[tuple[date, int], list[Visit]] = {}
    for visit in uow.office_hours.open_visits(coach.id, start, end):
        day = visit.starts_at.astimezone(zone).date()
        if day in wanted:
            owed.setdefault((day, visit.teacher_id), []).append(visit)
    planned = 0
    for (day, _), visits in sorted(owed.items(), key=lambda item: item[0]):
        teacher = visits[0].teacher
        if not teacher.active:
            continue
        planned += enqueue(
            uow,
            key=f"{OUT_KIND}:{coach.id}:{day.isoformat()}:{teacher.id}",
            person=teacher,
            kind=OUT_KIND,
            message=message(
                coach.user_id,
                teacher.timezone,
                day,
                [OutVisit(v.id, v.version, v.starts_at, v.ends_at) for v in visits],
            ),
            due_at=now,
            now=now,
            ref=f"visit:{visits[0].id}",
        )
    return planned


def is_out(uow: UnitOfWork, coach_id: int, day: date) -> bool:
    return bool(uow.office_hours.out_among([(coach_id, day)]))


def out_among(uow: UnitOfWork, pairs: Collection[tuple[int, date]]) -> set[tuple[int, date]]:
    """Which of these (coach id, day) pairs are days out, in one query."""
    return uow.office_hours.out_among(pairs)
