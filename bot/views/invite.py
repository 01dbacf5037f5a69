"""Invitations: the invite, suggest-a-time and decline modals, and the visit messages."""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block as SlackBlock,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    UserSelectElement,
)

from bot.ids import Action, Block, Callback
from bot.rules.calendar import outside_school_years, zone_or_default as _zone
from bot.rules.domain import (
    DEFAULT_VISIT_MINUTES,
    VISIT_LENGTHS,
    SupportType,
    VisitStatus,
)
from bot.rules.limits import (
    MAX_CLASS,
    MAX_DECLINE_REASON,
    MAX_FOCUS,
    MAX_NOTE,
    MAX_PROPOSAL_NOTE,
)
from bot.views.common import (
    MAX_BUTTON_TEXT,
    MAX_CONTEXT,
    MAX_FIELD,
    MAX_INLINE,
    MAX_SECTION,
    MAX_URL,
    StateValues,
    clip as _clip,
    count as _count,
    date_input,
    escape as _escape,
    long_day,
    mention as _mention,
    modal,
    picked_date as _picked_date,
    picked_time as _picked_time,
    record_id as _record_id,
    select_input,
    selected_value as _selected_value,
    state_of as _state,
    text_input,
    time_input,
    too_long as _too_long,
    typed_text as _text,
    whole_number as _whole_number,
)

_MAX_GOAL_OPTION = 75  # Slack's limit for an option's text
MAX_OTHER_COACHES = 3
_STALE = "That choice is no longer on the list. Please choose again."


COACH = "coach"
TEACHER = "teacher"
_PEOPLE = (COACH, TEACHER)

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
    visit_id, version = _record_id(match.group(1)), _record_id(match.group(2))
    if visit_id is None or version is None:
        return None
    return visit_id, version


def format_when(start: datetime, end: datetime, tz: str) -> str:
    """'Tuesday, December 1, 10:00–10:45 AM (EST)' in `tz`; both dates when they differ.

    Naive datetimes are taken as UTC. An unknown zone falls back to the district default;
    the abbreviation shown always says which zone the times are in.
    """
    zone = _zone(tz)
    first = _aware(start).astimezone(zone)
    last = _aware(end).astimezone(zone)
    first_zone, last_zone = first.tzname() or "", last.tzname() or ""
    if first.date() != last.date():
        if first_zone == last_zone:
            return f"{_day(first)}, {_clock(first)} – {_day(last)}, {_clock(last)} ({last_zone})"
        return (
            f"{_day(first)}, {_clock(first)} ({first_zone}) – "
            f"{_day(last)}, {_clock(last)} ({last_zone})"
        )
    if first_zone != last_zone:  # the clocks changed during the visit
        return f"{_day(first)}, {_clock(first)} ({first_zone})–{_clock(last)} ({last_zone})"
    if _meridiem(first) == _meridiem(last):
        return f"{_day(first)}, {_clock(first, meridiem=False)}–{_clock(last)} ({last_zone})"
    return f"{_day(first)}, {_clock(first)}–{_clock(last)} ({last_zone})"


