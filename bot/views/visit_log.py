"""The visit log: asking a coach what a visit turned out to be, and what follows the answer."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block as SlackBlock,
    ButtonElement,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)

from bot.ids import Action, Block
from bot.rules.cards import VisitLogCard
from bot.rules.domain import SupportType, VisitOutcome
from bot.views.common import clip, context, inline, mention, message, record_id, section
from bot.views.when import format_when

_ID = r"(0|[1-9][0-9]{0,17})"
_LOG_VALUE = re.compile(rf"{_ID}:{_ID}:([a-z_]{{1,32}})")
_LOG_KINDS = frozenset(s.value for s in SupportType) | frozenset(o.value for o in VisitOutcome)

# A missed visit, worded for whoever reads about it; nobody is blamed.
MISSED_FOR_TEACHER = {
    VisitOutcome.RESCHEDULED: "it was rescheduled",
    VisitOutcome.COACH_PULLED_AWAY: "your coach was pulled away",
    VisitOutcome.TEACHER_ABSENT: "you were out that day",
}
MISSED_FOR_COACH = {
    VisitOutcome.RESCHEDULED: "rescheduled",
    VisitOutcome.COACH_PULLED_AWAY: "you were pulled away",
    VisitOutcome.TEACHER_ABSENT: "the teacher was out",
}


def log_value(card: VisitLogCard, kind: SupportType | VisitOutcome) -> str:
    """'<visit id>:<version>:<support type or outcome>', the value of a visit-log option."""
    return f"{card.visit_id}:{card.version}:{kind.value}"


def parse_log_value(value: str) -> tuple[int, int, str] | None:
    """(visit id, version, support type or outcome) from a log option; None for anything else."""
    if not isinstance(value, str):
        return None
    match = _LOG_VALUE.fullmatch(value)
    if match is None or match.group(3) not in _LOG_KINDS:
        return None
    visit_id, version = record_id(match.group(1)), record_id(match.group(2))
    if visit_id is None or version is None:
        return None
    return visit_id, version, match.group(3)


def _log_select(
    card: VisitLogCard,
    action: Action,
    placeholder: str,
    choices: Iterable[tuple[SupportType | VisitOutcome, str]],
) -> StaticSelectElement:
    """A menu of what a visit turned out to be: each choice with its label, as a log value."""
    return StaticSelectElement(
        action_id=action,
        placeholder=placeholder,
        options=[Option(value=log_value(card, kind), text=label) for kind, label in choices],
    )


def build_visit_log_prompt(card: VisitLogCard) -> dict[str, Any]:
    """To the coach once a visit has ended: what it turned out to be, or why it didn't happen.

    The planned support comes first, marked, rather than preselected: choosing an option that
    is already selected sends Slack nothing, so a preselected one could never be logged.
    """
    text = _log_question(card)
    kinds = [card.planned, *(s for s in SupportType if s is not card.planned)]
    happened = _log_select(
        card,
        Action.VISIT_LOG_HAPPENED,
        "Choose what it was",
        [(s, f"{s.label} (as planned)" if s is card.planned else s.label) for s in kinds],
    )
    missed = _log_select(
        card,
        Action.VISIT_LOG_MISSED,
        "Choose a reason",
        [(o, o.label) for o in VisitOutcome if o is not VisitOutcome.HAPPENED],
    )
    blocks: list[SlackBlock] = [
        SectionBlock(block_id=Block.VISIT_LOG, text=MarkdownTextObject(text=clip(text, 3000))),
        SectionBlock(text=MarkdownTextObject(text="It happened, and it was:"), accessory=happened),
        SectionBlock(text=MarkdownTextObject(text="It didn't happen:"), accessory=missed),
        ActionsBlock(elements=[schedule_debrief_button(card.visit_id)]),
    ]
    return message(text, blocks)


def build_visit_logged(
    card: VisitLogCard, *, support: SupportType | None, outcome: VisitOutcome
) -> dict[str, Any]:
    """What the visit-log message becomes once answered: thanks, and a debrief if it happened."""
    if outcome is VisitOutcome.HAPPENED:
        kind = support if support is not None else card.planned
        text = f":white_check_mark: Logged as {kind.label}. Thank you!"
        change = _log_select(
            card,
            Action.VISIT_LOG_HAPPENED,
            "Change what it was",
            [(other, other.label) for other in SupportType if other is not kind],
        )
        blocks: list[SlackBlock] = [
            section(text),
            context(_log_details(card)),
            SectionBlock(
                text=MarkdownTextObject(text="Not quite right? You can change it for two weeks."),
                accessory=change,
            ),
            ActionsBlock(elements=[schedule_debrief_button(card.visit_id)]),
        ]
    else:
        text = (
            f"Logged: {outcome.label}. {mention(card.teacher_user_id)} has been offered new times."
        )
        blocks = [section(text), context(_log_details(card))]
    return message(text, blocks)


def build_missed_visit_for_teacher(
    card_for_teacher: VisitLogCard, *, outcome: VisitOutcome, coach_user_id: str
) -> dict[str, Any]:
    """To the teacher when a visit did not happen: no blame, and an easy way to pick a time."""
    if outcome is VisitOutcome.HAPPENED:
        raise ValueError("a visit that happened was not missed")
    card = card_for_teacher
    what = "visit" if card.planned.needs_class else "co-planning"
    text = (
        f"Your {what} with {mention(coach_user_id)} on "
        f"{format_when(card.starts_at, card.ends_at, card.tz)} didn't happen "
        f"({MISSED_FOR_TEACHER[outcome]}). Want to pick another time?"
    )
    again = ButtonElement(
        text="Invite again",
        action_id=Action.INVITE_OTHER_COACH,
        value=coach_user_id,
        style="primary",
    )
    return message(text, [section(text), ActionsBlock(elements=[again])])


def schedule_debrief_button(visit_id: int, *, style: str | None = None) -> ButtonElement:
    """The button that opens the debrief form for one visit."""
    return ButtonElement(
        text="Schedule debrief", action_id=Action.DEBRIEF_SCHEDULE, value=str(visit_id), style=style
    )


def _log_question(card: VisitLogCard) -> str:
    who = mention(card.teacher_user_id)
    when = format_when(card.starts_at, card.ends_at, card.tz)
    if card.planned.needs_class:
        where = f"{inline(card.class_name)}, {when}" if card.class_name else when
        return f"How did your visit with {who} go? ({where})"
    return f"How did co-planning with {who} go? ({when})"


def _log_details(card: VisitLogCard) -> str:
    parts = [mention(card.teacher_user_id)]
    if card.class_name and card.planned.needs_class:
        parts.append(inline(card.class_name))
    parts.append(format_when(card.starts_at, card.ends_at, card.tz))
    return " · ".join(parts)
