"""What the read models share about rows: ids read in bounded IN lists, stored kinds read kindly."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.base import ExecutableOption

from bot.rules.domain import SupportType
from storage.uow import UnitOfWork

# Bound parameters per IN list, well under SQLite's and PostgreSQL's limits.
CHUNK = 500

_T = TypeVar("_T")
_M = TypeVar("_M")


def chunks(items: Sequence[_T]) -> Iterator[Sequence[_T]]:
    """`items` in slices of at most CHUNK, for one IN (...) list each."""
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def rows_in(
    uow: UnitOfWork,
    model: type[_M],
    column: InstrumentedAttribute[Any],
    ids: Sequence[Any],
    *order_by: Any,
    options: Sequence[ExecutableOption] = (),
) -> Iterator[_M]:
    """Every `model` row whose `column` is one of `ids`, one bounded IN list at a time, each
    list's rows in `order_by` (with loader `options`, say to leave related rows unread)."""
    for chunk in chunks(ids):
        query = select(model).where(column.in_(chunk)).order_by(*order_by).options(*options)
        yield from uow.session.scalars(query)


def support_kind(value: str | None) -> SupportType:
    """The kind of support a stored value names; an unknown one counts as 'something else'."""
    try:
        return SupportType(value or SupportType.OTHER.value)
    except ValueError:
        return SupportType.OTHER
