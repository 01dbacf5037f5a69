"""What a person's Home tab shows, gathered with a fixed handful of queries.

A teacher sees their own visits, debriefs, goals and unanswered reflections; a coach their day,
their week, the invitations waiting for them, their caseload and their time this month; an
admin the roster in numbers and messages that could not be sent; a leader only the aggregate
report. Nothing is queried per teacher: each kind of row is read once for everyone on the page,
and every row about someone else passes bot/rules/policy.py before it is shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Row, and_, bindparam, func, select
from sqlalchemy.orm import aliased

from bot.reads.daily import for_the_coach_to_answer
from bot.reads.nudges import DEFAULT_WEEKLY_NUDGE_CAP
from bot.reads.rows import chunks, support_kind, waiting_invitation
from bot.rules import admin, office_hours
from bot.rules.calendar import SchoolCalendar
from bot.rules.cycles import coaching_minutes, state_of
from bot.rules.domain import CycleState, GoalStatus, Role
from bot.rules.people import valid_timezone
from bot.rules.policy import Actor, Kind, Record, may_administer, may_change, may_read
from bot.rules.records import (
    debrief_record as _debrief_record,
    goal_record as _goal_record,
    notes_of as _notes_of,
    reflection_record as _reflection_record,
    visit_record as _visit_record,
)
from bot.rules.school_calendar import calendar_for
from bot.views.common import MONTHS
from bot.views.home import (
    DEFAULT_LIST_TIME,
    MAX_DEAD_ON_HOME,
    SHARE_NEVER,
    AdminPart,
    Appointment,
    CaseloadLine,
    CoachPart,
    CoachSettings,
    DeadMessage,
    GoalLine,
    HomeData,
    ReflectionLine,
    SchoolHours,
    SettingsChange,
    TeacherPart,
    TeacherSettings,
)
from bot.views.office_hours import HoursOnHome
from bot.views.visits import WaitingInvitation
from bot.views.when import aware
from storage.models import Debrief, DebriefNote, Goal, Person, Visit
from storage.repositories.cycles import step_tried
from storage.repositories.visits import (
    VISIT_ACCEPTED,
    VISIT_OPEN,
    VISIT_WENT_AHEAD,
    visit_seen_by,
)
from storage.uow import UnitOfWork

# How far ahead and how much a teacher's "Coming up" reads.
UPCOMING_DAYS = 60
UPCOMING_SHOWN = 10
_ROWS = 200  # a bound on any one list read for a page


class SettingsRefused(Exception):
    """The person may not change these settings; `message` says why, kindly."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------- the whole Home


def home_data(uow: UnitOfWork, actor: Actor, person: Person | None, now: datetime) -> HomeData:
    """Everything `actor`'s Home shows; `person` is their row (None when coachbot has none)."""
    tz = valid_timezone(person.timezone if person is not None else None)
    today = now.astimezone(ZoneInfo(tz)).date()
    role = actor.role
    teacher: TeacherPart | None = None
    coach: CoachPart | None = None
    admin_part: AdminPart | None = None
    if role is Role.TEACHER:
        teacher = _teacher_part(uow, actor, person, now) if person is not None else TeacherPart()
    if role.coaches and person is not None:
        coach = _coach_part(uow, actor, person, tz, today, now)
    if actor.admin and may_administer(actor):
        admin_part = _admin_part(uow, actor)
    return HomeData(
        user_id=actor.user_id,
        role=role,
        tz=tz,
        today=today,
        teacher=teacher,
        coach=coach,
        admin=admin_part,
        reports=actor.admin or role is Role.LEADER,
    )


