"""Next steps that close: the teacher answers the check-back on a next step they agreed with
their coach: "Tried it" (with an optional line on how it went), "Need help", or "Not yet",
which asks again a week later, on a school day.

Only that debrief's teacher answers, once per check-back day (the database keeps it once, so a
double click records once). The answers are part of the note: the teacher and that coach read
them, no one else; reports count cycles, never answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.rules.calendar import zone_or_default
from bot.rules.domain import StepAnswer
from bot.rules.limits import MAX_STEP_LINE
from bot.rules.policy import Actor, may_change
from bot.rules.records import note_record
from bot.rules.school_calendar import calendar_for
from bot.rules.visits import VisitRefused
from storage.models import Debrief, DebriefNote, Person
from storage.uow import UnitOfWork

# "Not yet (remind me in a week)": the check-back moves this far, to a school day.
REMIND_AFTER = timedelta(days=7)
# What the check-back nudges are about in the outbox (bot/reads/nudges.py plans them).
CHECK_BACK_REF = "note:{note_id}:check-back"

GONE = "Sorry, that next step is no longer there, so nothing was recorded."
NOT_YOURS = (
    "Sorry, only the teacher this next step was agreed with can answer it. Nothing was changed."
)
MOVED = (
    "This next step changed since this message was sent, so nothing was recorded. "
    "The newest reminder about it is the one to answer."
)
ALREADY = "Your answer to this next step is already recorded. Thank you!"


class StepRefused(VisitRefused):
    """The person may not answer this check-back; `message` says why, kindly."""


class AlreadyAnswered(StepRefused):
    """This check-back day is answered already: nothing changes, and the person is told so."""

    def __init__(self) -> None:
        super().__init__(ALREADY)


@dataclass(frozen=True)
class StepRef:
    """What a check-back's buttons carry: the note and the check-back day they ask about."""

    note_id: int
    asked_on: date

    @property
    def value(self) -> str:
        return f"{self.note_id}:{self.asked_on.isoformat()}"


def parse_step_ref(text: str | None) -> StepRef | None:
    """A button value or private_metadata "<note id>:<YYYY-MM-DD>"; None for anything else."""
    note, _, day = (text or "").partition(":")
    if not (note.isascii() and note.isdigit()) or len(note) > 9 or int(note) < 1:
        return None
    try:
        return StepRef(int(note), date.fromisoformat(day))
    except ValueError:
        return None


def ref_for(note_id: int) -> str:
    return CHECK_BACK_REF.format(note_id=note_id)


@dataclass(frozen=True)
class Step:
    """A next step the actor may answer: its note, debrief, teacher and coach."""

    note: DebriefNote
    debrief: Debrief
    teacher: Person
    coach: Person

    @property
    def words(self) -> str:
        return (self.note.next_step or "").strip()


def load_step(uow: UnitOfWork, actor: Actor, note_id: int) -> Step:
    """The next step of a note, for that debrief's teacher only; anyone else is refused."""
    note = uow.notes.get(note_id)
    if note is None or not (note.next_step or "").strip():
        raise StepRefused(GONE)
    debrief = uow.debriefs.get(note.debrief_id)
    if debrief is None:
        raise StepRefused(GONE)
    decision = may_change(actor, note_record(debrief))
    if not decision:
        raise StepRefused(decision.message)
    if actor.person_id != debrief.teacher_id:
        raise StepRefused(NOT_YOURS)
    return Step(note, debrief, debrief.teacher, debrief.coach)


def open_step(uow: UnitOfWork, actor: Actor, ref: StepRef) -> Step:
    """A check-back still waiting for this teacher's answer: not answered, and still the
    note's own check-back day."""
    step = load_step(uow, actor, ref.note_id)
    if uow.next_steps.get_for_day(ref.note_id, ref.asked_on) is not None:
        raise AlreadyAnswered
    if step.note.check_back_on != ref.asked_on:
        raise StepRefused(MOVED)
    return step


@dataclass(frozen=True)
class Answered:
    """A recorded answer, with what telling people about it needs."""

    step: Step
    kind: StepAnswer
    line: str | None
    remind_on: date | None  # "not yet": the day coachbot asks again


def answer_step(
    uow: UnitOfWork,
    actor: Actor,
    ref: StepRef,
    kind: StepAnswer,
    now: datetime,
    line: str | None = None,
) -> Answered:
    """Record the teacher's answer to a check-back (the caller commits, then tells people)."""
    step = open_step(uow, actor, ref)
    line = (line or "").strip() or None
    if line is not None and len(line) > MAX_STEP_LINE:
        raise StepRefused(f"Please keep it under {MAX_STEP_LINE} characters.")
    if kind is not StepAnswer.TRIED:
        line = None
    remind_on = remind_day(uow, step.teacher, now) if kind is StepAnswer.NOT_YET else None
    recorded = uow.next_steps.add_if_absent(
        {
            "note_id": step.note.id,
            "teacher_id": step.teacher.id,
            "kind": kind.value,
            "asked_on": ref.asked_on,
            "line": line,
            "remind_on": remind_on,
            "answered_at": now,
        }
    )
    if not recorded:
        raise AlreadyAnswered
    if remind_on is not None:
        # The planner reads the new day as a new check-back: it nudges again then. The note's
        # version is checked by the database, so of two changes at once one is refused.
        step.note.check_back_on = remind_on
        uow.session.flush()
    return Answered(step, kind, line, remind_on)


def remind_day(uow: UnitOfWork, teacher: Person, now: datetime) -> date:
    """A week from the teacher's today, moved on to a school day of their calendar."""
    today = now.astimezone(zone_or_default(teacher.timezone)).date()
    calendar = calendar_for(uow, teacher)
    return calendar.add_school_days(today + REMIND_AFTER - timedelta(days=1), 1)
