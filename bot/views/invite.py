"""Invitations: the invite, suggest-a-time and decline modals.

The visit they are about, and the messages that carry it, are in bot/views/visits.py; its
names stay importable from here, where the listeners and the delivery code look for them.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    Block as SlackBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
)

from bot.ids import Block, Callback, Input
from bot.rules.calendar import When, zone_or_default
from bot.rules.domain import DEFAULT_VISIT_MINUTES, VISIT_LENGTHS, SupportType
from bot.rules.limits import MAX_CLASS, MAX_DECLINE_REASON, MAX_FOCUS, MAX_NOTE, MAX_PROPOSAL_NOTE
from bot.views import common
from bot.views.common import (
    COACH as COACH,
    TEACHER as TEACHER,
    StateValues,
    TextField,
    check_person,
    clip,
    context,
    mention,
    section,
)
from bot.views.visits import (
    MAX_OTHER_COACHES as MAX_OTHER_COACHES,
    CalendarLinks as CalendarLinks,
    OtherCoach as OtherCoach,
    VisitCard as VisitCard,
    answer_actions as answer_actions,
    build_accepted as build_accepted,
    build_cancelled as build_cancelled,
    build_coach_invitation as build_coach_invitation,
    build_declined as build_declined,
    build_notice as build_notice,
    build_proposal as build_proposal,
    build_status_update as build_status_update,
    build_teacher_sent as build_teacher_sent,
    button_value as button_value,
    parse_button_value as parse_button_value,
)
from bot.views.when import (
    aware,
    format_minutes as format_minutes,
    format_when as format_when,
    parse_when,
    when_ids,
    when_inputs,
)

_MAX_GOAL_OPTION = 75  # Slack's limit for an option's text

_INVITE_WHEN = when_ids("INVITE")
_PROPOSE_WHEN = when_ids("PROPOSE")


# --------------------------------------------------------------------------- invite form


@dataclass(frozen=True)
class InviteForm:
    """What a teacher asks for: which coach, when, for how long, where and what kind of help."""

    coach_user_id: str
    when: When
    class_name: str | None  # None for co-planning
    support: SupportType
    focus: str | None
    note: str | None
    goal_id: int | None = None  # the teacher's goal this visit is part of


_SUPPORT_OPTIONS = {
    support: Option(value=support.value, text=support.label) for support in SupportType
}


_CLASS = TextField(
    Input.INVITE_CLASS,
    "Class or period",
    MAX_CLASS,
    placeholder="Period 3 Algebra",
    hint="Not needed for co-planning",
    optional=True,
    single_line=True,
)
_FOCUS = TextField(
    Input.INVITE_FOCUS,
    "What should they look for?",
    MAX_FOCUS,
    placeholder="How my students explain their thinking in small groups",
    optional=True,
    multiline=True,
)
_NOTE = TextField(
    Input.INVITE_NOTE,
    "Anything else?",
    MAX_NOTE,
    placeholder="Where to find your room, or what the class is working on",
    optional=True,
    multiline=True,
)
_PROPOSAL_NOTE = TextField(
    Input.PROPOSE_NOTE,
    "A note",
    MAX_PROPOSAL_NOTE,
    placeholder="Thursdays work better for me",
    optional=True,
    multiline=True,
)
_REASON = TextField(
    Input.DECLINE_REASON,
    "A kind word for the teacher",
    MAX_DECLINE_REASON,
    placeholder="I'm at a training that day. I'd love to come another week!",
    hint="Optional. They will see it.",
    optional=True,
    multiline=True,
)


def build_blank_invite_form(
    today: date, coach_user_id: str | None = None, goals: tuple[tuple[int, str], ...] = ()
) -> dict[str, Any]:
    """The empty form `/invite-coach` opens: built once per day, coach and goals, and handed
    out as a new view whose blocks are shared with every other one handed out. Copy a block
    before changing it, as office hours' open times do (bot/views/office_hours.py).

    Building it through slack_sdk's models costs milliseconds of CPU, and under a burst of
    commands that time delays every other request's acknowledgement; so would copying its
    blocks, which cost as much as the statement that finds the teacher's goals.
    """
    kept = _blank_invite_form(today, coach_user_id, goals)
    return {**kept, "blocks": list(kept["blocks"])}


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
    focus: str | None = None,
) -> dict[str, Any]:
    """The teacher's invitation; with `initial` and `warning`, shown again to change something.

    `goals` are the teacher's active goals as (id, question), offered as what the visit is for;
    `focus` fills in what the coach should look for (a next step the teacher wants help with).
    """
    blocks: list[SlackBlock] = []
    if warning:
        blocks.append(
            SectionBlock(
                block_id=Block.INVITE_WARNING,
                text=MarkdownTextObject(text=clip(f":warning: {warning}", common.MAX_SECTION)),
            )
        )
    coach = initial.coach_user_id if initial is not None else coach_user_id
    support = initial.support if initial is not None else SupportType.OBSERVE
    blocks += [
        common.user_input(
            Input.INVITE_COACH,
            Input.INVITE_COACH,
            "Coach",
            initial=coach,
            placeholder="Choose a coach",
        ),
        *when_inputs(
            _INVITE_WHEN,
            day=initial.when.day if initial is not None else today,
            start=initial.when.start if initial is not None else None,
            minutes=initial.when.minutes if initial is not None else DEFAULT_VISIT_MINUTES,
            lengths=VISIT_LENGTHS,
        ),
        common.select_input(
            Input.INVITE_SUPPORT,
            Input.INVITE_SUPPORT,
            "What kind of support?",
            options=list(_SUPPORT_OPTIONS.values()),
            initial=_SUPPORT_OPTIONS[support],
            placeholder="Choose one",
        ),
        _CLASS.input(initial.class_name if initial else None),
        _FOCUS.input(initial.focus if initial else common.initial_text(focus, MAX_FOCUS)),
        _NOTE.input(initial.note if initial else None),
    ]
    if goals:
        blocks.append(_goal_input(goals, initial))
    view = common.form(
        "Invite a coach",
        blocks,
        callback_id=Callback.INVITE,
        submit="Send invitation",
        private_metadata=private_metadata or None,
    )
    # Choosing another coach tells coachbot, so the form can offer that coach's open times.
    for block in view["blocks"]:
        if block.get("block_id") == Input.INVITE_COACH:
            block["dispatch_action"] = True
    return view


def _goal_input(goals: Sequence[tuple[int, str]], initial: InviteForm | None) -> InputBlock:
    """Which of the teacher's goals the visit is part of; the only one is chosen for them."""
    options = [
        Option(value=str(goal_id), text=clip(question, _MAX_GOAL_OPTION))
        for goal_id, question in list(goals)[:100]
    ]
    chosen = next(
        (o for o in options if initial is not None and o.value == str(initial.goal_id)),
        options[0] if len(options) == 1 and initial is None else None,
    )
    return common.select_input(
        Input.INVITE_GOAL,
        Input.INVITE_GOAL,
        "Part of which goal?",
        options=options,
        initial=chosen,
        placeholder="Choose a goal",
        optional=True,
    )


