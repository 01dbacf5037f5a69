"""The daily visit list: planning each coach's morning message into the outbox.

`plan_daily_lists` runs often (every few minutes). For each active coach whose local send time
has come on a school day, it builds the day's list and enqueues it under the key
`daily-list:<coach id>:<local date>`, so planning again, or on another replica, does nothing.

It is built for a whole district at once: the coaches in one query, their calendars once per
workspace and school, then each kind of item for all due coaches in one query with `IN`. Nothing
here queries per coach or per teacher.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, Row, and_, func, or_, select
from sqlalchemy.orm import aliased, join, outerjoin

from bot.reads.rows import chunks, support_kind, waiting_invitation
from bot.rules.calendar import SchoolCalendar
from bot.rules.domain import DEFAULT_TIMEZONE, Role, VisitStatus
from bot.rules.office_hours import out_among
from bot.rules.outbox import enqueue
from bot.rules.policy import Actor, Kind, Record, may_read
from bot.rules.school_calendar import Calendars
from bot.views.daily import (
    ListCheckBack,
    ListDebrief,
    ListTeacher,
    ListVisit,
    build_daily_list,
    format_day,
)
from bot.views.visits import WaitingInvitation
from storage.models import Debrief, DebriefNote, Goal, OutboxMessage, Person, Visit
from storage.repositories import COACH_ROLES
from storage.repositories.visits import VISIT_ACCEPTED, visit_seen_by
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

DEFAULT_LIST_TIME = time(7, 0)
NOT_SEEN_DAYS = 21
KIND = "daily_list"
# The list may be planned this long before it is due, so it is in the outbox on time.
LEAD = timedelta(minutes=10)
# Teachers named in the not-seen group; the rest are "and N more".
MAX_NOT_SEEN_NAMED = 10


def list_key(coach: Person, local_date: date) -> str:
    return f"daily-list:{coach.id}:{local_date.isoformat()}"


@dataclass(frozen=True)
class _Due:
    """A coach whose list for `day` may be planned now."""

    coach: Person
    tz: str
    day: date
    send_at: datetime  # UTC
    day_from: datetime  # local midnight starting `day`, in UTC
    day_to: datetime  # local midnight ending it, in UTC
    key: str


@dataclass
class _Day:
    visits: list[ListVisit]
    debriefs: list[ListDebrief]
    awaiting: list[WaitingInvitation]
    check_backs: list[ListCheckBack]

    @property
    def empty(self) -> bool:
        return not (self.visits or self.debriefs or self.awaiting or self.check_backs)


def plan_daily_lists(uow: UnitOfWork, now: datetime) -> int:
    """Enqueue today's list for every coach whose send time has come; returns how many were new.

    A list is planned from 10 minutes before the coach's local send time (daily_list_at, or
    07:00) until the end of their school day, on school days only. An empty day gets a short
    note, or nothing when the coach turned that off.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    coaches = list(
        uow.session.scalars(
            select(Person)
            .where(Person.role.in_(COACH_ROLES), Person.active.is_(True))
            .order_by(Person.id)
        )
    )
    calendars = Calendars(uow)
    due: list[_Due] = []
    for coach in coaches:
        found = _due(coach, calendars.of(coach), now)
        if found is not None:
            due.append(found)
    if not due:
        return 0
    planned = _planned_keys(uow, [d.key for d in due])
    due = [d for d in due if d.key not in planned]
    # A coach marked out of office gets no list that day.
    out = out_among(uow, [(d.coach.id, d.day) for d in due])
    due = [d for d in due if (d.coach.id, d.day) not in out]
    if not due:
        return 0

    days = _gather(uow, due, now)
    not_seen, with_teachers = _not_seen(uow, due, days, now)
    new = 0
    for item in due:
        day = days[item.coach.id]
        if day.empty and not (item.coach.daily_list_when_empty and item.coach.id in with_teachers):
            # Nothing today: a short note, unless turned off or the coach has no teachers to
            # drop in on (a lead coach, a coach not assigned yet), who would read it every day.
            continue
        teachers = not_seen.get(item.coach.id, [])
        message = build_daily_list(
            format_day(item.day),
            item.tz,
            day.visits,
            day.debriefs,
            day.awaiting,
            day.check_backs,
            teachers[:MAX_NOT_SEEN_NAMED],
            max(len(teachers) - MAX_NOT_SEEN_NAMED, 0),
        )
        if enqueue(
            uow,
            key=item.key,
            person=item.coach,
            kind=KIND,
            message=message,
            due_at=item.send_at,
            now=now,
        ):
            new += 1
    if new:
        logger.info("planned %d daily lists", new)
    return new


