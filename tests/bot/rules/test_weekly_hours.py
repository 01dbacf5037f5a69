"""Office-hour windows as typed, and the open slots they leave: pure, on fixed dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from freezegun import freeze_time

from bot.clock import utc_now
from bot.rules.calendar import Closure, SchoolCalendar
from bot.rules.weekly_hours import Hours, Window, open_slots, parse_windows, school_days_ahead

CHICAGO = "America/Chicago"
NEW_YORK = "America/New_York"
# Tuesday 9:00-11:30 and Thursday 13:00-15:00, 30-minute visits, in Chicago.
HOURS = Hours((Window(1, time(9), time(11, 30)), Window(3, time(13), time(15))), 30, CHICAGO)
CALENDAR = SchoolCalendar(closures=(Closure(date(2026, 12, 3), date(2026, 12, 3), "PD day"),))
MONDAY_MORNING = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # 8:00 in Chicago


def chicago(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in December 2026 on Chicago's clock (CST, UTC-6), in UTC."""
    return datetime(2026, 12, day, hour + 6, minute, tzinfo=UTC)


def slots(**changes: object) -> list[tuple[datetime, datetime]]:
    args: dict[str, object] = {
        "days": school_days_ahead(CALENDAR, date(2026, 11, 30)),
        "calendar": CALENDAR,
        "busy": [],
        "days_out": set(),
        "now": MONDAY_MORNING,
    }
    args.update(changes)
    return open_slots(HOURS, **args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("9:00-11:30, 13:00-15:00", [(time(9), time(11, 30)), (time(13), time(15))]),
        ("9-11:30 and 1-3", [(time(9), time(11, 30)), (time(13), time(15))]),
        ("1pm - 3pm; 9am to 10:30am", [(time(9), time(10, 30)), (time(13), time(15))]),
        ("11-1pm", [(time(11), time(13))]),
        ("8.15–9.45", [(time(8, 15), time(9, 45))]),
    ],
)
def test_windows_are_read_leniently(typed: str, read: list[tuple[time, time]]) -> None:
    assert parse_windows(typed, 30) == (read, None)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("mornings", "“mornings” isn't a time range coachbot can read"),
        ("9:00-", "isn't a time range"),
        ("11:00-9:00", "ends before it starts"),
        ("9:00-9:15", "shorter than one 30-minute visit"),
        ("9:75-10:00", "isn't on the clock"),
        ("9-11, 10-12", "overlap"),
    ],
)
def test_a_window_that_cannot_be_read_says_why(typed: str, says: str) -> None:
    windows, problem = parse_windows(typed, 30)
    assert windows == []
    assert problem is not None and says in problem


def test_slots_fill_the_windows_in_visit_steps_and_skip_the_closed_thursday() -> None:
    found = slots()
    days = sorted({start.astimezone(UTC).date() for start, _ in found})
    # Tue Dec 1, Tue Dec 8, Thu Dec 10: Thursday Dec 3 is a closure.
    assert days == [date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 10)]
    assert found[0] == (chicago(1, 9), chicago(1, 9, 30))
    assert all(end - start == timedelta(minutes=30) for start, end in found)
    assert len(found) == 10


def test_slots_are_spread_across_days_before_filling_with_the_earliest() -> None:
    by_day: dict[date, int] = {}
    for start, _ in slots():
        by_day[start.date()] = by_day.get(start.date(), 0) + 1
    # Ten places over three days with open times: four from each of the first two, then two.
    assert list(by_day.values()) == [4, 4, 2]


def test_busy_times_days_out_and_the_past_are_never_offered() -> None:
    busy = [(chicago(1, 9, 15), chicago(1, 10))]  # a visit from 9:15 to 10:00 on Tuesday
    found = slots(busy=busy, days_out={date(2026, 12, 8)}, now=chicago(1, 10, 1))
    starts = [start for start, _ in found]
    assert chicago(1, 9) not in starts and chicago(1, 9, 30) not in starts
    assert chicago(1, 10) not in starts  # already past at 10:01
    assert starts[0] == chicago(1, 10, 30)
    assert not any(start.date() == date(2026, 12, 8) for start in starts)


def test_a_teacher_day_that_ends_earlier_drops_the_slots_after_it() -> None:
    # The teacher's school day ends at 11:00 in New York: 10:00 on the coach's clock.
    teacher = SchoolCalendar(day_start=time(7), day_end=time(11))
    found = slots(teacher=(teacher, NEW_YORK))
    assert [start for start, _ in found] == [
        chicago(1, 9),
        chicago(1, 9, 30),
        chicago(8, 9),
        chicago(8, 9, 30),
    ]


def test_no_windows_means_no_slots() -> None:
    assert (
        open_slots(
            Hours((), 30, CHICAGO),
            days=[date(2026, 12, 1)],
            calendar=CALENDAR,
            busy=[],
            days_out=(),
            now=MONDAY_MORNING,
        )
        == []
    )


@freeze_time("2026-11-30 14:00:00")
def test_the_ten_school_days_start_today_and_skip_the_closure_and_weekends() -> None:
    today = utc_now().date()
    days = school_days_ahead(CALENDAR, today)
    assert len(days) == 10
    assert days[0] == today and date(2026, 12, 3) not in days
    assert days[-1] == date(2026, 12, 14)
