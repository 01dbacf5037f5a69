"""What ties a row to others in coachbot's migrations: the team it belongs to, and the rows of
other tables it names.

Frozen: released migrations build their tables with these, and what a migration does to a
database must never change (tables.py says why). So nothing here is ever changed, only added
to. This module imports SQLAlchemy and columns.py only, nothing else of coachbot's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from storage.migrations.columns import string


def team_id() -> sa.Column[Any]:
    """The Slack workspace a row belongs to."""
    return string("team_id", 32)


@dataclass(frozen=True)
class Reference:
    """An integer column holding the id of a row of another table, and what deleting that row
    does to this one. `tables.table` makes the column and its foreign key."""

    column: str
    table: str
    ondelete: str
    nullable: bool


def belongs_to(column: str, table: str, *, nullable: bool = False) -> Reference:
    """`column` holds an id of `table`, and the row is deleted with the one it names."""
    return Reference(column, table, "CASCADE", nullable)


def mentions(column: str, table: str) -> Reference:
    """`column` may hold an id of `table`; it becomes NULL when the row it names is deleted."""
    return Reference(column, table, "SET NULL", True)