# --------------------------------------------------------------------------- who is due


def _due(coach: Person, calendar: SchoolCalendar, now: datetime) -> _Due | None:
    tz = _zone_name(coach.timezone)
    zone = ZoneInfo(tz)
    at = coach.daily_list_at or DEFAULT_LIST_TIME
    # The local date of now, and of now + LEAD for a send time just after midnight.
    for day in sorted({now.astimezone(zone).date(), (now + LEAD).astimezone(zone).date()}):
        if not calendar.is_school_day(day):
            continue
        send_at = calendar.at_local(day, at, tz)
        day_end = calendar.at_local(day, calendar.day_end, tz)
        if send_at - LEAD <= now < day_end:
            return _Due(
                coach=coach,
                tz=tz,
                day=day,
                send_at=send_at,
                day_from=calendar.at_local(day, time(0), tz),
                day_to=calendar.at_local(day + timedelta(days=1), time(0), tz),
                key=list_key(coach, day),
            )
    return None


def _zone_name(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        logger.warning("unknown time zone %r; using %s", name, DEFAULT_TIMEZONE)
        return DEFAULT_TIMEZONE
    return name


def _planned_keys(uow: UnitOfWork, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in chunks(keys):
        found.update(
            uow.session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.in_(chunk)))
        )
    return found


# --------------------------------------------------------------------------- what the day holds


@dataclass(frozen=True)
class _Window:
    """The due coaches' days and what each may read: what every query of the day shares."""

    by_coach: dict[int, _Due]
    actors: dict[int, Actor]
    lo: datetime  # the earliest local midnight of any due coach's day, in UTC
    hi: datetime  # the latest end of one

    @classmethod
    def of(cls, due: Sequence[_Due]) -> _Window:
        return cls(
            by_coach={d.coach.id: d for d in due},
            actors={d.coach.id: _actor(d.coach) for d in due},
            lo=min(d.day_from for d in due),
            hi=max(d.day_to for d in due),
        )

    def today(self, coach_id: int, moment: datetime) -> bool:
        d = self.by_coach[coach_id]
        return d.day_from <= moment < d.day_to

    def allowed(
        self, coach_id: int, kind: Kind, team: str, teacher_id: int, owner: int | None
    ) -> bool:
        return bool(may_read(self.actors[coach_id], Record(kind, team, teacher_id, owner)))


def _gather(uow: UnitOfWork, due: Sequence[_Due], now: datetime) -> dict[int, _Day]:
    """Each due coach's visits, debriefs, invitations to answer and check-backs today."""
    window = _Window.of(due)
    days = {coach_id: _Day([], [], [], []) for coach_id in window.by_coach}
    for chunk in chunks(list(window.by_coach)):
        _add_visits(uow, window, chunk, days)
        _add_debriefs(uow, window, chunk, days)
        _add_invitations(uow, window, chunk, days, now)
        _add_check_backs(uow, window, chunk, days)
    return days


# What each line of the list shows, besides who, when and the teacher's Slack id.
_VISIT_LINE = (
    Visit.ends_at,
    Visit.class_name,
    Visit.support_type,
    Visit.focus,
    Goal.question.label("goal_question"),
    Goal.team_id.label("goal_team"),
    Goal.teacher_id.label("goal_teacher"),
    Goal.coach_id.label("goal_coach"),
)
_INVITE_LINE = (
    Visit.status,
    Visit.ends_at,
    Visit.proposed_starts_at,
    Visit.proposed_ends_at,
    Visit.class_name,
    Visit.support_type,
)


# Built once: making an alias of a mapped class costs milliseconds, reading through it none.
_TEACHER = aliased(Person, name="teacher")


