"""The access log: who read a teacher's coaching record. Rows are added, read by that teacher,
and removed only with the record they describe (an erase, or retention)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, select

from storage.models import AccessEntry
from storage.repositories.base import Repository, rowcount


class AccessLogRepository(Repository):
    """Append only: there is no update, and no delete but of whole teachers or old rows."""

    def add_all(self, entries: Iterable[AccessEntry]) -> int:
        rows = list(entries)
        self.session.add_all(rows)
        self.session.flush()
        return len(rows)

    def list_for_teacher(
        self, teacher_id: int, *, since: datetime | None = None, limit: int | None = None
    ) -> list[AccessEntry]:
        """The reads of one teacher's record, newest first."""
        query = select(AccessEntry).where(AccessEntry.teacher_id == teacher_id)
        if since is not None:
            query = query.where(AccessEntry.at >= since)
        query = query.order_by(AccessEntry.at.desc(), AccessEntry.id.desc())
        if limit is not None:
            query = query.limit(limit)
        return self.all(query)

    def recent_keys(
        self, teacher_ids: Sequence[int], since: datetime
    ) -> set[tuple[int, int | None, str, int | None, str]]:
        """(teacher, viewer, kind, goal, path) of the entries since `since`, for these teachers:
        a read already logged within the window is not logged again."""
        if not teacher_ids:
            return set()
        rows = self.session.execute(
            select(
                AccessEntry.teacher_id,
                AccessEntry.viewer_id,
                AccessEntry.kind,
                AccessEntry.goal_id,
                AccessEntry.path,
            ).where(AccessEntry.teacher_id.in_(list(teacher_ids)), AccessEntry.at >= since)
        )
        return {(t, v, k, g, p) for t, v, k, g, p in rows}

    def remove_for_teacher(self, teacher_id: int) -> int:
        """With the teacher's record: the log about it goes too."""
        return rowcount(
            self.session.execute(delete(AccessEntry).where(AccessEntry.teacher_id == teacher_id))
        )

    def remove_older_than(self, before: datetime, limit: int) -> int:
        """Up to `limit` entries older than `before`, oldest first (retention, in batches)."""
        ids = list(
            self.session.scalars(
                select(AccessEntry.id)
                .where(AccessEntry.at < before)
                .order_by(AccessEntry.id)
                .limit(limit)
            )
        )
        if not ids:
            return 0
        return rowcount(self.session.execute(delete(AccessEntry).where(AccessEntry.id.in_(ids))))
