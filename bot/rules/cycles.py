"""Coaching cycles: goals, the visit log, debriefs and their notes, and the state of each cycle.

Every read of notes goes through bot/rules/policy.py; a person only ever sees notes on debriefs they
were part of.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update

from bot.rules.calendar import zone_or_default as zone
from bot.rules.cards import VisitLogCard
from bot.rules.domain import (
    MAX_ACTIVE_GOALS,
    CycleState,
    GoalStatus,
    Role,
    SupportType,
    VisitOutcome,
    VisitStatus,
)
from bot.rules.policy import Actor, Kind, Record, may_change, may_read
from bot.rules.school_calendar import calendar_for
from bot.rules.visits import VisitRefused, check_time, load_for
from storage.models import Debrief, DebriefNote, Goal, Person, Visit
from storage.uow import UnitOfWork

DEBRIEF_NUDGE_LOOKBACK = timedelta(days=14)


class CycleRefused(VisitRefused):
    """The person may not do this; `message` says why, kindly."""


class DebriefTimeRefused(CycleRefused):
    """No debrief can happen then; `problems` says why by field: "coach", "date" or "time"."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


# --------------------------------------------------------------------------- goals


@dataclass(frozen=True)
class GoalInput:
    question: str
    focus_area: str
    evidence: str | None
    target_date: date | None
    coach: Person | None


def _goal_record(goal: Goal) -> Record:
    return Record(Kind.GOAL, goal.team_id, goal.teacher_id, goal.coach_id)


def active_goals(uow: UnitOfWork, teacher: Person) -> list[Goal]:
    return list(
        uow.session.scalars(
            select(Goal)
            .where(Goal.teacher_id == teacher.id, Goal.status == GoalStatus.ACTIVE.value)
            .order_by(Goal.created_at)
        )
    )


def _check_coach(teacher: Person, coach: Person | None) -> None:
    if coach is None:
        return
    if coach.id == teacher.id or not Role(coach.role).coaches or not coach.active:
        raise CycleRefused(
            "That person isn't set up as a coach in coachbot yet. Choose another coach, "
            "or leave it empty for now."
        )


