"""A person's own settings: a teacher's prompts, reminders and celebrations, a coach's daily list.

The modal is built as plain dicts, like the Home tab it opens from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from bot.ids import Callback, Command, Input
from bot.rules.limits import MAX_NUDGE_CAP, MAX_PAUSE_DAYS, MIN_NUDGE_CAP
from bot.views.common import (
    StateValues,
    long_day,
    parse_date,
    picked_time,
    selected_value,
    state_of,
    typed_number,
)
from bot.views.plain import Dict, input_block, modal, plain, radio, section
from bot.views.when import clock

DEFAULT_LIST_TIME = time(7, 0)

SHARE_ASK = "ask"
SHARE_NEVER = "never"
PROMPTS_ON = "on"
PROMPTS_OFF = "off"
EMPTY_NOTE = "note"
EMPTY_SKIP = "skip"


@dataclass(frozen=True)
class TeacherSettings:
    """What a teacher decides about prompts, reminders and celebrations."""

    prompts_on: bool
    paused_until: date | None
    nudge_cap: int
    share_wins: str  # SHARE_ASK or SHARE_NEVER


@dataclass(frozen=True)
class CoachSettings:
    """When a coach's daily list comes, and whether an empty day still gets a note."""

    list_at: time
    when_empty: bool


# What a person has until they change anything.
DEFAULT_TEACHER_SETTINGS = TeacherSettings(True, None, 5, SHARE_ASK)
DEFAULT_COACH_SETTINGS = CoachSettings(DEFAULT_LIST_TIME, True)


@dataclass(frozen=True)
class SchoolHours:
    start: time
    end: time


def build_settings_modal(
    *,
    teacher: TeacherSettings | None,
    coach: CoachSettings | None,
    today: date,
    hours: SchoolHours | None = None,
) -> dict[str, Any]:
    """The settings a person owns: a teacher's prompts and reminders, a coach's daily list."""
    blocks: list[Dict] = []
    if teacher is not None:
        blocks += _teacher_inputs(teacher, today)
    if coach is not None:
        blocks += _coach_inputs(coach, hours or SchoolHours(time(7, 0), time(17, 0)))
    if not blocks:
        blocks.append(section("There's nothing to set here for your role. Thank you for checking!"))
        return modal("Your settings", blocks, callback_id=Callback.SETTINGS.value, close="Done")
    return modal(
        "Your settings", blocks, callback_id=Callback.SETTINGS.value, close="Cancel", submit="Save"
    )


def _teacher_inputs(settings: TeacherSettings, today: date) -> list[Dict]:
    prompts = {
        PROMPTS_ON: "On: a private question after a visit or debrief",
        PROMPTS_OFF: "Off: no reflection prompts",
    }
    shares = {
        SHARE_ASK: "Ask me each time: offer a draft I can edit or skip",
        SHARE_NEVER: "Never: don't offer to celebrate my wins",
    }
    pause: Dict = {
        "type": "datepicker",
        "action_id": Input.SETTINGS_PAUSE_UNTIL.value,
        "placeholder": plain("No pause"),
    }
    if settings.paused_until is not None and settings.paused_until > today:
        pause["initial_date"] = settings.paused_until.isoformat()
    return [
        input_block(
            Input.SETTINGS_PROMPTS,
            "Reflection prompts",
            radio(
                Input.SETTINGS_PROMPTS, prompts, PROMPTS_ON if settings.prompts_on else PROMPTS_OFF
            ),
        ),
        input_block(
            Input.SETTINGS_PAUSE_UNTIL,
            "Pause prompts until",
            pause,
            optional=True,
            hint="Leave empty for no pause. Prompts start again on the day you choose.",
        ),
        input_block(
            Input.SETTINGS_NUDGE_CAP,
            "Reminders a week, at most",
            {
                "type": "number_input",
                "action_id": Input.SETTINGS_NUDGE_CAP.value,
                "is_decimal_allowed": False,
                "min_value": str(MIN_NUDGE_CAP),
                "max_value": str(MAX_NUDGE_CAP),
                "initial_value": str(settings.nudge_cap),
            },
            hint=(
                f"From {MIN_NUDGE_CAP} to {MAX_NUDGE_CAP}: reminders about invitations, "
                "debriefs and goals. 0 means none."
            ),
        ),
        input_block(
            Input.SETTINGS_SHARE_WINS,
            "Celebrating your wins",
            radio(
                Input.SETTINGS_SHARE_WINS,
                shares,
                SHARE_NEVER if settings.share_wins == SHARE_NEVER else SHARE_ASK,
            ),
            hint="Nothing is ever posted without your say.",
        ),
    ]


def _coach_inputs(settings: CoachSettings, hours: SchoolHours) -> list[Dict]:
    empties = {
        EMPTY_NOTE: "Send a short note anyway",
        EMPTY_SKIP: "Send nothing",
    }
    return [
        input_block(
            Input.SETTINGS_LIST_TIME,
            "Daily visit list at",
            {
                "type": "timepicker",
                "action_id": Input.SETTINGS_LIST_TIME.value,
                "initial_time": f"{settings.list_at:%H:%M}",
            },
            hint=(
                f"On school days, within your school's hours: {clock(hours.start)} to "
                f"{clock(hours.end)}."
            ),
        ),
        input_block(
            Input.SETTINGS_LIST_EMPTY,
            "On a day with nothing planned",
            radio(
                Input.SETTINGS_LIST_EMPTY,
                empties,
                EMPTY_NOTE if settings.when_empty else EMPTY_SKIP,
            ),
        ),
    ]


