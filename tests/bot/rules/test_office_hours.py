"""Office hours' rules on each database: who may set them, the open slots around what holds the
coach's time, days out marked once, and the few queries the slots take."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select

from bot.app.deps import Deps
from bot.rules import office_hours
from bot.rules.erase import erase_person
from bot.rules.office_hours import HoursRefused
from bot.rules.people import actor_for
from bot.rules.policy import Actor
from bot.rules.records_export import export_person
from bot.rules.weekly_hours import OutVisit, Window
from storage.models import Debrief, OutboxMessage, Person, Visit
from storage.uow import UnitOfWork

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # Monday, 9:00 in New York
TODAY = date(2026, 11, 30)
TUESDAY = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # 9:00 in New York
# Tuesday 9:00-11:00 in New York, 30-minute visits.
WINDOWS = [Window(1, time(9), time(11))]


def _people(uow: UnitOfWork) -> tuple[Person, Person, Person]:
    def add(user_id: str, role: str = "teacher") -> Person:
        return uow.people.add(Person(team_id="T1", user_id=user_id, role=role, synced_at=NOW))

    return add("UCOACH", "coach"), add("UTEACH"), add("UTEACH2")


def _actor(uow: UnitOfWork, person: Person) -> Actor:
    return actor_for(uow, "T1", person.user_id)


def _visit(uow: UnitOfWork, coach: Person, teacher: Person, starts: datetime, **more: Any) -> Visit:
    return uow.visits.add(
        Visit(
            team_id="T1",
            teacher_id=teacher.id,
            coach_id=coach.id,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=30),
            support_type="observe",
            status=more.pop("status", "accepted"),
            created_at=NOW,
            updated_at=NOW,
            **more,
        )
    )


def _message(coach: str, tz: str, day: date, visits: Sequence[OutVisit]) -> Mapping[str, Any]:
    return {"text": f"{coach} out {day} {len(visits)} {tz}"}


def test_only_the_coach_sets_their_own_hours(deps: Deps) -> None:
    with deps.uow() as uow:
        coach, teacher, _ = _people(uow)
        with pytest.raises(HoursRefused):
            office_hours.save_hours(uow, _actor(uow, teacher), teacher, WINDOWS, 30, NOW)
        with pytest.raises(HoursRefused):  # a coach's actor with someone else's row
            office_hours.save_hours(uow, _actor(uow, coach), teacher, WINDOWS, 30, NOW)
        saved = office_hours.save_hours(uow, _actor(uow, coach), coach, WINDOWS, 30, NOW)
        uow.commit()
        assert saved.windows == tuple(WINDOWS) and saved.minutes == 30
        assert office_hours.hours_of(uow, teacher).windows == ()


def test_slots_go_around_open_visits_suggested_times_and_debriefs(deps: Deps) -> None:
    with deps.uow() as uow:
        coach, teacher, other = _people(uow)
        office_hours.save_hours(uow, _actor(uow, coach), coach, WINDOWS, 30, NOW)
        held = _visit(uow, coach, teacher, TUESDAY)  # 9:00
        _visit(
            uow,
            coach,
            other,
            TUESDAY + timedelta(days=7),
            status="proposed",
            proposed_starts_at=TUESDAY + timedelta(minutes=30),  # 9:30 suggested
            proposed_ends_at=TUESDAY + timedelta(minutes=60),
            proposed_by="coach",
        )
        _visit(uow, coach, other, TUESDAY + timedelta(hours=1), status="cancelled")  # 10:00
        uow.session.add(
            Debrief(
                team_id="T1",
                visit_id=held.id,
                teacher_id=teacher.id,
                coach_id=coach.id,
                starts_at=TUESDAY + timedelta(minutes=90),  # 10:30
                ends_at=TUESDAY + timedelta(minutes=120),
                created_at=NOW,
            )
        )
        uow.commit()

        starts = [s for s, _ in office_hours.slots_for(uow, coach, teacher, NOW)]
        tuesday = [s for s in starts if s.date() == TUESDAY.date()]
        assert tuesday == [TUESDAY + timedelta(hours=1)]  # 10:00: the cancelled visit is free
        # Moving the 9:00 visit itself: its own time is free for it.
        moving = office_hours.slots_for(uow, coach, teacher, NOW, moving=held.id)
        assert TUESDAY in [s for s, _ in moving]


def test_the_slots_take_a_few_queries_whatever_the_history(deps: Deps) -> None:
    with deps.uow() as uow:
        coach, teacher, _ = _people(uow)
        office_hours.save_hours(uow, _actor(uow, coach), coach, WINDOWS, 30, NOW)
        uow.districts.get_or_add("T1")
        for week in range(40):  # a year of past visits, outside the ten days
            _visit(uow, coach, teacher, TUESDAY - timedelta(days=7 * (week + 1)))
        uow.commit()
    with deps.uow() as uow:
        coach = uow.people.get_one(coach.id)
        teacher = uow.people.get_one(teacher.id)
        statements: list[str] = []

        def record(*args: Any) -> None:
            statements.append(str(args[2]))

        event.listen(deps.engine, "before_cursor_execute", record)
        try:
            slots = office_hours.slots_for(uow, coach, teacher, NOW)
        finally:
            event.remove(deps.engine, "before_cursor_execute", record)
        assert len(slots) == 8  # Tuesday Dec 1 and Dec 8, four each
        # The hours, the district and its closures, what holds the coach's time, the days out.
        assert len(statements) == 5, "\n".join(" ".join(s.split())[:70] for s in statements)


def test_a_day_out_is_marked_once_and_tells_each_teacher_once(deps: Deps) -> None:
    with deps.uow() as uow:
        coach, teacher, other = _people(uow)
        actor = _actor(uow, coach)
        _visit(uow, coach, teacher, TUESDAY)
        _visit(uow, coach, teacher, TUESDAY + timedelta(hours=2))
        _visit(uow, coach, other, TUESDAY + timedelta(hours=1), status="pending")
        _visit(uow, coach, other, TUESDAY + timedelta(days=1))
        uow.commit()

        first = office_hours.mark_out(uow, actor, coach, TUESDAY.date(), None, TODAY, NOW, _message)
        uow.commit()
        again = office_hours.mark_out(uow, actor, coach, TUESDAY.date(), None, TODAY, NOW, _message)
        uow.commit()
        assert first == [TUESDAY.date()] and again == []
        keys = sorted(uow.session.scalars(select(OutboxMessage.key)))
        assert keys == [
            f"coach_out:{coach.id}:2026-12-01:{teacher.id}",
            f"coach_out:{coach.id}:2026-12-01:{other.id}",
        ]
        told = uow.session.scalar(
            select(OutboxMessage.text).where(OutboxMessage.person_id == teacher.id)
        )
        assert told == "UCOACH out 2026-12-01 2 America/New_York"  # both her visits, once

        # Back in, then out again: still nothing more is owed.
        assert office_hours.mark_back(uow, actor, coach, [TUESDAY.date()]) == 1
        office_hours.mark_out(uow, actor, coach, TUESDAY.date(), None, TODAY, NOW, _message)
        uow.commit()
        assert uow.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
        assert office_hours.is_out(uow, coach.id, TUESDAY.date())


def test_another_persons_days_cannot_be_marked(deps: Deps) -> None:
    with deps.uow() as uow:
        coach, teacher, _ = _people(uow)
        with pytest.raises(HoursRefused):
            office_hours.mark_out(
                uow, _actor(uow, teacher), coach, TUESDAY.date(), None, TODAY, NOW, _message
            )
        with pytest.raises(HoursRefused):
            office_hours.mark_back(uow, _actor(uow, teacher), coach, [TUESDAY.date()])
        assert office_hours.days_out_ahead(uow, coach, TODAY) == []


def _hours_and_a_day_out(uow: UnitOfWork, coach: Person) -> None:
    """Tuesdays 9:00-11:00, and out on Tuesday December 1."""
    actor = _actor(uow, coach)
    office_hours.save_hours(uow, actor, coach, WINDOWS, 30, NOW)
    office_hours.mark_out(uow, actor, coach, TUESDAY.date(), None, TODAY, NOW, _message)
    uow.commit()


def test_erasing_a_coach_forgets_their_office_hours_and_days_out(deps: Deps) -> None:
    with deps.uow() as uow:
        coach, _, _ = _people(uow)
        _hours_and_a_day_out(uow, coach)
        erased = erase_person(uow, coach, NOW)
        uow.commit()
        assert erased.counts["office_hours"] == 3  # the hours, a window, a day out
        assert office_hours.hours_of(uow, coach).windows == ()
        assert office_hours.days_out_ahead(uow, coach, TODAY) == []


def test_a_coachs_export_holds_their_office_hours_and_days_out(deps: Deps) -> None:
    with deps.uow() as uow:
        coach, teacher, _ = _people(uow)
        _hours_and_a_day_out(uow, coach)
        assert export_person(uow, coach, NOW)["office_hours"] == {
            "visit_minutes": 30,
            "windows": [{"weekday": 1, "starts": "09:00:00", "ends": "11:00:00"}],
            "days_out": ["2026-12-01"],
        }
        empty = {"visit_minutes": None, "windows": [], "days_out": []}
        assert export_person(uow, teacher, NOW)["office_hours"] == empty


def test_a_zone_slack_named_oddly_reads_as_the_districts(deps: Deps) -> None:
    with deps.uow() as uow:
        coach, teacher, _ = _people(uow)
        coach.timezone = "America"  # a folder of tzdata, not a zone
        office_hours.save_hours(uow, _actor(uow, coach), coach, WINDOWS, 30, NOW)
        uow.commit()
        slots = office_hours.slots_for(uow, coach, teacher, NOW)
        assert slots[0] == (TUESDAY, TUESDAY + timedelta(minutes=30))  # 9:00 in New York