def format_minutes(minutes: int) -> str:
    """'15 minutes', '1 hour', '1 hour 30 minutes', '2 hours'."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(_count(hours, "hour", "hours"))
    if rest or not hours:
        parts.append(_count(rest, "minute", "minutes"))
    return " ".join(parts)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _day(moment: datetime) -> str:
    # Not strftime: %A and %B follow the process locale.
    return long_day(moment)


def _meridiem(moment: datetime) -> str:
    return "AM" if moment.hour < 12 else "PM"


def _clock(moment: datetime, *, meridiem: bool = True) -> str:
    hour = moment.hour % 12 or 12
    text = f"{hour}:{moment.minute:02d}"
    return f"{text} {_meridiem(moment)}" if meridiem else text


# --------------------------------------------------------------------------- invite form


@dataclass(frozen=True)
class InviteForm:
    """What a teacher asks for: which coach, when, for how long, where and what kind of help."""

    coach_user_id: str
    day: date
    start: time
    minutes: int
    class_name: str | None  # None for co-planning
    support: SupportType
    focus: str | None
    note: str | None
    goal_id: int | None = None  # the teacher's goal this visit is part of


_LENGTH_OPTIONS = {
    minutes: Option(value=str(minutes), text=format_minutes(minutes)) for minutes in VISIT_LENGTHS
}
_SUPPORT_OPTIONS = {
    support: Option(value=support.value, text=support.label) for support in SupportType
}


def build_blank_invite_form(
    today: date, coach_user_id: str | None = None, goals: tuple[tuple[int, str], ...] = ()
) -> dict[str, Any]:
    """The empty form `/invite-coach` opens: built once per day and coach, then copied.

    Building it through slack_sdk's models costs milliseconds of CPU, and under a burst of
    commands that time delays every other request's acknowledgement.
    """
    return copy.deepcopy(_blank_invite_form(today, coach_user_id, goals))


@functools.lru_cache(maxsize=512)
def _blank_invite_form(
    today: date, coach_user_id: str | None, goals: tuple[tuple[int, str], ...]
) -> dict[str, Any]:
    return build_invite_form(today=today, coach_user_id=coach_user_id, goals=goals)


def build_invite_form(
    *,
    today: date,
    coach_user_id: str | None = None,
    initial: InviteForm | None = None,
    warning: str | None = None,
    private_metadata: str = "",
    goals: Sequence[tuple[int, str]] = (),
) -> dict[str, Any]:
    """The teacher's invitation; with `initial` and `warning`, shown again to change something.

    `goals` are the teacher's active goals as (id, question), offered as what the visit is for.
    """
    blocks: list[SlackBlock] = []
    if warning:
        blocks.append(
            SectionBlock(
                block_id=Block.INVITE_WARNING,
                text=MarkdownTextObject(text=_clip(f":warning: {warning}", MAX_SECTION)),
            )
        )
    coach = initial.coach_user_id if initial is not None else coach_user_id
    support = initial.support if initial is not None else SupportType.OBSERVE
    blocks += [
        InputBlock(
            block_id=Block.INVITE_COACH,
            label="Coach",
            element=UserSelectElement(
                action_id=Action.INVITE_COACH,
                placeholder="Choose a coach",
                initial_user=coach or None,
            ),
        ),
        *_when_inputs(
            (Block.INVITE_DATE, Action.INVITE_DATE),
            (Block.INVITE_TIME, Action.INVITE_TIME),
            (Block.INVITE_LENGTH, Action.INVITE_LENGTH),
            day=initial.day if initial is not None else today,
            start=initial.start if initial is not None else None,
            minutes=initial.minutes if initial is not None else DEFAULT_VISIT_MINUTES,
        ),
        select_input(
            Block.INVITE_SUPPORT,
            Action.INVITE_SUPPORT,
            "What kind of support?",
            options=list(_SUPPORT_OPTIONS.values()),
            initial=_SUPPORT_OPTIONS[support],
            placeholder="Choose one",
        ),
        text_input(
            Block.INVITE_CLASS,
            Action.INVITE_CLASS,
            "Class or period",
            limit=MAX_CLASS,
            initial=initial.class_name if initial else None,
            placeholder="Period 3 Algebra",
            hint="Not needed for co-planning",
            optional=True,
        ),
        text_input(
            Block.INVITE_FOCUS,
            Action.INVITE_FOCUS,
            "What should they look for?",
            limit=MAX_FOCUS,
            initial=initial.focus if initial else None,
            placeholder="How my students explain their thinking in small groups",
            optional=True,
            multiline=True,
        ),
        text_input(
            Block.INVITE_NOTE,
            Action.INVITE_NOTE,
            "Anything else?",
            limit=MAX_NOTE,
            initial=initial.note if initial else None,
            placeholder="Where to find your room, or what the class is working on",
            optional=True,
            multiline=True,
        ),
    ]
    if goals:
        options = [
            Option(value=str(goal_id), text=_clip(question, _MAX_GOAL_OPTION))
            for goal_id, question in list(goals)[:100]
        ]
        chosen = next(
            (o for o in options if initial is not None and o.value == str(initial.goal_id)),
            options[0] if len(options) == 1 and initial is None else None,
        )
        blocks.append(
            select_input(
                Block.INVITE_GOAL,
                Action.INVITE_GOAL,
                "Part of which goal?",
                options=options,
                initial=chosen,
                placeholder="Choose a goal",
                optional=True,
            )
        )
    return modal(
        "Invite a coach",
        blocks,
        close="Cancel",
        callback_id=Callback.INVITE,
        submit="Send invitation",
        private_metadata=private_metadata or None,
    )


def parse_invite_form(
    values: StateValues, *, today: date
) -> tuple[InviteForm | None, dict[str, str]]:
    """The invitation's submission, or kind messages keyed by the block to show them under.

    `today` bounds the day to this school year and the next (bot.rules.visits.check_time then
    checks it against the teacher's own calendar and zone).
    """
    errors: dict[str, str] = {}
    goal_value = _selected_value(values, Block.INVITE_GOAL, Action.INVITE_GOAL)
    goal_id = _record_id(goal_value)
    if goal_value is not None and goal_id is None:
        errors[Block.INVITE_GOAL] = _STALE

    coach = _state(values, Block.INVITE_COACH, Action.INVITE_COACH).get("selected_user")
    if not isinstance(coach, str) or not coach:
        errors[Block.INVITE_COACH] = "Choose the coach you'd like to invite."

    day, start, minutes = _parse_when(
        values,
        errors,
        today,
        (Block.INVITE_DATE, Action.INVITE_DATE),
        (Block.INVITE_TIME, Action.INVITE_TIME),
        (Block.INVITE_LENGTH, Action.INVITE_LENGTH),
    )

    support: SupportType | None = None
    support_value = _selected_value(values, Block.INVITE_SUPPORT, Action.INVITE_SUPPORT)
    if support_value is None:
        errors[Block.INVITE_SUPPORT] = "Choose the kind of support you'd like."
    else:
        try:
            support = SupportType(support_value)
        except ValueError:
            errors[Block.INVITE_SUPPORT] = _STALE

    class_name = _text(values, Block.INVITE_CLASS, Action.INVITE_CLASS, single_line=True)
    if class_name is not None and len(class_name) > MAX_CLASS:
        errors[Block.INVITE_CLASS] = _too_long(class_name, MAX_CLASS)
    elif class_name is None and support is not None and support.needs_class:
        errors[Block.INVITE_CLASS] = "Which class or period should they come to?"
    if support is not None and not support.needs_class:
        class_name = None

    focus = _text(values, Block.INVITE_FOCUS, Action.INVITE_FOCUS)
    if focus is not None and len(focus) > MAX_FOCUS:
        errors[Block.INVITE_FOCUS] = _too_long(focus, MAX_FOCUS)
    note = _text(values, Block.INVITE_NOTE, Action.INVITE_NOTE)
    if note is not None and len(note) > MAX_NOTE:
        errors[Block.INVITE_NOTE] = _too_long(note, MAX_NOTE)

    if (
        errors
        or not isinstance(coach, str)
        or day is None
        or start is None
        or minutes is None
        or support is None
    ):
        return None, errors
    return (
        InviteForm(
            coach_user_id=coach,
            day=day,
            start=start,
            minutes=minutes,
            class_name=class_name,
            support=support,
            focus=focus,
            note=note,
            goal_id=goal_id,
        ),
        {},
    )


# --------------------------------------------------------------------------- propose form


@dataclass(frozen=True)
class ProposeForm:
    """Another time for a visit, in the zone of the person suggesting it."""

    day: date
    start: time
    minutes: int
    note: str | None


def build_propose_form(card: VisitCard, *, by: str, today: date) -> dict[str, Any]:
    """Suggest another time (by the coach) or reschedule (by the teacher).

    The pickers start at the visit's current time in `card.tz`, or today if that has passed.
    """
    _check_person(by, "by")
    zone = _zone(card.tz)
    local_start = _aware(card.starts_at).astimezone(zone)
    minutes = round((_aware(card.ends_at) - _aware(card.starts_at)).total_seconds() / 60)
    other = TEACHER if by == COACH else COACH
    return modal(
        "Suggest another time" if by == COACH else "Reschedule",
        [
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=_clip(
                            "Right now it's set for "
                            f"{format_when(card.starts_at, card.ends_at, card.tz)}.",
                            MAX_CONTEXT,
                        )
                    )
                ]
            ),
            *_when_inputs(
                (Block.PROPOSE_DATE, Action.PROPOSE_DATE),
                (Block.PROPOSE_TIME, Action.PROPOSE_TIME),
                (Block.PROPOSE_LENGTH, Action.PROPOSE_LENGTH),
                day=max(local_start.date(), today),
                start=local_start.time().replace(second=0, microsecond=0, tzinfo=None),
                minutes=minutes,
            ),
            text_input(
                Block.PROPOSE_NOTE,
                Action.PROPOSE_NOTE,
                f"A note for the {other}",
                limit=MAX_PROPOSAL_NOTE,
                placeholder="Thursdays work better for me",
                optional=True,
                multiline=True,
            ),
        ],
        close="Cancel",
        callback_id=Callback.PROPOSE,
        submit="Send",
        private_metadata=button_value(card),
    )


def parse_propose_form(
    values: StateValues, *, today: date
) -> tuple[ProposeForm | None, dict[str, str]]:
    """The suggested time, or kind messages keyed by the block to show them under."""
    errors: dict[str, str] = {}
    day, start, minutes = _parse_when(
        values,
        errors,
        today,
        (Block.PROPOSE_DATE, Action.PROPOSE_DATE),
        (Block.PROPOSE_TIME, Action.PROPOSE_TIME),
        (Block.PROPOSE_LENGTH, Action.PROPOSE_LENGTH),
    )
    note = _text(values, Block.PROPOSE_NOTE, Action.PROPOSE_NOTE)
    if note is not None and len(note) > MAX_PROPOSAL_NOTE:
        errors[Block.PROPOSE_NOTE] = _too_long(note, MAX_PROPOSAL_NOTE)
    if errors or day is None or start is None or minutes is None:
        return None, errors
    return ProposeForm(day=day, start=start, minutes=minutes, note=note), {}


# --------------------------------------------------------------------------- decline form


def build_decline_form(card: VisitCard) -> dict[str, Any]:
    """The coach says no, kindly; the teacher is offered other coaches."""
    return modal(
        "Decline invitation",
        [
            SectionBlock(
                text=MarkdownTextObject(
                    text=(
                        f"We'll let {_mention(card.teacher_user_id)} know you can't make this one, "
                        "and suggest other coaches who could help. No need to explain."
                    )
                )
            ),
            text_input(
                Block.DECLINE_REASON,
                Action.DECLINE_REASON,
                "A kind word for the teacher",
                limit=MAX_DECLINE_REASON,
                placeholder="I'm at a training that day. I'd love to come another week!",
                hint="Optional. They will see it.",
                optional=True,
                multiline=True,
            ),
        ],
        close="Cancel",
        callback_id=Callback.DECLINE,
        submit="Decline",
        private_metadata=button_value(card),
    )


def parse_decline_form(values: StateValues) -> tuple[str | None, dict[str, str]]:
    """(the reason, or None when none was given; errors): only a reason that is too long."""
    reason = _text(values, Block.DECLINE_REASON, Action.DECLINE_REASON)
    if reason is not None and len(reason) > MAX_DECLINE_REASON:
        return None, {Block.DECLINE_REASON: _too_long(reason, MAX_DECLINE_REASON)}
    return reason, {}


# --------------------------------------------------------------------------- form helpers


def _when_inputs(
    date_ids: tuple[Block, Action],
    time_ids: tuple[Block, Action],
    length_ids: tuple[Block, Action],
    *,
    day: date,
    start: time | None,
    minutes: int,
) -> list[SlackBlock]:
    return [
        date_input(
            date_ids[0],
            date_ids[1],
            "Day",
            initial=day,
            placeholder="Choose a day",
        ),
        time_input(
            time_ids[0],
            time_ids[1],
            "Start time",
            initial=start,
            placeholder="Choose a time",
        ),
        select_input(
            length_ids[0],
            length_ids[1],
            "How long",
            options=list(_LENGTH_OPTIONS.values()),
            initial=_LENGTH_OPTIONS[_nearest_length(minutes)],
            placeholder="Choose a length",
        ),
    ]


def _nearest_length(minutes: int) -> int:
    """The offered length closest to `minutes`, the shorter one on a tie."""
    return min(VISIT_LENGTHS, key=lambda length: (abs(length - minutes), length))


def _parse_when(
    values: StateValues,
    errors: dict[str, str],
    today: date,
    date_ids: tuple[Block, Action],
    time_ids: tuple[Block, Action],
    length_ids: tuple[Block, Action],
) -> tuple[date | None, time | None, int | None]:
    day = _picked_date(values, *date_ids)
    if day is None:
        errors[date_ids[0]] = "Choose a day."
    elif (too_far := outside_school_years(day, today)) is not None:
        errors[date_ids[0]] = too_far
        day = None
    start = _picked_time(values, *time_ids)
    if start is None:
        errors[time_ids[0]] = "Choose a start time."
    minutes: int | None = None
    length = _selected_value(values, *length_ids)
    if length is None:
        errors[length_ids[0]] = "Choose how long it will be."
    elif _whole_number(length) in VISIT_LENGTHS:
        minutes = _whole_number(length)
    else:
        errors[length_ids[0]] = _STALE
    return day, start, minutes


def _check_person(value: str, name: str) -> None:
    if value not in _PEOPLE:
        raise ValueError(f"{name} must be 'coach' or 'teacher', not {value!r}")


# --------------------------------------------------------------------------- messages


def build_coach_invitation(card: VisitCard) -> dict[str, Any]:
    """To the coach: a teacher's invitation, with Accept, Suggest another time and Decline."""
    who = _mention(card.teacher_user_id)
    if card.support.needs_class:
        sentence = f"{who} would love you to visit {_class(card)}"
    else:
        sentence = f"{who} would like to co-plan with you"
    blocks = [
        _section(f"{sentence}."),
        _details(card),
        *_quote_blocks(card.note),
        answer_actions(card),
    ]
    return _message(f"{sentence} on {_when(card)}.", blocks)


def build_teacher_sent(card: VisitCard) -> dict[str, Any]:
    """To the teacher: the invitation went out; they can reschedule or cancel it."""
    coach = _mention(card.coach_user_id)
    text = f"Your invitation is on its way to {coach}. You'll hear back here."
    actions = ActionsBlock(
        block_id=Block.VISIT_ACTIONS,
        elements=[
            ButtonElement(
                text="Reschedule", action_id=Action.INVITE_RESCHEDULE, value=button_value(card)
            ),
            ButtonElement(
                text="Cancel invitation",
                action_id=Action.INVITE_CANCEL,
                value=button_value(card),
                style="danger",
                confirm=ConfirmObject(
                    title="Cancel this invitation?",
                    text=f"{coach} will be told.",
                    confirm="Yes, cancel",
                    deny="Keep it",
                ),
            ),
        ],
    )
    blocks = [_section(text), _details(card), *_quote_blocks(card.note), actions]
    return _message(text, blocks)


def build_proposal(card: VisitCard, *, to: str) -> dict[str, Any]:
    """To whoever answers a suggested time (`to`: 'coach' or 'teacher'): the new time and why."""
    _check_person(to, "to")
    if card.proposed_starts_at is None or card.proposed_ends_at is None:
        raise ValueError("a proposal needs proposed_starts_at and proposed_ends_at")
    proposer = card.coach_user_id if to == TEACHER else card.teacher_user_id
    new_when = format_when(card.proposed_starts_at, card.proposed_ends_at, card.tz)
    old_when = _when(card)
    text = f"{_mention(proposer)} suggested another time: {new_when} (instead of {old_when})."
    blocks = [
        _section(text),
        *_quote_blocks(card.proposal_note),
        _details(card, when=new_when, when_label="Suggested time"),
        answer_actions(card),
    ]
    return _message(text, blocks)


def build_status_update(card: VisitCard, *, viewer: str, headline: str) -> dict[str, Any]:
    """What a visit message becomes once it is answered: the details and what happened."""
    _check_person(viewer, "viewer")
    if viewer == COACH:
        sentence = f"{_mention(card.teacher_user_id)} invited you to " + (
            f"visit {_class(card)}" if card.support.needs_class else "co-plan"
        )
    else:
        sentence = f"You invited {_mention(card.coach_user_id)} to " + (
            f"visit {_class(card)}" if card.support.needs_class else "co-plan"
        )
    blocks = [
        _section(f"{sentence}."),
        _details(card),
        ContextBlock(elements=[MarkdownTextObject(text=_clip(headline, MAX_CONTEXT))]),
    ]
    return _message(f"{headline} {sentence} on {_when(card)}.", blocks)


def build_accepted(card: VisitCard, *, viewer: str, links: CalendarLinks) -> dict[str, Any]:
    """To each person once the coach (or teacher) accepts: what's planned and calendar links."""
    _check_person(viewer, "viewer")
    when = _when(card)
    if viewer == COACH:
        who = _mention(card.teacher_user_id)
        if card.support.needs_class:
            text = f"You're visiting {who} in {_class(card)} on {when}."
        else:
            text = f"You're co-planning with {who} on {when}."
    else:
        who = _mention(card.coach_user_id)
        if card.support.needs_class:
            text = f":tada: {who} accepted! They'll visit {_class(card)} on {when}."
        else:
            text = f":tada: {who} accepted! You'll co-plan together on {when}."
    blocks: list[SlackBlock] = [_section(text), _details(card)]
    buttons = [
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
    if buttons:
        blocks.append(ActionsBlock(elements=buttons))
    return _message(text, blocks)


def build_declined(card: VisitCard, *, others: Sequence[OtherCoach]) -> dict[str, Any]:
    """To the teacher: the coach can't come, their kind word, and who else could help."""
    coach = _mention(card.coach_user_id)
    shown = [other for other in others if other.user_id][:MAX_OTHER_COACHES]
    blocks: list[SlackBlock] = [
        _section(f"{coach} can't make this one."),
        *_quote_blocks(card.decline_reason),
        _details(card),
    ]
    if shown:
        topic = _inline(card.focus) if card.focus else f"_{card.support.label}_"
        blocks.append(_section(f"These coaches could help with {topic}:"))
        blocks += [_other_coach(other) for other in shown]
        after = "Here are other coaches who could help."
    else:
        after = "Try another time, or ask your lead coach who could help."
        blocks.append(_section(after))
    return _message(f"{coach} can't make this one ({_when(card)}). {after}", blocks)


def build_cancelled(card: VisitCard) -> dict[str, Any]:
    """To the coach: the teacher withdrew the invitation."""
    what = "the visit" if card.support.needs_class else "co-planning"
    text = (
        f":no_entry_sign: {_mention(card.teacher_user_id)} cancelled {what} on {_when(card)}. "
        "Nothing for you to do."
    )
    return _message(text, [_section(text), _details(card)])


def build_notice(text: str) -> dict[str, Any]:
    """A short answer, often ephemeral: 'This invitation was already accepted.'"""
    return _message(text, [_section(text)])


# --------------------------------------------------------------------------- message helpers


def _message(text: str, blocks: Sequence[SlackBlock]) -> dict[str, Any]:
    return {"text": text, "blocks": [block.to_dict() for block in blocks]}


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=_clip(text, MAX_SECTION)))


