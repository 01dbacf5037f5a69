"""The coaching log in Block Kit: the "Log coaching" form, its answer, and the correction form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    Block as SlackBlock,
    Option,
    UserMultiSelectElement,
)

from bot.ids import Action, Callback, Input
from bot.rules.domain import SupportType
from bot.views.common import (
    MAX_OPTION_TEXT,
    MAX_OPTIONS,
    MAX_SECTION,
    STALE,
    StateValues,
    TextField,
    channel_input,
    clip,
    context,
    count,
    date_input,
    escape,
    form,
    input_block,
    long_day,
    mention,
    message,
    modal,
    one_button,
    picked_date,
    section,
    select_input,
    selected_value,
    state_of,
)
from bot.views.when import short_minutes

LOG_LENGTHS = (15, 20, 30, 40, 45, 60, 90, 120, 180, 240)
NOTE = TextField(
    Input.COACHING_LOG_NOTE,
    "A note to the teacher",
    limit=2000,
    optional=True,
    multiline=True,
    hint="Only that teacher sees it. Leave it empty to send nothing.",
)


@dataclass(frozen=True)
class GoalChoice:
    goal_id: int
    teacher_user_id: str
    teacher_name: str
    question: str


@dataclass(frozen=True)
class LogForm:
    support: SupportType
    day: date
    minutes: int
    teacher_user_ids: tuple[str, ...]
    plc_channel_id: str | None
    goal_id: int | None
    note: str | None


def _kind_options() -> list[Option]:
    return [Option(value=kind.value, text=kind.label) for kind in SupportType]


def _length_options() -> list[Option]:
    return [Option(value=str(m), text=short_minutes(m)) for m in LOG_LENGTHS]


def build_log_form(
    *,
    today: date,
    has_plcs: bool = False,
    goals: Sequence[GoalChoice] = (),
    teacher_user_id: str | None = None,
) -> dict[str, Any]:
    """The "Log coaching" modal: kind, day, minutes, with whom, and optionally a goal and note."""
    blocks: list[SlackBlock] = [
        _kind_input(None),
        date_input(Input.COACHING_LOG_DAY, Input.COACHING_LOG_DAY, "Day", initial=today),
        _length_input(45),
        input_block(
            Input.COACHING_LOG_TEACHERS,
            "With which teachers?",
            UserMultiSelectElement(
                action_id=Input.COACHING_LOG_TEACHERS,
                placeholder="No one, one teacher, or several",
                initial_users=[teacher_user_id] if teacher_user_id else None,
            ),
            optional=True,
            hint="Leave it empty for work on your own, like pulling data or planning a workshop.",
        ),
    ]
    if has_plcs:
        blocks.append(
            channel_input(
                Input.COACHING_LOG_PLC,
                Input.COACHING_LOG_PLC,
                "In a PLC?",
                optional=True,
                placeholder="Choose the PLC's channel",
            )
        )
    if goals:
        blocks.append(
            select_input(
                Input.COACHING_LOG_GOAL,
                Input.COACHING_LOG_GOAL,
                "For a teacher's goal?",
                options=[
                    Option(
                        value=str(g.goal_id),
                        text=clip(f"{g.teacher_name}: {g.question}", MAX_OPTION_TEXT),
                    )
                    for g in goals[:MAX_OPTIONS]
                ],
                optional=True,
                placeholder="Choose a goal",
                hint="With one teacher only; it then shows in that goal's story.",
            )
        )
    blocks.append(NOTE.input())
    return form("Log coaching", blocks, callback_id=Callback.COACHING_LOG, submit="Log it")


def parse_log_form(values: StateValues, *, today: date) -> tuple[LogForm | None, dict[str, str]]:
    """The form's answers, or kind messages by block."""
    errors: dict[str, str] = {}
    kind_value = selected_value(values, Input.COACHING_LOG_KIND, Input.COACHING_LOG_KIND)
    support: SupportType | None = None
    try:
        support = SupportType(kind_value or "")
    except ValueError:
        errors[Input.COACHING_LOG_KIND] = "Choose what you did." if not kind_value else STALE
    day = picked_date(values, Input.COACHING_LOG_DAY, Input.COACHING_LOG_DAY)
    if day is None:
        errors[Input.COACHING_LOG_DAY] = "Choose the day it happened."
    elif day > today:
        errors[Input.COACHING_LOG_DAY] = (
            "Log what already happened: choose today or an earlier day."
        )
    minutes = _minutes(
        selected_value(values, Input.COACHING_LOG_MINUTES, Input.COACHING_LOG_MINUTES)
    )
    if minutes is None:
        errors[Input.COACHING_LOG_MINUTES] = "Choose how long it took."
    users = (
        state_of(values, Input.COACHING_LOG_TEACHERS, Input.COACHING_LOG_TEACHERS).get(
            "selected_users"
        )
        or []
    )
    teachers = tuple(dict.fromkeys(u for u in users if isinstance(u, str) and u))
    chosen = state_of(values, Input.COACHING_LOG_PLC, Input.COACHING_LOG_PLC).get(
        "selected_conversation"
    )
    plc = chosen if isinstance(chosen, str) and chosen else None
    goal_value = selected_value(values, Input.COACHING_LOG_GOAL, Input.COACHING_LOG_GOAL)
    goal_id = _minutes(goal_value) if goal_value else None
    note = NOTE.read(values, errors)
    if note and len(teachers) != 1:
        errors[Input.COACHING_LOG_NOTE] = (
            "A note goes to one teacher: choose just one, or leave it empty."
        )
    if errors or support is None or day is None or minutes is None:
        return None, errors
    return LogForm(support, day, minutes, teachers, plc, goal_id, note), {}


