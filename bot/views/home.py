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
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.ids import Action, Block, Callback, Command
from bot.rules.calendar import zone_or_default as _zone
from bot.rules.cards import RosterSummary
from bot.rules.domain import DEFAULT_TIMEZONE, CycleState, Role, SupportType
from bot.rules.limits import MAX_NUDGE_CAP, MAX_PAUSE_DAYS, MIN_NUDGE_CAP
from bot.views.admin import summary_text
from bot.views.common import (
    COACHING_IS,
    MAX_CONTEXT,
    MAX_INLINE,
    MAX_SECTION,
    MONTHS as _MONTHS,
    StateValues,
    clip,
    count,
    escape,
    long_day,
    parse_date as _date,
    picked_time,
    selected_value,
    state_of as _state,
    typed_number,
)
from bot.views.invite import format_minutes, format_when

Dict = dict[str, Any]

MAX_BLOCKS = 100  # Slack's limit for a Home tab and for a modal
DEFAULT_LIST_TIME = time(7, 0)
# How much of each list the Home tab names before it says "and N more".
MAX_CASELOAD_ON_HOME = 10
MAX_REFLECTIONS_ON_HOME = 5
MAX_GOALS_ON_HOME = 5
MAX_DEAD_ON_HOME = 5

SHARE_ASK = "ask"
SHARE_NEVER = "never"
PROMPTS_ON = "on"
PROMPTS_OFF = "off"
EMPTY_NOTE = "note"
EMPTY_SKIP = "skip"

NO_REPORT_YET = (
    "Aggregate reports will appear here: coaching time by kind of support and how many "
    "teachers have been reached, for groups of at least 5 people."
)
CASELOAD_TITLE = "Your teachers"

_MAX_LINE = 400  # one line of a packed list
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
class InvitationLine:
    """An invitation, or a new time a teacher suggested, waiting for the coach's answer."""

    teacher_user_id: str
    starts_at: datetime
    ends_at: datetime
    support: SupportType
    class_name: str | None
    suggested: bool = False


@dataclass(frozen=True)
class CaseloadLine:
    """A coach's teacher: when the coach last saw them, and their cycle with the coach."""

    user_id: str
    name: str
    last_seen: date | None  # local date of the latest visit that happened; None: never
    state: CycleState | None  # None: no goal with this coach yet


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
    settings: TeacherSettings = TeacherSettings(True, None, 5, SHARE_ASK)

    @property
    def empty(self) -> bool:
        return not (self.upcoming or self.goals or self.reflections)


@dataclass(frozen=True)
class CoachPart:
    today: tuple[Appointment, ...] = ()
    week: tuple[Appointment, ...] = ()
    week_label: str = "Later this week"
    invitations: tuple[InvitationLine, ...] = ()
    caseload: tuple[CaseloadLine, ...] = ()  # everyone, not seen longest first
    minutes: Mapping[SupportType, int] = field(default_factory=dict)
    month_label: str = ""
    settings: CoachSettings = CoachSettings(DEFAULT_LIST_TIME, True)


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
            blocks.append(_divider())
        blocks += _admin_blocks(data.admin, data.tz)
    if data.reports:
        blocks += _report_blocks(data, report_blocks, room=MAX_BLOCKS - len(blocks))
    if not blocks:
        blocks = _welcome_blocks(data.user_id)
    return {"type": "home", "blocks": blocks[:MAX_BLOCKS]}


