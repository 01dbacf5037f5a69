"""What each stored row is to the policy: one Record per kind of row, built one way."""

from __future__ import annotations

from typing import Protocol

from bot.rules.policy import Kind, Record
from storage.models import Debrief, Goal, Reflection


class Parties(Protocol):
    """A visit or debrief as the policy sees it: a whole row, or a read model's few columns."""

    @property
    def team_id(self) -> str: ...
    @property
    def teacher_id(self) -> int: ...
    @property
    def coach_id(self) -> int: ...


def visit_record(visit: Parties) -> Record:
    return Record(Kind.VISIT, visit.team_id, visit.teacher_id, visit.coach_id)


def debrief_record(debrief: Parties) -> Record:
    return Record(Kind.DEBRIEF, debrief.team_id, debrief.teacher_id, debrief.coach_id)


def note_record(debrief: Debrief) -> Record:
    """A debrief's notes: read and written by the teacher and that debrief's coach only."""
    return notes_of(debrief, debrief.visit.goal_id if debrief.visit is not None else None)


def notes_of(debrief: Parties, goal_id: int | None) -> Record:
    """The notes on a debrief whose visit served `goal_id` (see note_record)."""
    return Record(Kind.NOTE, debrief.team_id, debrief.teacher_id, debrief.coach_id, goal_id=goal_id)


def goal_record(goal: Goal) -> Record:
    return Record(Kind.GOAL, goal.team_id, goal.teacher_id, goal.coach_id, goal_id=goal.id)


def reflection_record(reflection: Reflection) -> Record:
    return Record(
        Kind.REFLECTION,
        reflection.team_id,
        teacher_id=reflection.teacher_id,
        coach_id=reflection.coach_id,
        shared_with_coach=reflection.shared_with_coach,
    )
