"""The admin modals: the roster menu, a coach's settings, teacher assignments and the calendar."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    Block as SlackBlock,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
    UserMultiSelectElement,
)

from bot.ids import Action, Block, Callback
from bot.rules.calendar import NO_SCHOOL, Closure, outside_school_years
from bot.rules.cards import (
    AssignForm as AssignForm,
    CalendarForm as CalendarForm,
    CoachForm as CoachForm,
    RosterSummary as RosterSummary,
)
from bot.rules.domain import DEFAULT_WEEKLY_CAPACITY, Role
from bot.rules.limits import MAX_CAPACITY, MAX_CLOSURES_TEXT, MAX_NAME, MAX_TEACHERS, MIN_CAPACITY
from bot.views.common import (
    MAX_OPTION_TEXT,
    MAX_OPTION_VALUE,
    MAX_OPTIONS,
    WEEKDAYS,
    StateValues,
    channel_input,
    clip as _clip,
    count as _count,
    input_block,
    modal,
    picked_time as _picked_time,
    select_input,
    selected_value as _selected_value,
    selected_values as _selected_values,
    state_of as _state,
    text_input,
    time_input,
    typed_number as _typed_number,
    user_input,
)

MAX_ERROR = 2000
DISTRICT_MARKER = "district"
SCHOOL_MARKER_PREFIX = "school:"
WEEKDAY_NAMES = WEEKDAYS
CLOSURES_HINT = "One per line: 2026-11-26 Thanksgiving, or 2026-12-21 to 2027-01-01 Winter break"

_MAX_SCHOOLS_IN_HINT = 10


# --------------------------------------------------------------------------- admin menu


def summary_text(summary: RosterSummary) -> str:
    """'5 coaches, 52 teachers (3 without a coach), 2 schools, 4 PLC channels'."""
    teachers = _count(summary.teachers, "teacher", "teachers")
    if summary.unassigned_teachers:
        teachers += f" ({summary.unassigned_teachers} without a coach)"
    return ", ".join(
        [
            _count(summary.coaches, "coach", "coaches"),
            teachers,
            _count(summary.schools, "school", "schools"),
            _count(summary.plc_channels, "PLC channel", "PLC channels"),
        ]
    )


def build_admin_menu(summary: RosterSummary) -> dict[str, Any]:
    """The admin's starting point: the roster in numbers and the three things they can change."""
    return modal(
        "coachbot admin",
        [
            SectionBlock(
                block_id=Block.ADMIN_SUMMARY,
                text=MarkdownTextObject(text=f"*Your roster:* {summary_text(summary)}."),
            ),
            _menu_item(
                "Add or change a coach",
                "Their role, areas of expertise and how much coaching they take on each week.",
                Action.ADMIN_OPEN_COACH,
            ),
            _menu_item(
                "Assign teachers",
                "To a coach, a school, a grade or team, and a PLC channel.",
                Action.ADMIN_OPEN_ASSIGN,
            ),
            _menu_item(
                "School calendar",
                "The school week, school hours and days off.",
                Action.ADMIN_OPEN_CALENDAR,
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=(
                            "Admins see the roster and aggregate reports only, "
                            "never coaching notes or reflections."
                        )
                    )
                ]
            ),
        ],
        close="Done",
        callback_id=Callback.ADMIN_MENU,
    )


def _menu_item(title: str, detail: str, action: Action) -> SectionBlock:
    return SectionBlock(
        text=MarkdownTextObject(text=f"*{title}*\n{detail}"),
        accessory=ButtonElement(text="Open", action_id=action, accessibility_label=title),
    )


# --------------------------------------------------------------------------- coach form


_ROLE_OPTIONS = {
    Role.COACH: Option(value=Role.COACH.value, text="Coach"),
    Role.LEAD_COACH: Option(
        value=Role.LEAD_COACH.value, text="Lead coach", description="Also manages the roster"
    ),
}