def parse_invite_form(
    values: StateValues, *, today: date
) -> tuple[InviteForm | None, dict[str, str]]:
    """The invitation's submission, or kind messages keyed by the block to show them under.

    `today` bounds the day to this school year and the next (bot.rules.visits.check_time then
    checks it against the teacher's own calendar and zone).
    """
    errors: dict[str, str] = {}
    goal_value = common.selected_value(values, Input.INVITE_GOAL, Input.INVITE_GOAL)
    goal_id = common.record_id(goal_value)
    if goal_value is not None and goal_id is None:
        errors[Input.INVITE_GOAL] = common.STALE

    coach = common.state_of(values, Input.INVITE_COACH, Input.INVITE_COACH).get("selected_user")
    if not isinstance(coach, str) or not coach:
        errors[Input.INVITE_COACH] = "Choose the coach you'd like to invite."

    when = parse_when(values, errors, _INVITE_WHEN, today=today, lengths=VISIT_LENGTHS)

    support: SupportType | None = None
    support_value = common.selected_value(values, Input.INVITE_SUPPORT, Input.INVITE_SUPPORT)
    if support_value is None:
        errors[Input.INVITE_SUPPORT] = "Choose the kind of support you'd like."
    else:
        try:
            support = SupportType(support_value)
        except ValueError:
            errors[Input.INVITE_SUPPORT] = common.STALE

    class_name, focus, note = (field.read(values, errors) for field in (_CLASS, _FOCUS, _NOTE))
    if class_name is None and support is not None and support.needs_class:
        errors[Input.INVITE_CLASS] = "Which class or period should they come to?"
    if support is not None and not support.needs_class:
        class_name = None

    if errors or not isinstance(coach, str) or when is None or support is None:
        return None, errors
    return (
        InviteForm(
            coach_user_id=coach,
            when=when,
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

    when: When
    note: str | None


def build_propose_form(card: VisitCard, *, by: str, today: date) -> dict[str, Any]:
    """Suggest another time (by the coach) or reschedule (by the teacher).

    The pickers start at the visit's current time in `card.tz`, or today if that has passed.
    """
    check_person(by, "by")
    local_start = aware(card.starts_at).astimezone(zone_or_default(card.tz))
    minutes = round((aware(card.ends_at) - aware(card.starts_at)).total_seconds() / 60)
    other = TEACHER if by == COACH else COACH
    return common.form(
        "Suggest another time" if by == COACH else "Reschedule",
        [
            context(
                f"Right now it's set for {format_when(card.starts_at, card.ends_at, card.tz)}."
            ),
            *when_inputs(
                _PROPOSE_WHEN,
                day=max(local_start.date(), today),
                start=local_start.time().replace(second=0, microsecond=0, tzinfo=None),
                minutes=minutes,
                lengths=VISIT_LENGTHS,
            ),
            _PROPOSAL_NOTE.input(label=f"A note for the {other}"),
        ],
        callback_id=Callback.PROPOSE,
        submit="Send",
        private_metadata=button_value(card),
    )


def parse_propose_form(
    values: StateValues, *, today: date
) -> tuple[ProposeForm | None, dict[str, str]]:
    """The suggested time, or kind messages keyed by the block to show them under."""
    errors: dict[str, str] = {}
    when = parse_when(values, errors, _PROPOSE_WHEN, today=today, lengths=VISIT_LENGTHS)
    note = _PROPOSAL_NOTE.read(values, errors)
    if errors or when is None:
        return None, errors
    return ProposeForm(when=when, note=note), {}


# --------------------------------------------------------------------------- decline form


def build_decline_form(card: VisitCard) -> dict[str, Any]:
    """The coach says no, kindly; the teacher is offered other coaches."""
    return common.form(
        "Decline invitation",
        [
            section(
                f"We'll let {mention(card.teacher_user_id)} know you can't make this one, "
                "and suggest other coaches who could help. No need to explain."
            ),
            _REASON.input(),
        ],
        callback_id=Callback.DECLINE,
        submit="Decline",
        private_metadata=button_value(card),
    )


def parse_decline_form(values: StateValues) -> tuple[str | None, dict[str, str]]:
    """(the reason, or None when none was given; errors): only a reason that is too long."""
    errors: dict[str, str] = {}
    reason = _REASON.read(values, errors)
    return (None, errors) if errors else (reason, {})
