"""Next steps that close: the check-back's three answers, the "How did it go?" form, what the
teacher and the coach read once an answer is recorded, and the answers' lines in the story.

Pure builders. Buttons carry '<note id>:<check-back day>' (or a note id) only; the listener
checks who is answering against the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block as SlackBlock, ButtonElement

from bot.ids import Action, Callback, Input
from bot.rules.calendar import zone_or_default
from bot.rules.domain import StepAnswer
from bot.rules.limits import MAX_STEP_LINE
from bot.views import common
from bot.views.common import (
    StateValues,
    TextField,
    clip,
    inline,
    long_day,
    mention,
    message,
    one_button,
    section,
)

_MAX_TEXT = 3000

TRIED_LABEL = "Tried it"
HELP_LABEL = "Need help"
NOT_YET_LABEL = "Not yet (remind me in a week)"

_LINE = TextField(
    Input.NEXT_STEP_LINE,
    "How did it go?",
    MAX_STEP_LINE,
    placeholder="Pairs used the stems, and more of them explained a step",
    hint="Optional. Your coach reads it; no one else does.",
    optional=True,
    multiline=True,
)


def step_answer_actions(value: str) -> ActionsBlock:
    """ "Tried it", "Need help", "Not yet (remind me in a week)" under a check-back nudge."""
    return ActionsBlock(
        elements=[
            ButtonElement(
                text=TRIED_LABEL, action_id=Action.NEXT_STEP_TRIED, value=value, style="primary"
            ),
            ButtonElement(text=HELP_LABEL, action_id=Action.NEXT_STEP_HELP, value=value),
            ButtonElement(text=NOT_YET_LABEL, action_id=Action.NEXT_STEP_NOT_YET, value=value),
        ]
    )


# --------------------------------------------------------------------------- "Tried it"


def build_tried_form(*, value: str, next_step: str) -> dict[str, Any]:
    """One optional line after trying a next step; `value` is the check-back it answers."""
    return common.form(
        "You tried it",
        [
            section(f"Your next step: _{inline(next_step)}_"),
            _LINE.input(),
        ],
        callback_id=Callback.NEXT_STEP_TRIED,
        private_metadata=value,
    )


def parse_tried_form(values: StateValues) -> tuple[str | None, dict[str, str]]:
    """The teacher's line (None: they left it empty), or a kind message under the input."""
    errors: dict[str, str] = {}
    line = _LINE.read(values, errors)
    return line, errors


# --------------------------------------------------------------------------- once recorded


def check_back_question(next_step: str) -> str:
    """The check-back's question, with the step after it in its own words and punctuation."""
    if not next_step.strip():
        return "How is it going with the next step you agreed on?"
    return f"How is it going with your next step? _{inline(next_step)}_"


def build_answered(
    *,
    next_step: str,
    kind: StepAnswer,
    coach_user_id: str | None,
    line: str | None = None,
    remind_on: date | None = None,
    today: date | None = None,
    note_id: int | None = None,
) -> dict[str, Any]:
    """The check-back message once the teacher answered: what was recorded, no buttons but
    "Invite your coach" after "Need help"."""
    coach = mention(coach_user_id) if coach_user_id else "your coach"
    if kind is StepAnswer.TRIED:
        said = f":white_check_mark: Recorded: you tried it. Thank you for letting {coach} know!"
        if line:
            said += f"\n>{inline(line, MAX_STEP_LINE)}"
    elif kind is StepAnswer.NEED_HELP:
        said = f":wave: Recorded: you'd like some help with it. {coach} knows now"
        said += ", and you can invite them in whenever it suits you." if coach_user_id else "."
    else:
        when = long_day(remind_on, today=today) if remind_on is not None else "in a week"
        said = f":hourglass_flowing_sand: Not yet, and that's fine. I'll ask again on {when}."
    text = clip(f"{check_back_question(next_step)}\n{said}", _MAX_TEXT)
    blocks: list[SlackBlock] = [section(text)]
    if kind is StepAnswer.NEED_HELP and coach_user_id and note_id is not None:
        blocks.append(
            one_button("Invite your coach", Action.NEXT_STEP_INVITE, str(note_id), style="primary")
        )
    return message(text, blocks)


def build_coach_told(
    *, teacher_user_id: str, next_step: str, kind: StepAnswer, line: str | None = None
) -> dict[str, Any]:
    """One line to the coach when a teacher tried a next step or asked for help with it."""
    who, step = mention(teacher_user_id), f"_{inline(next_step)}_"
    if kind is StepAnswer.TRIED:
        text = f":sparkles: {who} tried the next step {step}"
        if line:
            text += f"\nHow it went: “{inline(line, MAX_STEP_LINE)}”"
    else:
        text = (
            f":wave: {who} would like some help with the next step {step}\n"
            "They can invite you in from coachbot; a quick hello from you helps too."
        )
    text = clip(text, _MAX_TEXT)
    return message(text, [section(text)])


def invite_focus(next_step: str) -> str:
    """The focus an invitation after "Need help" starts with."""
    return f"Help with my next step: {next_step.strip()}"


# --------------------------------------------------------------------------- in the story


@dataclass(frozen=True)
class StepLine:
    """A teacher's answer to a check-back, as the cycle's story shows it."""

    answered_at: datetime
    kind: StepAnswer
    line: str | None = None
    remind_on: date | None = None


def step_line_text(step: StepLine, *, tz: str, today: date) -> str:
    """'• Tuesday, December 8 · Tried the next step: “It went well”'."""
    day = long_day(step.answered_at.astimezone(zone_or_default(tz)).date(), today=today)
    if step.kind is StepAnswer.TRIED:
        words = "Tried the next step"
        if step.line:
            words += f": “{inline(step.line, MAX_STEP_LINE)}”"
    elif step.kind is StepAnswer.NEED_HELP:
        words = "Asked for help with the next step"
    else:
        when = long_day(step.remind_on, today=today) if step.remind_on else "a week later"
        words = f"Not yet, reminder on {when}"
    return f"• {day} · {words}"


def students_text(now: str | None, aim: str | None) -> str | None:
    """'Students now: 12 of 28 explain a step. Aim: 20 of 28.' from what the goal holds."""
    parts = []
    if now:
        parts.append(f"Students now: {_sentence(inline(now, 300))}")
    if aim:
        parts.append(f"Aim: {_sentence(inline(aim, 300))}")
    return " ".join(parts) or None


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else f"{text}."
