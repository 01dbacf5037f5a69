"""A person's calendar comes from their school and the district, in their own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from bot.app.deps import Deps
from bot.rules.calendar import Closure
from bot.rules.school_calendar import (
    add_closures,
    is_school_moment_for,
    next_allowed_for,
    save_calendar,
)
from storage.models import Person

TEAM = "T0COACH"
MON_TO_FRI = frozenset({0, 1, 2, 3, 4})


def _person(deps: Deps, user_id: str, tz: str, school: str | None = None) -> None:
    with deps.uow() as uow:
        person = uow.people.add(Person(team_id=TEAM, user_id=user_id, timezone=tz))
        if school:
            person.school = uow.schools.get_or_add(TEAM, school)
        uow.commit()


def test_district_closures_and_school_hours_both_apply(deps: Deps) -> None:
    _person(deps, "U0EAST", "America/New_York", school="Lincoln")
    _person(deps, "U0WEST", "America/Los_Angeles")
    with deps.uow() as uow:
        save_calendar(
            uow,
            TEAM,
            None,
            weekdays=MON_TO_FRI,
            day_start=time(7, 0),
            day_end=time(17, 0),
            closures=[Closure(date(2026, 11, 26), date(2026, 11, 27), "Thanksgiving break")],
        )
        lincoln = uow.schools.get_by_name(TEAM, "Lincoln")
        save_calendar(
            uow,
            TEAM,
            lincoln,
            weekdays=MON_TO_FRI,
            day_start=time(8, 0),
            day_end=time(15, 0),
            closures=[],
        )
        uow.commit()
    with deps.uow() as uow:
        east = uow.people.get_by_user(TEAM, "U0EAST")
        west = uow.people.get_by_user(TEAM, "U0WEST")
        assert east is not None and west is not None
        # Wednesday 2026-11-25, 12:30 UTC: 07:30 in New York (Lincoln opens at 08:00).
        wednesday = datetime(2026, 11, 25, 12, 30, tzinfo=UTC)
        assert not is_school_moment_for(uow, east, wednesday)
        assert next_allowed_for(uow, east, wednesday) == datetime(2026, 11, 25, 13, 0, tzinfo=UTC)
        # The same moment is 04:30 in Los Angeles; the district opens at 07:00 there.
        assert next_allowed_for(uow, west, wednesday) == datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
        # Wednesday after school in New York: Thursday and Friday are the district's break.
        evening = datetime(2026, 11, 25, 21, 0, tzinfo=UTC)
        assert next_allowed_for(uow, east, evening) == datetime(2026, 11, 30, 13, 0, tzinfo=UTC)


def test_imported_closures_are_added_once(deps: Deps) -> None:
    closures = [Closure(date(2027, 1, 18), date(2027, 1, 18), "MLK Day")]
    with deps.uow() as uow:
        assert add_closures(uow, TEAM, None, closures) == 1
        uow.commit()
    with deps.uow() as uow:
        assert add_closures(uow, TEAM, None, closures) == 0
        assert len(uow.districts.own_closures(TEAM, None)) == 1
