"""School days and school hours: when coachbot may message someone, in their own time zone."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.rules.domain import DEFAULT_TIMEZONE

NO_SCHOOL = "No school"

_ONE_DAY = timedelta(days=1)


def school_years(today: date) -> tuple[date, date]:
    """This school year and the next, as the first and last days every form accepts.

    A school year runs from 1 July to 30 June. Nobody plans a visit, a debrief, a goal or a
    closure further away, and days far beyond (year 9999) overflow on the way to UTC.
    """
    first_year = today.year if today.month >= 7 else today.year - 1
    return date(first_year, 7, 1), date(first_year + 2, 6, 30)


def outside_school_years(day: date, today: date) -> str | None:
    """Why `day` is too far away to plan for, or None when it is this school year or next."""
    first, last = school_years(today)
    if first <= day <= last:
        return None
    return (
        f"Choose a day from July 1, {first.year} to June 30, {last.year}: coachbot plans "
        "this school year and the next."
    )


@dataclass(frozen=True)
class When:
    """A time asked for on a form: a day and a start on one zone's wall clock, and a length."""

    day: date
    start: time
    minutes: int

    def in_zone(self, from_tz: str, to_tz: str) -> When:
        """The same moment on another zone's wall clock (the length does not change)."""
        if from_tz == to_tz:
            return self
        moment = datetime.combine(self.day, self.start, ZoneInfo(from_tz)).astimezone(
            ZoneInfo(to_tz)
        )
        return replace(self, day=moment.date(), start=moment.time().replace(tzinfo=None))


@dataclass(frozen=True)
class Closure:
    """Days with no school, both ends included, as local calendar dates."""

    first_day: date
    last_day: date
    reason: str


