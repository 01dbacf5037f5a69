"""What the read models share about rows: ids in bounded IN lists, stored kinds read kindly,
and an invitation as the coach answers it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

from bot.rules.domain import SupportType, VisitStatus
from bot.views.visits import WaitingInvitation

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


def waiting_invitation(row: Any, teacher_user_id: str) -> WaitingInvitation | None:
    """An invitation waiting for the coach, at the new time the teacher suggested when they
    did; None for one without a time. `row` has the visit's status, times, proposed times,
    class and support."""
    suggested = row.status == VisitStatus.PROPOSED
    starts: datetime | None = row.proposed_starts_at if suggested else row.starts_at
    ends: datetime | None = row.proposed_ends_at if suggested else row.ends_at
    if starts is None:
        return None
    return WaitingInvitation(
        teacher_user_id=teacher_user_id,
        starts_at=starts,
        ends_at=ends if ends is not None else starts,
        class_name=row.class_name,
        support=support_kind(row.support_type),
        suggested=suggested,
    )
