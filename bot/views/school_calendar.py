"""The school calendar form: a district's or one school's school days, hours and days off."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    Option,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)

from bot.ids import Action, Block, Callback, Input
from bot.rules.calendar import NO_SCHOOL, Closure, outside_school_years
from bot.rules.cards import CalendarForm
from bot.rules.limits import MAX_CLOSURES_TEXT
from bot.views import common
from bot.views.common import WEEKDAYS, StateValues, clip, count, input_block, picked_time

MAX_ERROR = 2000  # a modal's error message under an input
DISTRICT_MARKER = "district"
SCHOOL_MARKER_PREFIX = "school:"
WEEKDAY_NAMES = WEEKDAYS
CLOSURES_HINT = "One per line: 2026-11-26 Thanksgiving, or 2026-12-21 to 2027-01-01 Winter break"


def school_marker(school: str | None) -> str:
    """'district' for the whole district, 'school:<name>' for one school."""
    return DISTRICT_MARKER if school is None else SCHOOL_MARKER_PREFIX + school


def school_from_marker(marker: str) -> str | None:
    """The school a marker names (None: the whole district); ValueError if it is not a marker."""
    if marker == DISTRICT_MARKER:
        return None
    if marker.startswith(SCHOOL_MARKER_PREFIX) and len(marker) > len(SCHOOL_MARKER_PREFIX):
        return marker.removeprefix(SCHOOL_MARKER_PREFIX)
    raise ValueError(f"not a calendar marker: {marker!r}")


def build_calendar_form(schools: Sequence[str], initial: CalendarForm) -> dict[str, Any]:
    """Edit the district's calendar, or one school's: school days, hours and days off.

    Choosing another school in the select sends a block action, so the listener can reload
    that school's values; private_metadata keeps which calendar this form edits.
    """
    marker = school_marker(initial.school)
    school_options, initial_option = _school_options(schools, initial.school)
    where = "Whole district" if initial.school is None else initial.school
    weekday_options = [Option(value=str(day), text=name) for day, name in enumerate(WEEKDAY_NAMES)]
    checked = [option for day, option in enumerate(weekday_options) if day in initial.weekdays]
    closures_text, left_out = _closures_initial(initial.closures)
    closures_hint = CLOSURES_HINT
    if left_out:
        closures_hint += (
            f". The last {count(left_out, 'line', 'lines')} did not fit here, so saving "
            "will remove them; shorter reasons make room."
        )

    return common.form(
        "School calendar",
        [
            SectionBlock(
                block_id=Block.CALENDAR_SCHOOL,
                text=PlainTextObject(
                    text=clip(
                        f"Calendar: {where}\nChoose a school to see and change its own calendar.",
                        3000,
                    )
                ),
                accessory=StaticSelectElement(
                    action_id=Action.ADMIN_CALENDAR_SCHOOL,
                    placeholder="Choose a school",
                    options=school_options,
                    initial_option=initial_option,
                ),
            ),
            input_block(
                Input.CALENDAR_WEEKDAYS,
                "School days",
                CheckboxesElement(
                    action_id=Input.CALENDAR_WEEKDAYS,
                    options=weekday_options,
                    initial_options=checked or None,
                ),
            ),
            common.time_input(
                Input.CALENDAR_START,
                Input.CALENDAR_START,
                "School day starts",
                initial=initial.day_start,
            ),
            common.time_input(
                Input.CALENDAR_END,
                Input.CALENDAR_END,
                "School day ends",
                initial=initial.day_end,
            ),
            common.text_input(
                Input.CALENDAR_CLOSURES,
                Input.CALENDAR_CLOSURES,
                "Days off",
                limit=MAX_CLOSURES_TEXT,
                initial=closures_text,
                multiline=True,
                hint=closures_hint,
                optional=True,
            ),
        ],
        callback_id=Callback.ADMIN_CALENDAR,
        close="Back",
        private_metadata=marker,
    )


def _school_options(
    schools: Sequence[str], current: str | None
) -> tuple[list[Option], Option | None]:
    """'Whole district' then schools by name, at most Slack's 100, always with `current`.

    A school whose marker is too long for an option value cannot be offered; when it is the
    one being edited, the select shows no choice and the section's text names it.
    """
    district = Option(value=DISTRICT_MARKER, text="Whole district")
    everyone = [*schools, current] if current is not None else list(schools)
    names = sorted(
        {name for name in everyone if name and len(school_marker(name)) <= common.MAX_OPTION_VALUE},
        key=lambda name: (name.casefold(), name),
    )
    shown = names[: common.MAX_OPTIONS - 1]
    if current in names and current not in shown:
        shown[-1] = current
        shown.sort(key=lambda name: (name.casefold(), name))
    options = [district] + [
        Option(value=school_marker(name), text=clip(name, common.MAX_OPTION_TEXT)) for name in shown
    ]
    wanted = school_marker(current)
    return options, next((option for option in options if option.value == wanted), None)


def _closures_initial(closures: Sequence[Closure]) -> tuple[str, int]:
    """As many closure lines as fit in the input, and how many did not fit."""
    lines = format_closure_lines(closures).splitlines()
    kept: list[str] = []
    size = 0
    for line in lines:
        size += len(line) + (1 if kept else 0)
        if size > MAX_CLOSURES_TEXT:
            break
        kept.append(line)
    return "\n".join(kept), len(lines) - len(kept)


def parse_calendar_form(
    values: StateValues, private_metadata: str, *, today: date
) -> tuple[CalendarForm | None, dict[str, str]]:
    """The calendar's submission, or kind messages keyed by the block to show them under.

    Which calendar comes from `private_metadata` (as built), not from the school select,
    which may have changed without the form reloading. Days off are taken from this school
    year and the next, counted from `today`.
    """
    school = school_from_marker(private_metadata)
    errors: dict[str, str] = {}

    weekdays = frozenset(
        int(value)
        for value in common.selected_values(
            values, Input.CALENDAR_WEEKDAYS, Input.CALENDAR_WEEKDAYS
        )
        if value in {str(day) for day in range(7)}
    )
    if not weekdays:
        errors[Input.CALENDAR_WEEKDAYS] = "Tick at least one school day."

    day_start = picked_time(values, Input.CALENDAR_START, Input.CALENDAR_START)
    day_end = picked_time(values, Input.CALENDAR_END, Input.CALENDAR_END)
    if day_start is None:
        errors[Input.CALENDAR_START] = "Choose when the school day starts."
    if day_end is None:
        errors[Input.CALENDAR_END] = "Choose when the school day ends."
    elif day_start is not None and day_end <= day_start:
        errors[Input.CALENDAR_END] = "The school day needs to end after it starts."

    text = common.state_of(values, Input.CALENDAR_CLOSURES, Input.CALENDAR_CLOSURES).get("value")
    closures, problems = parse_closure_lines(text if isinstance(text, str) else "", today=today)
    if problems:
        errors[Input.CALENDAR_CLOSURES] = _problems_message(problems)

    if errors or day_start is None or day_end is None:
        return None, errors
    return (
        CalendarForm(
            school=school,
            weekdays=weekdays,
            day_start=day_start,
            day_end=day_end,
            closures=tuple(closures),
        ),
        {},
    )


def _problems_message(problems: Sequence[str]) -> str:
    """All problems in one message under Slack's limit; any that do not fit are counted."""
    message = ""
    for index, problem in enumerate(problems):
        candidate = f"{message} {problem}".lstrip()
        after = len(problems) - index - 1
        # Keep room to say how many lines are left, should the next problem not fit.
        if len(candidate) + (1 + len(_more_lines(after)) if after else 0) > MAX_ERROR:
            return f"{message} {_more_lines(after + 1)}".lstrip()
        message = candidate
    return message


