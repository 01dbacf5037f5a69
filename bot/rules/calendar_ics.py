"""Closures from iCalendar (.ics) files, kept apart so only an import pulls in icalendar."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta

from dateutil.rrule import rrulestr  # type: ignore[import-untyped, unused-ignore]
from icalendar import Calendar, Event, vDDDTypes, vRecur

from bot.rules.calendar import NO_SCHOOL, Closure

_ONE_DAY = timedelta(days=1)

NOT_AN_ICS_FILE = "this file is not an iCalendar (.ics) file"

_REPEATABLE = frozenset({"YEARLY", "MONTHLY", "WEEKLY", "DAILY"})
_BOUNDED_REPEAT_SPAN = timedelta(days=3 * 365 + 1)
_OPEN_REPEAT_SPAN = timedelta(days=400)

_DayOrTime = date | datetime


def parse_closures_ics(data: bytes) -> tuple[list[Closure], list[str]]:
    """Closures from an iCalendar file, such as a district calendar exported from Google or Outlook.

    Every event closes the local dates it covers, read in the event's own time zone; repeating
    events are expanded a few years ahead. Returns the closures and one "event N: ..." message
    per event that could not be used.
    """
    if isinstance(data, str):
        # icalendar reads a one-line str as a file path; uploaded text must never do that.
        data = data.encode()
    try:
        roots = Calendar.from_ical(bytes(data), multiple=True)
    # Malformed uploads also trip icalendar's parser in other ways: a list-valued VALUE=
    # parameter raises AttributeError, a TZID naming a tzdata folder raises OSError.
    except (ValueError, TypeError, AttributeError, LookupError, OSError):
        return [], [NOT_AN_ICS_FILE]
    if not roots or not all(isinstance(root, Calendar) for root in roots):
        return [], [NOT_AN_ICS_FILE]
    events = [event for root in roots for event in root.events]
    if not events:
        return [], ["the calendar has no events"]

    # A changed or cancelled instance of a repeating event comes as its own VEVENT with the
    # series' UID and a RECURRENCE-ID; it replaces that occurrence of the series.
    replaced: dict[str, list[_DayOrTime]] = {}
    for event in events:
        recurrence_id = _when(event, "RECURRENCE-ID")
        if recurrence_id is not None:
            replaced.setdefault(str(event.get("UID", "")), []).append(recurrence_id)

    closures: list[Closure] = []
    errors: list[str] = []
    for number, event in enumerate(events, start=1):
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        try:
            closures.extend(_event_closures(event, replaced))
        except _EventError as exc:
            errors.append(f"event {number}: {exc}")
        except (ValueError, TypeError, OverflowError):
            # Dates near year 9999 overflow, and odd values slip past icalendar's checks.
            errors.append(f"event {number}: this event could not be read")
    return closures, errors


class _EventError(ValueError):
    """Why one event could not become a closure, in words for the admin who uploaded it."""


def _event_closures(event: Event, replaced: dict[str, list[_DayOrTime]]) -> list[Closure]:
    summary = str(event.get("SUMMARY", "")).strip()
    subject = f"'{summary}'" if summary else "the event"
    if "DTSTART" not in event:
        raise _EventError(f"{subject} has no start date (DTSTART)")
    start = _when(event, "DTSTART")
    if start is None:
        raise _EventError(f"{subject} has a start (DTSTART) that is not a date")
    length = _length(event, start, subject)
    starts = _occurrences(event, start, subject)
    if "RECURRENCE-ID" not in event:
        moved = replaced.get(str(event.get("UID", "")), [])
        starts = [s for s in starts if not _matches(s, moved, start)]
    return [_closure_for(s, length, summary or NO_SCHOOL) for s in starts]


def _when(event: Event, name: str) -> _DayOrTime | None:
    """A date or date-time property, or None when missing or unreadable (icalendar keeps a bad
    value as vBroken rather than failing the whole file)."""
    prop = event.get(name)
    if isinstance(prop, list):
        prop = prop[0] if prop else None
    if isinstance(prop, vDDDTypes) and isinstance(prop.dt, date):
        return prop.dt
    return None


def _length(event: Event, start: _DayOrTime, subject: str) -> timedelta:
    """How long each occurrence lasts on the wall clock of its start."""
    if "DTEND" in event:
        end = _when(event, "DTEND")
        if end is None:
            raise _EventError(f"{subject} has an end (DTEND) that is not a date")
        if isinstance(start, datetime) != isinstance(end, datetime):
            raise _EventError(f"{subject} mixes an all-day date with a date and time")
        # Wall-clock difference, so an all-night event across a DST change still ends at
        # midnight rather than an hour into the next day.
        length = _wall(_like(end, start)) - _wall(start)
        if length < timedelta(0):
            raise _EventError(f"{subject} ends before it starts")
        return length
    if "DURATION" in event:
        value = getattr(event.get("DURATION"), "dt", None)
        if not isinstance(value, timedelta) or value < timedelta(0):
            raise _EventError(f"{subject} has a length (DURATION) that could not be read")
        return value
    # RFC 5545: with neither DTEND nor DURATION an all-day event lasts its one day.
    return timedelta(0) if isinstance(start, datetime) else _ONE_DAY


def _occurrences(event: Event, start: _DayOrTime, subject: str) -> list[_DayOrTime]:
    """When each occurrence of the event starts, within the expansion window."""
    rules = event.get("RRULE")
    if "RECURRENCE-ID" in event or (rules is None and "RDATE" not in event):
        return [start]
    first = _wall(start)
    if not isinstance(first, datetime):
        first = datetime.combine(first, time())
    unreadable = f"{subject} has a repeat rule (RRULE) that could not be read"
    rule = rules[0] if isinstance(rules, list) else rules
    if rule is not None and not isinstance(rule, vRecur):
        raise _EventError(unreadable)
    frequency = str((rule.get("FREQ") or [""])[0]).upper() if rule is not None else "DAILY"
    if frequency not in _REPEATABLE:
        raise _EventError(
            f"{subject} repeats {frequency.lower() or 'with no frequency'}; only yearly, "
            "monthly, weekly and daily repeats can be days off"
        )
    bounded = rule is None or "COUNT" in rule or "UNTIL" in rule
    limit = first + (_BOUNDED_REPEAT_SPAN if bounded else _OPEN_REPEAT_SPAN)
    try:
        walls = [first]
        if rule is not None:
            # vRecur.to_ical is not annotated in icalendar 7; it returns the rule's bytes.
            text = _naive_rule(rule, start).to_ical().decode()  # type: ignore[no-untyped-call, unused-ignore]
            walls = list(_before(rrulestr(text, dtstart=first), limit))
        extra = [_like(when, start) for when, _end in event.rdates]
        excluded = [_like(when, start) for when in event.exdates]
    except (ValueError, TypeError, AttributeError):
        raise _EventError(unreadable) from None
    found: list[_DayOrTime] = [
        wall.replace(tzinfo=start.tzinfo) if isinstance(start, datetime) else wall.date()
        for wall in walls
    ]
    found += [when for when in extra if when not in found and _sort_key(when) < limit]
    kept = [when for when in found if not _matches(when, excluded, start)]
    return sorted(kept, key=_sort_key)


def _naive_rule(rule: vRecur, start: _DayOrTime) -> vRecur:
    """The rule with UNTIL on the same naive wall clock as the expansion.

    dateutil refuses to mix naive and zoned values, and files mix them freely: an all-day
    event often carries its UNTIL in UTC.
    """
    copy = vRecur(rule)
    untils = rule.get("UNTIL")
    if untils:
        until = _like(untils[0], start)
        copy["UNTIL"] = [
            _wall(until)
            if isinstance(until, datetime)
            # A date UNTIL on a timed event still includes that whole day.
            else datetime.combine(until, time.max if isinstance(start, datetime) else time())
        ]
    return copy


def _before(occurrences: Iterable[datetime], limit: datetime) -> Iterator[datetime]:
    for occurrence in occurrences:
        if occurrence >= limit:
            return
        yield occurrence


def _like(value: _DayOrTime, start: _DayOrTime) -> _DayOrTime:
    """`value` in the same terms as the event's start: its zone, or a plain date."""
    if not isinstance(value, datetime):
        return value
    if not isinstance(start, datetime):
        return value.date()
    if start.tzinfo is None:
        return value.replace(tzinfo=None)
    if value.tzinfo is None:
        return value.replace(tzinfo=start.tzinfo)
    return value.astimezone(start.tzinfo)