def _readable(
    uow: UnitOfWork,
    window: _Window,
    chunk: Sequence[int],
    kind: Kind,
    record: type[Visit] | type[Debrief],
    columns: Sequence[Any],
    *,
    where: Sequence[ColumnElement[bool]] = (),
    order_by: Sequence[Any],
    source: Any = None,
    today: bool = False,
) -> Iterator[Row[Any]]:
    """The coaches' visits or debriefs (`record`, read from `source` when it joins more) with
    the teacher's Slack id as teacher_user_id: each only where its coach may read it as `kind`,
    and with `today` only one that starts during the coach's own day."""
    teacher = _TEACHER
    query = (
        select(
            record.coach_id,
            record.team_id,
            record.teacher_id,
            record.starts_at,
            teacher.user_id.label("teacher_user_id"),
            *columns,
        )
        .select_from(record if source is None else source)
        .join(teacher, teacher.id == record.teacher_id)
        .where(record.coach_id.in_(chunk), *where)
        .order_by(*order_by)
    )
    if today:
        query = query.where(record.starts_at >= window.lo, record.starts_at < window.hi)
    for row in uow.session.execute(query):
        if today and not window.today(row.coach_id, row.starts_at):
            continue
        if window.allowed(row.coach_id, kind, row.team_id, row.teacher_id, row.coach_id):
            yield row


def _add_visits(
    uow: UnitOfWork, window: _Window, chunk: Sequence[int], days: dict[int, _Day]
) -> None:
    """Accepted visits today; the goal's question only where the coach may read its topic."""
    rows = _readable(
        uow,
        window,
        chunk,
        Kind.VISIT,
        Visit,
        _VISIT_LINE,
        where=(VISIT_ACCEPTED,),
        order_by=(Visit.starts_at, Visit.id),
        source=outerjoin(Visit, Goal, Goal.id == Visit.goal_id),
        today=True,
    )
    for row in rows:
        question: str | None = row.goal_question
        if question is not None and not window.allowed(
            row.coach_id, Kind.GOAL_TOPIC, row.goal_team, row.goal_teacher, row.goal_coach
        ):
            question = None
        days[row.coach_id].visits.append(
            ListVisit(
                teacher_user_id=row.teacher_user_id,
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                class_name=row.class_name,
                support=support_kind(row.support_type),
                focus=row.focus,
                goal_question=question,
            )
        )


def _add_debriefs(
    uow: UnitOfWork, window: _Window, chunk: Sequence[int], days: dict[int, _Day]
) -> None:
    columns = (Debrief.ends_at, Debrief.place)
    order = (Debrief.starts_at, Debrief.id)
    for row in _readable(
        uow, window, chunk, Kind.DEBRIEF, Debrief, columns, order_by=order, today=True
    ):
        days[row.coach_id].debriefs.append(
            ListDebrief(
                teacher_user_id=row.teacher_user_id,
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                place=row.place,
            )
        )


def for_the_coach_to_answer(
    now: datetime, whose: ColumnElement[bool] | None = None
) -> ColumnElement[bool]:
    """Invitations still ahead for the coach to answer: pending, or a time the teacher suggested.

    `whose` (say, one coach's) is asked in each half, so that each half can be found by its
    own index (coach and start, coach and suggested start), not by reading the coach's year.
    """
    mine = () if whose is None else (whose,)
    return or_(
        and_(*mine, Visit.status == VisitStatus.PENDING, Visit.starts_at > now),
        and_(
            *mine,
            Visit.status == VisitStatus.PROPOSED,
            Visit.proposed_by == "teacher",
            Visit.proposed_starts_at > now,
        ),
    )


def _add_invitations(
    uow: UnitOfWork,
    window: _Window,
    chunk: Sequence[int],
    days: dict[int, _Day],
    now: datetime,
) -> None:
    """Pending invitations, and new times the teacher suggested: the coach answers both.

    One whose time has passed is no longer something to answer.
    """
    answer = (for_the_coach_to_answer(now),)
    rows = _readable(
        uow, window, chunk, Kind.VISIT, Visit, _INVITE_LINE, where=answer, order_by=(Visit.id,)
    )
    for row in rows:
        invitation = waiting_invitation(row, row.teacher_user_id)
        if invitation is not None:
            days[row.coach_id].awaiting.append(invitation)