def _appointments(
    uow: UnitOfWork,
    actor: Actor,
    visits: ColumnElement[bool],
    debriefs: ColumnElement[bool],
    *,
    coach_reads: bool,
) -> list[Appointment]:
    """The visits and debriefs that match and that `actor` may read, soonest first.

    Each names the other person: the teacher when a coach reads, else the coach. Read as the
    columns a line shows and the policy needs, with the other person's Slack id joined.
    """
    found = [
        Appointment(
            kind="visit",
            other_user_id=row.user_id,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            support=support_kind(row.support_type),
            class_name=row.class_name,
            status=row.status,
        )
        for row in _readable(uow, actor, Visit, _VISIT_SHOWN, visits, teacher=coach_reads)
    ]
    found += [
        Appointment(
            kind="debrief",
            other_user_id=row.user_id,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            place=row.place,
        )
        for row in _readable(uow, actor, Debrief, _DEBRIEF_SHOWN, debriefs, teacher=coach_reads)
    ]
    found.sort(key=lambda a: a.starts_at)
    return found


def _readable(
    uow: UnitOfWork,
    actor: Actor,
    model: type[Visit] | type[Debrief],
    shown: Sequence[Any],
    where: ColumnElement[bool],
    *,
    teacher: bool,
) -> Iterator[Row[Any]]:
    """The `model` rows that match and that `actor` may read, soonest first, as the `shown`
    columns with the Slack id (user_id) of their teacher, or with `teacher` False their coach."""
    record = _visit_record if model is Visit else _debrief_record
    for row in uow.session.execute(
        select(model.team_id, model.teacher_id, model.coach_id, *shown, Person.user_id)
        .join(Person, Person.id == (model.teacher_id if teacher else model.coach_id))
        .where(where)
        .order_by(model.starts_at, model.id)
        .limit(_ROWS)
    ):
        if may_read(actor, record(_Parties(row.team_id, row.teacher_id, row.coach_id))):
            yield row


_VISIT_SHOWN = (
    Visit.starts_at,
    Visit.ends_at,
    Visit.support_type,
    Visit.class_name,
    Visit.status,
)
_DEBRIEF_SHOWN = (Debrief.starts_at, Debrief.ends_at, Debrief.place)
_INVITATION_SHOWN = (
    Visit.status,
    Visit.starts_at,
    Visit.ends_at,
    Visit.proposed_starts_at,
    Visit.proposed_ends_at,
    Visit.support_type,
    Visit.class_name,
)


# --------------------------------------------------------------------------- teacher


def _teacher_part(uow: UnitOfWork, actor: Actor, teacher: Person, now: datetime) -> TeacherPart:
    horizon = now + timedelta(days=UPCOMING_DAYS)
    upcoming = _appointments(
        uow,
        actor,
        and_(
            Visit.teacher_id == teacher.id,
            VISIT_OPEN,
            Visit.ends_at >= now,
            Visit.starts_at < horizon,
        ),
        and_(Debrief.teacher_id == teacher.id, Debrief.ends_at >= now, Debrief.starts_at < horizon),
        coach_reads=False,
    )

    goals = _active_goals(uow, actor, Goal.teacher_id == teacher.id)
    cycles = _cycles(uow, actor, goals, now)
    goal_lines = tuple(
        GoalLine(
            goal_id=goal.id,
            question=goal.question,
            focus_area=goal.focus_area,
            coach_user_id=goal.coach.user_id if goal.coach is not None else None,
            state=cycles[goal.id].state,
            next_step=cycles[goal.id].next_step,
            target_date=goal.target_date,
        )
        for goal in goals
    )

    reflections = tuple(
        ReflectionLine(reflection_id=row.id, question=row.question)
        for row in uow.reflections.list_unanswered(teacher.id, _ROWS)
        if may_read(actor, _reflection_record(row))
    )
    return TeacherPart(
        upcoming=tuple(upcoming[:UPCOMING_SHOWN]),
        more_upcoming=max(len(upcoming) - UPCOMING_SHOWN, 0),
        goals=goal_lines,
        reflections=reflections,
        settings=teacher_settings(teacher),
    )