def _matches(when: _DayOrTime, candidates: list[_DayOrTime], start: _DayOrTime) -> bool:
    """Does an occurrence match an EXDATE or RECURRENCE-ID, which may be a date or a time?"""
    when_day = when.date() if isinstance(when, datetime) else when
    for candidate in candidates:
        other = _like(candidate, start)
        if isinstance(other, datetime) and isinstance(when, datetime):
            if _wall(other) == _wall(when):
                return True
        elif not isinstance(other, datetime) and other == when_day:
            return True
    return False


def _wall(value: _DayOrTime) -> _DayOrTime:
    """A date as is; a date-time as its naive reading on its own zone's clock."""
    return value.replace(tzinfo=None) if isinstance(value, datetime) else value


def _sort_key(value: _DayOrTime) -> datetime:
    wall = _wall(value)
    return wall if isinstance(wall, datetime) else datetime.combine(wall, time())


def _closure_for(start: _DayOrTime, length: timedelta, reason: str) -> Closure:
    if isinstance(start, datetime):
        # A timed event ending at midnight does not close the day it ends on.
        wall = start.replace(tzinfo=None)
        end = wall + length
        last = (end - timedelta(microseconds=1)).date() if end > wall else wall.date()
        return Closure(wall.date(), last, reason)
    # Some exporters write DTEND equal to DTSTART for a one-day event.
    days = max(length.days, 1)
    return Closure(start, start + timedelta(days=days - 1), reason)
