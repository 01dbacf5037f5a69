"""Coaching cycles: goals, the visit log, debriefs and their notes, and the state of each cycle.

Every read of notes goes through bot/rules/policy.py; a person only ever sees notes on debriefs they
were part of.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import ColumnElement

from bot.rules.calendar import When, zone_or_default as zone
from bot.rules.cards import VisitLogCard
from bot.rules.coaching_log import CORRECT_FOR, logged_minutes
from bot.rules.domain import (
    MAX_ACTIVE_GOALS,
    CycleState,
    GoalStatus,
    Role,
    StepAnswer,
    SupportType,
    VisitOutcome,
    VisitStatus,
    went_ahead,
)
from bot.rules.policy import Actor, Decision, may_change, may_read
from bot.rules.records import (
    debrief_record as _debrief_record,
    goal_record as _goal_record,
    note_record as _note_record,
    visit_record as _visit_record,
)
from bot.rules.school_calendar import Calendars
from bot.rules.visits import VisitRefused, check_time, load_for
from storage.models import (
    CoachingLog,
    Debrief,
    DebriefNote,
    Goal,
    NextStepAnswer,
    Person,
    Visit,
)
from storage.repositories.base import RowRepository
from storage.uow import UnitOfWork

_Row = TypeVar("_Row")
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
    students_now: str | None = None  # "12 of 28 explain a step"
    students_aim: str | None = None  # "20 of 28"


def active_goals(uow: UnitOfWork, teacher: Person) -> list[Goal]:
    return uow.goals.list_active_for(teacher.id)


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
        team_id=teacher.team_id, teacher_id=teacher.id, status=GoalStatus.ACTIVE, created_at=now
    )
    return uow.goals.add(_write_goal(goal, new, now))


def _write_goal(goal: Goal, form: GoalInput, now: datetime) -> Goal:
    """What the goal form says, onto the goal: setting a goal and editing it write the same."""
    goal.question, goal.focus_area = form.question, form.focus_area
    goal.evidence, goal.target_date = form.evidence, form.target_date
    goal.students_now, goal.students_aim = form.students_now, form.students_aim
    goal.coach_id = form.coach.id if form.coach else None
    goal.updated_at = now
    return goal


def load_goal(uow: UnitOfWork, actor: Actor, goal_id: int, *, change: bool) -> Goal:
    may = may_change if change else may_read
    return _load(
        uow.goals,
        goal_id,
        lambda goal: may(actor, _goal_record(goal)),
        "Sorry, that goal no longer exists.",
    )


def _load(
    rows: RowRepository[_Row], row_id: int, decide: Callable[[_Row], Decision], gone: str
) -> _Row:
    """The row once the policy's `decide` lets the actor have it; CycleRefused with the
    policy's words when it does not, or with `gone` when there is no such row."""

    def check(row: _Row) -> None:
        decision = decide(row)
        if not decision:
            raise CycleRefused(decision.message)

    row = rows.get_for(row_id, check)
    if row is None:
        raise CycleRefused(gone)
    return row


def update_goal(
    uow: UnitOfWork, actor: Actor, goal_id: int, changed: GoalInput, now: datetime
) -> Goal:
    goal = load_goal(uow, actor, goal_id, change=True)
    if goal.status != GoalStatus.ACTIVE:
        raise CycleRefused("This goal is closed. Set a new goal to pick the question up again.")
    _check_coach(goal.teacher, changed.coach)
    return _write_goal(goal, changed, now)


def close_goal(uow: UnitOfWork, actor: Actor, goal_id: int, *, met: bool, now: datetime) -> Goal:
    goal = load_goal(uow, actor, goal_id, change=True)
    if goal.status != GoalStatus.ACTIVE:
        raise CycleRefused("This goal is already closed.")
    goal.status = GoalStatus.MET if met else GoalStatus.SET_ASIDE
    goal.closed_at = goal.updated_at = now
    return goal


# --------------------------------------------------------------------------- the visit log


def due_visit_logs(uow: UnitOfWork, now: datetime, limit: int = 200) -> list[Visit]:
    """Accepted visits that have ended and whose coach has not been asked about them yet."""
    return uow.visits.list_due_log_prompts(now, limit)


def claim_log_prompt(uow: UnitOfWork, visit_id: int, now: datetime) -> bool:
    """Mark a visit's log prompt as sent; False if someone else (another replica) already did."""
    return uow.visits.claim_log_prompt(visit_id, now)


def log_visit(
    uow: UnitOfWork,
    actor: Actor,
    visit_id: int,
    version: int,
    outcome: VisitOutcome,
    support: SupportType | None,
    now: datetime,
) -> Visit:
    """The coach says whether the visit happened and what it was; for two weeks after, they
    can say again what it was, from the message that thanked them."""
    visit = load_for(uow, actor, visit_id)
    if actor.person_id != visit.coach_id:
        raise CycleRefused("Only the coach who made the visit logs it.")
    if visit.outcome is not None:
        if not _corrects_kind(visit, version, outcome, support, now):
            raise CycleRefused("This visit is already logged. Thank you!")
        assert support is not None
        visit.logged_support_type = support.value
        visit.updated_at = now
        visit.version += 1
        return visit
    if visit.status != VisitStatus.ACCEPTED or version != visit.version:
        raise CycleRefused("This visit changed since this message was sent, so it wasn't logged.")
    visit.outcome = outcome
    visit.logged_support_type = (support or SupportType(visit.support_type)).value
    visit.logged_at = visit.updated_at = now
    visit.version += 1
    return visit


