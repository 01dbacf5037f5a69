"""Goals, debriefs and debrief notes: the parts of a coaching cycle that people change."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from storage.enums import GoalStatus
from storage.models import Debrief, DebriefNote, Goal
from storage.repositories.base import RowRepository


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
        """The debriefs of these visits, earliest first."""
        if not visit_ids:
            return []
        return self.all(
            select(Debrief).where(Debrief.visit_id.in_(list(visit_ids))).order_by(Debrief.starts_at)
        )


class DebriefNoteRepository(RowRepository[DebriefNote]):
    """Notes are read only through bot/rules/cycles.py, which asks the policy first."""

    model = DebriefNote

    def get_by_author(self, debrief_id: int, author_id: int) -> DebriefNote | None:
        return self.session.scalars(
            select(DebriefNote).where(
                DebriefNote.debrief_id == debrief_id, DebriefNote.author_id == author_id
            )
        ).first()

    def list_for_debrief(self, debrief_id: int) -> list[DebriefNote]:
        """Every note on a debrief, oldest first."""
        return self.all(
            select(DebriefNote)
            .where(DebriefNote.debrief_id == debrief_id)
            .order_by(DebriefNote.created_at)
        )