def _when(card: VisitCard) -> str:
    return format_when(card.starts_at, card.ends_at, card.tz)


def _class(card: VisitCard) -> str:
    return _inline(card.class_name) if card.class_name else "their class"


def _inline(text: str) -> str:
    """Someone's words inside a sentence: escaped for mrkdwn, on one line, not too long."""
    return _clip(_escape(" ".join(text.split())), MAX_INLINE)


def _details(card: VisitCard, *, when: str | None = None, when_label: str = "When") -> SectionBlock:
    fields = [_field(when_label, when if when is not None else _when(card))]
    if when is not None:
        fields.append(_field("Instead of", _when(card)))
    if card.support.needs_class:
        fields.append(_field("Class", _escape(card.class_name) if card.class_name else "Not given"))
    fields.append(_field("Support", card.support.label))
    if card.focus:
        fields.append(_field("Focus", _escape(card.focus)))
    return SectionBlock(fields=fields)


def _field(label: str, value: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=_clip(f"*{label}*\n{value}", MAX_FIELD))


def _quote_blocks(text: str | None) -> list[SlackBlock]:
    """Someone's own words as a quote, or nothing when there are none."""
    if not text or not text.strip():
        return []
    lines = _escape(text.strip()).splitlines()
    return [_section("\n".join(f"> {line}" if line.strip() else ">" for line in lines))]


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
    lines = [f"*{_escape(name)}*" if name else _mention(other.user_id)]
    if areas:
        lines.append(_escape(areas))
    label = _clip(f"Invite {first}" if first else "Invite this coach", MAX_BUTTON_TEXT)
    return SectionBlock(
        text=MarkdownTextObject(text=_clip("\n".join(lines), MAX_SECTION)),
        accessory=ButtonElement(
            text=label,
            action_id=Action.INVITE_OTHER_COACH,
            value=other.user_id,
            accessibility_label=_clip(f"Invite {name or 'this coach'}", MAX_BUTTON_TEXT),
        ),
    )