def build_coach_form(areas: Sequence[str], initial: CoachForm | None = None) -> dict[str, Any]:
    """Add a coach, or change one (with `initial`): role, expertise areas and weekly capacity."""
    role = initial.role if initial is not None and initial.role in _ROLE_OPTIONS else Role.COACH
    capacity = initial.weekly_capacity if initial is not None else DEFAULT_WEEKLY_CAPACITY
    capacity = min(max(capacity, MIN_CAPACITY), MAX_CAPACITY)

    blocks: list[SlackBlock] = [
        user_input(
            Block.COACH_USER,
            Action.COACH_USER,
            "Coach",
            initial=initial.user_id if initial is not None else None,
            placeholder="Choose a person",
        ),
        input_block(
            Block.COACH_ROLE,
            "Role",
            RadioButtonsElement(
                action_id=Action.COACH_ROLE,
                options=list(_ROLE_OPTIONS.values()),
                initial_option=_ROLE_OPTIONS[role],
            ),
        ),
    ]

    options = _area_options(areas)
    if options:
        chosen = set(initial.areas) if initial is not None else set()
        initial_options = [option for option in options if option.value in chosen]
        blocks.append(
            input_block(
                Block.COACH_AREAS,
                "Areas of expertise",
                StaticMultiSelectElement(
                    action_id=Action.COACH_AREAS,
                    placeholder="Choose areas",
                    options=options,
                    initial_options=initial_options or None,
                ),
                optional=True,
            )
        )

    blocks.append(
        input_block(
            Block.COACH_CAPACITY,
            "Weekly capacity",
            NumberInputElement(
                action_id=Action.COACH_CAPACITY,
                is_decimal_allowed=False,
                initial_value=capacity,
                min_value=MIN_CAPACITY,
                max_value=MAX_CAPACITY,
            ),
            hint=(
                "How many classroom visits they can make in a week, "
                f"from {MIN_CAPACITY} to {MAX_CAPACITY}."
            ),
        )
    )

    return modal(
        "Add or change a coach",
        blocks,
        close="Back",
        callback_id=Callback.ADMIN_COACH,
        submit="Save",
    )


def _area_options(areas: Sequence[str]) -> list[Option]:
    """One option per area, at most 100; an area too long for an option value is left out."""
    options = [
        Option(value=area, text=_clip(area, MAX_OPTION_TEXT))
        for area in dict.fromkeys(areas)
        if area.strip() and len(area) <= MAX_OPTION_VALUE
    ]
    return options[:MAX_OPTIONS]


def parse_coach_form(
    values: StateValues, areas: Sequence[str]
) -> tuple[CoachForm | None, dict[str, str]]:
    """The coach form's submission, or kind messages keyed by the block to show them under."""
    errors: dict[str, str] = {}

    user_id = _state(values, Block.COACH_USER, Action.COACH_USER).get("selected_user")
    if not isinstance(user_id, str) or not user_id:
        errors[Block.COACH_USER] = "Choose the person you would like to add as a coach."

    role: Role | None = None
    role_value = _selected_value(values, Block.COACH_ROLE, Action.COACH_ROLE)
    if role_value in (Role.COACH.value, Role.LEAD_COACH.value):
        role = Role(role_value)
    else:
        errors[Block.COACH_ROLE] = "Choose Coach or Lead coach."

    chosen = _selected_values(values, Block.COACH_AREAS, Action.COACH_AREAS)
    unknown = [area for area in chosen if area not in areas]
    if unknown:
        listed = ", ".join(f"'{area}'" for area in unknown)
        errors[Block.COACH_AREAS] = _clip(
            f"{listed} {'is' if len(unknown) == 1 else 'are'} no longer on the list of "
            "expertise areas. Please choose again.",
            MAX_ERROR,
        )

    capacity = _typed_number(values, Block.COACH_CAPACITY, Action.COACH_CAPACITY)
    if capacity is None or not MIN_CAPACITY <= capacity <= MAX_CAPACITY:
        errors[Block.COACH_CAPACITY] = (
            f"Please enter a whole number from {MIN_CAPACITY} to {MAX_CAPACITY}."
        )

    if errors or not isinstance(user_id, str) or role is None or capacity is None:
        return None, errors
    wanted = set(chosen)
    ordered = tuple(area for area in dict.fromkeys(areas) if area in wanted)
    return CoachForm(user_id=user_id, role=role, areas=ordered, weekly_capacity=capacity), {}


