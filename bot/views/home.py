"""The Home tab, per role, and the two modals it opens: settings and a coach's whole caseload.

Pure builders: bot/reads/home.py gathers what a person may see (through
bot/rules/policy.py) into the data classes below, and these only turn it into Block Kit.
Blocks are plain dicts, so the report blocks an admin or leader sees can be added as they
come.

Every Home stays within Slack's 100 blocks whatever the data: lists are packed into a few
sections and summarised ("and 30 more"), and the report gets whatever room is left.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.ids import Action, Block, Command
from bot.rules.calendar import zone_or_default
from bot.rules.cards import RosterSummary
from bot.rules.domain import DEFAULT_TIMEZONE, CycleState, Role, SupportType
from bot.views.admin import summary_text
from bot.views.caseload import (
    CASELOAD_TITLE as CASELOAD_TITLE,
    MAX_CASELOAD_ON_HOME as MAX_CASELOAD_ON_HOME,
    CaseloadLine as CaseloadLine,
    build_caseload_modal as build_caseload_modal,
    caseload_on_home,
    short_date,
)
from bot.views.common import (
    COACHING_IS,
    MAX_INLINE,
    clip,
    count,
    escape,
    long_day,
)
from bot.views.office_hours import HoursOnHome, home_blocks as office_hours_blocks
from bot.views.plain import Dict, actions, button, context, divider, header, packed, section
from bot.views.privacy import SeenLine, build_seen_section, seen_footer
from bot.views.settings import (
    DEFAULT_COACH_SETTINGS,
    DEFAULT_LIST_TIME as DEFAULT_LIST_TIME,
    DEFAULT_TEACHER_SETTINGS,
    SHARE_NEVER as SHARE_NEVER,
    CoachSettings as CoachSettings,
    SchoolHours as SchoolHours,
    SettingsChange as SettingsChange,
    TeacherSettings as TeacherSettings,
    build_settings_modal as build_settings_modal,
    coach_settings_words,
    parse_settings_form as parse_settings_form,
    teacher_settings_words,
)
from bot.views.visits import WaitingInvitation
from bot.views.when import clock_span, format_minutes, format_when

MAX_BLOCKS = 100  # Slack's limit for a Home tab and for a modal
# How much of each list the Home tab names before it says "and N more".
MAX_REFLECTIONS_ON_HOME = 5
MAX_GOALS_ON_HOME = 5
MAX_DEAD_ON_HOME = 5

NO_REPORT_YET = (
    "Aggregate reports will appear here: coaching time by kind of support and how many "
    "teachers have been reached, for groups of at least 5 people."
)

_VISIT_STATUS = {
    "pending": "waiting for your coach's answer",
    "proposed": "a new time was suggested",
    "accepted": "confirmed",
}


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Appointment:
    """A visit or a debrief as one line of someone's Home; times are UTC."""

    kind: str  # "visit" or "debrief"
    other_user_id: str  # the coach on a teacher's Home, the teacher on a coach's
    starts_at: datetime
    ends_at: datetime
    support: SupportType | None = None  # visits only
    class_name: str | None = None
    status: str = "accepted"  # a visit's status; debriefs are always "accepted"
    place: str | None = None  # debriefs only


@dataclass(frozen=True)
class GoalLine:
    """One of the teacher's own active goals, where its cycle is, and the next step agreed."""

    goal_id: int
    question: str
    focus_area: str
    coach_user_id: str | None
    state: CycleState
    next_step: str | None = None
    target_date: date | None = None


@dataclass(frozen=True)
class ReflectionLine:
    """A reflection prompt the teacher has not answered yet."""

    reflection_id: int
    question: str


@dataclass(frozen=True)
class DeadMessage:
    """A message the outbox gave up on: its kind and Slack's error, never its words."""

    kind: str
    error: str
    due_at: datetime


@dataclass(frozen=True)
class TeacherPart:
    upcoming: tuple[Appointment, ...] = ()
    more_upcoming: int = 0
    goals: tuple[GoalLine, ...] = ()
    reflections: tuple[ReflectionLine, ...] = ()
    settings: TeacherSettings = DEFAULT_TEACHER_SETTINGS
    # Who has seen the teacher's record in the last 30 days, newest first; None when not read.
    seen_by: tuple[SeenLine, ...] | None = None

    @property
    def empty(self) -> bool:
        return not (self.upcoming or self.goals or self.reflections)


