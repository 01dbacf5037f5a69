"""School days and hours: DST weekends, other weeks, closures, far-off zones, and imports."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from bot.rules.calendar import (
    Closure,
    SchoolCalendar,
    parse_closures_csv,
)
from bot.rules.calendar_ics import NOT_AN_ICS_FILE, parse_closures_ics

NEW_YORK = ZoneInfo("America/New_York")
JERUSALEM = ZoneInfo("Asia/Jerusalem")
HONOLULU = ZoneInfo("Pacific/Honolulu")
KOLKATA = ZoneInfo("Asia/Kolkata")
EVERY_DAY = frozenset(range(7))


def local(
    year: int, month: int, day: int, hour: int, minute: int = 0, *, tz: ZoneInfo = NEW_YORK
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- DST weekends ------------------------------------------------------------------------------


def test_spring_forward_weekend_moves_the_utc_hour() -> None:
    calendar = SchoolCalendar()
    friday_evening = local(2026, 3, 6, 18)

    monday = calendar.next_allowed(friday_evening, "America/New_York")

    assert monday == utc(2026, 3, 9, 11)  # 07:00 EDT
    assert monday.tzinfo is UTC
    assert monday.astimezone(NEW_YORK).replace(tzinfo=None) == datetime(2026, 3, 9, 7)
    # The week before, 07:00 was still EST.
    assert calendar.next_allowed(local(2026, 2, 27, 18), NEW_YORK) == utc(2026, 3, 2, 12)
    assert calendar.at_local(date(2026, 3, 2), time(7), NEW_YORK) == utc(2026, 3, 2, 12)


def test_fall_back_weekend_moves_the_utc_hour() -> None:
    calendar = SchoolCalendar()

    assert calendar.next_allowed(local(2026, 10, 30, 18), NEW_YORK) == utc(2026, 11, 2, 12)  # EST
    assert calendar.next_allowed(local(2026, 10, 23, 18), NEW_YORK) == utc(2026, 10, 26, 11)  # EDT


def test_day_start_inside_the_spring_forward_gap_opens_when_the_gap_ends() -> None:
    calendar = SchoolCalendar(weekdays=EVERY_DAY, day_start=time(2, 30))

    opening = calendar.next_allowed(local(2026, 3, 8, 0), NEW_YORK)

    assert opening == utc(2026, 3, 8, 7)
    assert opening.astimezone(NEW_YORK).replace(tzinfo=None) == datetime(2026, 3, 8, 3, 0)
    assert calendar.at_local(date(2026, 3, 8), time(2, 30), NEW_YORK) == opening
    assert calendar.is_school_moment(opening, NEW_YORK)
    assert not calendar.is_school_moment(opening - timedelta(seconds=1), NEW_YORK)


def test_a_repeated_fall_back_time_is_its_first_occurrence() -> None:
    calendar = SchoolCalendar(weekdays=EVERY_DAY, day_start=time(1, 30))

    assert calendar.at_local(date(2026, 11, 1), time(1, 30), NEW_YORK) == utc(2026, 11, 1, 5, 30)
    assert calendar.next_allowed(local(2026, 11, 1, 0), NEW_YORK) == utc(2026, 11, 1, 5, 30)


def test_between_the_two_fall_back_openings_the_second_one_counts() -> None:
    calendar = SchoolCalendar(weekdays=EVERY_DAY, day_start=time(1, 30))
    quarter_past_one_est = utc(2026, 11, 1, 6, 15)  # the clock reads 01:15 for the second time

    assert not calendar.is_school_moment(quarter_past_one_est, NEW_YORK)
    assert calendar.next_allowed(quarter_past_one_est, NEW_YORK) == utc(2026, 11, 1, 6, 30)


def test_a_day_whose_whole_window_is_skipped_by_dst_is_passed_over() -> None:
    calendar = SchoolCalendar(weekdays=EVERY_DAY, day_start=time(2, 10), day_end=time(2, 50))

    assert calendar.next_allowed(local(2026, 3, 8, 0), NEW_YORK) == utc(2026, 3, 9, 6, 10)


# --- weeks other than Monday-Friday ------------------------------------------------------------


def test_sunday_to_thursday_week() -> None:
    calendar = SchoolCalendar(weekdays=frozenset({6, 0, 1, 2, 3}))
    thursday_evening = local(2026, 3, 5, 17, 30, tz=JERUSALEM)

    sunday = calendar.next_allowed(thursday_evening, "Asia/Jerusalem")

    assert sunday.astimezone(JERUSALEM) == local(2026, 3, 8, 7, tz=JERUSALEM)
    assert sunday == utc(2026, 3, 8, 5)  # Israel is UTC+2 until late March
    assert not calendar.is_school_day(date(2026, 3, 6))  # Friday
    assert not calendar.is_school_day(date(2026, 3, 7))  # Saturday
    assert calendar.is_school_day(date(2026, 3, 8))  # Sunday
    assert not calendar.is_school_moment(local(2026, 3, 6, 10, tz=JERUSALEM), JERUSALEM)
    assert calendar.add_school_days(date(2026, 3, 5), 1) == date(2026, 3, 8)


# --- closures ----------------------------------------------------------------------------------


def test_the_evening_before_a_one_day_holiday_skips_it() -> None:
    thanksgiving = Closure(date(2026, 11, 26), date(2026, 11, 26), "Thanksgiving")
    calendar = SchoolCalendar(closures=(thanksgiving,))

    assert calendar.next_allowed(local(2026, 11, 25, 17), NEW_YORK) == utc(2026, 11, 27, 12)
    assert calendar.closure_on(date(2026, 11, 26)) == thanksgiving
    assert calendar.closure_on(date(2026, 11, 27)) is None
    assert not calendar.is_school_moment(local(2026, 11, 26, 10), NEW_YORK)


def test_winter_break_sends_the_next_message_on_the_first_monday_back() -> None:
    calendar = SchoolCalendar(
        closures=(Closure(date(2026, 12, 21), date(2027, 1, 1), "Winter break"),)
    )
    back = utc(2027, 1, 4, 12)  # Monday 07:00 EST

    assert calendar.next_allowed(local(2026, 12, 18, 17), NEW_YORK) == back
    assert calendar.next_allowed(local(2026, 12, 23, 10), NEW_YORK) == back
    assert calendar.next_allowed(local(2027, 1, 1, 9), NEW_YORK) == back
    assert calendar.add_school_days(date(2026, 12, 18), 1) == date(2027, 1, 4)


def test_touching_and_overlapping_closures() -> None:
    calendar = SchoolCalendar(
        closures=(
            Closure(date(2026, 11, 23), date(2026, 11, 24), "Conferences"),
            Closure(date(2026, 11, 25), date(2026, 11, 25), "Travel day"),
            Closure(date(2026, 11, 24), date(2026, 11, 27), "Thanksgiving break"),
        )
    )

    assert calendar.next_allowed(local(2026, 11, 20, 18), NEW_YORK) == utc(2026, 11, 30, 12)
    assert calendar.school_days_between(date(2026, 11, 23), date(2026, 11, 30)) == 0
    # Each closed day counts once, however many closures cover it.
    assert calendar.school_days_between(date(2026, 11, 16), date(2026, 12, 7)) == 10
    assert calendar.closure_on(date(2026, 11, 24)) == calendar.closures[0]
    assert calendar.closure_on(date(2026, 11, 26)) == calendar.closures[2]


def test_a_moment_inside_school_hours_is_returned_as_is_in_utc() -> None:
    moment = local(2026, 3, 4, 10, 15).replace(second=7, microsecond=12)

    allowed = SchoolCalendar().next_allowed(moment, NEW_YORK)

    assert allowed == moment
    assert allowed.tzinfo is UTC
    assert allowed == datetime(2026, 3, 4, 15, 15, 7, 12, tzinfo=UTC)


def test_a_calendar_closed_all_year_gives_up_at_the_horizon() -> None:
    closed = SchoolCalendar(closures=(Closure(date(2026, 1, 1), date(2027, 12, 31), "Closed"),))

    with pytest.raises(ValueError, match="No school day in the 400 days"):
        closed.next_allowed(local(2026, 3, 4, 10), NEW_YORK)
    short = SchoolCalendar(closures=(Closure(date(2026, 3, 4), date(2026, 3, 31), "Strike"),))
    with pytest.raises(ValueError, match="No school day in the 10 days"):
        short.next_allowed(local(2026, 3, 4, 10), NEW_YORK, horizon_days=10)
    assert short.next_allowed(local(2026, 3, 4, 10), NEW_YORK) == utc(2026, 4, 1, 11)


# --- school hours ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "allowed"),
    [(6, 59, False), (7, 0, True), (16, 59, True), (17, 0, False)],
)
def test_school_hours_include_the_start_and_exclude_the_end(
    hour: int, minute: int, allowed: bool
) -> None:
    wednesday = local(2026, 3, 4, hour, minute)

    assert SchoolCalendar().is_school_moment(wednesday, NEW_YORK) is allowed
    assert SchoolCalendar().is_school_moment(wednesday.astimezone(UTC), NEW_YORK) is allowed


def test_the_last_microsecond_before_day_end_is_allowed() -> None:
    just_before = local(2026, 3, 4, 16, 59).replace(second=59, microsecond=999_999)

    assert SchoolCalendar().is_school_moment(just_before, NEW_YORK)
    assert SchoolCalendar().next_allowed(just_before + timedelta(microseconds=1), NEW_YORK) == utc(
        2026, 3, 5, 12
    )


def test_a_naive_datetime_is_refused() -> None:
    calendar = SchoolCalendar()

    with pytest.raises(ValueError, match="time zone"):
        calendar.is_school_moment(datetime(2026, 3, 4, 10), NEW_YORK)
    with pytest.raises(ValueError, match="time zone"):
        calendar.next_allowed(datetime(2026, 3, 4, 10), NEW_YORK)


def test_an_unknown_time_zone_is_refused() -> None:
    for name in ("Mars/Olympus_Mons", "America", ""):
        with pytest.raises(ValueError, match="not a known IANA time zone"):
            SchoolCalendar().is_school_moment(utc(2026, 3, 4, 15), name)


# --- time zones far from UTC -------------------------------------------------------------------


def test_honolulu_friday_afternoon_is_saturday_in_utc() -> None:
    calendar = SchoolCalendar()
    friday_afternoon = utc(2026, 3, 7, 2, 30)  # Saturday in UTC, 16:30 Friday in Honolulu

    assert calendar.is_school_moment(friday_afternoon, HONOLULU)
    assert not calendar.is_school_moment(friday_afternoon, NEW_YORK)
    sunday_evening = utc(2026, 3, 9, 3)  # Monday in UTC, 17:00 Sunday in Honolulu
    assert not calendar.is_school_moment(sunday_evening, HONOLULU)
    assert calendar.next_allowed(sunday_evening, "Pacific/Honolulu") == utc(2026, 3, 9, 17)


def test_kolkata_half_hour_offset() -> None:
    calendar = SchoolCalendar()
    early_monday = utc(2026, 3, 8, 23)  # Sunday in UTC, 04:30 Monday in Kolkata

    assert calendar.next_allowed(early_monday, KOLKATA) == utc(2026, 3, 9, 1, 30)
    late_friday_utc = utc(2026, 3, 6, 20)  # 01:30 Saturday in Kolkata
    assert not calendar.is_school_moment(late_friday_utc, KOLKATA)
    assert calendar.next_allowed(late_friday_utc, KOLKATA) == utc(2026, 3, 9, 1, 30)
    assert calendar.at_local(date(2026, 3, 9), time(16, 59), KOLKATA) == utc(2026, 3, 9, 11, 29)


# --- counting school days ----------------------------------------------------------------------


def test_add_school_days_skips_weekends_and_closures() -> None:
    plain = SchoolCalendar()
    closed_monday = SchoolCalendar(
        closures=(Closure(date(2026, 3, 9), date(2026, 3, 9), "Teacher work day"),)
    )

    assert plain.add_school_days(date(2026, 3, 4), 1) == date(2026, 3, 5)
    assert plain.add_school_days(date(2026, 3, 6), 1) == date(2026, 3, 9)
    assert plain.add_school_days(date(2026, 3, 7), 1) == date(2026, 3, 9)  # from a Saturday
    assert plain.add_school_days(date(2026, 3, 6), 5) == date(2026, 3, 13)
    assert closed_monday.add_school_days(date(2026, 3, 6), 1) == date(2026, 3, 10)
    with pytest.raises(ValueError, match="at least one"):
        plain.add_school_days(date(2026, 3, 6), 0)


def test_school_days_between_counts_start_but_not_end() -> None:
    plain = SchoolCalendar()
    closed = SchoolCalendar(closures=(Closure(date(2026, 3, 9), date(2026, 3, 10), "Storm"),))

    assert plain.school_days_between(date(2026, 3, 2), date(2026, 3, 16)) == 10
    assert closed.school_days_between(date(2026, 3, 2), date(2026, 3, 16)) == 8
    assert plain.school_days_between(date(2026, 3, 2), date(2026, 3, 3)) == 1
    assert plain.school_days_between(date(2026, 3, 7), date(2026, 3, 9)) == 0  # a weekend
    assert plain.school_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    assert plain.school_days_between(date(2026, 3, 16), date(2026, 3, 2)) == 0


@pytest.mark.parametrize("weekdays", [frozenset({0, 1, 2, 3, 4}), frozenset({6, 0, 1, 2, 3}), {2}])
def test_school_days_between_agrees_with_counting_day_by_day(weekdays: frozenset[int]) -> None:
    calendar = SchoolCalendar(
        weekdays=weekdays,
        closures=(
            Closure(date(2026, 9, 7), date(2026, 9, 7), "Labor Day"),
            Closure(date(2026, 11, 23), date(2026, 11, 27), "Thanksgiving break"),
            Closure(date(2026, 11, 26), date(2026, 12, 1), "Extended"),
            Closure(date(2026, 12, 21), date(2027, 1, 1), "Winter break"),
            Closure(date(2025, 6, 1), date(2026, 8, 20), "Before the year"),
        ),
    )
    start = date(2026, 8, 1)
    for length in (0, 1, 6, 7, 8, 45, 200, 333):
        end = start + timedelta(days=length)
        by_day = sum(calendar.is_school_day(start + timedelta(days=i)) for i in range(length))
        assert calendar.school_days_between(start, end) == by_day, end
        if by_day:
            assert calendar.add_school_days(start - timedelta(days=1), by_day) < end


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weekdays": frozenset()}, "at least one school day"),
        ({"weekdays": frozenset({0, 7})}, "0 \\(Monday\\) to 6 \\(Sunday\\); 7"),
        ({"day_start": time(17), "day_end": time(7)}, "start before it ends"),
        ({"day_start": time(8), "day_end": time(8)}, "start before it ends"),
        ({"day_start": time(7, tzinfo=UTC)}, "without a time zone"),
        (
            {"closures": (Closure(date(2026, 12, 24), date(2026, 12, 20), "Break"),)},
            "'Break' ends on 2026-12-20, before it starts on 2026-12-24",
        ),
    ],
)
def test_invalid_calendars_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SchoolCalendar(**kwargs)  # type: ignore[arg-type]


def test_a_plain_set_of_weekdays_still_makes_a_hashable_calendar() -> None:
    calendar = SchoolCalendar(weekdays={0, 2, 4})  # type: ignore[arg-type]

    assert calendar.weekdays == frozenset({0, 2, 4})
    assert hash(calendar) == hash(SchoolCalendar(weekdays=frozenset({0, 2, 4})))


# --- CSV import --------------------------------------------------------------------------------


def test_csv_with_good_rows() -> None:
    text = (
        "\ufeffDate,End,Reason\r\n"
        "2026-09-07,,Labor Day\r\n"
        "\r\n"
        "11/25/2026,11/27/2026,Thanksgiving break\r\n"
        '2026-12-21,2027-01-01,"Winter break, all schools"\r\n'
        " 2027-01-18 , , \r\n"
    )

    closures, errors = parse_closures_csv(text)

    assert errors == []
    assert closures == [
        Closure(date(2026, 9, 7), date(2026, 9, 7), "Labor Day"),
        Closure(date(2026, 11, 25), date(2026, 11, 27), "Thanksgiving break"),
        Closure(date(2026, 12, 21), date(2027, 1, 1), "Winter break, all schools"),
        Closure(date(2027, 1, 18), date(2027, 1, 18), "No school"),
    ]


def test_csv_other_header_names_and_column_order() -> None:
    text = "Name,Last Day,First_Day\nSpring break,4/10/2027,4/5/2027\nInservice,,3/1/2027\n"

    closures, errors = parse_closures_csv(text)

    assert errors == []
    assert closures == [
        Closure(date(2027, 4, 5), date(2027, 4, 10), "Spring break"),
        Closure(date(2027, 3, 1), date(2027, 3, 1), "Inservice"),
    ]


def test_csv_bad_lines_are_reported_by_line_number() -> None:
    text = (
        "date,end,reason\n"
        "2026-09-07,,Labor Day\n"
        ",,Forgot the date\n"
        "2026-13-01,,Not a month\n"
        "2026-10-12,,Indigenous Peoples' Day\n"
        "2026-12-24,2026-12-20,Backwards break\n"
    )

    closures, errors = parse_closures_csv(text)

    assert errors == [
        "line 3: no date",
        "line 4: '2026-13-01' is not a date (use YYYY-MM-DD)",
        "line 6: the end 2026-12-20 is before the start 2026-12-24",
    ]
    assert [c.reason for c in closures] == ["Labor Day", "Indigenous Peoples' Day"]


def test_csv_rejects_dates_that_only_look_close() -> None:
    text = "date,end\n2/30/2026,\n20260907,\n2026-09-07,09/31/2026\n"

    closures, errors = parse_closures_csv(text)

    assert closures == []
    assert errors == [
        "line 2: '2/30/2026' is not a date (use YYYY-MM-DD)",
        "line 3: '20260907' is not a date (use YYYY-MM-DD)",
        "line 4: '09/31/2026' is not a date (use YYYY-MM-DD)",
    ]


def test_csv_without_a_date_column_or_any_rows() -> None:
    closures, errors = parse_closures_csv("when,why\n2026-09-07,Labor Day\n")
    assert closures == []
    assert len(errors) == 1
    assert errors[0].startswith("line 1: no date column")

    assert parse_closures_csv("")[0] == []
    assert parse_closures_csv("")[1][0].startswith("line 1: the file is empty")


# --- iCalendar import --------------------------------------------------------------------------


def _ics(*events: Event) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//coachbot tests//EN")
    calendar.add("version", "2.0")
    for event in events:
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def _event(
    summary: str | None, start: date | None, end: date | None = None, **extra: object
) -> Event:
    event = Event()
    if summary is not None:
        event.add("summary", summary)
    if start is not None:
        event.add("dtstart", start)
    if end is not None:
        event.add("dtend", end)
    for name, value in extra.items():
        event.add(name.replace("_", "-"), value)
    return event


def test_ics_all_day_events_breaks_and_a_yearly_repeat() -> None:
    data = _ics(
        _event("Labor Day", date(2026, 9, 7), date(2026, 9, 8)),
        _event("Winter break", date(2026, 12, 21), date(2027, 1, 2)),
        _event(
            "Thanksgiving",
            date(2026, 11, 26),
            date(2026, 11, 28),
            rrule={"freq": "yearly", "count": 2},
        ),
        _event(None, date(2027, 2, 15)),  # no DTEND: one day; no SUMMARY
    )

    closures, errors = parse_closures_ics(data)

    assert errors == []
    assert closures == [
        Closure(date(2026, 9, 7), date(2026, 9, 7), "Labor Day"),
        Closure(date(2026, 12, 21), date(2027, 1, 1), "Winter break"),
        Closure(date(2026, 11, 26), date(2026, 11, 27), "Thanksgiving"),
        Closure(date(2027, 11, 26), date(2027, 11, 27), "Thanksgiving"),
        Closure(date(2027, 2, 15), date(2027, 2, 15), "No school"),
    ]
    calendar = SchoolCalendar(closures=tuple(closures))
    assert calendar.next_allowed(local(2026, 12, 18, 17), NEW_YORK) == utc(2027, 1, 4, 12)


def test_ics_timed_events_close_their_local_dates() -> None:
    chicago = ZoneInfo("America/Chicago")
    data = _ics(
        _event(
            "Early release",
            datetime(2026, 10, 16, 12, 0, tzinfo=chicago),
            datetime(2026, 10, 16, 15, 0, tzinfo=chicago),
        ),
        # Ends at midnight local, across the fall-back night: closes only the 31st and the 1st.
        _event(
            "Storm closure",
            datetime(2026, 10, 31, 0, 0, tzinfo=chicago),
            datetime(2026, 11, 2, 0, 0, tzinfo=chicago),
        ),
        # 22:00 in Chicago is already the next day in UTC; the event's own date counts.
        _event("Evening board meeting", datetime(2026, 10, 20, 22, 0, tzinfo=chicago)),
    )

    closures, errors = parse_closures_ics(data)

    assert errors == []
    assert closures == [
        Closure(date(2026, 10, 16), date(2026, 10, 16), "Early release"),
        Closure(date(2026, 10, 31), date(2026, 11, 1), "Storm closure"),
        Closure(date(2026, 10, 20), date(2026, 10, 20), "Evening board meeting"),
    ]


def test_ics_weekly_repeats_with_until_exdate_and_open_ended_rules() -> None:
    weekly = _event(
        "Late start Wednesday",
        date(2026, 9, 2),
        rrule={"freq": "weekly", "until": date(2026, 9, 30)},
        exdate=date(2026, 9, 16),
    )
    forever = _event("Monthly PD", date(2026, 9, 4), rrule={"freq": "monthly"})

    closures, errors = parse_closures_ics(_ics(weekly, forever))

    assert errors == []
    late_starts = [c.first_day for c in closures if c.reason == "Late start Wednesday"]
    assert late_starts == [date(2026, 9, 2), date(2026, 9, 9), date(2026, 9, 23), date(2026, 9, 30)]
    monthly = [c.first_day for c in closures if c.reason == "Monthly PD"]
    # Without COUNT or UNTIL the rule is expanded for 400 days from its start.
    assert monthly[0] == date(2026, 9, 4)
    assert monthly[-1] == date(2027, 10, 4)
    assert len(monthly) == 14


def test_ics_bad_events_are_reported_and_the_rest_kept() -> None:
    data = _ics(
        _event("Labor Day", date(2026, 9, 7)),
        _event("Mystery day", None),
        _event("Backwards", date(2026, 12, 24), date(2026, 12, 20)),
        _event("Every hour", datetime(2026, 9, 8, 8, tzinfo=UTC), rrule={"freq": "hourly"}),
    )

    closures, errors = parse_closures_ics(data)

    assert closures == [Closure(date(2026, 9, 7), date(2026, 9, 7), "Labor Day")]
    assert errors == [
        "event 2: 'Mystery day' has no start date (DTSTART)",
        "event 3: 'Backwards' ends before it starts",
        "event 4: 'Every hour' repeats hourly; only yearly, monthly, weekly and daily repeats "
        "can be days off",
    ]


def test_ics_a_cancelled_or_moved_occurrence_replaces_the_series_one() -> None:
    series = _event("Club day", date(2026, 9, 7), rrule={"freq": "weekly", "count": 3}, uid="c1")
    moved = _event("Club day (moved)", date(2026, 9, 15), uid="c1", recurrence_id=date(2026, 9, 14))
    cancelled = _event(
        "Club day", date(2026, 9, 21), uid="c1", recurrence_id=date(2026, 9, 21), status="CANCELLED"
    )

    closures, errors = parse_closures_ics(_ics(series, moved, cancelled))

    assert errors == []
    assert closures == [
        Closure(date(2026, 9, 7), date(2026, 9, 7), "Club day"),
        Closure(date(2026, 9, 15), date(2026, 9, 15), "Club day (moved)"),
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"this is not a calendar at all",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"",
        b"BEGIN:VEVENT\r\nSUMMARY:Lonely\r\nEND:VEVENT\r\n",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n",
    ],
)
def test_ics_garbage_is_not_a_calendar(data: bytes) -> None:
    assert parse_closures_ics(data) == ([], [NOT_AN_ICS_FILE])
    assert NOT_AN_ICS_FILE == "this file is not an iCalendar (.ics) file"


def test_ics_an_empty_calendar_says_so() -> None:
    assert parse_closures_ics(_ics()) == ([], ["the calendar has no events"])


def test_ics_bounded_repeats_reach_three_years_and_open_ones_400_days() -> None:
    bounded = _event("Founders' Day", date(2026, 11, 6), rrule={"freq": "yearly", "count": 10})
    open_ended = _event("Field day", date(2026, 11, 6), rrule={"freq": "yearly"})

    closures, errors = parse_closures_ics(_ics(bounded, open_ended))

    assert errors == []
    assert [c.first_day.year for c in closures if c.reason == "Founders' Day"] == [2026, 2027, 2028]
    assert [c.first_day.year for c in closures if c.reason == "Field day"] == [2026, 2027]


def test_ics_extra_dates_without_a_rule() -> None:
    event = _event("Snow make-up days", date(2027, 2, 1))
    event.add("rdate", [date(2027, 2, 8), date(2027, 3, 1)])

    closures, errors = parse_closures_ics(_ics(event))

    assert errors == []
    assert [c.first_day for c in closures] == [date(2027, 2, 1), date(2027, 2, 8), date(2027, 3, 1)]
