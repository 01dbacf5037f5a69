"""Times in words (a visit's day and hours in the reader's zone, a length, a clock reading),
and the day, start and length inputs of the forms that schedule something."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import InputBlock, Option

from bot.ids import Input
from bot.rules.calendar import When, outside_school_years, zone_or_default
from bot.views.common import (
    PAST,
    STALE,
    StateValues,
    count,
    date_input,
    long_day,
    picked_date,
    picked_time,
    select_input,
    selected_value,
    time_input,
    whole_number,
)


def format_when(start: datetime, end: datetime, tz: str) -> str:
    """'Tuesday, December 1, 10:00–10:45 AM (EST)' in `tz`; both dates when they differ.

    Naive datetimes are taken as UTC. An unknown zone falls back to the district default;
    the abbreviation shown always says which zone the times are in.
    """
    zone = zone_or_default(tz)
    first = aware(start).astimezone(zone)
    last = aware(end).astimezone(zone)
    first_zone, last_zone = first.tzname() or "", last.tzname() or ""
    if first.date() != last.date():
        if first_zone == last_zone:
            return f"{_day(first)}, {clock(first)} – {_day(last)}, {clock(last)} ({last_zone})"
        return (
            f"{_day(first)}, {clock(first)} ({first_zone}) – "
            f"{_day(last)}, {clock(last)} ({last_zone})"
        )
    if first_zone != last_zone:  # the clocks changed during the visit
        return f"{_day(first)}, {clock(first)} ({first_zone})–{clock(last)} ({last_zone})"
    return f"{_day(first)}, {clock_span(first, last, zone)} ({last_zone})"


def format_minutes(minutes: int) -> str:
    """'15 minutes', '1 hour', '1 hour 30 minutes', '2 hours'."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(count(hours, "hour", "hours"))
    if rest or not hours:
        parts.append(count(rest, "minute", "minutes"))
    return " ".join(parts)


def short_minutes(minutes: int) -> str:
    """'40 min', '1 h', '1 h 30 min': a length where a line is short."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


def clock_span(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """'9:00–9:45 AM', '11:30 AM–12:15 PM', in `zone`; AM or PM once when both share it."""
    first, last = aware(start).astimezone(zone), aware(end).astimezone(zone)
    if _meridiem(first) == _meridiem(last) and first.date() == last.date():
        return f"{clock(first, meridiem=False)}–{clock(last)}"
    return f"{clock(first)}–{clock(last)}"


def clock(moment: datetime | time, *, meridiem: bool = True) -> str:
    """'9:05 AM', or '9:05' without the AM or PM."""
    text = f"{moment.hour % 12 or 12}:{moment.minute:02d}"
    return f"{text} {_meridiem(moment)}" if meridiem else text


def _meridiem(moment: datetime | time) -> str:
    return "AM" if moment.hour < 12 else "PM"


def aware(moment: datetime) -> datetime:
    """`moment` as it is when it has a zone, else taken as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _day(moment: datetime) -> str:
    # Not strftime: %A and %B follow the process locale.
    return long_day(moment)


# --------------------------------------------------------------------------- when inputs
# The day, start time and length that every form scheduling a visit or a debrief asks for.

# (block id, action id) of the day, the start time and the length, in that order.
WhenIds = tuple[tuple[Input, Input], tuple[Input, Input], tuple[Input, Input]]


def when_ids(form: str) -> WhenIds:
    """The ids of a form's day, start and length, named <form>_DATE, <form>_TIME, <form>_LENGTH."""
    date_ids, time_ids, length_ids = (
        (Input[f"{form}_{part}"], Input[f"{form}_{part}"]) for part in ("DATE", "TIME", "LENGTH")
    )
    return date_ids, time_ids, length_ids


def when_inputs(
    ids: WhenIds, *, day: date, start: time | None, minutes: int, lengths: tuple[int, ...]
) -> list[InputBlock]:
    """A day, a start time and a length from `lengths`, the one nearest `minutes` chosen."""
    (date_block, date_action), (time_block, time_action), (length_block, length_action) = ids
    options = _length_options(lengths)
    nearest = min(lengths, key=lambda length: (abs(length - minutes), length))
    return [
        date_input(date_block, date_action, "Day", initial=day, placeholder="Choose a day"),
        time_input(
            time_block, time_action, "Start time", initial=start, placeholder="Choose a time"
        ),
        select_input(
            length_block,
            length_action,
            "How long",
            options=list(options.values()),
            initial=options[nearest],
            placeholder="Choose a length",
        ),
    ]


def ahead_problem(day: date, today: date) -> str | None:
    """Why a day someone picked to look ahead to (a goal's target, a check-back) cannot be
    used: it has passed, or it is beyond next school year; None when it can."""
    if day < today:
        return PAST
    return outside_school_years(day, today)


def parse_when(
    values: StateValues,
    errors: dict[str, str],
    ids: WhenIds,
    *,
    today: date,
    lengths: tuple[int, ...],
) -> When | None:
    """The day (this school year or next), start and length; what is missing goes in `errors`."""
    (date_block, date_action), (time_block, time_action), (length_block, length_action) = ids
    day = picked_date(values, date_block, date_action)
    if day is None:
        errors[date_block] = "Choose a day."
    elif (too_far := outside_school_years(day, today)) is not None:
        errors[date_block] = too_far
        day = None
    start = picked_time(values, time_block, time_action)
    if start is None:
        errors[time_block] = "Choose a start time."
    minutes: int | None = None
    length = selected_value(values, length_block, length_action)
    if length is None:
        errors[length_block] = "Choose how long it will be."
    elif whole_number(length) in lengths:
        minutes = whole_number(length)
    else:
        errors[length_block] = STALE
    if day is None or start is None or minutes is None:
        return None
    return When(day, start, minutes)


@functools.cache
def _length_options(lengths: tuple[int, ...]) -> dict[int, Option]:
    return {
        minutes: Option(value=str(minutes), text=format_minutes(minutes)) for minutes in lengths
    }