@dataclass(frozen=True)
class SchoolCalendar:
    """Which days are school days and which local hours of them coachbot may use."""

    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    day_start: time = time(7, 0)
    day_end: time = time(17, 0)
    closures: tuple[Closure, ...] = ()

    def __post_init__(self) -> None:
        # Callers build these from form input and database rows; accept any iterable so a set or
        # list still gives a hashable, immutable calendar.
        object.__setattr__(self, "weekdays", frozenset(self.weekdays))
        object.__setattr__(self, "closures", tuple(self.closures))
        if not self.weekdays:
            raise ValueError("A school week needs at least one school day.")
        for day in self.weekdays:
            if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
                raise ValueError(
                    f"School days are numbered 0 (Monday) to 6 (Sunday); {day!r} is not one."
                )
        for name in ("day_start", "day_end"):
            value = getattr(self, name)
            if not isinstance(value, time) or value.tzinfo is not None:
                raise ValueError(
                    f"The school day's {name.replace('_', ' ')} must be a plain local time "
                    "such as 07:00, without a time zone."
                )
        if self.day_start >= self.day_end:
            raise ValueError(
                f"The school day must start before it ends; it starts at "
                f"{self.day_start:%H:%M} and ends at {self.day_end:%H:%M}."
            )
        for closure in self.closures:
            if closure.first_day > closure.last_day:
                raise ValueError(
                    f"The closure '{closure.reason}' ends on {closure.last_day.isoformat()}, "
                    f"before it starts on {closure.first_day.isoformat()}."
                )

    def closure_on(self, day: date) -> Closure | None:
        """The first closure covering `day`, or None when the school is not closed then."""
        for closure in self.closures:
            if closure.first_day <= day <= closure.last_day:
                return closure
        return None

    def is_school_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and self.closure_on(day) is None

    def is_school_moment(self, moment: datetime, tz: str | ZoneInfo) -> bool:
        """Is `moment` within school hours of a school day, on the wall clock of `tz`?"""
        _require_aware(moment)
        local = moment.astimezone(_zone(tz))
        return self.is_school_day(local.date()) and self.day_start <= local.time() < self.day_end

    def next_allowed(
        self, moment: datetime, tz: str | ZoneInfo, *, horizon_days: int = 400
    ) -> datetime:
        """The earliest instant at or after `moment` that is a school moment, in UTC."""
        _require_aware(moment)
        zone = _zone(tz)
        if horizon_days < 0:
            raise ValueError("horizon_days cannot be negative.")
        if self.is_school_moment(moment, zone):
            return moment.astimezone(UTC)
        first_day = moment.astimezone(zone).date()
        for offset in range(horizon_days + 1):
            day = first_day + timedelta(days=offset)
            if not self.is_school_day(day):
                continue
            # On a fall-back night day_start can happen twice; the second one is still a valid
            # opening when the moment falls between the two. Checking each opening against the
            # hours also skips a day whose whole window lies in a spring-forward gap.
            for opening in _instants(datetime.combine(day, self.day_start), zone):
                if opening >= moment and self.is_school_moment(opening, zone):
                    return opening
        raise ValueError(
            f"No school day in the {horizon_days} days from {first_day.isoformat()}; "
            "check the calendar's school days and closures."
        )

    def school_days_between(self, start: date, end: date) -> int:
        """How many school days there are from `start` (included) to `end` (not included)."""
        if end <= start:
            return 0
        count = self._weekdays_in(start, end)
        last = end - _ONE_DAY
        for first_closed, last_closed in _merged_ranges(self.closures):
            lo, hi = max(first_closed, start), min(last_closed, last)
            if lo <= hi:
                count -= self._weekdays_in(lo, hi + _ONE_DAY)
        return count

    def add_school_days(self, day: date, n: int) -> date:
        """The n-th school day after `day` (n >= 1); `day` itself never counts."""
        if n < 1:
            raise ValueError(f"Count at least one school day ahead; got {n}.")
        current = day
        try:
            while n:
                current += _ONE_DAY
                if self.is_school_day(current):
                    n -= 1
        except OverflowError:
            raise ValueError(f"There is no school day that far after {day.isoformat()}.") from None
        return current

    def at_local(self, day: date, at: time, tz: str | ZoneInfo) -> datetime:
        """The UTC instant when the wall clock in `tz` shows `at` on `day`.

        A time skipped by a spring-forward change becomes the first instant after the gap; a
        time that happens twice on a fall-back night is its first occurrence.
        """
        if at.tzinfo is not None:
            raise ValueError("Give the local time without a time zone; the zone is `tz`.")
        return _instants(datetime.combine(day, at), _zone(tz))[0]

    def _weekdays_in(self, start: date, end: date) -> int:
        """How many days in [start, end) fall on one of the school's weekdays."""
        weeks, rest = divmod((end - start).days, 7)
        first = start.weekday()
        return weeks * len(self.weekdays) + sum(
            1 for i in range(rest) if (first + i) % 7 in self.weekdays
        )


def parse_closures_csv(text: str) -> tuple[list[Closure], list[str]]:
    """Closures from a spreadsheet export: columns date, end (optional) and reason, by header.

    Returns the closures that could be read and one "line N: ..." message per line that could
    not, so an admin can fix just those lines.
    """
    closures: list[Closure] = []
    errors: list[str] = []
    # Excel's "CSV UTF-8" starts with a byte-order mark that would otherwise spoil the first
    # header name.
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    columns: tuple[int, int | None, int | None] | None = None
    line = 0
    try:
        for row in reader:
            row_line = line + 1  # where this row starts; a quoted cell can span lines
            line = reader.line_num
            cells = [cell.strip() for cell in row]
            if not any(cells):
                continue
            if columns is None:
                columns = _csv_columns(cells)
                if columns is None:
                    return [], [
                        f"line {row_line}: no date column; name the columns "
                        "date, end and reason (end and reason are optional)"
                    ]
                continue
            closure, error = _csv_closure(cells, columns)
            if error is not None:
                errors.append(f"line {row_line}: {error}")
            elif closure is not None:
                closures.append(closure)
    except csv.Error as exc:
        errors.append(f"line {reader.line_num}: this line could not be read as CSV ({exc})")
    if columns is None and not errors:
        errors.append("line 1: the file is empty; it needs a header row such as date,end,reason")
    return closures, errors