def _corrects_kind(
    visit: Visit,
    version: int,
    outcome: VisitOutcome,
    support: SupportType | None,
    now: datetime,
) -> bool:
    """A new kind for a visit logged as happened, chosen from its latest message in time."""
    return (
        visit.outcome == VisitOutcome.HAPPENED
        and outcome is VisitOutcome.HAPPENED
        and support is not None
        and version == visit.version
        and visit.logged_at is not None
        and now - visit.logged_at <= CORRECT_FOR
    )


def coaching_minutes(
    uow: UnitOfWork, coach: Person, start: datetime, end: datetime
) -> dict[SupportType, int]:
    """A coach's minutes by kind of support: the visits that happened, and the coaching they
    logged on the days from `start` to `end` where they are (group work counts once)."""
    minutes: dict[SupportType, int] = {}
    for planned, logged_kind, starts, ends in uow.visits.happened_kinds_for_coach(
        coach.id, start, end
    ):
        kind = SupportType(logged_kind or planned)
        length = int((ends - starts).total_seconds() // 60)
        minutes[kind] = minutes.get(kind, 0) + length
    tz = zone(coach.timezone)
    first = start.astimezone(tz).date()
    last = (end - timedelta(microseconds=1)).astimezone(tz).date()
    for kind, logged in logged_minutes(uow, coach.id, first, last).items():
        minutes[kind] = minutes.get(kind, 0) + logged
    return minutes


# --------------------------------------------------------------------------- debriefs


def debriefable_visits(uow: UnitOfWork, actor: Actor) -> list[Visit]:
    """Accepted visits the actor was part of that did not fail to happen, newest first."""
    if actor.person_id is None:
        return []
    return uow.visits.list_went_ahead_for(actor.person_id, limit=100)


def schedule_debrief(
    uow: UnitOfWork,
    actor: Actor,
    visit_id: int,
    when: When,
    place: str | None,
    now: datetime,
) -> Debrief:
    visit = load_for(uow, actor, visit_id)
    if not went_ahead(visit.status, visit.outcome):
        raise CycleRefused("That visit didn't happen, so there's nothing to debrief yet.")
    # The same rules as an invitation's time: a school day, within school hours, in the
    # teacher's zone, this school year or next, and not while the coach is visiting a class.
    check = check_time(uow, visit.teacher, visit.coach, when, now, debrief=True)
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
    return uow.debriefs.add(debrief)


def load_debrief(uow: UnitOfWork, actor: Actor, debrief_id: int) -> Debrief:
    """A debrief the actor may write notes on: only its teacher and its coach."""
    return _load(
        uow.debriefs,
        debrief_id,
        lambda debrief: may_change(actor, _note_record(debrief)),
        "Sorry, that debrief no longer exists.",
    )


@dataclass(frozen=True)
class NoteInput:
    strengths: str | None
    try_next: str | None
    next_step: str | None
    check_back_on: date | None


def own_note(uow: UnitOfWork, debrief: Debrief, author_id: int) -> DebriefNote | None:
    return uow.notes.get_by_author(debrief.id, author_id)


def save_note(
    uow: UnitOfWork, actor: Actor, debrief_id: int, note: NoteInput, now: datetime
) -> DebriefNote:
    """Write or rewrite the actor's own notes on a debrief."""
    debrief = load_debrief(uow, actor, debrief_id)
    assert actor.person_id is not None  # the policy admits only the teacher and the coach
    row = own_note(uow, debrief, actor.person_id)
    if row is None:
        row = DebriefNote(debrief_id=debrief.id, author_id=actor.person_id, created_at=now)
    row.strengths, row.try_next = note.strengths, note.try_next
    row.next_step, row.check_back_on = note.next_step, note.check_back_on
    row.updated_at = now
    return uow.notes.add(row)


def visits_needing_debrief_nudge(
    uow: UnitOfWork,
    now: datetime,
    school_days: int,
    calendars: Calendars | None = None,
    *,
    only: ColumnElement[bool] | None = None,
) -> list[Visit]:
    """Visits that happened with no debrief scheduled `school_days` school days later.

    The scheduler sends one nudge to each person for each of these. A planning run passes
    its `calendars`, so each school's calendar is read once, not once per visit, and `only`, a
    condition on the visit, so visits already nudged about are not read again.
    """
    calendars = calendars or Calendars(uow)
    due: list[Visit] = []
    # Older visits are history: a nudge about them would only be noise.
    rows = uow.visits.list_happened_without_debrief(
        ended_since=now - DEBRIEF_NUDGE_LOOKBACK, only=only
    )
    for visit in rows:
        calendar = calendars.of(visit.teacher)
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
    tried: Collection[int] = (),
) -> CycleState:
    """planning -> visiting -> debriefed -> trying the next step -> tried -> complete, from the
    facts; `tried` holds the notes whose next step the teacher says they tried."""
    held = [d for d in debriefs if d.starts_at <= now]
    last = max(held, key=lambda d: d.starts_at) if held else None
    ahead = [v.starts_at for v in visits if went_ahead(v.status, v.outcome)]
    return state_of(
        goal.status,
        went_ahead=bool(ahead),
        last_visit=max((at for at in ahead if at <= now), default=None),
        last_debrief=last.starts_at if last is not None else None,
        steps=[n.id for n in notes if last is not None and n.debrief_id == last.id and n.next_step],
        tried=tried,
    )


