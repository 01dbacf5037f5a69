"""A coach's weekly office-hour windows and the open slots they leave, with no database: the
windows as typed on a form, whether a time falls in them, and the slots of given days.

Windows are local times in the coach's own zone. A slot is an instant (UTC) that each reader
sees in their own zone.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from bot.rules.calendar import SchoolCalendar, zone_or_default

VISIT_LENGTHS = (20, 30, 45, 60)
DEFAULT_MINUTES = 30
SCHOOL_DAYS_AHEAD = 10
MAX_SLOTS = 10
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class Window:
    """A weekly window: a weekday (0 is Monday) and local start and end times."""

    weekday: int
    starts: time
    ends: time


@dataclass(frozen=True)
class Hours:
    """A coach's office hours: their windows, the length of a visit, and the zone they are in."""

    windows: tuple[Window, ...]
    minutes: int
    tz: str

    def contains(self, starts_at: datetime, ends_at: datetime) -> bool:
        """Does [starts_at, ends_at) fall inside one window, on the coach's wall clock?"""
        zone = zone_or_default(self.tz)
        first, last = starts_at.astimezone(zone), ends_at.astimezone(zone)
        if first.date() != last.date():
            return False
        return any(
            w.weekday == first.weekday() and w.starts <= first.time() and last.time() <= w.ends
            for w in self.windows
        )


# --------------------------------------------------------------------------- reading windows

_PIECE = re.compile(
    r"(\d{1,2})(?:[:.h](\d{2}))?\s*([ap])?\.?m?\.?\s*(?:-|–|—|to|until|till)\s*"
    r"(\d{1,2})(?:[:.h](\d{2}))?\s*([ap])?\.?m?\.?",
    re.IGNORECASE | re.ASCII,
)
_SEPARATORS = re.compile(r"\s*(?:,|;|\band\b|&|\n)\s*", re.IGNORECASE)
_EXAMPLE = "Write them like 9:00-11:30, 13:00-15:00"


def parse_windows(text: str, minutes: int) -> tuple[list[tuple[time, time]], str | None]:
    """The windows typed for one weekday ("9:00-11:30, 1-3pm"), earliest first, or a kind
    message saying what could not be read. Hours 1 to 6 without am or pm are afternoon hours,
    as a school day reads them."""
    found: list[tuple[time, time]] = []
    for piece in (p for p in _SEPARATORS.split(text.strip()) if p.strip()):
        match = _PIECE.fullmatch(piece.strip())
        if match is None:
            return [], f"“{piece.strip()[:40]}” isn't a time range coachbot can read. {_EXAMPLE}."
        h1, m1, ap1, h2, m2, ap2 = match.groups()
        start = _clock(int(h1), int(m1 or 0), ap1 or (ap2 if int(h1) <= int(h2) else None))
        end = _clock(int(h2), int(m2 or 0), ap2)
        if start is None or end is None:
            return [], f"“{piece.strip()[:40]}” has a time that isn't on the clock. {_EXAMPLE}."
        if end <= start:
            return [], f"“{piece.strip()[:40]}” ends before it starts. {_EXAMPLE}."
        if _minutes(end) - _minutes(start) < minutes:
            return [], (
                f"“{piece.strip()[:40]}” is shorter than one {minutes}-minute visit. "
                "Make it longer, or choose a shorter visit."
            )
        found.append((start, end))
    found.sort()
    for (_, first_end), (second_start, _) in pairwise(found):
        if second_start < first_end:
            return [], "Two of these windows overlap. Join them into one, like 9:00-12:00."
    return found, None


def _clock(hour: int, minute: int, meridiem: str | None) -> time | None:
    if minute > 59:
        return None
    if meridiem is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.lower() == "p" else 0)
    elif 1 <= hour <= 6:
        hour += 12  # "1-3" in a school day is the afternoon
    if hour > 23:
        return None
    return time(hour, minute)


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def window_text(windows: Sequence[Window], weekday: int) -> str:
    """One weekday's windows as the form shows them again: "9:00-11:30, 13:00-15:00"."""
    return ", ".join(f"{w.starts:%H:%M}-{w.ends:%H:%M}" for w in windows if w.weekday == weekday)


# --------------------------------------------------------------------------- open slots


def school_days_ahead(
    calendar: SchoolCalendar, today: date, count: int = SCHOOL_DAYS_AHEAD
) -> list[date]:
    """Today (when it is a school day) and the school days after it: `count` in all."""
    days = [today] if calendar.is_school_day(today) else []
    day = today
    while len(days) < count:
        day = calendar.add_school_days(day, 1)
        days.append(day)
    return days


def open_slots(
    hours: Hours,
    *,
    days: Sequence[date],
    calendar: SchoolCalendar,
    busy: Sequence[Span],
    days_out: Collection[date],
    now: datetime,
    teacher: tuple[SchoolCalendar, str] | None = None,
    limit: int = MAX_SLOTS,
) -> list[Span]:
    """The coach's open slots on `days` (their school days, local to them): inside a window,
    in steps of the visit length, after `now`, clear of `busy`, not on a day out, and (with
    `teacher`, their calendar and zone) on the teacher's school day and within its hours.

    At most `limit`, the earliest, spread across the days: each day gives its share first,
    then the earliest of the rest fill what is left.
    """
    step = timedelta(minutes=hours.minutes)
    by_day: list[list[Span]] = []
    for day in days:
        if day in days_out or not calendar.is_school_day(day):
            continue
        found: list[Span] = []
        for window in sorted(hours.windows, key=lambda w: w.starts):
            if window.weekday != day.weekday():
                continue
            starts_at = calendar.at_local(day, window.starts, hours.tz)
            closes_at = calendar.at_local(day, window.ends, hours.tz)
            while starts_at + step <= closes_at:
                span = (starts_at, starts_at + step)
                if starts_at > now and _free(span, busy) and _teacher_may(span, teacher):
                    found.append(span)
                starts_at += step
        if found:
            by_day.append(found)
    if not by_day:
        return []
    share = max(1, -(-limit // len(by_day)))
    chosen = [span for found in by_day for span in found[:share]][:limit]
    rest = sorted(span for found in by_day for span in found[share:])
    chosen += rest[: limit - len(chosen)]
    return sorted(chosen)


def _free(span: Span, busy: Sequence[Span]) -> bool:
    return all(not (start < span[1] and end > span[0]) for start, end in busy)


def _teacher_may(span: Span, teacher: tuple[SchoolCalendar, str] | None) -> bool:
    if teacher is None:
        return True
    calendar, tz = teacher
    zone = zone_or_default(tz)
    first, last = span[0].astimezone(zone), span[1].astimezone(zone)
    return (
        calendar.is_school_day(first.date())
        and first.date() == last.date()
        and calendar.day_start <= first.time()
        and last.time() <= calendar.day_end
    )


@dataclass(frozen=True)
class OutVisit:
    """A visit on a day its coach is out: what the teacher's message offers to move or cancel."""

    visit_id: int
    version: int
    starts_at: datetime
    ends_at: datetime
