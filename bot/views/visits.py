"""A visit as its messages show it: the invitation, its answers, and what each person is told."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block as SlackBlock,
    ButtonElement,
    MarkdownTextObject,
    SectionBlock,
)

from bot.ids import Action, Block
from bot.rules.domain import SupportType, VisitStatus
from bot.views.common import (
    COACH,
    MAX_BUTTON_TEXT,
    MAX_SECTION,
    MAX_URL,
    TEACHER,
    check_person,
    clip,
    confirm_button,
    context,
    escape,
    field,
    inline,
    mention,
    message,
    record_id,
    section,
)
from bot.views.when import format_when

MAX_OTHER_COACHES = 3

_BUTTON_VALUE = re.compile(r"(0|[1-9][0-9]{0,17}):(0|[1-9][0-9]{0,17})")


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class VisitCard:
    """One visit as a message shows it to one reader."""

    visit_id: int
    version: int
    teacher_user_id: str
    coach_user_id: str
    starts_at: datetime  # aware, UTC
    ends_at: datetime  # aware, UTC
    tz: str  # IANA zone of the person who will read this message; times are shown in it
    class_name: str | None  # None for co-planning
    support: SupportType
    focus: str | None
    note: str | None
    status: VisitStatus
    proposed_starts_at: datetime | None = None
    proposed_ends_at: datetime | None = None
    proposed_by: str | None = None  # "coach" | "teacher"
    proposal_note: str | None = None
    decline_reason: str | None = None


@dataclass(frozen=True)
class WaitingInvitation:
    """An invitation waiting for the coach's answer, on their Home and their daily list;
    `suggested` when the teacher proposed a new time, which is then the time shown."""

    teacher_user_id: str
    starts_at: datetime
    ends_at: datetime
    class_name: str | None
    support: SupportType
    suggested: bool = False


@dataclass(frozen=True)
class CalendarLinks:
    """Ways to put an accepted visit in a calendar."""

    google: str
    outlook: str
    ics: str | None = None  # a download link to an .ics file, when the server has a public URL


@dataclass(frozen=True)
class OtherCoach:
    """A coach offered to a teacher after their first choice declined."""

    user_id: str
    name: str
    areas: tuple[str, ...]


# --------------------------------------------------------------------------- small public helpers


def button_value(card: VisitCard) -> str:
    """'<visit id>:<version>', the value of every button on a visit message."""
    return f"{card.visit_id}:{card.version}"


def parse_button_value(value: str) -> tuple[int, int] | None:
    """(visit id, version) from a button value; None for anything that is not one."""
    if not isinstance(value, str):
        return None
    match = _BUTTON_VALUE.fullmatch(value)
    if match is None:
        return None
    visit_id, version = record_id(match.group(1)), record_id(match.group(2))
    if visit_id is None or version is None:
        return None
    return visit_id, version


def calendar_buttons(links: CalendarLinks) -> list[ButtonElement]:
    """A button for each calendar link short enough for Slack."""
    return [
        ButtonElement(
            text=label,
            action_id=action,
            url=url,
            accessibility_label=f"Add to {label}" if label != ".ics file" else "Download .ics file",
        )
        for action, label, url in (
            (Action.CALENDAR_GOOGLE, "Google Calendar", links.google),
            (Action.CALENDAR_OUTLOOK, "Outlook", links.outlook),
            (Action.CALENDAR_ICS, ".ics file", links.ics),
        )
        if url and len(url) <= MAX_URL
    ]


# --------------------------------------------------------------------------- messages


def build_coach_invitation(card: VisitCard) -> dict[str, Any]:
    """To the coach: a teacher's invitation, with Accept, Suggest another time and Decline."""
    who = mention(card.teacher_user_id)
    if card.support.needs_class:
        sentence = f"{who} would love you to visit {_class(card)}"
    else:
        sentence = f"{who} would like to co-plan with you"
    blocks = [
        section(f"{sentence}."),
        _details(card),
        *_quote_blocks(card.note),
        answer_actions(card),
    ]
    return message(f"{sentence} on {_when(card)}.", blocks)


def build_teacher_sent(card: VisitCard) -> dict[str, Any]:
    """To the teacher: the invitation went out; they can reschedule or cancel it."""
    coach = mention(card.coach_user_id)
    text = f"Your invitation is on its way to {coach}. You'll hear back here."
    actions = ActionsBlock(
        block_id=Block.VISIT_ACTIONS,
        elements=[
            ButtonElement(
                text="Reschedule", action_id=Action.INVITE_RESCHEDULE, value=button_value(card)
            ),
            confirm_button(
                "Cancel invitation",
                Action.INVITE_CANCEL,
                button_value(card),
                ask=("Cancel this invitation?", f"{coach} will be told.", "Yes, cancel", "Keep it"),
                style="danger",
            ),
        ],
    )
    blocks = [section(text), _details(card), *_quote_blocks(card.note), actions]
    return message(text, blocks)


def build_proposal(card: VisitCard, *, to: str) -> dict[str, Any]:
    """To whoever answers a suggested time (`to`: 'coach' or 'teacher'): the new time and why."""
    check_person(to, "to")
    if card.proposed_starts_at is None or card.proposed_ends_at is None:
        raise ValueError("a proposal needs proposed_starts_at and proposed_ends_at")
    proposer = card.coach_user_id if to == TEACHER else card.teacher_user_id
    new_when = format_when(card.proposed_starts_at, card.proposed_ends_at, card.tz)
    old_when = _when(card)
    text = f"{mention(proposer)} suggested another time: {new_when} (instead of {old_when})."
    blocks = [
        section(text),
        *_quote_blocks(card.proposal_note),
        _details(card, times=False),
        answer_actions(card),
    ]
    return message(text, blocks)