def _minutes(value: str | None) -> int | None:
    if value is None or not value.isdigit() or len(value) > 6:
        return None
    return int(value)


@dataclass(frozen=True)
class LoggedCard:
    """A logged activity as its coach is told it was saved."""

    log_id: int
    version: int
    support: SupportType
    day: date
    minutes: int
    teacher_user_ids: tuple[str, ...]
    plc_channel_id: str | None
    correctable: bool


def with_whom(teacher_user_ids: Sequence[str], plc_channel_id: str | None) -> str:
    """'with <@U1>', 'with 3 teachers in <#C1>', 'in <#C1>', 'on your own'."""
    where = f" in <#{plc_channel_id}>" if plc_channel_id else ""
    if len(teacher_user_ids) == 1:
        return f"with {mention(teacher_user_ids[0])}{where}"
    if teacher_user_ids:
        return f"with {count(len(teacher_user_ids), 'teacher', 'teachers')}{where}"
    return where.strip() or "on your own"


def build_logged(card: LoggedCard, *, today: date) -> dict[str, Any]:
    """What the coach sees once the log is saved, with a way to correct it for two weeks."""
    who = with_whom(card.teacher_user_ids, card.plc_channel_id)
    text = (
        f":white_check_mark: Logged: {card.support.label}, {short_minutes(card.minutes)}, "
        f"{who}, {long_day(card.day, today=today)}."
    )
    blocks: list[SlackBlock] = [section(text)]
    if card.correctable:
        value = f"{card.log_id}:{card.version}"
        blocks.append(one_button("Correct the kind or length", Action.COACHING_LOG_CORRECT, value))
    blocks.append(context("You can correct a log for two weeks."))
    return modal("Coaching logged", blocks, close="Done")


def build_correct_form(card: LoggedCard) -> dict[str, Any]:
    """Change a logged activity's kind or length."""
    blocks: list[SlackBlock] = [_kind_input(card.support), _length_input(card.minutes)]
    return form(
        "Correct a log",
        blocks,
        callback_id=Callback.COACHING_LOG_CORRECTION,
        private_metadata=f"{card.log_id}:{card.version}",
    )


def _kind_input(initial: SupportType | None) -> SlackBlock:
    """What the coach did: one of the ten kinds, or none chosen yet."""
    return select_input(
        Input.COACHING_LOG_KIND,
        Input.COACHING_LOG_KIND,
        "What did you do?",
        options=_kind_options(),
        initial=Option(value=initial.value, text=initial.label) if initial else None,
        placeholder=None if initial else "Choose a kind of coaching",
    )


def _length_input(minutes: int) -> SlackBlock:
    return select_input(
        Input.COACHING_LOG_MINUTES,
        Input.COACHING_LOG_MINUTES,
        "How long?",
        options=_length_options(),
        initial=_length_option(minutes),
    )


def _length_option(minutes: int) -> Option | None:
    return (
        Option(value=str(minutes), text=short_minutes(minutes)) if minutes in LOG_LENGTHS else None
    )


def parse_correct_form(
    values: StateValues,
) -> tuple[tuple[SupportType, int] | None, dict[str, str]]:
    errors: dict[str, str] = {}
    kind_value = selected_value(values, Input.COACHING_LOG_KIND, Input.COACHING_LOG_KIND)
    try:
        support: SupportType | None = SupportType(kind_value or "")
    except ValueError:
        support = None
        errors[Input.COACHING_LOG_KIND] = "Choose what you did."
    minutes = _minutes(
        selected_value(values, Input.COACHING_LOG_MINUTES, Input.COACHING_LOG_MINUTES)
    )
    if minutes is None:
        errors[Input.COACHING_LOG_MINUTES] = "Choose how long it took."
    if support is None or minutes is None:
        return None, errors
    return (support, minutes), {}


def parse_log_ref(value: str | None) -> tuple[int, int] | None:
    """(log id, version) from a button value or private_metadata written by this module."""
    if not value:
        return None
    parts = value.split(":")
    if len(parts) != 2 or not all(p.isdigit() and 0 < len(p) <= 9 for p in parts):
        return None
    return int(parts[0]), int(parts[1])


def build_note_message(coach_user_id: str, card: LoggedCard, note: str) -> dict[str, Any]:
    """To the one teacher a logged activity was with, when the coach left them a note."""
    text = (
        f"{card.support.done} with {mention(coach_user_id)}, {short_minutes(card.minutes)}. "
        "Your coach left you a note that only the two of you see:"
    )
    quoted = "\n".join(f">{line}" for line in escape(note).split("\n"))
    return message(text, [section(text), section(clip(quoted, MAX_SECTION))])
