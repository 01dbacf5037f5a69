"""Friday digests: each coach's week, and counts only for admins and leaders.

Planned on Friday from 14:00 in each reader's own zone (a school day only), under the key
`digest:<person>:<ISO year>-W<week>`, so each person gets one a week.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.reads.report import support_type_groups
from bot.rules.cycles import coaching_minutes
from bot.rules.domain import SupportType
from bot.rules.outbox import enqueue
from bot.rules.policy import MIN_GROUP_SIZE
from bot.rules.school_calendar import calendar_for
from bot.views.common import count
from storage.models import Debrief, OutboxMessage, Person, Visit
from storage.repositories import COACH_ROLES
from storage.repositories.visits import VISIT_AWAITING_ANSWER, VISIT_HAPPENED
from storage.uow import UnitOfWork

KIND = "digest"
DIGEST_AT = time(14, 0)
FRIDAY = 4
SEEN_WINDOW = timedelta(days=21)
READERS_OF_AGGREGATES = ("admin", "leader", "lead_coach")
AGGREGATE = ":aggregate"


def _key(person: Person, day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"digest:{person.id}:{year}-W{week:02d}"


def plan_digests(uow: UnitOfWork, now: datetime) -> int:
    people = uow.session.scalars(
        select(Person).where(
            Person.active.is_(True), Person.role.in_((*COACH_ROLES, *READERS_OF_AGGREGATES))
        )
    ).all()
    due: list[tuple[Person, date, datetime]] = []
    for person in people:
        local = now.astimezone(ZoneInfo(person.timezone))
        if local.weekday() != FRIDAY:
            continue
        calendar = calendar_for(uow, person)
        if not calendar.is_school_day(local.date()):
            continue
        send_at = calendar.at_local(local.date(), DIGEST_AT, person.timezone)
        end = calendar.at_local(local.date(), calendar.day_end, person.timezone)
        if send_at <= now < end:
            due.append((person, local.date(), send_at))
    if not due:
        return 0
    keys = [_key(p, d) + suffix for p, d, _ in due for suffix in ("", AGGREGATE)]
    planned_keys = set(
        uow.session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.in_(keys)))
    )
    planned = 0
    for person, day, send_at in due:
        if {_key(person, day), _key(person, day) + AGGREGATE} & planned_keys:
            continue
        monday = day - timedelta(days=day.weekday())
        start = datetime.combine(monday, time(0), ZoneInfo(person.timezone))
        messages = _messages(uow, person, (start, start + timedelta(days=7)), now)
        for suffix, message in messages:
            key = _key(person, day) + suffix
            if enqueue(
                uow, key=key, person=person, kind=KIND, message=message, due_at=send_at, now=now
            ):
                planned += 1
    return planned


def _messages(
    uow: UnitOfWork, person: Person, week: tuple[datetime, datetime], now: datetime
) -> list[tuple[str, dict[str, Any]]]:
    """(key suffix, message) of what a person gets this Friday. A coach's week has the
    person's key; the counts have it too for an admin or leader, and ":aggregate" after it for
    a lead coach, who may get both."""
    messages: list[tuple[str, dict[str, Any]]] = []
    if person.role in COACH_ROLES:
        week_of_coaching = coach_digest(uow, person, week, now)
        if week_of_coaching is not None:
            messages.append(("", week_of_coaching))
    if person.role in READERS_OF_AGGREGATES:
        suffix = AGGREGATE if person.role in COACH_ROLES else ""
        messages.append((suffix, aggregate_digest(uow, person.team_id, week)))
    return messages


def _happened(uow: UnitOfWork, week: tuple[datetime, datetime], **where: int) -> list[Visit]:
    query = select(Visit).where(
        VISIT_HAPPENED,
        Visit.starts_at >= week[0],
        Visit.starts_at < week[1],
    )
    for column, value in where.items():
        query = query.where(getattr(Visit, column) == value)
    return list(uow.session.scalars(query))


def coach_digest(
    uow: UnitOfWork, coach: Person, week: tuple[datetime, datetime], now: datetime
) -> dict[str, Any] | None:
    """A coach's week; None for a coach with nothing to tell (no teachers, nothing logged)."""
    visits = _happened(uow, week, coach_id=coach.id)
    # The visits that happened and the coaching the coach logged (group work once).
    minutes = Counter(coaching_minutes(uow, coach, *week))
    zone = ZoneInfo(coach.timezone)
    first = week[0].astimezone(zone).date()
    last = (week[1] - timedelta(days=1)).astimezone(zone).date()
    logs = uow.coaching_logs.list_for_coach(coach.id, first, last)
    by_tier: Counter[int] = Counter()
    for kind, spent in minutes.items():
        by_tier[kind.tier] += spent
    awaiting = uow.session.scalars(
        select(Visit.id).where(
            Visit.coach_id == coach.id,
            VISIT_AWAITING_ANSWER,
        )
    ).all()
    undebriefed = uow.session.scalars(
        select(Visit.id).where(
            Visit.coach_id == coach.id,
            VISIT_HAPPENED,
            ~select(Debrief.id).where(Debrief.visit_id == Visit.id).exists(),
        )
    ).all()
    caseload = uow.session.scalars(
        select(Person.id).where(Person.assigned_coach_id == coach.id, Person.active.is_(True))
    ).all()
    seen = set(
        uow.session.scalars(
            select(Visit.teacher_id).where(
                Visit.coach_id == coach.id,
                VISIT_HAPPENED,
                Visit.starts_at >= now - SEEN_WINDOW,
            )
        )
    )
    if not (visits or logs or awaiting or undebriefed or caseload):
        return None  # "Your week: 0 visits" to a coach with no teachers yet says nothing
    recent = uow.coaching_logs.last_day_with(coach.id, caseload)
    since = (now - SEEN_WINDOW).astimezone(zone).date()
    seen |= {teacher_id for teacher_id, day in recent.items() if day >= since}
    week_words = count(len(visits), "visit", "visits")
    if logs:
        week_words += f" and {count(len(logs), 'logged activity', 'logged activities')}"
    lines = [f"*Your week:* {week_words}"]
    for kind in SupportType:
        if minutes[kind]:
            lines.append(f"• {kind.label}: {minutes[kind]} min")
    if by_tier:
        lines.append(
            "Highest-impact work (feedback, modeling, co-teaching, co-planning): "
            f"{by_tier[1]} of {sum(by_tier.values())} minutes."
        )
    lines.append(
        f"*Open follow-ups:* {count(len(awaiting), 'invitation', 'invitations')} to answer, "
        f"{count(len(undebriefed), 'visit', 'visits')} without a debrief."
    )
    if caseload:
        covered = len(seen & set(caseload))
        lines.append(
            f"*Caseload:* you've seen {covered} of {len(caseload)} teachers in the last 3 weeks."
        )
    text = "\n".join(lines)
    return {
        "text": f"Your week in coaching: {week_words}.",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Your week in coaching"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}},
        ],
    }