def _more_lines(number: int) -> str:
    return f"And {count(number, 'more line', 'more lines')} to check."


# --------------------------------------------------------------------------- closure lines

_DATE = r"\d{4}-\d{1,2}-\d{1,2}(?!\d)"
_FIRST_DATE = re.compile(_DATE)
_RANGE_END = re.compile(rf"\s*(?:to\b|[-\u2013\u2014])\s*({_DATE})", re.IGNORECASE)
# "2026-12-21 to Jan 1" or "2026-12-21 - 12/31": meant as a range, but the end is no date.
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b"
)
_BROKEN_RANGE = re.compile(
    rf"\s+to(?:\s+(?:\d|{_MONTH})|\s*$)|\s*[-\u2013\u2014]\s*\d", re.IGNORECASE
)
_REASON_LEAD = re.compile(r"^[-\u2013\u2014:,]\s*")


def format_closure_lines(closures: Sequence[Closure]) -> str:
    """One line per closure, in the form parse_closure_lines reads back."""
    lines = []
    for closure in closures:
        days = closure.first_day.isoformat()
        if closure.last_day != closure.first_day:
            days += f" to {closure.last_day.isoformat()}"
        reason = " ".join(closure.reason.split())
        lines.append(f"{days} {reason}" if reason else days)
    return "\n".join(lines)


def parse_closure_lines(text: str, *, today: date) -> tuple[list[Closure], list[str]]:
    """Closures from lines like '2026-11-26 Thanksgiving' or '2026-12-21 to 2027-01-01 Break'.

    Returns the closures that read well and a kind sentence for each line that did not
    ('Line 2: ...'). A range may use 'to', a hyphen or a dash; a missing reason is 'No school';
    blank lines are skipped. Both days of a closure are in this school year or the next.
    """
    closures: list[Closure] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        closure, problem = _closure_line(line, today)
        if closure is not None:
            closures.append(closure)
        else:
            problems.append(f"Line {number}: {problem}")
    return closures, problems


def _closure_line(line: str, today: date) -> tuple[Closure | None, str]:
    first_match = _FIRST_DATE.match(line)
    if first_match is None:
        return None, f"'{clip(line, 40)}' needs to start with a date like 2026-11-26."
    rest = line[first_match.end() :]
    last_text = first_match.group()
    range_match = _RANGE_END.match(rest)
    if range_match is not None:
        last_text = range_match.group(1)
        rest = rest[range_match.end() :]
    elif _BROKEN_RANGE.match(rest):
        return None, "please write the last day as a date too, like 2027-01-01."

    first_day = _date(first_match.group())
    if first_day is None:
        return None, f"'{first_match.group()}' is not a date."
    last_day = _date(last_text)
    if last_day is None:
        return None, f"'{last_text}' is not a date."
    if last_day < first_day:
        return None, "the end is before the start."
    too_far = outside_school_years(first_day, today) or outside_school_years(last_day, today)
    if too_far is not None:
        return None, too_far[:1].lower() + too_far[1:]
    reason = " ".join(_REASON_LEAD.sub("", rest.strip()).split())
    return Closure(first_day, last_day, reason or NO_SCHOOL), ""


def _date(text: str) -> date | None:
    year, month, day = (int(part) for part in text.split("-"))
    try:
        return date(year, month, day)
    except ValueError:
        return None
