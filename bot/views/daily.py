"""The coach's daily visit list: one direct message at the start of each school day.

Pure: it takes what the day holds and returns {"text", "blocks"}. Blocks are built as plain
dicts (not slack_sdk models) because the planner builds one list per coach of the district in
one pass, and the models cost milliseconds each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.rules.calendar import zone_or_default as _zone
from bot.rules.domain import SupportType
from bot.views.common import (
    MAX_HEADER,
    MAX_SECTION,
    MONTHS as _MONTHS,
    WEEKDAYS as _WEEKDAYS,
    clip,
    count,
    inline,
    long_day,
    mention as _mention,
)
from bot.views.plain import section
from bot.views.visits import WaitingInvitation
from bot.views.when import aware, clock_span

# How many lines a group shows before it says "and N more", however short they are.
MAX_LINES = 15

EMPTY_DAY = (
    "Nothing on your calendar today. A good day to drop in on someone you haven't seen lately."
)

_SEP = " · "
# Room kept at the end of a section for "_and 1234 more_".
_MORE_ROOM = 40


@dataclass(frozen=True)
class ListVisit:
    """An accepted visit today."""

    teacher_user_id: str
    starts_at: datetime  # aware, UTC
    ends_at: datetime
    class_name: str | None  # None for co-planning
    support: SupportType
    focus: str | None = None
    goal_question: str | None = None


@dataclass(frozen=True)
class ListDebrief:
    """A debrief today."""

    teacher_user_id: str
    starts_at: datetime
    ends_at: datetime
    place: str | None = None


@dataclass(frozen=True)
class ListCheckBack:
    """A next step agreed in a debrief, to check back on today."""

    teacher_user_id: str
    next_step: str | None


@dataclass(frozen=True)
class ListTeacher:
    """A teacher assigned to the coach and not visited lately; `days_since` None: never."""

    user_id: str
    days_since: int | None


def format_day(day: date) -> str:
    """'Tuesday, December 1' (not strftime: %A and %B follow the process locale)."""
    return long_day(day)


def build_daily_list(
    day_label: str,
    tz: str,
    visits: Sequence[ListVisit],
    debriefs: Sequence[ListDebrief],
    awaiting: Sequence[WaitingInvitation],
    check_backs: Sequence[ListCheckBack],
    not_seen: Sequence[ListTeacher],
    not_seen_more: int,
) -> dict[str, Any]:
    """The coach's day: visits, debriefs, invitations to answer, check-backs, who to drop in on.

    Times are shown in `tz`, the coach's zone. `not_seen` are the teachers named; `not_seen_more`
    how many more there are beyond them.
    """
    zone = _zone(tz)
    title = f"Your day: {day_label}"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(title, MAX_HEADER)}}
    ]
    summary: list[str] = []

    def group(heading: str, lines: list[str], said: str) -> None:
        blocks.append(_group(heading, lines))
        summary.append(said)

    if visits:
        ordered = sorted(visits, key=lambda v: (v.starts_at, v.teacher_user_id))
        said = count(len(ordered), "visit", "visits")
        group(f"{said} today", [_visit_line(v, zone) for v in ordered], said)
    if debriefs:
        ordered_debriefs = sorted(debriefs, key=lambda d: (d.starts_at, d.teacher_user_id))
        said = count(len(ordered_debriefs), "debrief", "debriefs")
        group(f"{said} today", [_debrief_line(d, zone) for d in ordered_debriefs], said)
    if awaiting:
        ordered_invites = sorted(awaiting, key=lambda i: (i.starts_at, i.teacher_user_id))
        said = count(len(ordered_invites), "invitation", "invitations")
        lines = [_invite_line(i, zone) for i in ordered_invites]
        group(f"{said} waiting for your answer", lines, f"{said} to answer")
    if check_backs:
        said = f"{count(len(check_backs), 'next step', 'next steps')} to check back on"
        group(said, [_check_back_line(c) for c in check_backs], said)
    busy = bool(summary)
    if not busy:
        blocks.append(section(EMPTY_DAY))
    total_not_seen = len(not_seen) + max(not_seen_more, 0)
    if total_not_seen:
        heading = (
            f"{count(total_not_seen, 'teacher', 'teachers')} you haven't visited in 3 weeks or more"
        )
        blocks.append(
            _group(heading, [_teacher_line(t) for t in not_seen], more=max(not_seen_more, 0))
        )
    timed = [v.starts_at for v in visits] + [d.starts_at for d in debriefs]
    timed += [i.starts_at for i in awaiting]
    if timed:
        abbr = aware(min(timed)).astimezone(zone).tzname() or str(zone)
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f"Times are in your time zone ({abbr})."}],
            }
        )
    text = f"{title}. " + (f"{_and(summary)}." if busy else EMPTY_DAY)
    return {"text": text, "blocks": blocks}


# --------------------------------------------------------------------------- lines


def _visit_line(visit: ListVisit, zone: ZoneInfo) -> str:
    parts = [clock_span(visit.starts_at, visit.ends_at, zone), _mention(visit.teacher_user_id)]
    if visit.class_name and visit.class_name.strip():
        parts.append(inline(visit.class_name))
    parts.append(visit.support.label)
    if visit.focus and visit.focus.strip():
        parts.append(f"_{inline(visit.focus)}_")
    line = _SEP.join(parts)
    if visit.goal_question and visit.goal_question.strip():
        line += f"\n      Goal: _{inline(visit.goal_question)}_"
    return line


def _debrief_line(debrief: ListDebrief, zone: ZoneInfo) -> str:
    parts = [
        clock_span(debrief.starts_at, debrief.ends_at, zone),
        _mention(debrief.teacher_user_id),
    ]
    if debrief.place and debrief.place.strip():
        parts.append(inline(debrief.place))
    return _SEP.join(parts)


def _invite_line(invite: WaitingInvitation, zone: ZoneInfo) -> str:
    start = aware(invite.starts_at).astimezone(zone)
    when = f"{_WEEKDAYS[start.weekday()][:3]} {_MONTHS[start.month - 1][:3]} {start.day}, "
    when += clock_span(invite.starts_at, invite.ends_at, zone)
    parts = [_mention(invite.teacher_user_id), when]
    if invite.class_name and invite.class_name.strip():
        parts.append(inline(invite.class_name))
    parts.append(invite.support.label)
    if invite.suggested:
        parts.append("_suggested a new time_")
    return _SEP.join(parts)


def _check_back_line(item: ListCheckBack) -> str:
    if item.next_step and item.next_step.strip():
        return f"{_mention(item.teacher_user_id)}{_SEP}_{inline(item.next_step)}_"
    return f"{_mention(item.teacher_user_id)}{_SEP}see how the next step went"


def _teacher_line(teacher: ListTeacher) -> str:
    if teacher.days_since is None:
        return f"{_mention(teacher.user_id)}{_SEP}no visits yet"
    return f"{_mention(teacher.user_id)}{_SEP}last visit {teacher.days_since} days ago"


# --------------------------------------------------------------------------- blocks


def _group(heading: str, lines: Sequence[str], *, more: int = 0) -> dict[str, Any]:
    """One section: a bold heading, then lines, then "and N more" when they don't all fit."""
    text = f"*{heading}*"
    shown = 0
    for line in lines:
        candidate = f"{text}\n• {line}"
        if shown >= MAX_LINES or len(candidate) > MAX_SECTION - _MORE_ROOM:
            break
        text, shown = candidate, shown + 1
    hidden = len(lines) - shown + more
    if hidden:
        text += f"\n_and {hidden} more_"
    return section(text)


# --------------------------------------------------------------------------- words


def _and(parts: Sequence[str]) -> str:
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + f" and {parts[-1]}"
