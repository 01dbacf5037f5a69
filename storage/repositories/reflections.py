"""Reflections: a teacher's own words, theirs alone unless they share them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, select

from storage.models import Debrief, Person, Reflection, Visit
from storage.repositories.base import RowRepository
from storage.repositories.visits import VISIT_HAPPENED

# Teachers who still want reflection prompts.
_PROMPTABLE = and_(Person.active.is_(True), Person.prompts_stopped.is_(False))


class ReflectionRepository(RowRepository[Reflection]):
    model = Reflection

    def list_for_teacher(
        self, teacher_id: int, *, shared_with: int | None = None
    ) -> list[Reflection]:
        """A teacher's reflections, newest first; with `shared_with`, only those shared with
        that coach."""
        query = select(Reflection).where(Reflection.teacher_id == teacher_id)
        if shared_with is not None:
            query = query.where(
                Reflection.shared_with_coach.is_(True), Reflection.coach_id == shared_with
            )
        return list(
            self.session.scalars(query.order_by(Reflection.created_at.desc(), Reflection.id.desc()))
        )

    def list_unanswered(self, teacher_id: int, limit: int) -> list[Reflection]:
        """A teacher's reflection prompts not answered yet, newest first."""
        return self.all(
            select(Reflection)
            .where(Reflection.teacher_id == teacher_id, Reflection.answer.is_(None))
            .order_by(Reflection.created_at.desc(), Reflection.id.desc())
            .limit(limit)
        )

    def list_unprompted_visits(
        self, ended_from: datetime, ended_to: datetime, limit: int
    ) -> list[Visit]:
        """Visits that happened and ended in [ended_from, ended_to], with no reflection yet,
        for teachers who still want prompts; earliest end first."""
        prompted = (
            select(Reflection.id)
            .where(Reflection.visit_id == Visit.id, Reflection.debrief_id.is_(None))
            .exists()
        )
        return list(
            self.session.scalars(
                select(Visit)
                .join(Person, Person.id == Visit.teacher_id)
                .where(
                    VISIT_HAPPENED,
                    Visit.ends_at <= ended_to,
                    Visit.ends_at >= ended_from,
                    _PROMPTABLE,
                    ~prompted,
                )
                .order_by(Visit.ends_at)
                .limit(limit)
            ).unique()
        )

    def list_unprompted_debriefs(
        self, ended_from: datetime, ended_to: datetime, limit: int
    ) -> list[Debrief]:
        """Debriefs that ended in [ended_from, ended_to], with no reflection yet, for teachers
        who still want prompts; earliest end first."""
        prompted = select(Reflection.id).where(Reflection.debrief_id == Debrief.id).exists()
        return list(
            self.session.scalars(
                select(Debrief)
                .join(Person, Person.id == Debrief.teacher_id)
                .where(
                    Debrief.ends_at <= ended_to,
                    Debrief.ends_at >= ended_from,
                    _PROMPTABLE,
                    ~prompted,
                )
                .order_by(Debrief.ends_at)
                .limit(limit)
            ).unique()
        )
