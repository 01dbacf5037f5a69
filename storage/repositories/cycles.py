"""Goals, debriefs, debrief notes and answers to their next steps: the parts of a coaching
cycle that people change."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Exists, delete, or_, select
from sqlalchemy.orm import lazyload

from storage.enums import GoalStatus, StepAnswer
from storage.models import Debrief, DebriefNote, Goal, NextStepAnswer
from storage.repositories.base import Repository, RowRepository, insert_if_absent, rowcount

# The teacher says they tried the next step.
_TRIED = NextStepAnswer.kind == StepAnswer.TRIED


def step_tried(note_id: Any) -> Exists:
    """The teacher says they tried this note's next step (`note_id` a value or a column)."""
    return select(NextStepAnswer.id).where(NextStepAnswer.note_id == note_id, _TRIED).exists()


class GoalRepository(RowRepository[Goal]):
    model = Goal

    def list_active_for(self, teacher_id: int) -> list[Goal]:
        """A teacher's active goals, oldest first."""
        return self.all(
            select(Goal)
            .where(Goal.teacher_id == teacher_id, Goal.status == GoalStatus.ACTIVE)
            .order_by(Goal.created_at)
        )

    def list_for_teacher(self, teacher_id: int) -> list[Goal]:
        """Every goal a teacher has set, newest first."""
        return self.all(
            select(Goal).where(Goal.teacher_id == teacher_id).order_by(Goal.created_at.desc())
        )


class DebriefRepository(RowRepository[Debrief]):
    model = Debrief

    def list_for_visits(self, visit_ids: Sequence[int]) -> list[Debrief]:
        """The debriefs of these visits, earliest first. Their visit and people are read only
        when asked for: the caller has the visits already, and the session knows them."""
        return self.among(
            Debrief,
            Debrief.visit_id,
            visit_ids,
            Debrief.starts_at,
            options=(lazyload(Debrief.visit), lazyload(Debrief.teacher), lazyload(Debrief.coach)),
        )


class DebriefNoteRepository(RowRepository[DebriefNote]):
    """Notes are read only through bot/rules/cycles.py, which asks the policy first."""

    model = DebriefNote

    def get_by_author(self, debrief_id: int, author_id: int) -> DebriefNote | None:
        return self.find(
            DebriefNote, DebriefNote.debrief_id == debrief_id, DebriefNote.author_id == author_id
        )

    def list_for_debriefs(self, debrief_ids: Sequence[int]) -> list[DebriefNote]:
        """Every note on these debriefs, oldest first."""
        return self.among(
            DebriefNote, DebriefNote.debrief_id, debrief_ids, DebriefNote.created_at, DebriefNote.id
        )


class NextStepAnswerRepository(Repository):
    """Answers to the check-back on a next step; read through bot/rules/next_steps.py, which
    asks the policy about the note first."""

    def add_if_absent(self, values: dict[str, Any]) -> bool:
        """Record an answer unless that note's check-back day is already answered; True when
        this call recorded it (a double click, or two at once, records once)."""
        return insert_if_absent(
            self.session,
            NextStepAnswer.__table__,  # type: ignore[arg-type]
            values,
        )

    def remove_for(self, teacher_id: int, note_ids: Sequence[int]) -> int:
        """Erasing: the answers a teacher gave, and every answer to these notes; returns how
        many went."""
        statement = delete(NextStepAnswer).where(
            or_(NextStepAnswer.teacher_id == teacher_id, NextStepAnswer.note_id.in_(note_ids))
        )
        return rowcount(
            self.session.execute(statement.execution_options(synchronize_session=False))
        )

    def get_for_day(self, note_id: int, asked_on: date) -> NextStepAnswer | None:
        return self.find(
            NextStepAnswer, NextStepAnswer.note_id == note_id, NextStepAnswer.asked_on == asked_on
        )

    def list_for_notes(self, note_ids: Sequence[int]) -> list[NextStepAnswer]:
        """The answers to these notes' check-backs, earliest first."""
        return self.among(
            NextStepAnswer,
            NextStepAnswer.note_id,
            note_ids,
            NextStepAnswer.answered_at,
            NextStepAnswer.id,
        )

    def tried_among(self, note_ids: Sequence[int]) -> set[int]:
        """Which of these notes' next steps the teacher says they tried."""
        if not note_ids:
            return set()
        return set(
            self.session.scalars(
                select(NextStepAnswer.note_id).where(
                    NextStepAnswer.note_id.in_(list(note_ids)), _TRIED
                )
            )
        )
