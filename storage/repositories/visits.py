"""Visits: the words about a visit's life as SQL, and every query that changes or finds one.

Each word is defined once. Its SQL form is here; the same word for a visit already loaded is
in storage/enums.py (`VisitStatus.open`, `happened`, `went_ahead`), built from the same states.
Read models (bot/reads) use these forms too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import lazyload

from storage.enums import AWAITING_ANSWER, OPEN_VISIT_STATUSES, VisitOutcome, VisitStatus
from storage.models import Debrief, Visit
from storage.repositories.base import RowRepository, rowcount

# Still on someone's calendar or waiting for an answer.
VISIT_OPEN: ColumnElement[bool] = Visit.status.in_(OPEN_VISIT_STATUSES)
# Waiting for the coach's (or, for a suggested time, the other person's) answer.
VISIT_AWAITING_ANSWER: ColumnElement[bool] = Visit.status.in_(AWAITING_ANSWER)
VISIT_ACCEPTED: ColumnElement[bool] = Visit.status == VisitStatus.ACCEPTED
# The coach logged that it happened.
VISIT_HAPPENED: ColumnElement[bool] = Visit.outcome == VisitOutcome.HAPPENED
# Accepted and not known to have failed: logged as happened, or not logged yet.
VISIT_WENT_AHEAD: ColumnElement[bool] = and_(
    VISIT_ACCEPTED, or_(Visit.outcome.is_(None), VISIT_HAPPENED)
)


def visit_seen_by(now: datetime) -> ColumnElement[bool]:
    """The coach has been in the class: logged as happened, or accepted, over and not logged."""
    return or_(VISIT_HAPPENED, and_(VISIT_ACCEPTED, Visit.outcome.is_(None), Visit.ends_at <= now))


def open_for_coach(coach_id: int, start: datetime, end: datetime) -> ColumnElement[bool]:
    """A coach's open visits (invited, a new time suggested, or accepted) starting in
    [start, end)."""
    return and_(
        Visit.coach_id == coach_id, VISIT_OPEN, Visit.starts_at >= start, Visit.starts_at < end
    )


class VisitRepository(RowRepository[Visit]):
    model = Visit

    def get_accepted_overlap(
        self, coach_id: int, starts_at: datetime, ends_at: datetime, *, other_than: int | None
    ) -> Visit | None:
        """An accepted visit of the coach's that overlaps [starts_at, ends_at), if any."""
        query = select(Visit).where(
            Visit.coach_id == coach_id,
            VISIT_ACCEPTED,
            Visit.starts_at < ends_at,
            Visit.ends_at > starts_at,
        )
        if other_than is not None:
            query = query.where(Visit.id != other_than)
        return self.session.scalars(query.limit(1)).first()

    def count_open_for_coach(
        self, coach_id: int, start: datetime, end: datetime, *, other_than: int | None
    ) -> int:
        """Open visits of a coach starting in [start, end)."""
        query = select(func.count()).select_from(Visit).where(open_for_coach(coach_id, start, end))
        if other_than is not None:
            query = query.where(Visit.id != other_than)
        return int(self.session.scalar(query) or 0)

    def get_open_repeat(
        self, teacher_id: int, coach_id: int, starts_at: datetime, since: datetime
    ) -> Visit | None:
        """The same open invitation (teacher, coach, start) if it was made since `since`."""
        return self.find(
            Visit,
            Visit.teacher_id == teacher_id,
            Visit.coach_id == coach_id,
            Visit.starts_at == starts_at,
            VISIT_OPEN,
            Visit.created_at >= since,
        )

    def remember_message(self, visit_id: int, side: str, where: tuple[str, str]) -> None:
        """Where coachbot's latest message to one side ("coach" or "teacher") about a visit is.

        Bookkeeping, not a change of the visit: it leaves the version alone.
        """
        channel, ts = where
        values = (
            {"coach_channel": channel, "coach_ts": ts}
            if side == "coach"
            else {"teacher_channel": channel, "teacher_ts": ts}
        )
        self.session.execute(update(Visit).where(Visit.id == visit_id).values(values))

    def list_due_log_prompts(self, now: datetime, limit: int) -> list[Visit]:
        """Accepted visits that have ended and whose coach has not been asked about them yet."""
        return self.all(
            select(Visit)
            .where(
                VISIT_ACCEPTED,
                Visit.ends_at <= now,
                Visit.log_prompted_at.is_(None),
                Visit.outcome.is_(None),
            )
            .order_by(Visit.ends_at)
            .limit(limit)
        )

    def claim_log_prompt(self, visit_id: int, now: datetime) -> bool:
        """Mark a visit's log prompt as sent; False if someone (another replica) already did."""
        result = self.session.execute(
            update(Visit)
            .where(Visit.id == visit_id, Visit.log_prompted_at.is_(None))
            .values(log_prompted_at=now)
        )
        return rowcount(result) == 1

    def happened_kinds_for_coach(
        self, coach_id: int, start: datetime, end: datetime
    ) -> list[tuple[str, str | None, datetime, datetime]]:
        """(planned kind, logged kind, start, end) of a coach's visits logged as happened that
        started in [start, end): what adding up their minutes needs, without loading the
        visits and their people."""
        rows = self.session.execute(
            select(
                Visit.support_type, Visit.logged_support_type, Visit.starts_at, Visit.ends_at
            ).where(
                Visit.coach_id == coach_id,
                VISIT_HAPPENED,
                Visit.starts_at >= start,
                Visit.starts_at < end,
            )
        )
        return [(planned, logged, starts, ends) for planned, logged, starts, ends in rows]

    def list_went_ahead_for(self, person_id: int, limit: int) -> list[Visit]:
        """Visits a person was part of, as teacher or coach, that went ahead; newest first."""
        return self.all(
            select(Visit)
            .where(
                or_(Visit.teacher_id == person_id, Visit.coach_id == person_id),
                VISIT_WENT_AHEAD,
            )
            .order_by(Visit.starts_at.desc())
            .limit(limit)
        )

    def list_happened_without_debrief(
        self, ended_since: datetime, *, only: ColumnElement[bool] | None = None
    ) -> list[Visit]:
        """Visits that happened, ended since `ended_since`, and have no debrief yet; `only`
        narrows them further (a planner's "not nudged about yet")."""
        query = select(Visit).where(
            Visit.ends_at >= ended_since,
            VISIT_HAPPENED,
            ~select(Debrief.id).where(Debrief.visit_id == Visit.id).exists(),
        )
        if only is not None:
            query = query.where(only)
        return self.all(query)

    def list_for_goals(self, goal_ids: Sequence[int]) -> list[Visit]:
        """Every visit made under these goals, earliest first; their people are read only when
        asked for (a cycle's story names nobody from its visits)."""
        return self.among(
            Visit,
            Visit.goal_id,
            goal_ids,
            Visit.starts_at,
            Visit.id,
            options=(lazyload(Visit.teacher), lazyload(Visit.coach)),
        )
