"""Nudges: short, warm reminders to the one person who owes the next step.

Pure builders returning {"text", "blocks"}. Each offers the button that does the owed thing
where there is one; a second reminder says it is the last.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block as SlackBlock,
    SectionBlock,
)

from bot.ids import Action, Command
from bot.rules.domain import SupportType, VisitStatus
from bot.views.common import (
    COACH,
    TEACHER,
    check_person,
    clip,
    context,
    field,
    inline,
    mention as _mention,
    message,
    one_button,
    section,
)
from bot.views.next_steps import check_back_question, step_answer_actions
from bot.views.visit_log import schedule_debrief_button
from bot.views.visits import VisitCard, answer_actions
from bot.views.when import format_when

LAST = "Last reminder: "

_MAX_TEXT = 3000  # the notification text; Slack allows far more, people read far less


# --------------------------------------------------------------------------- invitations


def build_answer_nudge(card: VisitCard, *, to: str, last: bool = False) -> dict[str, Any]:
    """To whoever owes an answer (`to`: 'coach' or 'teacher'), with Accept / Suggest / Decline.

    The buttons carry the same action ids and '<visit id>:<version>' value as the invitation
    itself, so answering here is answering the invitation.
    """
    check_person(to, "to")
    what = _visit_words(card, to)
    if card.status is VisitStatus.PROPOSED:
        if card.proposed_starts_at is None or card.proposed_ends_at is None:
            raise ValueError("a proposal needs proposed_starts_at and proposed_ends_at")
        proposer = card.coach_user_id if to == TEACHER else card.teacher_user_id
        new_when = format_when(card.proposed_starts_at, card.proposed_ends_at, card.tz)
        sentence = (
            f"{_mention(proposer)} suggested another time for {what}: {new_when}. "
            "Does it work for you?"
        )
        when_field, old_when = new_when, format_when(card.starts_at, card.ends_at, card.tz)
    else:
        if to != COACH:
            raise ValueError("only the coach answers an invitation that is still pending")
        invite = f"to visit {_class(card)}" if card.support.needs_class else "to co-plan together"
        sentence = (
            f"{_mention(card.teacher_user_id)} invited you {invite} on "
            f"{format_when(card.starts_at, card.ends_at, card.tz)}. "
            "Whenever you have a moment, you can answer right here."
        )
        when_field, old_when = format_when(card.starts_at, card.ends_at, card.tz), None
    if last:
        sentence += " A quick answer helps you both plan, whatever it is."
    text = _headline(sentence, last)
    fields = [field("Suggested time" if old_when else "When", when_field)]
    if old_when:
        fields.append(field("Instead of", old_when))
    if card.support.needs_class:
        fields.append(field("Class", inline(card.class_name) if card.class_name else "Not given"))
    fields.append(field("Support", card.support.label))
    if card.focus:
        fields.append(field("Focus", inline(card.focus)))
    blocks: list[SlackBlock] = [section(text), SectionBlock(fields=fields), answer_actions(card)]
    return _message(text, blocks)


# --------------------------------------------------------------------------- debriefs


def build_debrief_nudge(
    *,
    visit_id: int,
    viewer: str,
    other_user_id: str,
    starts_at: datetime,
    ends_at: datetime,
    tz: str,
    support: SupportType,
    class_name: str | None,
    last: bool = False,
) -> dict[str, Any]:
    """To the coach or the teacher (`viewer`) after a visit with no debrief yet."""
    check_person(viewer, "viewer")
    when = format_when(starts_at, ends_at, tz)
    other = _mention(other_user_id)
    if support.needs_class:
        where = f" in {inline(class_name)}" if class_name else ""
        visit = f"the visit{where} on {when}"
    else:
        visit = f"your co-planning on {when}"
    sentence = (
        f"How about a debrief with {other} about {visit}? "
        "A short conversation while it's fresh goes a long way."
    )
    text = _headline(sentence, last)
    blocks: list[SlackBlock] = [
        section(text),
        ActionsBlock(elements=[schedule_debrief_button(visit_id, style="primary")]),
    ]
    return _message(text, blocks)


# --------------------------------------------------------------------------- next steps


def build_check_back_nudge(
    *,
    next_step: str,
    coach_user_id: str | None,
    last: bool = False,
    answer_value: str | None = None,
) -> dict[str, Any]:
    """To the teacher on the day they planned to check back on a next step: a friendly question.

    With `answer_value` ('<note id>:<check-back day>'), it offers "Tried it", "Need help" and
    "Not yet (remind me in a week)" (bot/views/next_steps.py answers them).
    """
    sentence = check_back_question(next_step)
    if coach_user_id:
        after = (
            f"Whatever you noticed, big or small, is worth sharing with {_mention(coach_user_id)} "
            "next time you talk."
        )
    else:
        after = "Whatever you noticed, big or small, is worth a moment's thought."
    text = _headline(f"{sentence} {after}", last)
    blocks: list[SlackBlock] = [section(text)]
    if answer_value:
        blocks.append(step_answer_actions(answer_value))
    return _message(text, blocks)


# --------------------------------------------------------------------------- goals


def build_quiet_goal_nudge(
    *, question: str, coach_user_id: str | None, last: bool = False
) -> dict[str, Any]:
    """To the teacher when an active goal has had nothing happen for a while: an open door."""
    goal = inline(question) if question.strip() else "your coaching goal"
    who = _mention(coach_user_id) if coach_user_id else "a coach"
    sentence = (
        f"Your goal _{goal}_ has been quiet for a couple of weeks, and that's okay. "
        f"If you'd like to pick it back up, `{Command.INVITE_COACH.value}` invites {who} "
        "into your class."
    )
    if last:
        sentence += " This is the last nudge about it; it's your call."
    text = _headline(sentence, last)
    blocks: list[SlackBlock] = [section(text)]
    if coach_user_id:
        blocks.append(
            one_button(
                "Invite your coach", Action.INVITE_OTHER_COACH, coach_user_id, style="primary"
            )
        )
    else:
        blocks.append(context(f"Type `{Command.INVITE_COACH.value}` in any message box."))
    return _message(text, blocks)


# --------------------------------------------------------------------------- helpers


def _headline(sentence: str, last: bool) -> str:
    return f"{LAST}{sentence}" if last else sentence


def _message(text: str, blocks: Sequence[SlackBlock]) -> dict[str, Any]:
    return message(clip(text, _MAX_TEXT), blocks)


def _class(card: VisitCard) -> str:
    return inline(card.class_name) if card.class_name else "their class"


def _visit_words(card: VisitCard, to: str) -> str:
    if not card.support.needs_class:
        return "co-planning"
    if to == TEACHER:
        return f"the visit to {inline(card.class_name)}" if card.class_name else "your visit"
    return f"the visit to {_class(card)}"