def teacher_settings(person: Person) -> TeacherSettings:
    cap = person.weekly_nudge_cap
    return TeacherSettings(
        prompts_on=not person.prompts_stopped,
        paused_until=person.prompts_paused_until,
        nudge_cap=DEFAULT_WEEKLY_NUDGE_CAP if cap is None else max(cap, 0),
        share_wins=SHARE_NEVER if person.share_wins == SHARE_NEVER else "ask",
    )


# --------------------------------------------------------------------------- coach


def _coach_part(
    uow: UnitOfWork, actor: Actor, coach: Person, tz: str, today: date, now: datetime
) -> CoachPart:
    day_from = _midnight(today, tz)
    tomorrow = _midnight(today + timedelta(days=1), tz)
    monday = today - timedelta(days=today.weekday())
    # Late in the week, "this week" would be nearly empty: show the next week as well.
    late = today.weekday() >= 4
    week_end_day = monday + timedelta(days=14 if late else 7)
    week_to = _midnight(week_end_day, tz)

    appointments = _appointments(
        uow,
        actor,
        and_(
            Visit.coach_id == coach.id,
            VISIT_ACCEPTED,
            Visit.starts_at >= day_from,
            Visit.starts_at < week_to,
        ),
        and_(
            Debrief.coach_id == coach.id,
            Debrief.starts_at >= day_from,
            Debrief.starts_at < week_to,
        ),
        coach_reads=True,
    )

    invitations: list[WaitingInvitation] = []
    answer = for_the_coach_to_answer(now, Visit.coach_id == coach.id)
    for row in _readable(uow, actor, Visit, _INVITATION_SHOWN, answer, teacher=True):
        invitation = waiting_invitation(row, row.user_id)
        if invitation is not None:
            invitations.append(invitation)

    first_of_month = today.replace(day=1)
    next_month = (first_of_month + timedelta(days=32)).replace(day=1)
    minutes = coaching_minutes(uow, coach, _midnight(first_of_month, tz), _midnight(next_month, tz))
    return CoachPart(
        today=tuple(a for a in appointments if a.starts_at < tomorrow),
        week=tuple(a for a in appointments if a.starts_at >= tomorrow),
        week_label="This week and next" if late else "Later this week",
        invitations=tuple(invitations),
        caseload=tuple(caseload(uow, actor, coach, now)),
        minutes=minutes,
        month_label=MONTHS[today.month - 1],
        settings=coach_settings(coach),
        office_hours=HoursOnHome(
            office_hours.hours_of(uow, coach),
            tuple(office_hours.days_out_ahead(uow, coach, today)),
        ),
    )


def caseload(uow: UnitOfWork, actor: Actor, coach: Person, now: datetime) -> list[CaseloadLine]:
    """A coach's teachers (assigned, or with an active goal with them), not seen longest first.

    Five queries however many teachers: the assigned teachers, the coach's active goals, the
    latest visit that happened and the latest logged coaching per teacher, and the cycles.
    """
    if not (actor.coaches and actor.person_id == coach.id):
        return []
    tz = valid_timezone(coach.timezone)
    teachers: dict[int, Person] = {
        person.id: person
        for person in uow.session.scalars(
            select(Person).where(
                Person.assigned_coach_id == coach.id,
                Person.active.is_(True),
                Person.id != coach.id,
            )
        )
    }
    goals = _active_goals(uow, actor, Goal.coach_id == coach.id)
    for goal in goals:
        if goal.teacher.active and goal.teacher_id != coach.id:
            teachers.setdefault(goal.teacher_id, goal.teacher)

    happened = visit_seen_by(now)
    last_seen: dict[int, date] = {}
    zone = ZoneInfo(tz)
    for teacher_id, latest in uow.session.execute(
        select(Visit.teacher_id, func.max(Visit.starts_at))
        .where(Visit.coach_id == coach.id, happened)
        .group_by(Visit.teacher_id)
    ):
        teacher = teachers.get(teacher_id)
        if teacher is None or latest is None:
            continue
        record = Record(Kind.VISIT, teacher.team_id, teacher_id, coach.id)
        if may_read(actor, record):
            last_seen[teacher_id] = aware(latest).astimezone(zone).date()
    # Coaching the coach logged with a teacher (alone or in a group) counts as seeing them.
    for teacher_id, day in uow.coaching_logs.last_day_with(coach.id, list(teachers)).items():
        if day <= now.astimezone(zone).date():
            last_seen[teacher_id] = max(day, last_seen.get(teacher_id, day))

    cycles = _cycles(uow, actor, goals, now)
    state: dict[int, CycleState] = {}
    for goal in goals:  # oldest first, so the newest goal's state wins
        state[goal.teacher_id] = cycles[goal.id].state

    lines = [
        CaseloadLine(
            user_id=teacher.user_id,
            name=teacher.display_name or teacher.user_id,
            last_seen=last_seen.get(teacher_id),
            state=state.get(teacher_id),
        )
        for teacher_id, teacher in teachers.items()
        if may_read(actor, Record(Kind.PROFILE, teacher.team_id, teacher_id))
    ]
    # Never visited first, then the longest ago; by name within the same day.
    lines.sort(
        key=lambda c: (
            c.last_seen is not None,
            c.last_seen or date.min,
            c.name.casefold(),
            c.user_id,
        )
    )
    return lines


