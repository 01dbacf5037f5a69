"""Each person's school calendar, from the district's and their school's, read and saved."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

from bot.rules.calendar import Closure, SchoolCalendar
from storage.models import Closure as ClosureRow, District, Person, School
from storage.uow import UnitOfWork


def weekdays_from_text(text: str) -> frozenset[int]:
    return frozenset(int(part) for part in text.split(",") if part.strip())


def weekdays_to_text(days: frozenset[int]) -> str:
    return ",".join(str(d) for d in sorted(days))


def calendar_for_school(uow: UnitOfWork, team_id: str, school: School | None) -> SchoolCalendar:
    """The calendar a school keeps: its own week and hours where set, else the district's."""
    district = uow.districts.get_or_add(team_id)
    rows = uow.districts.closures(team_id, school.id if school else None)
    return _calendar(district, school, rows)


def _calendar(
    district: District, school: School | None, rows: Sequence[ClosureRow]
) -> SchoolCalendar:
    weekdays = (school.weekdays if school and school.weekdays else None) or district.weekdays
    return SchoolCalendar(
        weekdays=weekdays_from_text(weekdays),
        day_start=(school.day_start if school and school.day_start else None) or district.day_start,
        day_end=(school.day_end if school and school.day_end else None) or district.day_end,
        closures=tuple(Closure(row.first_day, row.last_day, row.reason) for row in rows),
    )


def calendar_for(uow: UnitOfWork, person: Person) -> SchoolCalendar:
    return calendar_for_school(uow, person.team_id, person.school)


class Calendars:
    """Each school's calendar, read once per planning run rather than once per person."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._known: dict[tuple[str, int | None], SchoolCalendar] = {}

    def of(self, person: Person) -> SchoolCalendar:
        key = (person.team_id, person.school_id)
        if key not in self._known:
            self._read_team(person.team_id)
        if key not in self._known:  # a school added since this run read the workspace
            self._known[key] = calendar_for(self._uow, person)
        return self._known[key]

    def of_team(self, team_id: str) -> list[SchoolCalendar]:
        """Every calendar a workspace keeps: the district's and each school's."""
        if (team_id, None) not in self._known:
            self._read_team(team_id)
        return [calendar for (team, _), calendar in self._known.items() if team == team_id]

    def _read_team(self, team_id: str) -> None:
        """Every calendar of a workspace in three queries: the district, schools, closures."""
        district = self._uow.districts.get_or_add(team_id)
        closures = self._uow.districts.all_closures(team_id)
        for school in [None, *self._uow.schools.list_for_team(team_id)]:
            school_id = school.id if school is not None else None
            rows = [c for c in closures if c.school_id in (None, school_id)]
            self._known[(team_id, school_id)] = _calendar(district, school, rows)


def is_school_moment_for(uow: UnitOfWork, person: Person, moment: datetime) -> bool:
    """Is `moment` within school hours of a school day, where this person is?"""
    return calendar_for(uow, person).is_school_moment(moment, person.timezone)


def next_allowed_for(uow: UnitOfWork, person: Person, moment: datetime) -> datetime:
    """The first moment at or after `moment` when coachbot may message this person (UTC)."""
    return calendar_for(uow, person).next_allowed(moment, person.timezone)


def own_settings(
    uow: UnitOfWork, team_id: str, school: School | None
) -> tuple[frozenset[int], time, time, list[Closure]]:
    """What an admin sees when editing this calendar: its week, hours and its own days off."""
    calendar = calendar_for_school(uow, team_id, school)
    own = uow.districts.own_closures(team_id, school.id if school else None)
    return (
        calendar.weekdays,
        calendar.day_start,
        calendar.day_end,
        [Closure(r.first_day, r.last_day, r.reason) for r in own],
    )


def save_calendar(
    uow: UnitOfWork,
    team_id: str,
    school: School | None,
    *,
    weekdays: frozenset[int],
    day_start: time,
    day_end: time,
    closures: Sequence[Closure],
) -> None:
    """Replace a calendar's week, hours and own closures with what the admin saved."""
    SchoolCalendar(weekdays=weekdays, day_start=day_start, day_end=day_end)  # validates
    target: District | School = school if school is not None else uow.districts.get_or_add(team_id)
    target.weekdays = weekdays_to_text(weekdays)
    target.day_start = day_start
    target.day_end = day_end
    school_id = school.id if school else None
    for row in uow.districts.own_closures(team_id, school_id):
        uow.session.delete(row)
    for closure in _merged(closures):
        _insert(uow, team_id, school_id, closure)
    uow.session.flush()


def add_closures(
    uow: UnitOfWork, team_id: str, school: School | None, closures: Sequence[Closure]
) -> int:
    """Add imported closures that are not there yet; returns how many were new."""
    school_id = school.id if school else None
    existing = {
        (r.first_day, r.last_day, r.reason) for r in uow.districts.own_closures(team_id, school_id)
    }
    added = 0
    for closure in _merged(closures):
        key = (closure.first_day, closure.last_day, closure.reason[:200])
        if key in existing:
            continue
        existing.add(key)
        _insert(uow, team_id, school_id, closure)
        added += 1
    uow.session.flush()
    return added


def _insert(uow: UnitOfWork, team_id: str, school_id: int | None, closure: Closure) -> None:
    uow.session.add(
        ClosureRow(
            team_id=team_id,
            school_id=school_id,
            first_day=closure.first_day,
            last_day=closure.last_day,
            reason=closure.reason[:200],
        )
    )


def _merged(closures: Sequence[Closure]) -> list[Closure]:
    """Closures without exact repeats, in date order."""
    return sorted(set(closures), key=lambda c: (c.first_day, c.last_day, c.reason))