def aggregate_digest(
    uow: UnitOfWork, team_id: str, week: tuple[datetime, datetime]
) -> dict[str, Any]:
    """Counts only, by kind of support, under the report's small-group rule: no count about
    fewer than MIN_GROUP_SIZE teachers, alone or by subtracting one count from another."""
    visits = [v for v in _happened(uow, week) if v.team_id == team_id]
    lines = aggregate_lines(visits)
    text = "\n".join(lines)
    return {
        "text": "This week's coaching, in numbers.",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "This week's coaching"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}},
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": f"Counts only. Groups of fewer than {MIN_GROUP_SIZE} teachers, "
                        "and counts that would let one be worked out, are merged or left out "
                        "so no one can be identified.",
                    }
                ],
            },
        ],
    }


def aggregate_lines(visits: Sequence[Visit]) -> list[str]:
    """The week's counts by kind of support, under the report's small-group rule: a kind
    shows only when neither it nor the total minus the kinds shown is about 1-4 teachers."""
    total, kinds = support_type_groups(visits)
    if total is None:
        return ["Not enough visits this week to show without identifying anyone."]
    lines = [f"*{count(total.visits, 'visit', 'visits')}* with {total.teachers} teachers."]
    for kind in kinds:
        label = "Other kinds together" if kind.merged else kind.name
        lines.append(f"• {label}: {kind.visits}")
    return lines