def state_of(
    status: GoalStatus | str,
    *,
    went_ahead: bool,
    last_visit: datetime | None,
    last_debrief: datetime | None,
    steps: Collection[int],
    tried: Collection[int] = (),
) -> CycleState:
    """A cycle's state from what it comes down to: whether any of its visits went ahead, when
    the latest of them that started did, when its latest debrief held started, and the notes
    with a next step on that debrief (`steps`; `tried` those the teacher says they tried)."""
    if status != GoalStatus.ACTIVE:
        return CycleState.COMPLETE
    if last_debrief is not None:
        if last_visit is not None and last_visit > last_debrief:
            return CycleState.VISITING
        if any(note_id in tried for note_id in steps):
            return CycleState.TRIED
        return CycleState.TRYING if steps else CycleState.DEBRIEFED
    return CycleState.VISITING if went_ahead else CycleState.PLANNING


@dataclass(frozen=True)
class CycleFacts:
    goal: Goal
    visits: list[Visit]
    debriefs: list[Debrief]
    notes: list[DebriefNote]
    state: CycleState
    logs: list[CoachingLog] = field(default_factory=list)  # coaching logged toward the goal
    answers: list[NextStepAnswer] = field(default_factory=list)  # to the notes' check-backs


def cycles_of(uow: UnitOfWork, actor: Actor, teacher: Person, now: datetime) -> list[CycleFacts]:
    """Each goal of a teacher the actor may read, with its visits, debriefs and notes.

    Each visit and debrief is checked on its own, as the Home tab does: a goal can change coach.
    Each kind of row is read once for all the goals, however many there are.
    """
    goals = [g for g in uow.goals.list_for_teacher(teacher.id) if may_read(actor, _goal_record(g))]
    goal_ids = [goal.id for goal in goals]
    # Reading the goal is not reading every visit under it: a goal can change coach, and
    # the new coach must not learn when, where or how the teacher met the old one.
    visits: dict[int, list[Visit]] = {goal_id: [] for goal_id in goal_ids}
    for visit in uow.visits.list_for_goals(goal_ids):
        if visit.goal_id is not None and may_read(actor, _visit_record(visit)):
            visits[visit.goal_id].append(visit)
    goal_of_visit = {v.id: goal_id for goal_id, vs in visits.items() for v in vs}
    debriefs: dict[int, list[Debrief]] = {goal_id: [] for goal_id in goal_ids}
    for debrief in uow.debriefs.list_for_visits(list(goal_of_visit)):
        if may_read(actor, _debrief_record(debrief)):
            debriefs[goal_of_visit[debrief.visit_id]].append(debrief)
    # Notes only on the debriefs whose notes the actor may read: their teacher and coach.
    noted = [d.id for ds in debriefs.values() for d in ds if may_read(actor, _note_record(d))]
    notes_on: dict[int, list[DebriefNote]] = {debrief_id: [] for debrief_id in noted}
    for note in uow.notes.list_for_debriefs(noted):
        notes_on[note.debrief_id].append(note)
    # The teacher sees all the coaching logged toward their goal; a coach what they logged.
    logs: dict[int, list[CoachingLog]] = {goal_id: [] for goal_id in goal_ids}
    for log in uow.coaching_logs.list_for_goals(goal_ids):
        if log.goal_id is not None and actor.person_id in (teacher.id, log.coach_id):
            logs[log.goal_id].append(log)
    # Answers to a next step go with its note: read by whoever may read the note.
    answers: dict[int, list[NextStepAnswer]] = {}
    for answer in uow.next_steps.list_for_notes([n.id for ns in notes_on.values() for n in ns]):
        answers.setdefault(answer.note_id, []).append(answer)

    facts: list[CycleFacts] = []
    for goal in goals:
        goal_debriefs = debriefs[goal.id]
        notes = [n for d in goal_debriefs for n in notes_on.get(d.id, [])]
        goal_answers = sorted(
            (a for n in notes for a in answers.get(n.id, [])), key=lambda a: (a.answered_at, a.id)
        )
        tried = {a.note_id for a in goal_answers if a.kind == StepAnswer.TRIED}
        state = cycle_state(goal, visits[goal.id], goal_debriefs, notes, now, tried)
        facts.append(
            CycleFacts(
                goal, visits[goal.id], goal_debriefs, notes, state, logs[goal.id], goal_answers
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