def coach_settings(person: Person) -> CoachSettings:
    return CoachSettings(
        list_at=person.daily_list_at or DEFAULT_LIST_TIME,
        when_empty=person.daily_list_when_empty,
    )


# --------------------------------------------------------------------------- admin


def _admin_part(uow: UnitOfWork, actor: Actor) -> AdminPart:
    roster = admin.roster_summary(uow, actor)
    dead_count = uow.outbox.count_dead(actor.team_id)
    latest = uow.outbox.list_dead(actor.team_id, MAX_DEAD_ON_HOME) if dead_count else []
    return AdminPart(
        roster=roster,
        dead_count=dead_count,
        dead=tuple(DeadMessage(kind, error or "", due_at) for kind, error, due_at in latest),
    )


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class OwnSettings:
    """The settings a person owns, by role; None for a part their role does not have."""

    teacher: TeacherSettings | None
    coach: CoachSettings | None
    hours: SchoolHours


def own_settings(uow: UnitOfWork, person: Person) -> OwnSettings:
    role = _role(person)
    calendar = calendar_for(uow, person)
    return OwnSettings(
        teacher=teacher_settings(person) if role is Role.TEACHER else None,
        coach=coach_settings(person) if role.coaches else None,
        hours=SchoolHours(calendar.day_start, calendar.day_end),
    )


def save_settings(uow: UnitOfWork, actor: Actor, person: Person, change: SettingsChange) -> None:
    """Save a person's own settings; nobody changes anyone else's."""
    record = Record(Kind.REFLECTION, person.team_id, teacher_id=person.id)
    if actor.person_id != person.id or not may_change(actor, record):
        raise SettingsRefused("Sorry, these settings belong to someone else. Nothing was changed.")
    role = _role(person)
    if change.teacher is not None and role is Role.TEACHER:
        person.prompts_stopped = not change.teacher.prompts_on
        person.prompts_paused_until = (
            change.teacher.paused_until if change.teacher.prompts_on else None
        )
        person.weekly_nudge_cap = change.teacher.nudge_cap
        person.share_wins = change.teacher.share_wins
    if change.coach is not None and role.coaches:
        person.daily_list_at = change.coach.list_at
        person.daily_list_when_empty = change.coach.when_empty


# --------------------------------------------------------------------------- cycles, in bulk


@dataclass(frozen=True)
class _Cycle:
    state: CycleState
    next_step: str | None


class _Parties(NamedTuple):
    team_id: str
    teacher_id: int
    coach_id: int


class _Step(NamedTuple):
    """A next step agreed in a debrief, as a cycle's state and the Home need it."""

    id: int
    debrief_id: int
    next_step: str | None
    updated_at: datetime
    tried: bool


