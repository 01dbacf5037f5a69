"""Office hours and days out: the queries of a coach's bookable time."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, select, union_all

from storage.enums import VisitStatus
from storage.models import DayOut, Debrief, OfficeHours, OfficeHourWindow, Visit
from storage.repositories.base import Repository, insert_if_absent, rowcount
from storage.repositories.visits import VISIT_OPEN, open_for_coach

Span = tuple[datetime, datetime]


class OfficeHoursRepository(Repository):
    def get(self, coach_id: int) -> OfficeHours | None:
        return self.session.get(OfficeHours, coach_id)

    def hours_and_windows(self, coach_id: int) -> tuple[int | None, list[tuple[int, time, time]]]:
        """A coach's visit length (None when never set) and weekly windows, Monday first, in
        one query."""
        rows = self.session.execute(
            select(
                OfficeHours.visit_minutes,
                OfficeHourWindow.weekday,
                OfficeHourWindow.starts,
                OfficeHourWindow.ends,
            )
            .select_from(OfficeHours)
            .outerjoin(OfficeHourWindow, OfficeHourWindow.coach_id == OfficeHours.coach_id)
            .where(OfficeHours.coach_id == coach_id)
            .order_by(OfficeHourWindow.weekday, OfficeHourWindow.starts)
        ).all()
        minutes = int(rows[0][0]) if rows else None
        windows = [
            (int(weekday), starts, ends)
            for _, weekday, starts, ends in rows
            if weekday is not None and starts is not None and ends is not None
        ]
        return minutes, windows

    def open_visits(self, coach_id: int, start: datetime, end: datetime) -> list[Visit]:
        """A coach's open visits (invited, a new time suggested, or accepted) starting in
        [start, end), earliest first."""
        return self.all(
            select(Visit)
            .where(open_for_coach(coach_id, start, end))
            .order_by(Visit.starts_at, Visit.id)
        )

    def forget(self, coach_id: int) -> int:
        """Remove a coach's office hours, windows and days out; returns how many rows went."""
        removed = 0
        for model in (OfficeHourWindow, DayOut, OfficeHours):
            removed += rowcount(
                self.session.execute(delete(model).where(model.coach_id == coach_id))
            )
        return removed

    def windows(self, coach_id: int) -> list[OfficeHourWindow]:
        """A coach's weekly windows, Monday first, earliest first."""
        return self.all(
            select(OfficeHourWindow)
            .where(OfficeHourWindow.coach_id == coach_id)
            .order_by(OfficeHourWindow.weekday, OfficeHourWindow.starts)
        )

    def replace(
        self,
        team_id: str,
        coach_id: int,
        minutes: int,
        windows: Sequence[tuple[int, time, time]],
        now: datetime,
    ) -> None:
        """The coach's visit length and windows become these; the old windows go."""
        hours = self.get(coach_id)
        if hours is None:
            hours = OfficeHours(coach_id=coach_id, team_id=team_id)
            self.session.add(hours)
        hours.visit_minutes = minutes
        hours.updated_at = now
        self.session.execute(delete(OfficeHourWindow).where(OfficeHourWindow.coach_id == coach_id))
        for weekday, starts, ends in sorted(set(windows)):
            self.session.add(
                OfficeHourWindow(coach_id=coach_id, weekday=weekday, starts=starts, ends=ends)
            )
        self.session.flush()

    def days_out(self, coach_id: int, first: date, last: date) -> list[date]:
        """The days from `first` to `last` (both included) the coach is out, earliest first."""
        return list(
            self.session.scalars(
                select(DayOut.day)
                .where(DayOut.coach_id == coach_id, DayOut.day >= first, DayOut.day <= last)
                .order_by(DayOut.day)
            )
        )

    def mark_out(
        self, team_id: str, coach_id: int, days: Sequence[date], now: datetime
    ) -> list[date]:
        """Mark these days out; returns those that were not marked already."""
        table = DayOut.__table__
        return [
            day
            for day in sorted(set(days))
            if insert_if_absent(
                self.session,
                table,  # type: ignore[arg-type]
                {"team_id": team_id, "coach_id": coach_id, "day": day, "created_at": now},
            )
        ]

    def mark_back(self, coach_id: int, days: Collection[date]) -> int:
        """The coach is in on these days after all; returns how many were marked out."""
        if not days:
            return 0
        result = self.session.execute(
            delete(DayOut).where(DayOut.coach_id == coach_id, DayOut.day.in_(list(days)))
        )
        return rowcount(result)

    def out_among(self, pairs: Collection[tuple[int, date]]) -> set[tuple[int, date]]:
        """Which of these (coach id, day) pairs are days out, in one query."""
        if not pairs:
            return set()
        coach_ids = sorted({coach_id for coach_id, _ in pairs})
        days = sorted({day for _, day in pairs})
        rows = self.session.execute(
            select(DayOut.coach_id, DayOut.day).where(
                DayOut.coach_id.in_(coach_ids), DayOut.day.in_(days)
            )
        )
        return {(int(coach_id), day) for coach_id, day in rows} & set(pairs)

    def busy(
        self, coach_id: int, start: datetime, end: datetime, *, other_than: int | None = None
    ) -> list[Span]:
        """What holds the coach's time in [start, end), in one query: their open visits (a new
        time suggested for one as well) and their debriefs. `other_than` is a visit left out,
        the one being moved."""
        # Nothing held lasts a day, so each start is bounded on both sides: every part reads
        # an index range of the ten days, whatever the history.
        since = start - timedelta(days=1)
        visits = select(Visit.starts_at, Visit.ends_at).where(
            Visit.coach_id == coach_id,
            VISIT_OPEN,
            Visit.starts_at < end,
            Visit.starts_at > since,
            Visit.ends_at > start,
        )
        proposals = select(Visit.proposed_starts_at, Visit.proposed_ends_at).where(
            Visit.coach_id == coach_id,
            Visit.status == VisitStatus.PROPOSED,
            Visit.proposed_starts_at < end,
            Visit.proposed_starts_at > since,
            Visit.proposed_ends_at > start,
        )
        debriefs = select(Debrief.starts_at, Debrief.ends_at).where(
            Debrief.coach_id == coach_id,
            Debrief.starts_at < end,
            Debrief.starts_at > since,
            Debrief.ends_at > start,
        )
        if other_than is not None:
            visits = visits.where(Visit.id != other_than)
            proposals = proposals.where(Visit.id != other_than)
        rows: Sequence[Any] = self.session.execute(union_all(visits, proposals, debriefs)).all()
        return [(starts, ends) for starts, ends in rows if starts is not None and ends is not None]
