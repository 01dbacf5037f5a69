"""The admin modals: the roster menu, a coach's settings and teacher assignments.

The school calendar form is in bot/views/school_calendar.py; its names stay importable here.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    Block as SlackBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    RadioButtonsElement,
    SectionBlock,
    StaticMultiSelectElement,
    UserMultiSelectElement,
)

from bot.ids import Action, Block, Callback, Input
from bot.rules.cards import (
    AssignForm as AssignForm,
    CalendarForm as CalendarForm,
    CoachForm as CoachForm,
    RosterSummary as RosterSummary,
)
from bot.rules.domain import DEFAULT_WEEKLY_CAPACITY, Role
from bot.rules.limits import MAX_CAPACITY, MAX_NAME, MAX_TEACHERS, MIN_CAPACITY
from bot.views.common import (
    MAX_OPTION_TEXT,
    MAX_OPTION_VALUE,
    MAX_OPTIONS,
    StateValues,
    channel_input,
    clip as _clip,
    count as _count,
    form,
    input_block,
    modal,
    select_input,
    selected_value as _selected_value,
    selected_values as _selected_values,
    state_of as _state,
    text_input,
    typed_number as _typed_number,
    user_input,
)
from bot.views.school_calendar import (
    CLOSURES_HINT as CLOSURES_HINT,
    DISTRICT_MARKER as DISTRICT_MARKER,
    MAX_ERROR,
    SCHOOL_MARKER_PREFIX as SCHOOL_MARKER_PREFIX,
    WEEKDAY_NAMES as WEEKDAY_NAMES,
    build_calendar_form as build_calendar_form,
    format_closure_lines as format_closure_lines,
    parse_calendar_form as parse_calendar_form,
    parse_closure_lines as parse_closure_lines,
    school_from_marker as school_from_marker,
    school_marker as school_marker,
)

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
            Input.COACH_USER,
            Input.COACH_USER,
            "Coach",
            initial=initial.user_id if initial is not None else None,
            placeholder="Choose a person",
        ),
        input_block(
            Input.COACH_ROLE,
            "Role",
            RadioButtonsElement(
                action_id=Input.COACH_ROLE,
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
                Input.COACH_AREAS,
                "Areas of expertise",
                StaticMultiSelectElement(
                    action_id=Input.COACH_AREAS,
                    placeholder="Choose areas",
                    options=options,
                    initial_options=initial_options or None,
                ),
                optional=True,
            )
        )

    blocks.append(
        input_block(
            Input.COACH_CAPACITY,
            "Weekly capacity",
            NumberInputElement(
                action_id=Input.COACH_CAPACITY,
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

    return form("Add or change a coach", blocks, callback_id=Callback.ADMIN_COACH, close="Back")


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

    user_id = _state(values, Input.COACH_USER, Input.COACH_USER).get("selected_user")
    if not isinstance(user_id, str) or not user_id:
        errors[Input.COACH_USER] = "Choose the person you would like to add as a coach."

    role: Role | None = None
    role_value = _selected_value(values, Input.COACH_ROLE, Input.COACH_ROLE)
    if role_value in (Role.COACH.value, Role.LEAD_COACH.value):
        role = Role(role_value)
    else:
        errors[Input.COACH_ROLE] = "Choose Coach or Lead coach."

    chosen = _selected_values(values, Input.COACH_AREAS, Input.COACH_AREAS)
    unknown = [area for area in chosen if area not in areas]
    if unknown:
        listed = ", ".join(f"'{area}'" for area in unknown)
        errors[Input.COACH_AREAS] = _clip(
            f"{listed} {'is' if len(unknown) == 1 else 'are'} no longer on the list of "
            "expertise areas. Please choose again.",
            MAX_ERROR,
        )

    capacity = _typed_number(values, Input.COACH_CAPACITY, Input.COACH_CAPACITY)
    if capacity is None or not MIN_CAPACITY <= capacity <= MAX_CAPACITY:
        errors[Input.COACH_CAPACITY] = (
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
            Input.ASSIGN_TEACHERS,
            "Teachers",
            UserMultiSelectElement(
                action_id=Input.ASSIGN_TEACHERS,
                placeholder="Choose teachers",
                max_selected_items=MAX_TEACHERS,
            ),
            hint=f"Up to {MAX_TEACHERS} at a time.",
        )
    ]

    blocks.append(_coach_choice(coaches))

    blocks += [
        text_input(
            Input.ASSIGN_SCHOOL,
            Input.ASSIGN_SCHOOL,
            "School",
            limit=MAX_NAME,
            placeholder="The school's name",
            hint=_schools_hint(schools),
            optional=True,
        ),
        text_input(
            Input.ASSIGN_TEAM,
            Input.ASSIGN_TEAM,
            "Grade or team",
            limit=MAX_NAME,
            placeholder="For example: Grade 3, or the science team",
            optional=True,
        ),
        channel_input(
            Input.ASSIGN_PLC,
            Input.ASSIGN_PLC,
            "PLC channel",
            placeholder="Choose a channel",
            hint="Celebrations a teacher approves are posted here.",
            optional=True,
        ),
    ]

    return form("Assign teachers", blocks, callback_id=Callback.ADMIN_ASSIGN, close="Back")


def _coach_choice(coaches: Sequence[tuple[str, str]]) -> SlackBlock:
    """The coach to set, from the coaches by name; a word to add one first when there are none."""
    if not coaches:
        return ContextBlock(
            elements=[MarkdownTextObject(text="Add a coach first to assign teachers to them.")]
        )
    ordered = sorted(dict(coaches).items(), key=lambda c: (c[1].casefold(), c[0]))
    hint = None
    if len(ordered) > MAX_OPTIONS:
        hint = (
            f"This list has room for {MAX_OPTIONS} coaches, so it shows the first "
            f"{MAX_OPTIONS} of {len(ordered)} by name."
        )
    return select_input(
        Input.ASSIGN_COACH,
        Input.ASSIGN_COACH,
        "Coach",
        options=[
            Option(value=user_id, text=_clip(name.strip() or user_id, MAX_OPTION_TEXT))
            for user_id, name in ordered[:MAX_OPTIONS]
        ],
        placeholder="Choose a coach",
        hint=hint,
        optional=True,
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
    selected = _state(values, Input.ASSIGN_TEACHERS, Input.ASSIGN_TEACHERS).get("selected_users")
    teacher_ids = tuple(dict.fromkeys(u for u in selected or () if isinstance(u, str) and u))
    coach = _selected_value(values, Input.ASSIGN_COACH, Input.ASSIGN_COACH)
    school = _name(_state(values, Input.ASSIGN_SCHOOL, Input.ASSIGN_SCHOOL).get("value"))
    team = _name(_state(values, Input.ASSIGN_TEAM, Input.ASSIGN_TEAM).get("value"))
    plc = _state(values, Input.ASSIGN_PLC, Input.ASSIGN_PLC).get("selected_conversation")
    plc_channel_id = plc if isinstance(plc, str) and plc else None

    if not teacher_ids:
        errors[Input.ASSIGN_TEACHERS] = "Choose at least one teacher."
    elif len(teacher_ids) > MAX_TEACHERS:
        errors[Input.ASSIGN_TEACHERS] = f"Please choose up to {MAX_TEACHERS} teachers at a time."
    elif coach is None and school is None and team is None and plc_channel_id is None:
        errors[Input.ASSIGN_TEACHERS] = (
            "Choose a coach, school, team or PLC channel to set for these teachers."
        )
    elif coach is not None and coach in teacher_ids:
        errors[Input.ASSIGN_TEACHERS] = (
            "A coach cannot be their own teacher here. "
            "Please take the coach off the list of teachers."
        )
    if coach is not None and coach not in coach_ids:
        errors[Input.ASSIGN_COACH] = "That person is not a coach yet. Add them as a coach first."

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