def build_status_update(card: VisitCard, *, viewer: str, headline: str) -> dict[str, Any]:
    """What a visit message becomes once it is answered: the details and what happened."""
    check_person(viewer, "viewer")
    if viewer == COACH:
        sentence = f"{mention(card.teacher_user_id)} invited you to " + (
            f"visit {_class(card)}" if card.support.needs_class else "co-plan"
        )
    else:
        sentence = f"You invited {mention(card.coach_user_id)} to " + (
            f"visit {_class(card)}" if card.support.needs_class else "co-plan"
        )
    blocks = [
        section(f"{sentence}."),
        _details(card),
        context(headline),
    ]
    return message(f"{headline} {sentence} on {_when(card)}.", blocks)


def build_accepted(card: VisitCard, *, viewer: str, links: CalendarLinks) -> dict[str, Any]:
    """To each person once the coach (or teacher) accepts: what's planned and calendar links."""
    check_person(viewer, "viewer")
    when = _when(card)
    if viewer == COACH:
        who = mention(card.teacher_user_id)
        if card.support.needs_class:
            text = f"You're visiting {who} in {_class(card)} on {when}."
        else:
            text = f"You're co-planning with {who} on {when}."
    else:
        who = mention(card.coach_user_id)
        if card.support.needs_class:
            text = f":tada: {who} accepted! They'll visit {_class(card)} on {when}."
        else:
            text = f":tada: {who} accepted! You'll co-plan together on {when}."
    blocks: list[SlackBlock] = [section(text), _details(card, times=False)]
    buttons = calendar_buttons(links)
    if buttons:
        blocks.append(ActionsBlock(elements=buttons))
    return message(text, blocks)


def build_declined(card: VisitCard, *, others: Sequence[OtherCoach]) -> dict[str, Any]:
    """To the teacher: the coach can't come, their kind word, and who else could help."""
    coach = mention(card.coach_user_id)
    shown = [other for other in others if other.user_id][:MAX_OTHER_COACHES]
    blocks: list[SlackBlock] = [
        section(f"{coach} can't make this one."),
        *_quote_blocks(card.decline_reason),
        _details(card),
    ]
    if shown:
        topic = inline(card.focus) if card.focus else f"_{card.support.label}_"
        blocks.append(section(f"These coaches could help with {topic}:"))
        blocks += [_other_coach(other) for other in shown]
        after = "Here are other coaches who could help."
    else:
        after = "Try another time, or ask your lead coach who could help."
        blocks.append(section(after))
    return message(f"{coach} can't make this one ({_when(card)}). {after}", blocks)


def build_cancelled(card: VisitCard) -> dict[str, Any]:
    """To the coach: the teacher withdrew the invitation."""
    what = "the visit" if card.support.needs_class else "co-planning"
    text = (
        f":no_entry_sign: {mention(card.teacher_user_id)} cancelled {what} on {_when(card)}. "
        "Nothing for you to do."
    )
    return message(text, [section(text), _details(card)])


def build_notice(text: str) -> dict[str, Any]:
    """A short answer, often ephemeral: 'This invitation was already accepted.'"""
    return message(text, [section(text)])


# --------------------------------------------------------------------------- message helpers


def _when(card: VisitCard) -> str:
    return format_when(card.starts_at, card.ends_at, card.tz)


def _class(card: VisitCard) -> str:
    return inline(card.class_name) if card.class_name else "their class"


def _details(card: VisitCard, *, times: bool = True) -> SectionBlock:
    """The visit's fields; `times` False where the sentence above already says when."""
    fields = [field("When", _when(card))] if times else []
    if card.support.needs_class:
        fields.append(field("Class", escape(card.class_name) if card.class_name else "Not given"))
    fields.append(field("Support", card.support.label))
    if card.focus:
        fields.append(field("Focus", escape(card.focus)))
    return SectionBlock(fields=fields)


def _quote_blocks(text: str | None) -> list[SlackBlock]:
    """Someone's own words as a quote, or nothing when there are none."""
    if not text or not text.strip():
        return []
    lines = escape(text.strip()).splitlines()
    return [section("\n".join(f"> {line}" if line.strip() else ">" for line in lines))]


def answer_actions(card: VisitCard) -> ActionsBlock:
    """Accept, Suggest another time, Decline: the coach's answers to an invitation."""
    value = button_value(card)
    return ActionsBlock(
        block_id=Block.VISIT_ACTIONS,
        elements=[
            ButtonElement(
                text="Accept", action_id=Action.INVITE_ACCEPT, value=value, style="primary"
            ),
            ButtonElement(
                text="Suggest another time", action_id=Action.INVITE_SUGGEST, value=value
            ),
            ButtonElement(text="Decline", action_id=Action.INVITE_DECLINE, value=value),
        ],
    )


def _other_coach(other: OtherCoach) -> SectionBlock:
    name = " ".join(other.name.split())
    first = name.split(" ", 1)[0] if name else ""
    areas = ", ".join(area for area in other.areas if area.strip())
    lines = [f"*{escape(name)}*" if name else mention(other.user_id)]
    if areas:
        lines.append(escape(areas))
    label = clip(f"Invite {first}" if first else "Invite this coach", MAX_BUTTON_TEXT)
    return SectionBlock(
        text=MarkdownTextObject(text=clip("\n".join(lines), MAX_SECTION)),
        accessory=ButtonElement(
            text=label,
            action_id=Action.INVITE_OTHER_COACH,
            value=other.user_id,
            accessibility_label=clip(f"Invite {name or 'this coach'}", MAX_BUTTON_TEXT),
        ),
    )