@dataclass(frozen=True)
class CoachPart:
    today: tuple[Appointment, ...] = ()
    week: tuple[Appointment, ...] = ()
    week_label: str = "Later this week"
    invitations: tuple[WaitingInvitation, ...] = ()
    caseload: tuple[CaseloadLine, ...] = ()  # everyone, not seen longest first
    minutes: Mapping[SupportType, int] = field(default_factory=dict)
    month_label: str = ""
    settings: CoachSettings = DEFAULT_COACH_SETTINGS
    office_hours: HoursOnHome | None = None


@dataclass(frozen=True)
class AdminPart:
    roster: RosterSummary
    dead_count: int = 0
    dead: tuple[DeadMessage, ...] = ()


@dataclass(frozen=True)
class HomeData:
    """Everything one person's Home shows; a part is None when their role has no such part."""

    user_id: str
    role: Role
    tz: str
    today: date
    teacher: TeacherPart | None = None
    coach: CoachPart | None = None
    admin: AdminPart | None = None
    reports: bool = False  # admins and leaders: the aggregate report section


# --------------------------------------------------------------------------- the Home tab


def build_home_view(user_id: str, today: date) -> dict[str, Any]:
    """The welcome a teacher with nothing yet sees: what coaching is and how to start."""
    return build_home(
        HomeData(
            user_id=user_id,
            role=Role.TEACHER,
            tz=DEFAULT_TIMEZONE,
            today=today,
            teacher=TeacherPart(),
        )
    )


