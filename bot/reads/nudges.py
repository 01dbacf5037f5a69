"""Nudges: a reminder to the one person who owes the next step, and never more than that.

Four rules find what is owed:

- answer: an invitation (or a suggested new time) waiting a school day for an answer; the coach
  answers a new invitation, the person who did not suggest the time answers a suggestion.
- debrief: a visit that happened with no debrief DEBRIEF_NUDGE_SCHOOL_DAYS school days later;
  the coach and the teacher each get one nudge.
- check-back: a debrief note's next step whose check-back day has come, for the teacher.
- quiet goal: an active goal with no visit, debrief, note or edit for QUIET_GOAL_DAYS days, for
  the teacher.

`plan_nudges` writes them to the outbox (the only way to plan a message) with the keys
`nudge:<rule>:<item>:<n>:<person id>`, n being the reminder number, and each key to a small
record of the nudges sent (`nudges_sent`), so planning twice or on two replicas plans once,
and a nudge stays planned after its outbox row is deleted.

Noise rules: at most two reminders per item and person (the second a school day or more after
the first), nothing to an inactive person or to someone who stopped or paused prompts, and at
most a weekly cap per person in their Monday-Sunday week. Time rules: a nudge is due at the
person's next school moment, so one found at 18:00 waits for the next school morning.
`still_wanted` is asked just before sending: a settled item's nudge is never sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import partial
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, Select, String, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import lazyload

from bot.rules import outbox
from bot.rules.calendar import SchoolCalendar
from bot.rules.cycles import visits_needing_debrief_nudge
from bot.rules.domain import (
    DEBRIEF_NUDGE_SCHOOL_DAYS,
    GoalStatus,
    SupportType,
    VisitStatus,
    happened,
)
from bot.rules.school_calendar import Calendars
from bot.slack.visit_messages import card_in_zone
from bot.views import nudges as views
from bot.views.invite import COACH, TEACHER
from storage.enums import SENT_OR_DUE
from storage.models import (
    Debrief,
    DebriefNote,
    Goal,
    NextStepAnswer,
    OutboxMessage,
    Person,
    SentNudge,
    Visit,
)
from storage.repositories.base import insert_if_absent
from storage.repositories.visits import VISIT_AWAITING_ANSWER, VISIT_OPEN
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

KIND = "nudge"
DEFAULT_WEEKLY_NUDGE_CAP = 5
MAX_REMINDERS = 2
# An invitation or a suggested time waits this many school days before its first nudge.
ANSWER_WAIT_SCHOOL_DAYS = 1
QUIET_GOAL_DAYS = 14
# Something owed for longer than this is history: no first or second reminder is planned for it
# any more. Each rule reads only what became due within it, so a pass reads the last weeks'
# rows, never the whole year's.
NUDGE_WINDOW = timedelta(days=14)

_CHUNK = 500  # keys or ids in one IN (...) list
# "A school day later" is the same school-clock time on the next school day: never less than
# 23 hours (the night clocks spring forward). The rules' SQL uses this bound to leave out what
# cannot be due yet; the exact day is worked out in Python for what is left.
_SCHOOL_DAY_AT_LEAST = timedelta(hours=22)


class Rule(StrEnum):
    ANSWER = "answer"
    DEBRIEF = "debrief"
    CHECK_BACK = "check-back"
    QUIET_GOAL = "quiet"


@dataclass(frozen=True)
class _Limit:
    reminders: int  # per item and person
    gap_school_days: int  # between the first reminder and the second


_LIMITS = {
    Rule.ANSWER: _Limit(MAX_REMINDERS, 1),
    # "One nudge to each" of the coach and the teacher.
    Rule.DEBRIEF: _Limit(1, 1),
    Rule.CHECK_BACK: _Limit(MAX_REMINDERS, 1),
    # A goal left quiet is the teacher's choice to make; the last word comes a week later.
    Rule.QUIET_GOAL: _Limit(MAX_REMINDERS, 5),
}
# When the weekly cap cannot fit everything, first reminders go before last ones, and the
# rules in this order: someone is waiting on an answer; a visit is fresh.
_PRIORITY = {rule: index for index, rule in enumerate(Rule)}


@dataclass(frozen=True)
class _Ref:
    """A name made of values between fixed words (a nudge's key, what it is about), written
    once: as text for values in Python, and as SQL for columns, so the two cannot drift."""

    head: str
    tails: tuple[str, ...]  # the words after each value

    def text(self, *values: object) -> str:
        return self.head + "".join(f"{v}{t}" for v, t in zip(values, self.tails, strict=True))

    def sql(self, *columns: Any) -> ColumnElement[str]:
        name: ColumnElement[str] = literal(self.head)
        for column, tail in zip(columns, self.tails, strict=True):
            name = name + cast(column, String)
            if tail:
                name = name + literal(tail)
        return name


_KEY = _Ref("nudge:", (":", ":", ":", ""))  # rule, item, n, person id
ANSWER_REF = _Ref("visit:", (":answer:", ""))  # visit id, version
DEBRIEF_REF = _Ref("visit:", (":debrief",))  # visit id


def nudge_key(rule: Rule, item: str, n: int, person_id: int) -> str:
    return _KEY.text(rule.value, item, n, person_id)


@dataclass(frozen=True)
class ParsedKey:
    rule: Rule
    item: str
    n: int
    person_id: int


def parse_key(key: str) -> ParsedKey | None:
    """The parts of a nudge's key; None for any other key."""
    head, _, rest = key.partition(":")
    rule_text, _, rest = rest.partition(":")
    parts = rest.rsplit(":", 2)
    if head != "nudge" or len(parts) != 3:
        return None
    item, n_text, person_text = parts
    if not (n_text.isascii() and n_text.isdigit() and person_text.isascii()):
        return None
    if not person_text.isdigit() or not item:
        return None
    try:
        rule = Rule(rule_text)
    except ValueError:
        return None
    return ParsedKey(rule, item, int(n_text), int(person_text))


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class _Due:
    """One person owes one thing, and has since `since`."""

    rule: Rule
    item: str  # what the reminder count is kept for
    ref: str  # what the outbox row is about
    person: Person
    since: datetime
    message: Callable[..., dict[str, Any]]  # (last=bool) -> {"text", "blocks"}


def plan_nudges(uow: UnitOfWork, now: datetime) -> int:
    """Put every nudge that is due now in the outbox; returns how many were planned."""
    _require_aware(now)
    calendars = Calendars(uow)
    full = _full_people(uow, now, calendars)
    dues = [
        *_answer_dues(uow, now, calendars, full),
        *_debrief_dues(uow, now, calendars, full),
        *_check_back_dues(uow, now),
        *_quiet_goal_dues(uow, now),
    ]
    earlier = _existing(uow, dues)
    ready: list[tuple[int, _Due]] = []
    for due in dues:
        if not may_nudge(due.person, now):
            continue
        n = _next_reminder(due, earlier, calendars, now)
        if n is not None:
            ready.append((n, due))
    ready.sort(
        key=lambda pair: (
            pair[0],
            _PRIORITY[pair[1].rule],
            pair[1].since,
            pair[1].ref,
            pair[1].person.id,
        )
    )
    caps = _WeeklyCaps(uow, now, {due.person.id for _, due in ready})
    planned = 0
    for n, due in ready:
        person = due.person
        calendar = calendars.of(person)
        try:
            due_at = calendar.next_allowed(now, person.timezone)
        except ValueError:
            logger.warning("no school moment ahead for person %s; nudge not planned", person.id)
            continue
        if not caps.has_room(person, calendar, due_at):
            continue
        key = nudge_key(due.rule, due.item, n, person.id)
        if not _remember(uow, key, person, due.ref, due_at):
            continue  # planned already, on another replica
        if outbox.enqueue(
            uow,
            key=key,
            person=person,
            kind=KIND,
            message=due.message(last=n == MAX_REMINDERS),
            due_at=due_at,
            now=now,
            ref=due.ref,
        ):
            caps.take(person, calendar, due_at)
            planned += 1
    return planned


def may_nudge(person: Person, moment: datetime) -> bool:
    """Active, and has not stopped prompts or paused them past `moment`'s local day."""
    if not person.active or person.prompts_stopped:
        return False
    zone = _zone(person.timezone)
    if zone is None:
        return False
    paused = person.prompts_paused_until
    return paused is None or paused <= moment.astimezone(zone).date()


def weekly_cap(person: Person) -> int:
    """How many nudges a person gets in a Monday-Sunday week at most; 0 means none."""
    if person.weekly_nudge_cap is None:
        return DEFAULT_WEEKLY_NUDGE_CAP
    return max(person.weekly_nudge_cap, 0)


def _next_reminder(
    due: _Due,
    earlier: dict[str, tuple[datetime, datetime | None]],
    calendars: Calendars,
    now: datetime,
) -> int | None:
    """1 or 2 for the reminder this would be, or None when none is owed now."""
    limit = _LIMITS[due.rule]
    first = earlier.get(nudge_key(due.rule, due.item, 1, due.person.id))
    if first is None:
        return 1
    if limit.reminders < 2 or nudge_key(due.rule, due.item, 2, due.person.id) in earlier:
        return None
    due_at, sent_at = first
    calendar = calendars.of(due.person)
    try:
        earliest = _after_school_days(
            calendar, due.person.timezone, sent_at or due_at, limit.gap_school_days
        )
    except ValueError:
        return None
    return 2 if earliest <= now else None


def _remember(uow: UnitOfWork, key: str, person: Person, ref: str, due_at: datetime) -> bool:
    """Record that this nudge is planned; False when it was already (here or on a replica)."""
    values = {"key": key, "person_id": person.id, "ref": ref, "due_at": due_at}
    return insert_if_absent(uow.session, SentNudge.__table__, values, key="key")  # type: ignore[arg-type]


def _existing(uow: UnitOfWork, dues: Sequence[_Due]) -> dict[str, tuple[datetime, datetime | None]]:
    """Reminders already planned for these items, whatever became of them, by key: when each
    was due, and when it was sent while the outbox still holds its row."""
    keys = [nudge_key(due.rule, due.item, n, due.person.id) for due in dues for n in (1, 2)]
    found: dict[str, tuple[datetime, datetime | None]] = {}
    for chunk in _chunks(keys):
        for key, due_at, sent_at in uow.session.execute(
            select(SentNudge.key, SentNudge.due_at, OutboxMessage.sent_at)
            .outerjoin(OutboxMessage, OutboxMessage.key == SentNudge.key)
            .where(SentNudge.key.in_(chunk))
        ):
            found[key] = (due_at, sent_at)
    return found


def _week(calendar: SchoolCalendar, tz: str, moment: datetime) -> tuple[datetime, datetime]:
    """The local Monday-Sunday week `moment` falls in, where the person is."""
    local = moment.astimezone(ZoneInfo(tz)).date()
    monday = local - timedelta(days=local.weekday())
    return (
        calendar.at_local(monday, time(0), tz),
        calendar.at_local(monday + timedelta(days=7), time(0), tz),
    )


def _full_people(uow: UnitOfWork, now: datetime, calendars: Calendars) -> Select[Any] | None:
    """The people whose weekly cap is already used up in the week a nudge found now would be
    due in, as a query the rules leave them out with (nothing is read about them).

    A nudge found now is due at its person's next school moment; the week that falls in depends
    on their school's calendar and time zone. Nudges are counted in the part all those weeks
    share: someone with a full cap in it has a full cap in their own week. None when the weeks
    share nothing (a Friday evening in one zone and a Monday morning in another).
    """
    weeks = []
    places = select(Person.team_id, Person.timezone).where(Person.active).distinct()
    for team_id, tz in uow.session.execute(places):
        if _zone(tz) is None:
            continue  # nobody there is nudged at all
        for calendar in calendars.of_team(team_id):
            try:
                weeks.append(_week(calendar, tz, calendar.next_allowed(now, tz)))
            except ValueError:
                continue
    start, end = max((w[0] for w in weeks), default=now), min((w[1] for w in weeks), default=now)
    if start >= end:
        return None
    return (
        select(OutboxMessage.person_id)
        .join(Person, Person.id == OutboxMessage.person_id)
        .where(
            OutboxMessage.kind == KIND,
            OutboxMessage.status.in_(SENT_OR_DUE),
            OutboxMessage.due_at >= start,
            OutboxMessage.due_at < end,
        )
        .group_by(OutboxMessage.person_id, Person.weekly_nudge_cap)
        .having(func.count() >= func.coalesce(Person.weekly_nudge_cap, DEFAULT_WEEKLY_NUDGE_CAP))
    )


def _room(person: Any, full: Select[Any] | None) -> ColumnElement[bool]:
    """The person (a column of people ids) has room left in their weekly cap."""
    return person.not_in(full) if full is not None else literal(True)


def _told(key: ColumnElement[str]) -> ColumnElement[bool]:
    """A nudge under this key was planned, whatever became of it."""
    return select(SentNudge.key).where(SentNudge.key == key).exists()


class _WeeklyCaps:
    """Nudges each person has in each local Monday-Sunday week, counted once, then kept.

    The nudges of the weeks around `now` are read for the people given in one query, the first
    time a count is needed; a week outside them (after a long break) is counted on its own.
    """

    def __init__(self, uow: UnitOfWork, now: datetime, people: Iterable[int]) -> None:
        self._uow = uow
        self._used: dict[tuple[int, date], int] = {}
        self._span = (now - timedelta(days=8), now + timedelta(days=16))
        self._people = sorted(set(people))
        self._read: dict[int, list[datetime]] | None = None

    def has_room(self, person: Person, calendar: SchoolCalendar, due_at: datetime) -> bool:
        return self._count(person, calendar, due_at) < weekly_cap(person)

    def take(self, person: Person, calendar: SchoolCalendar, due_at: datetime) -> None:
        key = (person.id, self._monday(person, due_at))
        self._used[key] = self._count(person, calendar, due_at) + 1

    def _count(self, person: Person, calendar: SchoolCalendar, due_at: datetime) -> int:
        monday = self._monday(person, due_at)
        key = (person.id, monday)
        if key not in self._used:
            start, end = _week(calendar, person.timezone, due_at)
            if self._span[0] <= start and end <= self._span[1]:
                dues = self._around().get(person.id, [])
                self._used[key] = sum(1 for due_at in dues if start <= due_at < end)
            else:
                self._used[key] = outbox.count_for_person(self._uow, person, (KIND,), start, end)
        return self._used[key]

    def _around(self) -> dict[int, list[datetime]]:
        if self._read is None:
            self._read = {}
            for chunk in _chunks(self._people):
                for person_id, due_at in self._uow.outbox.due_moments((KIND,), *self._span, chunk):
                    self._read.setdefault(person_id, []).append(due_at)
        return self._read

    @staticmethod
    def _monday(person: Person, moment: datetime) -> date:
        local = moment.astimezone(ZoneInfo(person.timezone)).date()
        return local - timedelta(days=local.weekday())


# --------------------------------------------------------------------------- the four rules


def _owes_answer(visit: Visit) -> str:
    """Whose turn it is: the coach for a new invitation, else whoever did not suggest the time."""
    if visit.status == VisitStatus.PROPOSED:
        return TEACHER if visit.proposed_by == COACH else COACH
    return COACH


def _asked_for(visit: Visit) -> datetime | None:
    """When the visit would start if the answer were yes."""
    if visit.status == VisitStatus.PROPOSED:
        return visit.proposed_starts_at
    return visit.starts_at


def _answer_ref(visit: Visit) -> str:
    return ANSWER_REF.text(visit.id, visit.version)


def _answer_dues(
    uow: UnitOfWork, now: datetime, calendars: Calendars, full: Select[Any] | None = None
) -> list[_Due]:
    dues: list[_Due] = []
    asked_ahead = or_(
        and_(Visit.status == VisitStatus.PENDING, Visit.starts_at > now),
        and_(Visit.status == VisitStatus.PROPOSED, Visit.proposed_starts_at > now),
    )
    owner = case(
        (and_(Visit.status == VisitStatus.PROPOSED, Visit.proposed_by == COACH), Visit.teacher_id),
        else_=Visit.coach_id,
    )
    # Left out in SQL, found by the record's ref index: invitations whose two reminders are
    # planned, or whose last one is less than a school day old; asked less than a school day
    # ago; or owed by someone whose weekly cap is full. A quiet minute loads none of them.
    ref = ANSWER_REF.sql(Visit.id, Visit.version)
    told = select(func.count()).select_from(SentNudge).where(SentNudge.ref == ref)
    recent = now - _SCHOOL_DAY_AT_LEAST
    told_lately = (
        select(SentNudge.key).where(SentNudge.ref == ref, SentNudge.due_at > recent).exists()
    )
    awaiting = select(Visit).where(
        VISIT_AWAITING_ANSWER,
        asked_ahead,
        Visit.updated_at <= recent,
        told.scalar_subquery() < MAX_REMINDERS,
        ~told_lately,
        _room(owner, full),
    )
    for visit in uow.session.scalars(awaiting):
        starts = _asked_for(visit)
        if starts is None or starts <= now:
            continue  # a time that has passed needs no answer any more
        side = _owes_answer(visit)
        person = visit.coach if side == COACH else visit.teacher
        try:
            ready = _after_school_days(
                calendars.of(person), person.timezone, visit.updated_at, ANSWER_WAIT_SCHOOL_DAYS
            )
        except ValueError:
            continue
        if ready > now:
            continue
        card = card_in_zone(visit, person.timezone)
        dues.append(
            _Due(
                Rule.ANSWER,
                f"{visit.id}v{visit.version}",
                _answer_ref(visit),
                person,
                ready,
                partial(views.build_answer_nudge, card, to=side),
            )
        )
    return dues


def _debrief_dues(
    uow: UnitOfWork, now: datetime, calendars: Calendars, full: Select[Any] | None = None
) -> list[_Due]:
    dues: list[_Due] = []
    # One nudge each to the coach and the teacher. Left out in SQL: visits whose nudge is
    # planned, or the cap full, for both of them; and visits that ended too recently for the
    # deadline to have come (it is at the start of a school day at least DEBRIEF_NUDGE_SCHOOL_DAYS
    # days after the visit's day, so more than that many days less one after it ended).
    owed = [
        and_(~_told(_KEY.sql(Rule.DEBRIEF.value, Visit.id, 1, side)), _room(side, full))
        for side in (Visit.coach_id, Visit.teacher_id)
    ]
    ended_by = now - timedelta(days=DEBRIEF_NUDGE_SCHOOL_DAYS - 1) + timedelta(hours=2)
    only = and_(Visit.ends_at <= ended_by, or_(*owed))
    for visit in visits_needing_debrief_nudge(
        uow, now, DEBRIEF_NUDGE_SCHOOL_DAYS, calendars, only=only
    ):
        for side, person, other in (
            (COACH, visit.coach, visit.teacher),
            (TEACHER, visit.teacher, visit.coach),
        ):
            dues.append(
                _Due(
                    Rule.DEBRIEF,
                    str(visit.id),
                    DEBRIEF_REF.text(visit.id),
                    person,
                    visit.ends_at,
                    partial(
                        views.build_debrief_nudge,
                        visit_id=visit.id,
                        viewer=side,
                        other_user_id=other.user_id,
                        starts_at=visit.starts_at,
                        ends_at=visit.ends_at,
                        tz=person.timezone,
                        support=SupportType(visit.logged_support_type or visit.support_type),
                        class_name=visit.class_name,
                    ),
                )
            )
    return dues


def _check_back_item(note: DebriefNote) -> str:
    assert note.check_back_on is not None
    return f"{note.id}@{note.check_back_on.isoformat()}"


def _check_back_dues(uow: UnitOfWork, now: datetime) -> list[_Due]:
    # No time zone is ahead of UTC by more than 14 hours, or behind it by more than 12: cheap
    # bounds before the exact one, so the index on check_back_on reads only the window's notes.
    latest_today = (now.astimezone(UTC) + timedelta(hours=14)).date()
    earliest = (now.astimezone(UTC) - timedelta(hours=12) - NUDGE_WINDOW).date()
    rows = uow.session.execute(
        select(DebriefNote, Debrief)
        .join(Debrief, Debrief.id == DebriefNote.debrief_id)
        .where(
            DebriefNote.next_step.is_not(None),
            DebriefNote.check_back_on >= earliest,
            DebriefNote.check_back_on <= latest_today,
            ~_answered(DebriefNote.id, DebriefNote.check_back_on),
        )
        .options(lazyload(Debrief.visit))
    )
    dues: list[_Due] = []
    for note, debrief in rows:
        teacher = debrief.teacher
        zone = _zone(teacher.timezone)
        if not (note.next_step or "").strip() or note.check_back_on is None or zone is None:
            continue
        if note.check_back_on > now.astimezone(zone).date():
            continue
        coach = debrief.coach.user_id if debrief.coach.active else None
        dues.append(
            _Due(
                Rule.CHECK_BACK,
                _check_back_item(note),
                f"note:{note.id}:check-back",
                teacher,
                datetime.combine(note.check_back_on, time(0), tzinfo=UTC),
                partial(
                    views.build_check_back_nudge,
                    next_step=note.next_step or "",
                    coach_user_id=coach,
                    answer_value=f"{note.id}:{note.check_back_on.isoformat()}",
                ),
            )
        )
    return dues


def _answered(note_id: Any, day: Any) -> Any:
    """The teacher answered this note's check-back on this day (tried, need help or not yet;
    "not yet" moved the note to a new day, which is asked about again)."""
    return (
        select(NextStepAnswer.id)
        .where(NextStepAnswer.note_id == note_id, NextStepAnswer.asked_on == day)
        .exists()
    )


def _quiet_goal_dues(uow: UnitOfWork, now: datetime) -> list[_Due]:
    """Active goals quiet since a moment between the window's start and the cutoff.

    The activity of the window alone decides it: something after the cutoff means not quiet,
    nothing since the window's start means quiet for too long to be worth a nudge.
    """
    cutoff = now - timedelta(days=QUIET_GOAL_DAYS)
    floor = cutoff - NUDGE_WINDOW
    quiet = [
        (goal_id, last)
        for goal_id, last in _latest_moments(uow, floor, cutoff).items()
        if floor <= last <= cutoff
    ]
    goals = {
        goal.id: goal
        for chunk in _chunks(goal_id for goal_id, _ in quiet)
        for goal in uow.session.scalars(
            select(Goal).where(Goal.id.in_(chunk), Goal.status == GoalStatus.ACTIVE)
        )
    }
    dues: list[_Due] = []
    for goal_id, last in quiet:
        goal = goals.get(goal_id)
        if goal is None:
            continue
        coach = goal.coach.user_id if goal.coach is not None and goal.coach.active else None
        dues.append(
            _Due(
                Rule.QUIET_GOAL,
                f"{goal.id}@{int(last.timestamp())}",
                f"goal:{goal.id}:quiet",
                goal.teacher,
                last,
                partial(views.build_quiet_goal_nudge, question=goal.question, coach_user_id=coach),
            )
        )
    return dues


def last_goal_activity(uow: UnitOfWork, goals: Sequence[Goal]) -> dict[int, datetime]:
    """When something last happened on each goal: an edit, or a visit, debrief or note.

    Visits count when linked to the goal, or when linked to no goal at all (coaching with that
    teacher is not quiet); a visit or debrief planned for later counts as happening then.
    """
    seen = _moments(uow, teacher_ids=sorted({goal.teacher_id for goal in goals}))
    return {goal.id: _latest(goal, seen) for goal in goals}


def _latest(goal: Any, seen: dict[tuple[int | None, int], datetime]) -> datetime:
    moments = [_utc(goal.created_at), _utc(goal.updated_at)]
    for key in ((goal.id, goal.teacher_id), (None, goal.teacher_id)):
        if key in seen:
            moments.append(seen[key])
    return max(m for m in moments if m is not None)


def _latest_moments(
    uow: UnitOfWork, since: datetime, until: datetime | None = None
) -> dict[int, datetime]:
    """The last moment of each active goal with anything since `since` (it or its teacher's
    visits, debriefs and notes); goals with nothing since are left out, and so are goals with
    something after `until` (their last moment is later than that, whatever else they had)."""
    seen = _moments(uow, since=since)

    def later(moment: datetime) -> bool:
        return until is not None and moment > until

    # Coaching linked to no goal counts for every goal of its teacher.
    busy = {teacher for (goal, teacher), moment in seen.items() if goal is None and later(moment)}
    by_goal = sorted(
        {
            goal
            for (goal, teacher), moment in seen.items()
            if goal is not None and teacher not in busy and not later(moment)
        }
    )
    teachers = sorted({t for (goal, t) in seen if goal is None and t not in busy})
    touched = or_(Goal.updated_at >= since, Goal.created_at >= since)
    columns = (Goal.id, Goal.teacher_id, Goal.created_at, Goal.updated_at)
    rows = list(
        uow.session.execute(select(*columns).where(Goal.status == GoalStatus.ACTIVE, touched))
    )
    for column, values in ((Goal.id, by_goal), (Goal.teacher_id, teachers)):
        for chunk in _chunks(values):
            rows += uow.session.execute(
                select(*columns).where(Goal.status == GoalStatus.ACTIVE, column.in_(chunk))
            )
    return {row.id: _latest(row, seen) for row in rows}


def _moments(
    uow: UnitOfWork, *, teacher_ids: Sequence[int] | None = None, since: datetime | None = None
) -> dict[tuple[int | None, int], datetime]:
    """(goal id, teacher id) -> the latest moment of its visits, debriefs, notes and answers to
    a next step; goal id
    None is coaching linked to no goal. Either for these teachers, or for everything since."""
    seen: dict[tuple[int | None, int], datetime] = {}

    def note_moment(goal_id: int | None, teacher_id: int, *moments: datetime | None) -> None:
        for moment in moments:
            moment = _utc(moment)
            if moment is None:
                continue
            key = (goal_id, teacher_id)
            if key not in seen or moment > seen[key]:
                seen[key] = moment

    planned_start = case((VISIT_OPEN, Visit.starts_at), else_=None)
    for where in _scopes(teacher_ids, since):
        # Row by row, not GROUP BY: grouped, SQLite walks the whole table in goal order
        # instead of reading the window's rows by their indexes.
        for goal_id, teacher_id, updated, starts in uow.session.execute(
            select(Visit.goal_id, Visit.teacher_id, Visit.updated_at, planned_start).where(
                where(Visit.teacher_id, Visit.updated_at, Visit.starts_at)
            )
        ):
            note_moment(goal_id, teacher_id, updated, starts)
        for goal_id, teacher_id, created, starts in uow.session.execute(
            select(
                Visit.goal_id,
                Visit.teacher_id,
                func.max(Debrief.created_at),
                func.max(Debrief.starts_at),
            )
            .join(Visit, Visit.id == Debrief.visit_id)
            .where(where(Debrief.teacher_id, Debrief.created_at, Debrief.starts_at))
            .group_by(Visit.goal_id, Visit.teacher_id)
        ):
            note_moment(goal_id, teacher_id, created, starts)
        for goal_id, teacher_id, updated in uow.session.execute(
            select(Visit.goal_id, Visit.teacher_id, func.max(DebriefNote.updated_at))
            .join(Debrief, Debrief.id == DebriefNote.debrief_id)
            .join(Visit, Visit.id == Debrief.visit_id)
            .where(where(Debrief.teacher_id, DebriefNote.updated_at, DebriefNote.updated_at))
            .group_by(Visit.goal_id, Visit.teacher_id)
        ):
            note_moment(goal_id, teacher_id, updated)
        # A teacher's answer to a next step's check-back ("not yet" too) is the goal moving.
        for goal_id, teacher_id, answered in uow.session.execute(
            select(Visit.goal_id, NextStepAnswer.teacher_id, func.max(NextStepAnswer.answered_at))
            .join(DebriefNote, DebriefNote.id == NextStepAnswer.note_id)
            .join(Debrief, Debrief.id == DebriefNote.debrief_id)
            .join(Visit, Visit.id == Debrief.visit_id)
            .where(
                where(
                    NextStepAnswer.teacher_id,
                    NextStepAnswer.answered_at,
                    NextStepAnswer.answered_at,
                )
            )
            .group_by(Visit.goal_id, NextStepAnswer.teacher_id)
        ):
            note_moment(goal_id, teacher_id, answered)
    return seen


@dataclass(frozen=True)
class _Scope:
    """Which rows a pass reads: one chunk of teachers, or whatever changed or is planned since."""

    teachers: Sequence[int] = ()
    since: datetime | None = None

    def __call__(self, teacher: Any, changed: Any, planned: Any) -> Any:
        if self.since is not None:
            return or_(changed >= self.since, planned >= self.since)
        return teacher.in_(self.teachers)


def _scopes(teacher_ids: Sequence[int] | None, since: datetime | None) -> list[_Scope]:
    if since is not None:
        return [_Scope(since=since)]
    return [_Scope(teachers=chunk) for chunk in _chunks(teacher_ids or [])]


# --------------------------------------------------------------------------- just before sending


def still_wanted(uow: UnitOfWork, row: OutboxMessage) -> bool:
    """Should this planned nudge still be sent? False once its item was settled.

    Settled: the invitation was answered or changed (its version moved on) or its time passed,
    a debrief now exists, the check-back note changed, the goal closed or had activity since
    the nudge was planned. Also False when the person was deactivated, or stopped or paused
    prompts in the meantime.
    """
    parsed = parse_key(row.key)
    if row.kind != KIND or parsed is None:
        logger.warning("still_wanted asked about a row it did not plan: %s", row.key)
        return True
    person = uow.session.get(Person, row.person_id) if row.person_id is not None else None
    if person is None or person.id != parsed.person_id or not may_nudge(person, row.due_at):
        return False
    ref = (row.ref or "").split(":")
    if parsed.rule is Rule.ANSWER:
        return _answer_wanted(uow, ref, person, row)
    if parsed.rule is Rule.DEBRIEF:
        return _debrief_wanted(uow, ref, person)
    if parsed.rule is Rule.CHECK_BACK:
        return _check_back_wanted(uow, ref, parsed.item, person, row)
    return _quiet_goal_wanted(uow, ref, parsed.item, person)


def _ref_id(ref: list[str], head: str, tail: str, size: int) -> int | None:
    if len(ref) != size or ref[0] != head or ref[2] != tail or not ref[1].isdigit():
        return None
    return int(ref[1])


def _answer_wanted(uow: UnitOfWork, ref: list[str], person: Person, row: OutboxMessage) -> bool:
    visit_id = _ref_id(ref, "visit", "answer", 4)
    if visit_id is None or not ref[3].isdigit():
        return False
    visit = uow.session.get(Visit, visit_id)
    if visit is None or VisitStatus(visit.status).settled or visit.version != int(ref[3]):
        return False
    owner = visit.coach_id if _owes_answer(visit) == COACH else visit.teacher_id
    starts = _asked_for(visit)
    return owner == person.id and starts is not None and starts > row.due_at


def _debrief_wanted(uow: UnitOfWork, ref: list[str], person: Person) -> bool:
    visit_id = _ref_id(ref, "visit", "debrief", 3)
    if visit_id is None:
        return False
    visit = uow.session.get(Visit, visit_id)
    if visit is None or not happened(visit.outcome):
        return False
    if person.id not in (visit.coach_id, visit.teacher_id):
        return False
    debrief = uow.session.scalar(select(Debrief.id).where(Debrief.visit_id == visit.id).limit(1))
    return debrief is None


def _check_back_wanted(
    uow: UnitOfWork, ref: list[str], item: str, person: Person, row: OutboxMessage
) -> bool:
    note_id = _ref_id(ref, "note", "check-back", 3)
    if note_id is None:
        return False
    note = uow.session.get(DebriefNote, note_id)
    if note is None or not (note.next_step or "").strip() or note.check_back_on is None:
        return False
    if _check_back_item(note) != item or note.updated_at > row.created_at:
        return False
    if uow.session.scalar(select(_answered(note.id, note.check_back_on))):
        return False  # the teacher already answered this check-back day
    debrief = uow.session.get(Debrief, note.debrief_id)
    return debrief is not None and debrief.teacher_id == person.id


def _quiet_goal_wanted(uow: UnitOfWork, ref: list[str], item: str, person: Person) -> bool:
    goal_id = _ref_id(ref, "goal", "quiet", 3)
    planned = item.partition("@")[2]
    if goal_id is None or not planned.isdigit():
        return False
    goal = uow.session.get(Goal, goal_id)
    if goal is None or goal.status != GoalStatus.ACTIVE or goal.teacher_id != person.id:
        return False
    last = last_goal_activity(uow, [goal])[goal.id]
    return int(last.timestamp()) <= int(planned)


# --------------------------------------------------------------------------- helpers


def _after_school_days(
    calendar: SchoolCalendar, tz: str, moment: datetime, school_days: int
) -> datetime:
    """The same school-clock time `school_days` school days after `moment`.

    A moment outside school hours counts from the next school moment, so an invitation sent on
    Saturday has waited a school day on Tuesday morning, not on Monday.
    """
    start = calendar.next_allowed(moment, tz).astimezone(ZoneInfo(tz))
    day = calendar.add_school_days(start.date(), school_days)
    return calendar.at_local(day, start.time().replace(tzinfo=None), tz)


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _utc(moment: Any) -> datetime | None:
    """An aggregate's datetime: aware UTC whatever the database hands back."""
    if moment is None:
        return None
    if isinstance(moment, str):  # SQLite may return MAX(CASE ...) as its stored text
        moment = datetime.fromisoformat(moment)
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime from the database, got {type(moment)!r}")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("now must carry a time zone (for example UTC)")


_T = TypeVar("_T")


def _chunks(values: Iterable[_T]) -> Iterator[list[_T]]:
    batch: list[_T] = []
    for value in values:
        batch.append(value)
        if len(batch) == _CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch
