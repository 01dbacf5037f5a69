"""The columns coachbot's migrations declare, one function a type.

Frozen: released migrations build their columns with these functions, and what a migration
does to a database must never change (tables.py says why). So a function here is never
changed, only added to: a new function, or a new keyword whose default builds what the old
code built. This module imports SQLAlchemy only, nothing of coachbot's.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

ServerDefault = str | sa.ColumnElement[Any] | None


def integer(
    name: str, *, nullable: bool = False, server_default: ServerDefault = None
) -> sa.Column[Any]:
    return sa.Column(name, sa.Integer(), nullable=nullable, server_default=server_default)


def string(
    name: str, length: int, *, nullable: bool = False, server_default: ServerDefault = None
) -> sa.Column[Any]:
    return sa.Column(
        name, sa.String(length=length), nullable=nullable, server_default=server_default
    )


def text(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def boolean(
    name: str, *, nullable: bool = False, server_default: ServerDefault = None
) -> sa.Column[Any]:
    return sa.Column(name, sa.Boolean(), nullable=nullable, server_default=server_default)


def date(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.Date(), nullable=nullable)


def time(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    """A time of day with no zone: a local time."""
    return sa.Column(name, sa.Time(), nullable=nullable)


def timestamp(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    """A moment, stored with its zone (coachbot writes UTC)."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def created_and_updated() -> tuple[sa.Column[Any], sa.Column[Any]]:
    """When a row was made, and when it last changed."""
    return timestamp("created_at"), timestamp("updated_at")