def _cycles(
    uow: UnitOfWork, actor: Actor, goals: Sequence[Goal], now: datetime
) -> dict[int, _Cycle]:
    """Each goal's cycle state and latest agreed next step, in two queries for all goals.

    A caseload's goals hold a year of visits, debriefs and notes, so each is read down to what
    the state needs: visits as one line per goal and pair of people (whether any went ahead,
    the latest that started), debriefs as their parties and start, and only the notes with a
    next step. The policy is asked once per distinct record (a goal's rows share their people).
    """
    if not goals:
        return {}
    facts = _CycleReads(uow, actor, now)
    for chunk in chunks([g.id for g in goals]):
        facts.read_visits(chunk)
        facts.read_debriefs(chunk)
    return {goal.id: facts.cycle(goal) for goal in goals}


@dataclass
class _CycleReads:
    """What the cycles of some goals come down to, read a chunk of goals at a time."""

    uow: UnitOfWork
    actor: Actor
    now: datetime
    decided: dict[tuple[Kind, _Parties, int | None], bool] = field(default_factory=dict)
    went_ahead: set[int] = field(default_factory=set)
    last_visit: dict[int, datetime] = field(default_factory=dict)
    last_held: dict[int, tuple[datetime, int]] = field(default_factory=dict)  # start, debrief
    started: dict[int, datetime] = field(default_factory=dict)  # debrief id -> its start
    steps: dict[int, list[_Step]] = field(default_factory=lambda: defaultdict(list))

    def readable(self, kind: Kind, parties: _Parties, goal_id: int | None = None) -> bool:
        """May the actor read this visit, debrief or debrief's notes? Asked once for each."""
        key = (kind, parties, goal_id)
        known = self.decided.get(key)
        if known is None:
            if kind is Kind.NOTE:
                record = _notes_of(parties, goal_id)
            elif kind is Kind.VISIT:
                record = _visit_record(parties)
            else:
                record = _debrief_record(parties)
            known = self.decided[key] = bool(may_read(self.actor, record))
        return known

    def read_visits(self, chunk: Sequence[int]) -> None:
        params = {"goals": list(chunk), "now": self.now}
        for goal_id, team, teacher, coach, ahead, latest in self.uow.session.execute(
            _VISITS_BY_GOAL, params
        ):
            visit = _Parties(team, teacher, coach)
            if goal_id is None or not ahead or not self.readable(Kind.VISIT, visit):
                continue
            self.went_ahead.add(goal_id)
            if latest is not None:
                latest = aware(latest)
                self.last_visit[goal_id] = max(latest, self.last_visit.get(goal_id, latest))

    def read_debriefs(self, chunk: Sequence[int]) -> None:
        """The goals' debriefs, each with its notes that carry a next step (a row each, or one
        row without a note). A debrief counts when both it and its visit may be read; of a
        goal's debriefs held at the same latest time, the first read is its latest."""
        debrief_id = None
        goal_id = None
        for row in self.uow.session.execute(_DEBRIEFS_BY_GOAL, {"goals": list(chunk)}):
            if row[0] != debrief_id:
                debrief_id, team, teacher, coach, starts_at, has_notes, goal_id, *visit = row[:10]
                goal_id = self._debrief(
                    debrief_id, _Parties(team, teacher, coach), starts_at, has_notes, goal_id, visit
                )
            if goal_id is not None and row.next_step:  # the notes may be read, and it has one
                self.steps[goal_id].append(_Step(row[10], row[11], row[12], row[13], row[14]))

    def _debrief(
        self,
        debrief_id: int,
        debrief: _Parties,
        starts_at: datetime,
        has_notes: bool,
        goal_id: int | None,
        visit: list[Any],
    ) -> int | None:
        """Take in one debrief; the goal whose steps its notes are, when they may be read."""
        if not (
            goal_id is not None
            and self.readable(Kind.VISIT, _Parties(*visit))
            and self.readable(Kind.DEBRIEF, debrief)
        ):
            return None
        starts_at = aware(starts_at)
        self.started[debrief_id] = starts_at
        held = self.last_held.get(goal_id)
        if starts_at <= self.now and (held is None or starts_at > held[0]):
            self.last_held[goal_id] = (starts_at, debrief_id)
        # Any note on it is read, for the access log, as reading its notes.
        if has_notes and self.readable(Kind.NOTE, debrief, goal_id):
            return goal_id
        return None

    def cycle(self, goal: Goal) -> _Cycle:
        # In the order they were written (the latest step of two equal is the first written).
        steps = sorted(self.steps.get(goal.id, []), key=lambda s: (aware(s.updated_at), s.id))
        held = self.last_held.get(goal.id)
        on_last = [s for s in steps if held is not None and s.debrief_id == held[1]]
        state = state_of(
            goal.status,
            went_ahead=goal.id in self.went_ahead,
            last_visit=self.last_visit.get(goal.id),
            last_debrief=held[0] if held is not None else None,
            steps=[s.id for s in on_last],
            tried={s.id for s in on_last if s.tried},
        )
        latest = max(
            steps, key=lambda s: (self.started[s.debrief_id], aware(s.updated_at)), default=None
        )
        return _Cycle(state, latest.next_step if latest is not None else None)