def build_home(
    data: HomeData, *, report_blocks: Sequence[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """A person's Home tab: the parts their role has, then (admins, leaders) the report."""
    blocks: list[Dict] = []
    if data.teacher is not None:
        blocks += _teacher_blocks(data, data.teacher)
    if data.coach is not None:
        blocks += _coach_blocks(data, data.coach)
    if data.admin is not None:
        if blocks:
            blocks.append(divider())
        blocks += _admin_blocks(data.admin, data.tz)
    if data.reports:
        blocks += _report_blocks(data, report_blocks, room=MAX_BLOCKS - len(blocks))
    if not blocks:
        blocks = _welcome_blocks(data.user_id)
    return {"type": "home", "blocks": blocks[:MAX_BLOCKS]}


def _welcome_blocks(user_id: str) -> list[Dict]:
    return [
        header("Welcome to coachbot"),
        section(
            f"Hi <@{user_id}>! {COACHING_IS} To start, type `{Command.INVITE_COACH}` in any "
            "message box and choose a coach, a time, and what you would like them to notice.",
            block_id=Block.HOME_INTRO,
        ),
    ]


# --------------------------------------------------------------------------- teacher


def _teacher_blocks(data: HomeData, part: TeacherPart) -> list[Dict]:
    blocks = _welcome_blocks(data.user_id) if part.empty else _teacher_intro(data.user_id)
    blocks.append(_teacher_actions(has_goals=bool(part.goals)))
    if part.upcoming:
        blocks.append(divider())
        lines = [_appointment_for_teacher(a, data.tz) for a in part.upcoming]
        blocks.append(packed("*Coming up*", lines, more=part.more_upcoming))
    if part.goals:
        blocks.append(divider())
        blocks.append(section("*Your goals*"))
        shown = part.goals[:MAX_GOALS_ON_HOME]
        blocks += [section(_goal_text(goal, data.today)) for goal in shown]
        if len(part.goals) > len(shown):
            blocks.append(context(f"and {len(part.goals) - len(shown)} more in Your goals"))
    if part.reflections:
        blocks.append(divider())
        blocks.append(
            section("*Waiting for your reflection*\nOnly you see your answers unless you share.")
        )
        shown_reflections = part.reflections[:MAX_REFLECTIONS_ON_HOME]
        for reflection in shown_reflections:
            blocks.append(
                section(
                    f"_{escape(clip(reflection.question, MAX_INLINE))}_",
                    accessory=button(
                        "Reflect", Action.REFLECT_OPEN, value=str(reflection.reflection_id)
                    ),
                )
            )
        left = len(part.reflections) - len(shown_reflections)
        if left:
            blocks.append(
                context(f"and {count(left, 'earlier prompt', 'earlier prompts')} in your messages")
            )
    if part.seen_by is not None:
        blocks.append(divider())
        blocks.append(
            build_seen_section(
                part.seen_by, data.tz, data.today, more_action=Action.HOME_ACCESS_LOG
            )
        )
        blocks.append(seen_footer())
    blocks.append(divider())
    blocks.append(context(teacher_settings_words(part.settings), block_id=Block.HOME_START))
    return blocks


def _teacher_intro(user_id: str) -> list[Dict]:
    return [
        header("Your coaching"),
        context(
            f"Hi <@{user_id}>. Coaching is support, never evaluation: what you and your coach "
            "say to each other stays between the two of you.",
            block_id=Block.HOME_INTRO,
        ),
    ]


def _teacher_actions(*, has_goals: bool) -> Dict:
    return actions(
        button("Invite a coach", Action.HOME_INVITE, style="primary"),
        button("Your goals" if has_goals else "Set a goal", Action.HOME_GOALS),
        button("Schedule a debrief", Action.HOME_DEBRIEF),
        button("Settings", Action.HOME_SETTINGS),
    )


def _appointment_for_teacher(item: Appointment, tz: str) -> str:
    when = format_when(item.starts_at, item.ends_at, tz)
    if item.kind == "debrief":
        return _line(f"*Debrief* with <@{item.other_user_id}>", when, *_details(item))
    status = _VISIT_STATUS.get(item.status, item.status)
    return _line(f"*Visit* from <@{item.other_user_id}>", when, *_details(item), status)


def _goal_text(goal: GoalLine, today: date) -> str:
    details = [_area(goal.focus_area)]
    details.append(f"with <@{goal.coach_user_id}>" if goal.coach_user_id else "no coach yet")
    details.append(goal.state.label)
    if goal.target_date is not None:
        details.append(f"by {long_day(goal.target_date, today=today)}")
    text = f"*{escape(clip(goal.question, MAX_INLINE))}*\n" + " · ".join(details)
    if goal.next_step:
        text += f"\nNext step: _{escape(clip(goal.next_step, MAX_INLINE))}_"
    return text


# --------------------------------------------------------------------------- coach


def _coach_blocks(data: HomeData, part: CoachPart) -> list[Dict]:
    blocks: list[Dict] = [
        header("Your coaching"),
        context(
            f"Hi <@{data.user_id}>. What each teacher shares with you stays between the two of you."
        ),
        actions(
            button("All your teachers", Action.HOME_CASELOAD),
            button("Schedule a debrief", Action.HOME_DEBRIEF),
            button("Settings", Action.HOME_SETTINGS),
        ),
        divider(),
    ]
    today_lines = [_appointment_for_coach(a, data.tz) for a in part.today]
    blocks.append(
        packed(
            f"*Today, {long_day(data.today)}*",
            today_lines,
            empty="Nothing planned today.",
        )
    )
    week_lines = [_appointment_for_coach(a, data.tz, with_day=True) for a in part.week]
    blocks.append(packed(f"*{part.week_label}*", week_lines, empty="Nothing planned yet."))
    blocks.append(actions(button("Log coaching", Action.COACHING_LOG_OPEN)))
    if part.office_hours is not None:
        blocks += office_hours_blocks(part.office_hours)
    if part.invitations:
        blocks.append(divider())
        lines = [_invitation_line(i, data.tz) for i in part.invitations]
        heading = f"*Invitations to answer ({len(part.invitations)})*"
        blocks.append(packed(heading, lines))
        blocks.append(context("Answer each one from the message coachbot sent you."))
    blocks.append(divider())
    blocks += caseload_on_home(part.caseload, data.today)
    blocks.append(divider())
    blocks.append(packed(f"*Your time in {part.month_label}*", _minutes_lines(part.minutes)))
    blocks.append(context(coach_settings_words(part.settings)))
    return blocks


def _appointment_for_coach(item: Appointment, tz: str, *, with_day: bool = False) -> str:
    span = format_when(item.starts_at, item.ends_at, tz) if with_day else _clock_span(item, tz)
    who = f"*Debrief* with <@{item.other_user_id}>" if item.kind == "debrief" else ""
    return _line(span, who or f"<@{item.other_user_id}>", *_details(item))


def _details(item: Appointment) -> list[str]:
    """A debrief's place; a visit's kind of support and class: as much of them as there is."""
    if item.kind == "debrief":
        return [escape(clip(item.place, MAX_INLINE))] if item.place else []
    found = [item.support.label] if item.support is not None else []
    if item.class_name:
        found.append(escape(clip(item.class_name, MAX_INLINE)))
    return found


def _line(*parts: str) -> str:
    return "• " + " · ".join(parts)


def _invitation_line(item: WaitingInvitation, tz: str) -> str:
    parts = [item.support.label]
    if item.class_name:
        parts.append(escape(clip(item.class_name, MAX_INLINE)))
    if item.suggested:
        parts.append("a new time they suggested")
    return _line(
        f"<@{item.teacher_user_id}>", format_when(item.starts_at, item.ends_at, tz), *parts
    )


def _minutes_lines(minutes: Mapping[SupportType, int]) -> list[str]:
    total = sum(minutes.values())
    if not total:
        return ["Nothing logged yet this month. Your visits, and the coaching you log, show here."]
    lines = [
        f"• {support.label}: {format_minutes(minutes[support])}"
        for support in SupportType
        if minutes.get(support)
    ]
    top = sum(m for s, m in minutes.items() if s.tier == 1)
    lines.append(
        f"Feedback, modeling, co-teaching and co-planning: {format_minutes(top)} of "
        f"{format_minutes(total)}."
    )
    return lines


# --------------------------------------------------------------------------- admin and reports


def _admin_blocks(part: AdminPart, tz: str) -> list[Dict]:
    blocks: list[Dict] = [
        header("Roster and reports"),
        section(
            f"*Your roster:* {summary_text(part.roster)}.\n"
            "Coaches, teacher assignments, PLC channels and the school calendar are all in "
            "the admin menu.",
            accessory=button("Admin menu", Action.HOME_ADMIN, label="Open the admin menu"),
        ),
    ]
    if not part.dead_count:
        blocks.append(context("Every scheduled message is going out. None has failed."))
    else:
        lines = [
            f"• `{escape(clip(d.kind, 40))}`: {escape(clip(d.error or 'unknown error', 200))} "
            f"({short_date(d.due_at.astimezone(zone_or_default(tz)).date())})"
            for d in part.dead[:MAX_DEAD_ON_HOME]
        ]
        heading = f"*{count(part.dead_count, 'message', 'messages')} could not be sent*" + (
            ", the latest:" if part.dead_count > len(lines) else ":"
        )
        blocks.append(packed(heading, lines))
        blocks.append(
            context("Once the cause is fixed, `coachbot jobs retry-dead` puts them back in line.")
        )
    blocks.append(
        context(
            "Admins see the roster and aggregate reports only, never coaching notes or reflections."
        )
    )
    return blocks


def _report_blocks(
    data: HomeData, report_blocks: Sequence[Mapping[str, Any]], *, room: int
) -> list[Dict]:
    """The aggregate report section, for admins and leaders only.

    REPORT: the blocks come from bot/views/report.py `build_report_blocks(report)`, passed in
    by handlers/home.py; this only frames them and keeps the Home within 100 blocks.
    """
    blocks: list[Dict] = []
    if data.admin is None:  # a leader: this is their whole Home
        blocks.append(header("coachbot reports"))
        blocks.append(
            context(
                "You see aggregate counts only, about groups of at least 5 teachers, and "
                "none that would let a smaller group be worked out: never coaching notes, "
                "reflections or any one teacher's coaching."
            )
        )
    else:
        blocks.append(divider())
    if not report_blocks:
        blocks.append(section(NO_REPORT_YET))
        return blocks[: max(room, 0)]
    given = [dict(block) for block in report_blocks]
    space = room - len(blocks)
    if len(given) > space:
        given = given[: max(space - 1, 0)]
        given.append(context("The rest of the report doesn't fit on Home."))
    return (blocks + given)[: max(room, 0)]


# --------------------------------------------------------------------------- small helpers


def _clock_span(item: Appointment, tz: str) -> str:
    return clock_span(item.starts_at, item.ends_at, zone_or_default(tz))


def _area(area: str) -> str:
    return escape(clip(area[:1].upper() + area[1:], 64))
