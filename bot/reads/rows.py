"""What the read models share about rows: ids in bounded IN lists, stored kinds read kindly."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from bot.rules.domain import SupportType

# Bound parameters per IN list, well under SQLite's and PostgreSQL's limits.
CHUNK = 500

_T = TypeVar("_T")


def chunks(items: Sequence[_T]) -> Iterator[Sequence[_T]]:
    """`items` in slices of at most CHUNK, for one IN (...) list each."""
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def support_kind(value: str | None) -> SupportType:
    """The kind of support a stored value names; an unknown one counts as 'something else'."""
    try:
        return SupportType(value or SupportType.OTHER.value)
    except ValueError:
        return SupportType.OTHER