# The two reads, built once (SQLAlchemy keeps a statement's cache key with it): each takes
# the chunk of goals as "goals", and the visits' also "now". "Went ahead" is asked in the
# visits' aggregates, not in WHERE, so that the goals' index finds the rows, not the status's
# (nearly every visit is accepted: that would read the year).
_GOALS = Visit.goal_id.in_(bindparam("goals", expanding=True))
_WENT_AHEAD_BY_NOW = and_(VISIT_WENT_AHEAD, Visit.starts_at <= bindparam("now"))
_VISITS_BY_GOAL = (
    select(
        Visit.goal_id,
        Visit.team_id,
        Visit.teacher_id,
        Visit.coach_id,
        func.count().filter(VISIT_WENT_AHEAD),
        func.max(Visit.starts_at).filter(_WENT_AHEAD_BY_NOW),
    )
    .where(_GOALS)
    .group_by(Visit.goal_id, Visit.team_id, Visit.teacher_id, Visit.coach_id)
)
_STEP = and_(DebriefNote.debrief_id == Debrief.id, DebriefNote.next_step.is_not(None))
_ANY_NOTE = aliased(DebriefNote)
_DEBRIEFS_BY_GOAL = (
    select(
        Debrief.id,
        Debrief.team_id,
        Debrief.teacher_id,
        Debrief.coach_id,
        Debrief.starts_at,
        select(_ANY_NOTE.id).where(_ANY_NOTE.debrief_id == Debrief.id).exists(),
        Visit.goal_id,
        Visit.team_id,
        Visit.teacher_id,
        Visit.coach_id,
        DebriefNote.id,
        DebriefNote.debrief_id,
        DebriefNote.next_step,
        DebriefNote.updated_at,
        step_tried(DebriefNote.id),
    )
    .join(Visit, Visit.id == Debrief.visit_id)
    .outerjoin(DebriefNote, _STEP)
    .where(_GOALS)
    .order_by(Debrief.starts_at, Debrief.id)
)


# --------------------------------------------------------------------------- small helpers


def _role(person: Person) -> Role:
    try:
        return Role(person.role)
    except ValueError:
        return Role.TEACHER


def _midnight(day: date, tz: str) -> datetime:
    """The UTC instant a local day starts, DST-safe."""
    return SchoolCalendar().at_local(day, time(0), tz)


def _active_goals(uow: UnitOfWork, actor: Actor, whose: ColumnElement[bool]) -> list[Goal]:
    """The active goals `whose` picks that the actor may read, oldest first."""
    return [
        goal
        for goal in uow.session.scalars(
            select(Goal)
            .where(whose, Goal.status == GoalStatus.ACTIVE)
            .order_by(Goal.created_at, Goal.id)
        )
        if may_read(actor, _goal_record(goal))
    ]