def _add_check_backs(
    uow: UnitOfWork, window: _Window, chunk: Sequence[int], days: dict[int, _Day]
) -> None:
    """Next steps from a debrief (the coach's note or the teacher's) due for a check-back today."""
    local_days = {d.day for d in window.by_coach.values()}
    rows = _readable(
        uow,
        window,
        chunk,
        Kind.NOTE,
        Debrief,
        (DebriefNote.check_back_on, DebriefNote.next_step),
        where=(DebriefNote.check_back_on.in_(sorted(local_days)),),
        order_by=(Debrief.starts_at, DebriefNote.id),
        source=join(DebriefNote, Debrief, Debrief.id == DebriefNote.debrief_id),
    )
    for row in rows:
        if row.check_back_on == window.by_coach[row.coach_id].day:
            days[row.coach_id].check_backs.append(
                ListCheckBack(teacher_user_id=row.teacher_user_id, next_step=row.next_step)
            )


def _not_seen(
    uow: UnitOfWork, due: Sequence[_Due], days: dict[int, _Day], now: datetime
) -> tuple[dict[int, list[ListTeacher]], set[int]]:
    """Each due coach's assigned teachers not seen by them for NOT_SEEN_DAYS, oldest first,
    and which due coaches have any assigned teacher at all.

    A visit counts when it was logged as happened, or was accepted, is over and was not logged
    yet; so does coaching the coach logged with the teacher (alone or in a group). A teacher
    already on today's visit list is left out: they are being seen today.
    """
    by_coach = {d.coach.id: d for d in due}
    ids = list(by_coach)
    teachers: list[tuple[int, str, str, int | None]] = []
    last_seen: dict[tuple[int, int], datetime] = {}
    logged: dict[tuple[int, int], date] = {}
    happened = visit_seen_by(now)
    for chunk in chunks(ids):
        teachers.extend(
            (teacher_id, user_id, name, coach_id)
            for teacher_id, user_id, name, coach_id in uow.session.execute(
                select(Person.id, Person.user_id, Person.display_name, Person.assigned_coach_id)
                .where(
                    Person.assigned_coach_id.in_(chunk),
                    Person.active.is_(True),
                    Person.id != Person.assigned_coach_id,
                )
                .order_by(Person.id)
            )
        )
        for teacher_id, coach_id, latest in uow.session.execute(
            select(Visit.teacher_id, Visit.coach_id, func.max(Visit.starts_at))
            .where(Visit.coach_id.in_(chunk), happened)
            .group_by(Visit.teacher_id, Visit.coach_id)
        ):
            if latest is not None:
                last_seen[(teacher_id, coach_id)] = latest
        logged.update(uow.coaching_logs.last_days_for_coaches(chunk))

    found: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for teacher_id, user_id, name, assigned in teachers:
        if assigned is None or assigned not in by_coach:
            continue
        coach_id, d = assigned, by_coach[assigned]
        if any(v.teacher_user_id == user_id for v in days[coach_id].visits):
            continue
        visited = last_seen.get((teacher_id, coach_id))
        days_seen = [visited.astimezone(ZoneInfo(d.tz)).date()] if visited is not None else []
        days_seen += [logged[teacher_id, coach_id]] if (teacher_id, coach_id) in logged else []
        if not days_seen:
            found[coach_id].append((-1, user_id, name))
            continue
        since = (d.day - max(days_seen)).days
        if since >= NOT_SEEN_DAYS:
            found[coach_id].append((since, user_id, name))
    # Never visited first, then the longest ago; by name within the same day.
    return {
        coach_id: [
            ListTeacher(user_id=user_id, days_since=None if since < 0 else since)
            for since, user_id, _name in sorted(
                items, key=lambda t: (t[0] >= 0, -t[0], t[2].casefold(), t[1])
            )
        ]
        for coach_id, items in found.items()
    }, {assigned for _id, _user, _name, assigned in teachers if assigned is not None}


# --------------------------------------------------------------------------- small helpers


def _actor(coach: Person) -> Actor:
    try:
        role = Role(coach.role)
    except ValueError:
        role = Role.COACH
    return Actor(coach.team_id, coach.user_id, coach.id, role, active=coach.active)
