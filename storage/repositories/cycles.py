"""Goals, debriefs and debrief notes: the parts of a coaching cycle that people change."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.enums import GoalStatus
from storage.models import Debrief, DebriefNote, Goal
from storage.repositories.base import Check, get_checked


class GoalRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, goal: Goal) -> Goal:
        self.session.add(goal)
        self.session.flush()
        return goal

    def get(self, goal_id: int) -> Goal | None:
        return self.session.get(Goal, goal_id)

    def get_for(self, goal_id: int, check: Check[Goal]) -> Goal | None:
        """A goal once the rule's policy `check` lets the person have it; None if none.

        `check` asks bot/rules/policy.py (which storage cannot import) and raises to refuse.
        """
        return get_checked(self.session, Goal, goal_id, check)

    def list_active_for(self, teacher_id: int) -> list[Goal]:
        """A teacher's active goals, oldest first."""
        return list(
            self.session.scalars(
                select(Goal)
                .where(Goal.teacher_id == teacher_id, Goal.status == GoalStatus.ACTIVE)
                .order_by(Goal.created_at)
            )
        )

    def list_for_teacher(self, teacher_id: int) -> list[Goal]:
        """Every goal a teacher has set, newest first."""
        return list(
            self.session.scalars(
                select(Goal).where(Goal.teacher_id == teacher_id).order_by(Goal.created_at.desc())
            )
        )


class DebriefRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, debrief: Debrief) -> Debrief:
        self.session.add(debrief)
        self.session.flush()
        return debrief

    def get(self, debrief_id: int) -> Debrief | None:
        return self.session.get(Debrief, debrief_id)

    def get_for(self, debrief_id: int, check: Check[Debrief]) -> Debrief | None:
        """A debrief once the rule's policy `check` lets the person have it; None if none."""
        return get_checked(self.session, Debrief, debrief_id, check)

    def list_for_visits(self, visit_ids: Sequence[int]) -> list[Debrief]:
        """The debriefs of these visits, earliest first."""
        if not visit_ids:
            return []
        return list(
            self.session.scalars(
                select(Debrief)
                .where(Debrief.visit_id.in_(list(visit_ids)))
                .order_by(Debrief.starts_at)
            )
        )


class DebriefNoteRepository:
    """Notes are read only through bot/rules/cycles.py, which asks the policy first."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, note: DebriefNote) -> DebriefNote:
        self.session.add(note)
        self.session.flush()
        return note

    def get_by_author(self, debrief_id: int, author_id: int) -> DebriefNote | None:
        return self.session.scalars(
            select(DebriefNote).where(
                DebriefNote.debrief_id == debrief_id, DebriefNote.author_id == author_id
            )
        ).first()

    def list_for_debrief(self, debrief_id: int) -> list[DebriefNote]:
        """Every note on a debrief, oldest first."""
        return list(
            self.session.scalars(
                select(DebriefNote)
                .where(DebriefNote.debrief_id == debrief_id)
                .order_by(DebriefNote.created_at)
            )
        )