def _welcome_blocks(user_id: str) -> list[Dict]:
    return [
        _header("Welcome to coachbot"),
        _section(
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
        blocks.append(_divider())
        lines = [_appointment_for_teacher(a, data.tz) for a in part.upcoming]
        blocks.append(_packed("*Coming up*", lines, more=part.more_upcoming))
    if part.goals:
        blocks.append(_divider())
        blocks.append(_section("*Your goals*"))
        shown = part.goals[:MAX_GOALS_ON_HOME]
        blocks += [_section(_goal_text(goal, data.today)) for goal in shown]
        if len(part.goals) > len(shown):
            blocks.append(_context(f"and {len(part.goals) - len(shown)} more in Your goals"))
    if part.reflections:
        blocks.append(_divider())
        blocks.append(
            _section("*Waiting for your reflection*\nOnly you see your answers unless you share.")
        )
        shown_reflections = part.reflections[:MAX_REFLECTIONS_ON_HOME]
        for reflection in shown_reflections:
            blocks.append(
                _section(
                    f"_{escape(clip(reflection.question, MAX_INLINE))}_",
                    accessory=_button(
                        "Reflect", Action.REFLECT_OPEN, value=str(reflection.reflection_id)
                    ),
                )
            )
        left = len(part.reflections) - len(shown_reflections)
        if left:
            blocks.append(
                _context(f"and {count(left, 'earlier prompt', 'earlier prompts')} in your messages")
            )
    blocks.append(_divider())
    blocks.append(_context(_teacher_settings_words(part.settings), block_id=Block.HOME_START))
    return blocks


def _teacher_intro(user_id: str) -> list[Dict]:
    return [
        _header("Your coaching"),
        _context(
            f"Hi <@{user_id}>. Coaching is support, never evaluation: what you and your coach "
            "say to each other stays between the two of you.",
            block_id=Block.HOME_INTRO,
        ),
    ]


def _teacher_actions(*, has_goals: bool) -> Dict:
    return {
        "type": "actions",
        "elements": [
            _button("Invite a coach", Action.HOME_INVITE, style="primary"),
            _button("Your goals" if has_goals else "Set a goal", Action.HOME_GOALS),
            _button("Schedule a debrief", Action.HOME_DEBRIEF),
            _button("Settings", Action.HOME_SETTINGS),
        ],
    }


def _appointment_for_teacher(item: Appointment, tz: str) -> str:
    when = format_when(item.starts_at, item.ends_at, tz)
    if item.kind == "debrief":
        parts = [f"*Debrief* with <@{item.other_user_id}>", when]
        if item.place:
            parts.append(escape(clip(item.place, MAX_INLINE)))
        return "• " + " · ".join(parts)
    parts = [f"*Visit* from <@{item.other_user_id}>", when]
    if item.support is not None:
        parts.append(item.support.label)
    if item.class_name:
        parts.append(escape(clip(item.class_name, MAX_INLINE)))
    parts.append(_VISIT_STATUS.get(item.status, item.status))
    return "• " + " · ".join(parts)


def _goal_text(goal: GoalLine, today: date) -> str:
    details = [_area(goal.focus_area)]
    details.append(f"with <@{goal.coach_user_id}>" if goal.coach_user_id else "no coach yet")
    details.append(goal.state.label)
    if goal.target_date is not None:
        details.append(f"by {_day_words(goal.target_date, today)}")
    text = f"*{escape(clip(goal.question, MAX_INLINE))}*\n" + " · ".join(details)
    if goal.next_step:
        text += f"\nNext step: _{escape(clip(goal.next_step, MAX_INLINE))}_"
    return text


def _teacher_settings_words(settings: TeacherSettings) -> str:
    if not settings.prompts_on:
        prompts = "off"
    elif settings.paused_until is not None:
        prompts = f"paused until {_date_words(settings.paused_until)}"
    else:
        prompts = "on"
    cap = settings.nudge_cap
    reminders = "none" if cap == 0 else f"at most {cap} a week"
    wins = "ask me each time" if settings.share_wins != SHARE_NEVER else "never offer"
    return (
        f"Reflection prompts: {prompts} · Reminders: {reminders} · Celebrating wins: {wins} · "
        f"`{Command.INVITE_COACH} help` shows everything you can do."
    )


# --------------------------------------------------------------------------- coach


def _coach_blocks(data: HomeData, part: CoachPart) -> list[Dict]:
    blocks: list[Dict] = [
        _header("Your coaching"),
        _context(
            f"Hi <@{data.user_id}>. What each teacher shares with you stays between the two of you."
        ),
        {
            "type": "actions",
            "elements": [
                _button("All your teachers", Action.HOME_CASELOAD),
                _button("Schedule a debrief", Action.HOME_DEBRIEF),
                _button("Settings", Action.HOME_SETTINGS),
            ],
        },
        _divider(),
    ]
    today_lines = [_appointment_for_coach(a, data.tz) for a in part.today]
    blocks.append(
        _packed(
            f"*Today, {_date_words(data.today)}*",
            today_lines,
            empty="Nothing planned today.",
        )
    )
    week_lines = [_appointment_for_coach(a, data.tz, with_day=True) for a in part.week]
    blocks.append(_packed(f"*{part.week_label}*", week_lines, empty="Nothing planned yet."))
    if part.invitations:
        blocks.append(_divider())
        lines = [_invitation_line(i, data.tz) for i in part.invitations]
        heading = f"*Invitations to answer ({len(part.invitations)})*"
        blocks.append(_packed(heading, lines))
        blocks.append(_context("Answer each one from the message coachbot sent you."))
    blocks.append(_divider())
    blocks += _caseload_on_home(part.caseload, data.today)
    blocks.append(_divider())
    blocks.append(_packed(f"*Your time in {part.month_label}*", _minutes_lines(part.minutes)))
    blocks.append(_context(_coach_settings_words(part.settings)))
    return blocks


def _appointment_for_coach(item: Appointment, tz: str, *, with_day: bool = False) -> str:
    span = format_when(item.starts_at, item.ends_at, tz) if with_day else _clock_span(item, tz)
    if item.kind == "debrief":
        parts = [span, f"*Debrief* with <@{item.other_user_id}>"]
        if item.place:
            parts.append(escape(clip(item.place, MAX_INLINE)))
        return "• " + " · ".join(parts)
    parts = [span, f"<@{item.other_user_id}>"]
    if item.support is not None:
        parts.append(item.support.label)
    if item.class_name:
        parts.append(escape(clip(item.class_name, MAX_INLINE)))
    return "• " + " · ".join(parts)


def _invitation_line(item: InvitationLine, tz: str) -> str:
    parts = [f"<@{item.teacher_user_id}>", format_when(item.starts_at, item.ends_at, tz)]
    parts.append(item.support.label)
    if item.class_name:
        parts.append(escape(clip(item.class_name, MAX_INLINE)))
    if item.suggested:
        parts.append("a new time they suggested")
    return "• " + " · ".join(parts)


def _caseload_on_home(caseload: Sequence[CaseloadLine], today: date) -> list[Dict]:
    if not caseload:
        return [
            _section(
                "*Your teachers*\nNo teachers are assigned to you yet. Your lead coach assigns "
                "them; teachers who set a goal with you show up here too."
            )
        ]
    shown = caseload[:MAX_CASELOAD_ON_HOME]
    heading = f"*Your teachers ({len(caseload)})*, not seen longest first"
    lines = [_caseload_line(line, today) for line in shown]
    blocks = [
        _packed(
            heading,
            lines,
            accessory=_button("See all", Action.HOME_CASELOAD, label="See all your teachers"),
        )
    ]
    left = len(caseload) - len(shown)
    if left:
        blocks.append(_context(f"and {left} more: *See all* lists everyone."))
    return blocks


def _caseload_line(line: CaseloadLine, today: date) -> str:
    if line.last_seen is None:
        seen = "not visited yet"
    else:
        days = (today - line.last_seen).days
        ago = "today" if days <= 0 else f"{count(days, 'day', 'days')} ago"
        seen = f"last seen {_short_date(line.last_seen)} ({ago})"
    state = line.state.label if line.state is not None else "no goal yet"
    return f"• <@{line.user_id}> · {seen} · {state}"


def _minutes_lines(minutes: Mapping[SupportType, int]) -> list[str]:
    total = sum(minutes.values())
    if not total:
        return ["No visits logged yet this month. Your time shows here as you log visits."]
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


def _coach_settings_words(settings: CoachSettings) -> str:
    empty = "a short note" if settings.when_empty else "no message"
    return (
        f"Your daily visit list comes at {_clock(settings.list_at)} on school days; "
        f"a day with nothing planned gets {empty}."
    )


# --------------------------------------------------------------------------- admin and reports


def _admin_blocks(part: AdminPart, tz: str) -> list[Dict]:
    blocks: list[Dict] = [
        _header("Roster and reports"),
        _section(
            f"*Your roster:* {summary_text(part.roster)}.\n"
            "Coaches, teacher assignments, PLC channels and the school calendar are all in "
            "the admin menu.",
            accessory=_button("Admin menu", Action.HOME_ADMIN, label="Open the admin menu"),
        ),
    ]
    if not part.dead_count:
        blocks.append(_context("Every scheduled message is going out. None has failed."))
    else:
        lines = [
            f"• `{escape(clip(d.kind, 40))}`: {escape(clip(d.error or 'unknown error', 200))} "
            f"({_short_date(d.due_at.astimezone(_zone(tz)).date())})"
            for d in part.dead[:MAX_DEAD_ON_HOME]
        ]
        heading = f"*{count(part.dead_count, 'message', 'messages')} could not be sent*" + (
            ", the latest:" if part.dead_count > len(lines) else ":"
        )
        blocks.append(_packed(heading, lines))
        blocks.append(
            _context("Once the cause is fixed, `coachbot jobs retry-dead` puts them back in line.")
        )
    blocks.append(
        _context(
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
        blocks.append(_header("coachbot reports"))
        blocks.append(
            _context(
                "You see aggregate counts only, about groups of at least 5 teachers, and "
                "none that would let a smaller group be worked out: never coaching notes, "
                "reflections or any one teacher's coaching."
            )
        )
    else:
        blocks.append(_divider())
    if not report_blocks:
        blocks.append(_section(NO_REPORT_YET))
        return blocks[: max(room, 0)]
    given = [dict(block) for block in report_blocks]
    space = room - len(blocks)
    if len(given) > space:
        given = given[: max(space - 1, 0)]
        given.append(_context("The rest of the report doesn't fit on Home."))
    return (blocks + given)[: max(room, 0)]


# --------------------------------------------------------------------------- caseload modal


def build_caseload_modal(caseload: Sequence[CaseloadLine], *, today: date) -> dict[str, Any]:
    """Every teacher of a coach, one line each, packed into as few sections as fit."""
    blocks: list[Dict] = []
    if not caseload:
        blocks.append(_section("No teachers are assigned to you yet."))
    else:
        blocks.append(
            _context(
                f"{count(len(caseload), 'teacher', 'teachers')}, not seen longest first. "
                "Last seen counts visits that happened."
            )
        )
        chunk: list[str] = []
        size = 0
        placed = 0
        for line in (_caseload_line(c, today) for c in caseload):
            if size + len(line) + 1 > MAX_SECTION and chunk:
                blocks.append(_section("\n".join(chunk)))
                placed += len(chunk)
                chunk, size = [], 0
                if len(blocks) >= MAX_BLOCKS - 2:
                    break
            chunk.append(line)
            size += len(line) + 1
        else:
            if chunk:
                blocks.append(_section("\n".join(chunk)))
                placed += len(chunk)
        if placed < len(caseload):
            blocks.append(_context(f"and {len(caseload) - placed} more"))
    return {
        "type": "modal",
        "callback_id": Callback.CASELOAD.value,
        "title": _plain(CASELOAD_TITLE),
        "close": _plain("Done"),
        "blocks": blocks,
    }


# --------------------------------------------------------------------------- settings modal


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
        blocks.append(
            _section("There's nothing to set here for your role. Thank you for checking!")
        )
        return {
            "type": "modal",
            "callback_id": Callback.SETTINGS.value,
            "title": _plain("Your settings"),
            "close": _plain("Done"),
            "blocks": blocks,
        }
    return {
        "type": "modal",
        "callback_id": Callback.SETTINGS.value,
        "title": _plain("Your settings"),
        "submit": _plain("Save"),
        "close": _plain("Cancel"),
        "blocks": blocks,
    }


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
        "action_id": Action.SETTINGS_PAUSE_UNTIL.value,
        "placeholder": _plain("No pause"),
    }
    if settings.paused_until is not None and settings.paused_until > today:
        pause["initial_date"] = settings.paused_until.isoformat()
    return [
        _input(
            Block.SETTINGS_PROMPTS,
            "Reflection prompts",
            _radio(
                Action.SETTINGS_PROMPTS, prompts, PROMPTS_ON if settings.prompts_on else PROMPTS_OFF
            ),
        ),
        _input(
            Block.SETTINGS_PAUSE_UNTIL,
            "Pause prompts until",
            pause,
            optional=True,
            hint="Leave empty for no pause. Prompts start again on the day you choose.",
        ),
        _input(
            Block.SETTINGS_NUDGE_CAP,
            "Reminders a week, at most",
            {
                "type": "number_input",
                "action_id": Action.SETTINGS_NUDGE_CAP.value,
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
        _input(
            Block.SETTINGS_SHARE_WINS,
            "Celebrating your wins",
            _radio(
                Action.SETTINGS_SHARE_WINS,
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
        _input(
            Block.SETTINGS_LIST_TIME,
            "Daily visit list at",
            {
                "type": "timepicker",
                "action_id": Action.SETTINGS_LIST_TIME.value,
                "initial_time": f"{settings.list_at:%H:%M}",
            },
            hint=(
                f"On school days, within your school's hours: {_clock(hours.start)} to "
                f"{_clock(hours.end)}."
            ),
        ),
        _input(
            Block.SETTINGS_LIST_EMPTY,
            "On a day with nothing planned",
            _radio(
                Action.SETTINGS_LIST_EMPTY,
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
    prompts = selected_value(values, Block.SETTINGS_PROMPTS, Action.SETTINGS_PROMPTS)
    if prompts not in (PROMPTS_ON, PROMPTS_OFF):
        errors[Block.SETTINGS_PROMPTS] = "Choose whether you'd like reflection prompts."
    picked = _state(values, Block.SETTINGS_PAUSE_UNTIL, Action.SETTINGS_PAUSE_UNTIL).get(
        "selected_date"
    )
    paused: date | None = None
    if picked not in (None, ""):
        paused = _date(picked)
        if paused is None:
            errors[Block.SETTINGS_PAUSE_UNTIL] = "Choose a date from the calendar."
        elif paused < today:
            errors[Block.SETTINGS_PAUSE_UNTIL] = (
                "That day has passed. Choose today or a later day, or leave it empty."
            )
        elif paused > today + timedelta(days=MAX_PAUSE_DAYS):
            errors[Block.SETTINGS_PAUSE_UNTIL] = (
                "Choose a date within a year. To stop prompts altogether, turn them off."
            )
        elif paused == today:
            paused = None  # prompts start again today: no pause at all
    cap = typed_number(values, Block.SETTINGS_NUDGE_CAP, Action.SETTINGS_NUDGE_CAP)
    if cap is None or not MIN_NUDGE_CAP <= cap <= MAX_NUDGE_CAP:
        errors[Block.SETTINGS_NUDGE_CAP] = (
            f"Choose a whole number from {MIN_NUDGE_CAP} to {MAX_NUDGE_CAP}."
        )
    share = selected_value(values, Block.SETTINGS_SHARE_WINS, Action.SETTINGS_SHARE_WINS)
    if share not in (SHARE_ASK, SHARE_NEVER):
        errors[Block.SETTINGS_SHARE_WINS] = "Choose how you'd like your wins handled."
    return TeacherSettings(
        prompts_on=prompts != PROMPTS_OFF,
        paused_until=paused if prompts != PROMPTS_OFF else None,
        nudge_cap=cap if cap is not None else 0,
        share_wins=share if share in (SHARE_ASK, SHARE_NEVER) else SHARE_ASK,
    )


def _parse_coach(values: StateValues, hours: SchoolHours, errors: dict[str, str]) -> CoachSettings:
    at = picked_time(values, Block.SETTINGS_LIST_TIME, Action.SETTINGS_LIST_TIME)
    if at is None:
        errors[Block.SETTINGS_LIST_TIME] = "Choose a time for your daily list."
    elif not hours.start <= at < hours.end:
        errors[Block.SETTINGS_LIST_TIME] = (
            f"Choose a time within your school's hours, from {_clock(hours.start)} to "
            f"before {_clock(hours.end)}."
        )
    empty = selected_value(values, Block.SETTINGS_LIST_EMPTY, Action.SETTINGS_LIST_EMPTY)
    if empty not in (EMPTY_NOTE, EMPTY_SKIP):
        errors[Block.SETTINGS_LIST_EMPTY] = "Choose what a day with nothing planned gets."
    return CoachSettings(list_at=at or DEFAULT_LIST_TIME, when_empty=empty != EMPTY_SKIP)


# --------------------------------------------------------------------------- small helpers


def _plain(text: str) -> Dict:
    return {"type": "plain_text", "text": text}


def _header(text: str) -> Dict:
    return {"type": "header", "text": _plain(clip(text, 150))}


def _divider() -> Dict:
    return {"type": "divider"}


def _section(text: str, *, block_id: str | None = None, accessory: Dict | None = None) -> Dict:
    block: Dict = {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, MAX_SECTION)}}
    if block_id is not None:
        block["block_id"] = block_id
    if accessory is not None:
        block["accessory"] = accessory
    return block


def _context(text: str, *, block_id: str | None = None) -> Dict:
    block: Dict = {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip(text, MAX_CONTEXT)}],
    }
    if block_id is not None:
        block["block_id"] = block_id
    return block


def _button(
    text: str,
    action: Action,
    *,
    value: str | None = None,
    style: str | None = None,
    label: str | None = None,
) -> Dict:
    button: Dict = {"type": "button", "text": _plain(text), "action_id": action.value}
    button["value"] = value if value is not None else action.value
    if style is not None:
        button["style"] = style
    if label is not None:
        button["accessibility_label"] = clip(label, 75)
    return button


def _input(
    block: Block, label: str, element: Dict, *, optional: bool = False, hint: str | None = None
) -> Dict:
    found: Dict = {
        "type": "input",
        "block_id": block.value,
        "label": _plain(label),
        "element": element,
        "optional": optional,
    }
    if hint is not None:
        found["hint"] = _plain(hint)
    return found


def _radio(action: Action, options: Mapping[str, str], initial: str) -> Dict:
    built = [{"text": _plain(text), "value": value} for value, text in options.items()]
    return {
        "type": "radio_buttons",
        "action_id": action.value,
        "options": built,
        "initial_option": next(o for o in built if o["value"] == initial),
    }


def _packed(
    heading: str,
    lines: Sequence[str],
    *,
    more: int = 0,
    empty: str | None = None,
    accessory: Dict | None = None,
) -> Dict:
    """A heading and as many lines as fit in one section, then 'and N more'."""
    if not lines:
        return _section(f"{heading}\n{empty}" if empty else heading, accessory=accessory)
    text = heading
    budget = MAX_SECTION - 40  # room for the "and N more" line
    placed = 0
    for line in lines:
        line = clip(line, _MAX_LINE)
        if len(text) + 1 + len(line) > budget:
            break
        text += "\n" + line
        placed += 1
    left = len(lines) - placed + more
    if left:
        text += f"\nand {left} more"
    return _section(text, accessory=accessory)


def _clock(at: time | datetime) -> str:
    hour = at.hour % 12 or 12
    return f"{hour}:{at.minute:02d} {'AM' if at.hour < 12 else 'PM'}"


def _clock_span(item: Appointment, tz: str) -> str:
    zone = _zone(tz)
    start, end = item.starts_at.astimezone(zone), item.ends_at.astimezone(zone)
    if (start.hour < 12) == (end.hour < 12) and start.date() == end.date():
        return f"{_clock(start)[:-3]}–{_clock(end)}"
    return f"{_clock(start)}–{_clock(end)}"


def _date_words(day: date) -> str:
    """'Tuesday, December 1' (not strftime: %A and %B follow the process locale)."""
    return long_day(day)


def _short_date(day: date) -> str:
    return f"{_MONTHS[day.month - 1][:3]} {day.day}"


def _day_words(day: date, today: date) -> str:
    return _date_words(day) if day.year == today.year else f"{_date_words(day)}, {day.year}"


def _area(area: str) -> str:
    return escape(clip(area[:1].upper() + area[1:], 64))