@dataclass(frozen=True)
class SettingsChange:
    """What a settings form asks to save; a part is None when the form did not hold it."""

    teacher: TeacherSettings | None
    coach: CoachSettings | None


def parse_settings_form(
    values: StateValues,
    *,
    teacher: bool,
    coach: bool,
    today: date,
    hours: SchoolHours | None = None,
) -> tuple[SettingsChange | None, dict[str, str]]:
    """The settings to save, or kind messages keyed by block for `response_action: errors`."""
    errors: dict[str, str] = {}
    teacher_settings = _parse_teacher(values, today, errors) if teacher else None
    coach_settings = (
        _parse_coach(values, hours or SchoolHours(time(7, 0), time(17, 0)), errors)
        if coach
        else None
    )
    if errors:
        return None, errors
    return SettingsChange(teacher_settings, coach_settings), {}


def _parse_teacher(values: StateValues, today: date, errors: dict[str, str]) -> TeacherSettings:
    prompts = selected_value(values, Input.SETTINGS_PROMPTS, Input.SETTINGS_PROMPTS)
    if prompts not in (PROMPTS_ON, PROMPTS_OFF):
        errors[Input.SETTINGS_PROMPTS] = "Choose whether you'd like reflection prompts."
    picked = state_of(values, Input.SETTINGS_PAUSE_UNTIL, Input.SETTINGS_PAUSE_UNTIL).get(
        "selected_date"
    )
    paused: date | None = None
    if picked not in (None, ""):
        paused = parse_date(picked)
        if paused is None:
            errors[Input.SETTINGS_PAUSE_UNTIL] = "Choose a date from the calendar."
        elif paused < today:
            errors[Input.SETTINGS_PAUSE_UNTIL] = (
                "That day has passed. Choose today or a later day, or leave it empty."
            )
        elif paused > today + timedelta(days=MAX_PAUSE_DAYS):
            errors[Input.SETTINGS_PAUSE_UNTIL] = (
                "Choose a date within a year. To stop prompts altogether, turn them off."
            )
        elif paused == today:
            paused = None  # prompts start again today: no pause at all
    cap = typed_number(values, Input.SETTINGS_NUDGE_CAP, Input.SETTINGS_NUDGE_CAP)
    if cap is None or not MIN_NUDGE_CAP <= cap <= MAX_NUDGE_CAP:
        errors[Input.SETTINGS_NUDGE_CAP] = (
            f"Choose a whole number from {MIN_NUDGE_CAP} to {MAX_NUDGE_CAP}."
        )
    share = selected_value(values, Input.SETTINGS_SHARE_WINS, Input.SETTINGS_SHARE_WINS)
    if share not in (SHARE_ASK, SHARE_NEVER):
        errors[Input.SETTINGS_SHARE_WINS] = "Choose how you'd like your wins handled."
    return TeacherSettings(
        prompts_on=prompts != PROMPTS_OFF,
        paused_until=paused if prompts != PROMPTS_OFF else None,
        nudge_cap=cap if cap is not None else 0,
        share_wins=share if share in (SHARE_ASK, SHARE_NEVER) else SHARE_ASK,
    )


def _parse_coach(values: StateValues, hours: SchoolHours, errors: dict[str, str]) -> CoachSettings:
    at = picked_time(values, Input.SETTINGS_LIST_TIME, Input.SETTINGS_LIST_TIME)
    if at is None:
        errors[Input.SETTINGS_LIST_TIME] = "Choose a time for your daily list."
    elif not hours.start <= at < hours.end:
        errors[Input.SETTINGS_LIST_TIME] = (
            f"Choose a time within your school's hours, from {clock(hours.start)} to "
            f"before {clock(hours.end)}."
        )
    empty = selected_value(values, Input.SETTINGS_LIST_EMPTY, Input.SETTINGS_LIST_EMPTY)
    if empty not in (EMPTY_NOTE, EMPTY_SKIP):
        errors[Input.SETTINGS_LIST_EMPTY] = "Choose what a day with nothing planned gets."
    return CoachSettings(list_at=at or DEFAULT_LIST_TIME, when_empty=empty != EMPTY_SKIP)


def teacher_settings_words(settings: TeacherSettings) -> str:
    """What a teacher has set, in one line, as their Home ends with it."""
    if not settings.prompts_on:
        prompts = "off"
    elif settings.paused_until is not None:
        prompts = f"paused until {long_day(settings.paused_until)}"
    else:
        prompts = "on"
    cap = settings.nudge_cap
    reminders = "none" if cap == 0 else f"at most {cap} a week"
    wins = "ask me each time" if settings.share_wins != SHARE_NEVER else "never offer"
    return (
        f"Reflection prompts: {prompts} · Reminders: {reminders} · Celebrating wins: {wins} · "
        f"`{Command.INVITE_COACH} help` shows everything you can do."
    )


def coach_settings_words(settings: CoachSettings) -> str:
    """When a coach's daily list comes, in one line, as their Home ends with it."""
    empty = "a short note" if settings.when_empty else "no message"
    return (
        f"Your daily visit list comes at {clock(settings.list_at)} on school days; "
        f"a day with nothing planned gets {empty}."
    )
