"""What every repository shares: its session, adding and finding rows one way, inserts that
lose a race quietly, and checked loading."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, Table, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.base import ExecutableOption

Row = TypeVar("Row")
T = TypeVar("T")
# A permission check a rule passes in: it returns when the person may have the row and
# raises (with the kind message the rule chose) when they may not. Storage sits below
# bot/rules/policy.py and cannot ask it, so the rule brings the question along.
Check = Callable[[Row], object]


def insert_if_absent(
    session: Session, table: Table, values: dict[str, Any], *, key: str | None = None
) -> bool:
    """Insert a row unless one with the same key exists; True when this call inserted it.

    Uses the database's own ON CONFLICT so two replicas racing on one key cannot both win.
    """
    # RETURNING, because rowcount is not reported for this statement by every driver.
    returned = table.c[key] if key else next(iter(table.primary_key.columns))
    stmt = ignoring_conflicts(session.get_bind().dialect.name, table)
    stmt = stmt.values(**values).returning(returned)
    return session.execute(stmt).first() is not None


@functools.cache
def ignoring_conflicts(dialect: str, table: Table) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING for `dialect`, built once: SQLAlchemy works out a
    statement's cache key on its first run and keeps it on the statement, so a statement built
    afresh pays for that on every run."""
    # Imported here: each dialect module is slow to import and a process needs only one.
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table).on_conflict_do_nothing()
    raise NotImplementedError(f"unsupported database: {dialect}")  # pragma: no cover


class Repository:
    """Queries over one session; a repository flushes, the unit of work commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self, query: Select[T]) -> list[T]:
        """Every row a SELECT of one entity finds, in its order."""
        return list(self.session.scalars(query))

    def find(self, model: type[T], *where: ColumnElement[bool]) -> T | None:
        """A `model` row that meets every condition in `where` (the first found), or None."""
        return self.session.scalars(select(model).where(*where).limit(1)).first()

    def among(
        self,
        model: type[T],
        key: InstrumentedAttribute[int] | InstrumentedAttribute[int | None],
        ids: Collection[int],
        *order: Any,
        options: Sequence[ExecutableOption] = (),
    ) -> list[T]:
        """Every `model` row whose `key` is one of `ids`, in `order`: the rows under a batch of
        parents, read in one query (none at all for no parents)."""
        if not ids:
            return []
        return self.all(select(model).where(key.in_(list(ids))).order_by(*order).options(*options))


class RowRepository(Repository, Generic[Row]):
    """An aggregate's own table (`model`): add, remove and find its rows by id."""

    model: type[Row]

    def add(self, row: Row) -> Row:
        self.session.add(row)
        self.session.flush()
        return row

    def remove(self, row: Row) -> None:
        self.session.delete(row)
        self.session.flush()

    def get(self, row_id: int) -> Row | None:
        return self.session.get(self.model, row_id) if row_id > 0 else None

    def get_for(self, row_id: int, check: Check[Row]) -> Row | None:
        """The row once the rule's policy `check` lets the person have it; None if none.

        The rule asks bot/rules/policy.py inside `check` (storage cannot import it) and raises
        its own kind refusal there, so no row leaves this loader unchecked.
        """
        row = self.get(row_id)
        if row is not None:
            check(row)
        return row


def rowcount(result: Any) -> int:
    """How many rows an UPDATE or DELETE touched."""
    return int(getattr(result, "rowcount", 0))