def create_goal(uow: UnitOfWork, teacher: Person, new: GoalInput, now: datetime) -> Goal:
    """A teacher sets a goal for themselves; it opens a cycle with the chosen coach."""
    if len(active_goals(uow, teacher)) >= MAX_ACTIVE_GOALS:
        raise CycleRefused(
            f"You already have {MAX_ACTIVE_GOALS} active goals. Mark one met or set one aside "
            "first; a few at a time is plenty."
        )
    _check_coach(teacher, new.coach)
    goal = Goal(
        team_id=teacher.team_id,
        teacher_id=teacher.id,
        coach_id=new.coach.id if new.coach else None,
        question=new.question,
        focus_area=new.focus_area,
        evidence=new.evidence,
        target_date=new.target_date,
        status=GoalStatus.ACTIVE.value,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(goal)
    uow.session.flush()
    return goal


def load_goal(uow: UnitOfWork, actor: Actor, goal_id: int, *, change: bool) -> Goal:
    goal = uow.session.get(Goal, goal_id)
    if goal is None:
        raise CycleRefused("Sorry, that goal no longer exists.")
    decision = (may_change if change else may_read)(actor, _goal_record(goal))
    if not decision:
        raise CycleRefused(decision.message)
    return goal


def update_goal(
    uow: UnitOfWork, actor: Actor, goal_id: int, changed: GoalInput, now: datetime
) -> Goal:
    goal = load_goal(uow, actor, goal_id, change=True)
    if goal.status != GoalStatus.ACTIVE.value:
        raise CycleRefused("This goal is closed. Set a new goal to pick the question up again.")
    _check_coach(goal.teacher, changed.coach)
    goal.question, goal.focus_area = changed.question, changed.focus_area
    goal.evidence, goal.target_date = changed.evidence, changed.target_date
    goal.coach_id = changed.coach.id if changed.coach else None
    goal.updated_at = now
    return goal


def close_goal(uow: UnitOfWork, actor: Actor, goal_id: int, *, met: bool, now: datetime) -> Goal:
    goal = load_goal(uow, actor, goal_id, change=True)
    if goal.status != GoalStatus.ACTIVE.value:
        raise CycleRefused("This goal is already closed.")
    goal.status = (GoalStatus.MET if met else GoalStatus.SET_ASIDE).value
    goal.closed_at = goal.updated_at = now
    return goal


# --------------------------------------------------------------------------- the visit log


def due_visit_logs(uow: UnitOfWork, now: datetime, limit: int = 200) -> list[Visit]:
    """Accepted visits that have ended and whose coach has not been asked about them yet."""
    return list(
        uow.session.scalars(
            select(Visit)
            .where(
                Visit.status == VisitStatus.ACCEPTED.value,
                Visit.ends_at <= now,
                Visit.log_prompted_at.is_(None),
                Visit.outcome.is_(None),
            )
            .order_by(Visit.ends_at)
            .limit(limit)
        )
    )


def claim_log_prompt(uow: UnitOfWork, visit_id: int, now: datetime) -> bool:
    """Mark a visit's log prompt as sent; False if someone else (another replica) already did."""
    result = uow.session.execute(
        update(Visit)
        .where(Visit.id == visit_id, Visit.log_prompted_at.is_(None))
        .values(log_prompted_at=now)
    )
    return int(getattr(result, "rowcount", 0)) == 1


def log_visit(
    uow: UnitOfWork,
    actor: Actor,
    visit_id: int,
    version: int,
    outcome: VisitOutcome,
    support: SupportType | None,
    now: datetime,
) -> Visit:
    """The coach says whether the visit happened and what it was."""
    visit = load_for(uow, actor, visit_id)
    if actor.person_id != visit.coach_id:
        raise CycleRefused("Only the coach who made the visit logs it.")
    if visit.outcome is not None:
        raise CycleRefused("This visit is already logged. Thank you!")
    if visit.status != VisitStatus.ACCEPTED.value or version != visit.version:
        raise CycleRefused("This visit changed since this message was sent, so it wasn't logged.")
    visit.outcome = outcome.value
    visit.logged_support_type = (support or SupportType(visit.support_type)).value
    visit.logged_at = visit.updated_at = now
    visit.version += 1
    return visit


def coaching_minutes(
    uow: UnitOfWork, coach: Person, start: datetime, end: datetime
) -> dict[SupportType, int]:
    """A coach's minutes by kind of support; visits that did not happen never count."""
    minutes: dict[SupportType, int] = {}
    for visit in uow.session.scalars(
        select(Visit).where(
            Visit.coach_id == coach.id,
            Visit.outcome == VisitOutcome.HAPPENED.value,
            Visit.starts_at >= start,
            Visit.starts_at < end,
        )
    ):
        kind = SupportType(visit.logged_support_type or visit.support_type)
        length = int((visit.ends_at - visit.starts_at).total_seconds() // 60)
        minutes[kind] = minutes.get(kind, 0) + length
    return minutes


# --------------------------------------------------------------------------- debriefs


def debriefable_visits(uow: UnitOfWork, actor: Actor) -> list[Visit]:
    """Accepted visits the actor was part of that did not fail to happen, newest first."""
    if actor.person_id is None:
        return []
    return list(
        uow.session.scalars(
            select(Visit)
            .where(
                (Visit.teacher_id == actor.person_id) | (Visit.coach_id == actor.person_id),
                Visit.status == VisitStatus.ACCEPTED.value,
                (Visit.outcome.is_(None)) | (Visit.outcome == VisitOutcome.HAPPENED.value),
            )
            .order_by(Visit.starts_at.desc())
            .limit(100)
        )
    )


def schedule_debrief(
    uow: UnitOfWork,
    actor: Actor,
    visit_id: int,
    day: date,
    start: time,
    minutes: int,
    place: str | None,
    now: datetime,
) -> Debrief:
    visit = load_for(uow, actor, visit_id)
    if visit.status != VisitStatus.ACCEPTED.value or visit.outcome not in (
        None,
        VisitOutcome.HAPPENED.value,
    ):
        raise CycleRefused("That visit didn't happen, so there's nothing to debrief yet.")
    # The same rules as an invitation's time: a school day, within school hours, in the
    # teacher's zone, this school year or next, and not while the coach is visiting a class.
    check = check_time(uow, visit.teacher, visit.coach, day, start, minutes, now, debrief=True)
    if check.problems or check.starts_at is None or check.ends_at is None:
        raise DebriefTimeRefused(check.problems or {"time": "Choose another time."})
    debrief = Debrief(
        team_id=visit.team_id,
        visit_id=visit.id,
        teacher_id=visit.teacher_id,
        coach_id=visit.coach_id,
        starts_at=check.starts_at,
        ends_at=check.ends_at,
        place=place,
        created_at=now,
    )
    uow.session.add(debrief)
    uow.session.flush()
    return debrief


def _note_record(debrief: Debrief) -> Record:
    return Record(Kind.NOTE, debrief.team_id, debrief.teacher_id, debrief.coach_id)


def _debrief_record(debrief: Debrief) -> Record:
    return Record(Kind.DEBRIEF, debrief.team_id, debrief.teacher_id, debrief.coach_id)


def _visit_record(visit: Visit) -> Record:
    return Record(Kind.VISIT, visit.team_id, visit.teacher_id, visit.coach_id)


def load_debrief(uow: UnitOfWork, actor: Actor, debrief_id: int) -> Debrief:
    """A debrief the actor may write notes on: only its teacher and its coach."""
    debrief = uow.session.get(Debrief, debrief_id)
    if debrief is None:
        raise CycleRefused("Sorry, that debrief no longer exists.")
    decision = may_change(actor, _note_record(debrief))
    if not decision:
        raise CycleRefused(decision.message)
    return debrief


@dataclass(frozen=True)
class NoteInput:
    strengths: str | None
    try_next: str | None
    next_step: str | None
    check_back_on: date | None


def own_note(uow: UnitOfWork, debrief: Debrief, author_id: int) -> DebriefNote | None:
    return uow.session.scalars(
        select(DebriefNote).where(
            DebriefNote.debrief_id == debrief.id, DebriefNote.author_id == author_id
        )
    ).first()


def save_note(
    uow: UnitOfWork, actor: Actor, debrief_id: int, note: NoteInput, now: datetime
) -> DebriefNote:
    """Write or rewrite the actor's own notes on a debrief."""
    debrief = load_debrief(uow, actor, debrief_id)
    assert actor.person_id is not None  # the policy admits only the teacher and the coach
    row = own_note(uow, debrief, actor.person_id)
    if row is None:
        row = DebriefNote(debrief_id=debrief.id, author_id=actor.person_id, created_at=now)
        uow.session.add(row)
    row.strengths, row.try_next = note.strengths, note.try_next
    row.next_step, row.check_back_on = note.next_step, note.check_back_on
    row.updated_at = now
    uow.session.flush()
    return row


def notes_visible_to(uow: UnitOfWork, actor: Actor, debrief: Debrief) -> list[DebriefNote]:
    """The notes on a debrief, or none at all for anyone outside that conversation."""
    if not may_read(actor, _note_record(debrief)):
        return []
    return list(
        uow.session.scalars(
            select(DebriefNote)
            .where(DebriefNote.debrief_id == debrief.id)
            .order_by(DebriefNote.created_at)
        )
    )


def visits_needing_debrief_nudge(uow: UnitOfWork, now: datetime, school_days: int) -> list[Visit]:
    """Visits that happened with no debrief scheduled `school_days` school days later.

    The scheduler sends one nudge to each person for each of these.
    """
    due: list[Visit] = []
    rows = uow.session.scalars(
        select(Visit).where(
            # Older visits are history: a nudge about them would only be noise.
            Visit.ends_at >= now - DEBRIEF_NUDGE_LOOKBACK,
            Visit.outcome == VisitOutcome.HAPPENED.value,
            ~select(Debrief.id).where(Debrief.visit_id == Visit.id).exists(),
        )
    )
    for visit in rows:
        calendar = calendar_for(uow, visit.teacher)
        local = visit.ends_at.astimezone(zone(visit.teacher.timezone)).date()
        deadline_day = calendar.add_school_days(local, school_days)
        deadline = calendar.at_local(deadline_day, calendar.day_start, visit.teacher.timezone)
        if deadline <= now:
            due.append(visit)
    return due


# --------------------------------------------------------------------------- the cycle's story


def cycle_state(
    goal: Goal,
    visits: Sequence[Visit],
    debriefs: Sequence[Debrief],
    notes: Sequence[DebriefNote],
    now: datetime,
) -> CycleState:
    """planning -> visiting -> debriefed -> trying the next step -> complete, from the facts."""
    if goal.status != GoalStatus.ACTIVE.value:
        return CycleState.COMPLETE
    held = [d for d in debriefs if d.starts_at <= now]
    visited = [
        v
        for v in visits
        if v.status == VisitStatus.ACCEPTED.value and _happened(v) and v.starts_at <= now
    ]
    if held:
        last = max(held, key=lambda d: d.starts_at)
        if visited and max(v.starts_at for v in visited) > last.starts_at:
            return CycleState.VISITING
        last_notes = [n for n in notes if n.debrief_id == last.id and n.next_step]
        return CycleState.TRYING if last_notes else CycleState.DEBRIEFED
    if visited or any(v.status == VisitStatus.ACCEPTED.value and _happened(v) for v in visits):
        return CycleState.VISITING
    return CycleState.PLANNING


def _happened(visit: Visit) -> bool:
    """Not known to have failed: logged as happened, or not logged yet."""
    return visit.outcome in (None, VisitOutcome.HAPPENED.value)


@dataclass(frozen=True)
class CycleFacts:
    goal: Goal
    visits: list[Visit]
    debriefs: list[Debrief]
    notes: list[DebriefNote]
    state: CycleState


def cycles_of(uow: UnitOfWork, actor: Actor, teacher: Person, now: datetime) -> list[CycleFacts]:
    """Each goal of a teacher the actor may read, with its visits, debriefs and notes.

    Each visit and debrief is checked on its own, as the Home tab does: a goal can change coach.
    """
    goals = uow.session.scalars(
        select(Goal).where(Goal.teacher_id == teacher.id).order_by(Goal.created_at.desc())
    ).all()
    facts: list[CycleFacts] = []
    for goal in goals:
        if not may_read(actor, _goal_record(goal)):
            continue
        # Reading the goal is not reading every visit under it: a goal can change coach, and
        # the new coach must not learn when, where or how the teacher met the old one.
        visits = [
            visit
            for visit in uow.session.scalars(
                select(Visit).where(Visit.goal_id == goal.id).order_by(Visit.starts_at)
            )
            if may_read(actor, _visit_record(visit))
        ]
        debriefs = (
            [
                debrief
                for debrief in uow.session.scalars(
                    select(Debrief)
                    .where(Debrief.visit_id.in_([v.id for v in visits]))
                    .order_by(Debrief.starts_at)
                )
                if may_read(actor, _debrief_record(debrief))
            ]
            if visits
            else []
        )
        notes = [n for d in debriefs for n in notes_visible_to(uow, actor, d)]
        facts.append(
            CycleFacts(
                goal, visits, debriefs, notes, cycle_state(goal, visits, debriefs, notes, now)
            )
        )
    return facts


def log_card(visit: Visit, viewer: Person) -> VisitLogCard:
    """What the visit-log messages show, in the reader's time zone."""
    return VisitLogCard(
        visit_id=visit.id,
        version=visit.version,
        teacher_user_id=visit.teacher.user_id,
        starts_at=visit.starts_at,
        ends_at=visit.ends_at,
        tz=viewer.timezone,
        class_name=visit.class_name,
        planned=SupportType(visit.support_type),
    )
