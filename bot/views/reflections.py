"""Reflection prompts: the private DM, the answer and pause modals, and what a coach is shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block as SlackBlock,
    ButtonElement,
    CheckboxesElement,
    MarkdownTextObject,
    Option,
    SectionBlock,
)

from bot.ids import Action, Callback, Input
from bot.rules.cards import PromptCard
from bot.rules.limits import MAX_ANSWER, MAX_PAUSE_DAYS, PAUSE_AFTER_TODAY
from bot.views.common import (
    MAX_SECTION,
    StateValues,
    TextField,
    clip,
    confirm_button,
    context,
    date_input,
    escape,
    form,
    input_block,
    long_day,
    message,
    picked_date,
    section,
    selected_values,
)

DEFAULT_PAUSE_DAYS = 7
_ANSWER = TextField(
    Input.REFLECT_ANSWER,
    "Your reflection",
    MAX_ANSWER,
    placeholder="A few words is plenty",
    multiline=True,
    missing="Write a few words, or close this without saving.",
)
_STOP = (
    "Stop reflection prompts?",
    "You won't get reflection prompts after visits and debriefs anymore. "
    "You can turn them back on any time.",
    "Stop them",
    "Keep them",
)

PROMPT_INTRO = "A moment to reflect, just for you:"
PRIVATE_NOTE = "Only you can see your answer unless you choose to share it with your coach."
SHARE_VALUE = "share"

_ABOUT = {"visit": "your visit with", "debrief": "your debrief with"}


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class AnswerForm:
    """What the teacher wrote, and whether their coach may read it."""

    text: str
    share: bool


# --------------------------------------------------------------------------- the prompt


def build_reflection_prompt(
    card: PromptCard, *, note: str | None = None, reflect_only: bool = False
) -> dict[str, Any]:
    """The private DM after a visit or debrief.

    `note` replaces the privacy line once the teacher has chosen something ("I'll ask again
    tomorrow"); `reflect_only` keeps just the Reflect button, so the message never offers a
    choice that was already made.
    """
    text = f"{PROMPT_INTRO} {card.question}"
    blocks: list[SlackBlock] = [
        SectionBlock(text=MarkdownTextObject(text=f"{PROMPT_INTRO} *{card.question}*"))
    ]
    about = _about(card)
    blocks.append(context(" · ".join(part for part in (about, note or PRIVATE_NOTE) if part)))
    value = str(card.reflection_id)
    buttons = [
        ButtonElement(text="Reflect", action_id=Action.REFLECT_OPEN, value=value, style="primary")
    ]
    if not reflect_only:
        buttons += [
            ButtonElement(text="Tomorrow", action_id=Action.REFLECT_SNOOZE, value=value),
            ButtonElement(text="Pause prompts", action_id=Action.REFLECT_PAUSE, value=value),
            confirm_button("Stop these", Action.REFLECT_STOP, value, ask=_STOP),
        ]
    blocks.append(ActionsBlock(elements=buttons))
    return message(text, blocks)


def _about(card: PromptCard) -> str:
    if card.about not in _ABOUT or card.coach_user_id is None:
        return ""
    when = f" on {day_words(card.day)}" if card.day is not None else ""
    return f"After {_ABOUT[card.about]} <@{card.coach_user_id}>{when}"


def snoozed_note(day: date, today: date) -> str:
    """What the prompt says once the teacher chose Tomorrow."""
    when = "tomorrow" if day == today + timedelta(days=1) else f"on {day_words(day)}"
    return f"Okay, I'll ask again {when}. {PRIVATE_NOTE}"


STOPPED_NOTE = (
    "Okay, no more reflection prompts. You can still answer this one whenever you like, "
    "and turn prompts back on any time with `/coachbot prompts on`."
)


def paused_text(day: date) -> str:
    return (
        f"Reflection prompts are paused until {day_words(day)}. They'll start again that day, "
        "or the next school day after it."
    )


# --------------------------------------------------------------------------- the answer


def build_answer_form(
    *,
    reflection_id: int,
    question: str,
    can_share: bool,
    initial_answer: str | None = None,
    initial_shared: bool = False,
) -> dict[str, Any]:
    """The teacher's private answer; sharing with the coach is their choice, off by default."""
    share_option = Option(
        value=SHARE_VALUE,
        text="Share with my coach",
        description="They'll get a copy in Slack.",
    )
    blocks: list[SlackBlock] = [
        SectionBlock(text=MarkdownTextObject(text=clip(f"*{question}*", MAX_SECTION))),
        _ANSWER.input(initial_answer),
    ]
    if can_share:
        blocks.append(
            input_block(
                Input.REFLECT_SHARE,
                "Sharing",
                CheckboxesElement(
                    action_id=Input.REFLECT_SHARE,
                    options=[share_option],
                    initial_options=[share_option] if initial_shared else None,
                ),
                optional=True,
            )
        )
    blocks.append(context(PRIVATE_NOTE))
    return form(
        "Reflect", blocks, callback_id=Callback.REFLECT, private_metadata=str(reflection_id)
    )


def parse_answer_form(values: StateValues) -> tuple[AnswerForm | None, dict[str, str]]:
    """The answer, or kind messages keyed by the block to show them under."""
    errors: dict[str, str] = {}
    text = _ANSWER.read(values, errors)
    share = SHARE_VALUE in selected_values(values, Input.REFLECT_SHARE, Input.REFLECT_SHARE)
    if errors or text is None:
        return None, errors
    return AnswerForm(text=text, share=share), {}


def saved_text(*, shared: bool) -> str:
    if shared:
        return "Saved, and shared with your coach. Thank you for taking a moment to reflect."
    return "Saved just for you. Thank you for taking a moment to reflect."


def build_shared_reflection(
    *, teacher_user_id: str, question: str, answer: str, updated: bool = False
) -> dict[str, Any]:
    """To the coach, only when the teacher chose to share."""
    verb = "updated a reflection they shared" if updated else "shared a reflection"
    headline = f"<@{teacher_user_id}> {verb} with you"
    quoted = "\n".join(f"> {line}" if line else ">" for line in escape(answer).splitlines())
    blocks: list[SlackBlock] = [
        SectionBlock(text=MarkdownTextObject(text=clip(f"{headline}: _{question}_", 3000))),
        SectionBlock(text=MarkdownTextObject(text=clip(quoted or ">", MAX_SECTION))),
        context("They chose to share this with you; it stays between the two of you."),
    ]
    return message(f"{headline}: {escape(answer)}", blocks)


# --------------------------------------------------------------------------- pausing


def build_pause_form(*, today: date, reflection_id: int | None = None) -> dict[str, Any]:
    """Pause prompts through a date the teacher picks."""
    blocks: list[SlackBlock] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=(
                    "Take a break from reflection prompts. You won't get any before the day "
                    "you choose; they start again from then."
                )
            )
        ),
        date_input(
            Input.PAUSE_UNTIL,
            Input.PAUSE_UNTIL,
            "Pause until",
            initial=(today + timedelta(days=DEFAULT_PAUSE_DAYS)),
            placeholder="Choose a date",
        ),
    ]
    return form(
        "Pause prompts",
        blocks,
        callback_id=Callback.PAUSE,
        submit="Pause",
        private_metadata=str(reflection_id) if reflection_id is not None else "",
    )


def parse_pause_form(values: StateValues, *, today: date) -> tuple[date | None, dict[str, str]]:
    """The day prompts start again, or a kind message keyed by the date's block."""
    picked = picked_date(values, Input.PAUSE_UNTIL, Input.PAUSE_UNTIL)
    if picked is None:
        return None, {Input.PAUSE_UNTIL: "Choose the day you'd like prompts to start again."}
    if picked <= today:
        return None, {Input.PAUSE_UNTIL: PAUSE_AFTER_TODAY}
    if picked > today + timedelta(days=MAX_PAUSE_DAYS):
        return None, {
            Input.PAUSE_UNTIL: (
                "Choose a date within a year. To stop prompts altogether, use Stop these."
            )
        }
    return picked, {}


# --------------------------------------------------------------------------- helpers


def build_reflection_notice(text: str) -> dict[str, Any]:
    """A short private answer: a refusal or a confirmation."""
    return message(text, [section(text)])


def day_words(day: date) -> str:
    """'Tuesday, December 1'; not strftime, whose names follow the process locale."""
    return long_day(day)