_DATE_COLUMNS = ("date", "first_day", "start", "start_date", "first_date")
_END_COLUMNS = ("end", "last_day", "end_date", "last_date")
_REASON_COLUMNS = ("reason", "name", "description")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)


def _csv_columns(header: list[str]) -> tuple[int, int | None, int | None] | None:
    names = [re.sub(r"[\s-]+", "_", cell.lower()) for cell in header]

    def find(wanted: tuple[str, ...]) -> int | None:
        for name in wanted:
            if name in names:
                return names.index(name)
        return None

    start = find(_DATE_COLUMNS)
    if start is None:
        return None
    return start, find(_END_COLUMNS), find(_REASON_COLUMNS)


def _csv_closure(
    cells: list[str], columns: tuple[int, int | None, int | None]
) -> tuple[Closure | None, str | None]:
    def cell(index: int | None) -> str:
        return cells[index] if index is not None and index < len(cells) else ""

    start_col, end_col, reason_col = columns
    start_text, end_text = cell(start_col), cell(end_col)
    if not start_text:
        return None, "no date"
    start = _parse_day(start_text)
    if start is None:
        return None, f"'{start_text}' is not a date (use YYYY-MM-DD)"
    end = start
    if end_text:
        parsed_end = _parse_day(end_text)
        if parsed_end is None:
            return None, f"'{end_text}' is not a date (use YYYY-MM-DD)"
        end = parsed_end
    if end < start:
        return None, f"the end {end.isoformat()} is before the start {start.isoformat()}"
    return Closure(start, end, cell(reason_col) or NO_SCHOOL), None


def _parse_day(text: str) -> date | None:
    """A YYYY-MM-DD date, or the M/D/YYYY that US district calendars are published in."""
    # date.fromisoformat alone would also take week dates and compact forms nobody means here.
    if iso := _ISO_DATE.fullmatch(text):
        year, month, day = iso.groups()
    elif us := _US_DATE.fullmatch(text):
        month, day, year = us.groups()
    else:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _merged_ranges(closures: Iterable[Closure]) -> list[tuple[date, date]]:
    """Closed days as disjoint inclusive ranges, so overlapping closures are counted once."""
    merged: list[tuple[date, date]] = []
    for closure in sorted(closures, key=lambda c: c.first_day):
        if merged and closure.first_day <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closure.last_day))
        else:
            merged.append((closure.first_day, closure.last_day))
    return merged


def zone_or_default(tz: str) -> ZoneInfo:
    """The reader's zone, or the district default for a name zoneinfo does not know."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "America" is a folder: OSError
        return ZoneInfo(DEFAULT_TIMEZONE)


def _zone(tz: str | ZoneInfo) -> ZoneInfo:
    if isinstance(tz, ZoneInfo):
        return tz
    try:
        return ZoneInfo(tz)
    # A region name such as "America" is a directory in tzdata and raises OSError, not KeyError.
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"'{tz}' is not a known IANA time zone such as America/Chicago.") from None


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            "The moment must carry a time zone (for example UTC); a naive datetime is ambiguous."
        )


def _instants(wall: datetime, zone: tzinfo) -> list[datetime]:
    """Every UTC instant at which `zone`'s clock reads `wall`, earliest first.

    A wall time in a spring-forward gap never happens, so it maps to the instant the gap ends.
    """
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) != wall:
        return [_transition(min(first, second), max(first, second), zone)]
    return [first] if first == second else sorted((first, second))


def _transition(before: datetime, after: datetime, zone: tzinfo) -> datetime:
    """The instant in (before, after] at which `zone`'s offset changes.

    zoneinfo does not expose its transitions, so bisect; they fall on whole seconds in tzdata.
    """
    low, high = math.floor(before.timestamp()), math.ceil(after.timestamp())
    offset_before = datetime.fromtimestamp(low, UTC).astimezone(zone).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, UTC).astimezone(zone).utcoffset() == offset_before:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)