# --------------------------------------------------------------------------- assign form


def build_assign_form(coaches: Sequence[tuple[str, str]], schools: Sequence[str]) -> dict[str, Any]:
    """Set a coach, school, grade or team and PLC channel for several teachers at once.

    `coaches` are (user_id, display name) pairs.
    """
    blocks: list[SlackBlock] = [
        input_block(
            Block.ASSIGN_TEACHERS,
            "Teachers",
            UserMultiSelectElement(
                action_id=Action.ASSIGN_TEACHERS,
                placeholder="Choose teachers",
                max_selected_items=MAX_TEACHERS,
            ),
            hint=f"Up to {MAX_TEACHERS} at a time.",
        )
    ]

    if coaches:
        ordered = sorted(dict(coaches).items(), key=lambda c: (c[1].casefold(), c[0]))
        hint = None
        if len(ordered) > MAX_OPTIONS:
            hint = (
                f"This list has room for {MAX_OPTIONS} coaches, so it shows the first "
                f"{MAX_OPTIONS} of {len(ordered)} by name."
            )
        blocks.append(
            select_input(
                Block.ASSIGN_COACH,
                Action.ASSIGN_COACH,
                "Coach",
                options=[
                    Option(value=user_id, text=_clip(name.strip() or user_id, MAX_OPTION_TEXT))
                    for user_id, name in ordered[:MAX_OPTIONS]
                ],
                placeholder="Choose a coach",
                hint=hint,
                optional=True,
            )
        )
    else:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text="Add a coach first to assign teachers to them.")]
            )
        )

    blocks += [
        text_input(
            Block.ASSIGN_SCHOOL,
            Action.ASSIGN_SCHOOL,
            "School",
            limit=MAX_NAME,
            placeholder="The school's name",
            hint=_schools_hint(schools),
            optional=True,
        ),
        text_input(
            Block.ASSIGN_TEAM,
            Action.ASSIGN_TEAM,
            "Grade or team",
            limit=MAX_NAME,
            placeholder="For example: Grade 3, or the science team",
            optional=True,
        ),
        channel_input(
            Block.ASSIGN_PLC,
            Action.ASSIGN_PLC,
            "PLC channel",
            placeholder="Choose a channel",
            hint="Celebrations a teacher approves are posted here.",
            optional=True,
        ),
    ]

    return modal(
        "Assign teachers",
        blocks,
        close="Back",
        callback_id=Callback.ADMIN_ASSIGN,
        submit="Save",
    )


def _schools_hint(schools: Sequence[str]) -> str | None:
    names = [name for name in dict.fromkeys(s.strip() for s in schools) if name]
    if not names:
        return None
    shown = ", ".join(_clip(name, 100) for name in names[:_MAX_SCHOOLS_IN_HINT])
    more = len(names) - _MAX_SCHOOLS_IN_HINT
    if more > 0:
        shown += f", and {more} more"
    return f"Schools so far: {shown}."


def parse_assign_form(
    values: StateValues, coach_ids: Collection[str]
) -> tuple[AssignForm | None, dict[str, str]]:
    """The assignment's submission, or kind messages keyed by the block to show them under."""
    errors: dict[str, str] = {}
    selected = _state(values, Block.ASSIGN_TEACHERS, Action.ASSIGN_TEACHERS).get("selected_users")
    teacher_ids = tuple(dict.fromkeys(u for u in selected or () if isinstance(u, str) and u))
    coach = _selected_value(values, Block.ASSIGN_COACH, Action.ASSIGN_COACH)
    school = _name(_state(values, Block.ASSIGN_SCHOOL, Action.ASSIGN_SCHOOL).get("value"))
    team = _name(_state(values, Block.ASSIGN_TEAM, Action.ASSIGN_TEAM).get("value"))
    plc = _state(values, Block.ASSIGN_PLC, Action.ASSIGN_PLC).get("selected_conversation")
    plc_channel_id = plc if isinstance(plc, str) and plc else None

    if not teacher_ids:
        errors[Block.ASSIGN_TEACHERS] = "Choose at least one teacher."
    elif len(teacher_ids) > MAX_TEACHERS:
        errors[Block.ASSIGN_TEACHERS] = f"Please choose up to {MAX_TEACHERS} teachers at a time."
    elif coach is None and school is None and team is None and plc_channel_id is None:
        errors[Block.ASSIGN_TEACHERS] = (
            "Choose a coach, school, team or PLC channel to set for these teachers."
        )
    elif coach is not None and coach in teacher_ids:
        errors[Block.ASSIGN_TEACHERS] = (
            "A coach cannot be their own teacher here. "
            "Please take the coach off the list of teachers."
        )
    if coach is not None and coach not in coach_ids:
        errors[Block.ASSIGN_COACH] = "That person is not a coach yet. Add them as a coach first."

    if errors:
        return None, errors
    return (
        AssignForm(
            teacher_ids=teacher_ids,
            coach_user_id=coach,
            school=school,
            team=team,
            plc_channel_id=plc_channel_id,
        ),
        {},
    )


