"""A unit of work in memory, for testing rules without a database.

It offers what the visit rules ask of `storage.uow.UnitOfWork` (its repositories' loaders,
finders and `add`) over plain lists of model objects, and counts commits. The rules cannot
tell the difference; what only a database can do (versions checked in the UPDATE, unique
keys) stays with the tests that run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from storage.enums import OPEN_VISIT_STATUSES, VisitStatus
from storage.models import Person, Visit

Row = TypeVar("Row", Person, Visit)


class _Rows(Generic[Row]):
    def __init__(self, rows: Iterable[Row] = ()) -> None:
        self.rows: list[Row] = []
        for row in rows:
            self.add(row)

    def add(self, row: Row) -> Row:
        if getattr(row, "id", None) is None:
            row.id = len(self.rows) + 1
        self.rows.append(row)
        return row

    def get(self, row_id: int) -> Row | None:
        return next((row for row in self.rows if row.id == row_id), None)

    def get_for(self, row_id: int, check: Callable[[Row], object]) -> Row | None:
        row = self.get(row_id)
        if row is not None:
            check(row)
        return row


class FakePeople(_Rows[Person]):
    def list_coaches(self, team_id: str) -> list[Person]:
        return [p for p in self.rows if p.team_id == team_id and p.role in ("coach", "lead_coach")]


class FakeVisits(_Rows[Visit]):
    def __init__(self, people: FakePeople, rows: Iterable[Visit] = ()) -> None:
        self.people = people
        super().__init__(rows)

    def add(self, row: Visit) -> Visit:
        # Like the mapped relationships: a visit knows its people once it is stored.
        row.coach = row.coach if row.coach is not None else self.people.get(row.coach_id)
        row.teacher = row.teacher if row.teacher is not None else self.people.get(row.teacher_id)
        return super().add(row)

    def get_accepted_overlap(
        self, coach_id: int, starts_at: datetime, ends_at: datetime, *, other_than: int | None
    ) -> Visit | None:
        return next(
            (
                v
                for v in self.rows
                if v.coach_id == coach_id
                and v.id != other_than
                and v.status == VisitStatus.ACCEPTED
                and v.starts_at < ends_at
                and starts_at < v.ends_at
            ),
            None,
        )

    def count_open_for_coach(
        self, coach_id: int, start: datetime, end: datetime, *, other_than: int | None
    ) -> int:
        return sum(
            1
            for v in self.rows
            if v.coach_id == coach_id
            and v.id != other_than
            and v.status in OPEN_VISIT_STATUSES
            and start <= v.starts_at < end
        )

    def get_open_repeat(
        self, teacher_id: int, coach_id: int, starts_at: datetime, *, since: datetime
    ) -> Visit | None:
        return next(
            (
                v
                for v in self.rows
                if (v.teacher_id, v.coach_id, v.starts_at) == (teacher_id, coach_id, starts_at)
                and v.status in OPEN_VISIT_STATUSES
                and v.created_at >= since
            ),
            None,
        )

    def remember_message(self, visit_id: int, side: str, where: tuple[str, str]) -> None:
        visit = self.get(visit_id)
        if visit is not None:
            setattr(visit, f"{side}_channel", where[0])
            setattr(visit, f"{side}_ts", where[1])


@dataclass
class FakeUnitOfWork:
    """What the rules see of a transaction, in memory; `commits` counts `commit()` calls."""

    people: FakePeople = field(default_factory=FakePeople)
    visits: FakeVisits = field(init=False)
    commits: int = 0

    def __post_init__(self) -> None:
        self.visits = FakeVisits(self.people)

    def __enter__(self) -> FakeUnitOfWork:
        return self

    def __exit__(self, *_exc: Any) -> None:
        return None

    def commit(self) -> None:
        self.commits += 1
