"""Coaching a coach logged themselves: the queries of the coaching log."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import func, select

from storage.enums import GoalStatus
from storage.models import CoachingLog, CoachingLogTeacher, Goal
from storage.repositories.base import RowRepository


class CoachingLogRepository(RowRepository[CoachingLog]):
    model = CoachingLog

    def list_for_coach(self, coach_id: int, first: date, last: date) -> list[CoachingLog]:
        """What a coach logged from `first` to `last` (both included), earliest first."""
        return self.all(
            select(CoachingLog)
            .where(
                CoachingLog.coach_id == coach_id,
                CoachingLog.on_day >= first,
                CoachingLog.on_day <= last,
            )
            .order_by(CoachingLog.on_day, CoachingLog.id)
        )

    def list_for_teacher(self, teacher_id: int) -> list[CoachingLog]:
        """Everything logged with one teacher, by any coach, newest first."""
        return self.all(
            select(CoachingLog)
            .join(CoachingLogTeacher, CoachingLogTeacher.log_id == CoachingLog.id)
            .where(CoachingLogTeacher.teacher_id == teacher_id)
            .order_by(CoachingLog.on_day.desc(), CoachingLog.id.desc())
        )

    def list_for_goals(self, goal_ids: Collection[int]) -> list[CoachingLog]:
        """What was logged toward these goals, earliest first."""
        return self.among(
            CoachingLog, CoachingLog.goal_id, goal_ids, CoachingLog.on_day, CoachingLog.id
        )

    def last_day_with(self, coach_id: int, teacher_ids: Collection[int]) -> dict[int, date]:
        """The latest day this coach logged work with each of these teachers."""
        if not teacher_ids:
            return {}
        rows = self.session.execute(
            select(CoachingLogTeacher.teacher_id, func.max(CoachingLog.on_day))
            .join(CoachingLog, CoachingLogTeacher.log_id == CoachingLog.id)
            .where(
                CoachingLog.coach_id == coach_id,
                CoachingLogTeacher.teacher_id.in_(list(teacher_ids)),
            )
            .group_by(CoachingLogTeacher.teacher_id)
        )
        return {int(teacher_id): day for teacher_id, day in rows if day is not None}

    def last_days_for_coaches(self, coach_ids: Collection[int]) -> dict[tuple[int, int], date]:
        """The latest day each of these coaches logged work with each teacher, keyed by
        (teacher id, coach id)."""
        if not coach_ids:
            return {}
        rows = self.session.execute(
            select(
                CoachingLogTeacher.teacher_id, CoachingLog.coach_id, func.max(CoachingLog.on_day)
            )
            .join(CoachingLog, CoachingLogTeacher.log_id == CoachingLog.id)
            .where(CoachingLog.coach_id.in_(list(coach_ids)))
            .group_by(CoachingLogTeacher.teacher_id, CoachingLog.coach_id)
        )
        return {
            (int(teacher_id), int(coach_id)): day
            for teacher_id, coach_id, day in rows
            if day is not None
        }

    def active_goals_with(self, coach_id: int, limit: int = 100) -> list[Goal]:
        """The active goals teachers set with this coach, newest first: what a log can be for."""
        return list(
            self.session.scalars(
                select(Goal)
                .where(Goal.coach_id == coach_id, Goal.status == GoalStatus.ACTIVE)
                .order_by(Goal.created_at.desc())
                .limit(limit)
            )
        )