def _name(text: Any) -> str | None:
    """A typed name with its spaces tidied; None when nothing was typed."""
    if not isinstance(text, str):
        return None
    return " ".join(text.split()) or None


# --------------------------------------------------------------------------- calendar form


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
            f". The last {_count(left_out, 'line', 'lines')} did not fit here, so saving "
            "will remove them; shorter reasons make room."
        )

    return modal(
        "School calendar",
        [
            SectionBlock(
                block_id=Block.CALENDAR_SCHOOL,
                text=PlainTextObject(
                    text=_clip(
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
                Block.CALENDAR_WEEKDAYS,
                "School days",
                CheckboxesElement(
                    action_id=Action.CALENDAR_WEEKDAYS,
                    options=weekday_options,
                    initial_options=checked or None,
                ),
            ),
            time_input(
                Block.CALENDAR_START,
                Action.CALENDAR_START,
                "School day starts",
                initial=initial.day_start,
            ),
            time_input(
                Block.CALENDAR_END,
                Action.CALENDAR_END,
                "School day ends",
                initial=initial.day_end,
            ),
            text_input(
                Block.CALENDAR_CLOSURES,
                Action.CALENDAR_CLOSURES,
                "Days off",
                limit=MAX_CLOSURES_TEXT,
                initial=closures_text,
                multiline=True,
                hint=closures_hint,
                optional=True,
            ),
        ],
        close="Back",
        callback_id=Callback.ADMIN_CALENDAR,
        submit="Save",
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
        {name for name in everyone if name and len(school_marker(name)) <= MAX_OPTION_VALUE},
        key=lambda name: (name.casefold(), name),
    )
    shown = names[: MAX_OPTIONS - 1]
    if current in names and current not in shown:
        shown[-1] = current
        shown.sort(key=lambda name: (name.casefold(), name))
    options = [district] + [
        Option(value=school_marker(name), text=_clip(name, MAX_OPTION_TEXT)) for name in shown
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
        for value in _selected_values(values, Block.CALENDAR_WEEKDAYS, Action.CALENDAR_WEEKDAYS)
        if value in {str(day) for day in range(7)}
    )
    if not weekdays:
        errors[Block.CALENDAR_WEEKDAYS] = "Tick at least one school day."

    day_start = _picked_time(values, Block.CALENDAR_START, Action.CALENDAR_START)
    day_end = _picked_time(values, Block.CALENDAR_END, Action.CALENDAR_END)
    if day_start is None:
        errors[Block.CALENDAR_START] = "Choose when the school day starts."
    if day_end is None:
        errors[Block.CALENDAR_END] = "Choose when the school day ends."
    elif day_start is not None and day_end <= day_start:
        errors[Block.CALENDAR_END] = "The school day needs to end after it starts."

    text = _state(values, Block.CALENDAR_CLOSURES, Action.CALENDAR_CLOSURES).get("value")
    closures, problems = parse_closure_lines(text if isinstance(text, str) else "", today=today)
    if problems:
        errors[Block.CALENDAR_CLOSURES] = _problems_message(problems)

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
    return f"And {_count(number, 'more line', 'more lines')} to check."


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
        return None, f"'{_clip(line, 40)}' needs to start with a date like 2026-11-26."
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


# --------------------------------------------------------------------------- small helpers
