"""The tables coachbot's migrations make and change, with their keys, constraints and indexes.

Frozen: what a released migration does to a database is what these functions build, and it
must stay the same for as long as the migration exists (a new database is built by running
every migration from the first). So nothing here is ever changed, only added to: a migration
that needs another shape gets a new function, or a new keyword whose default builds what the
old code built. For the same reason this module imports SQLAlchemy, Alembic and its two frozen
neighbours (columns.py, keys.py) only, never coachbot's models or anything else that changes
with the application; a migration imports these three modules, SQLAlchemy and Alembic, and
nothing more.

The names are the ones Alembic's autogenerate gave, kept as written by `op.f`: pk_<table>,
fk_<table>_<column>_<referred table>, uq_<table>_<columns>, ix_<table>_<columns>.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from storage.migrations.columns import integer
from storage.migrations.keys import Reference


def table(
    name: str,
    *columns: sa.Column[Any] | Reference,
    key: str = "id",
    unique: Sequence[str] = (),
    indexed: Sequence[str] = (),
    references_sorted: bool = True,
) -> None:
    """Create table `name`: an integer `id` (unless `key` names another column as the primary
    key), then `columns` in order; then an index on each column in `indexed`, in order.

    `unique` names the columns that are unique together. The foreign keys of `belongs_to` and
    `mentions` columns are declared sorted by column, as autogenerate wrote them;
    `references_sorted=False` declares them in the order of the columns, as the migrations
    written by hand did. The order shows in the CREATE TABLE a database keeps.
    """
    made = [_column(column) for column in columns]
    if key == "id":
        made.insert(0, integer("id"))
    references = [column for column in columns if isinstance(column, Reference)]
    if references_sorted:
        references.sort(key=lambda reference: reference.column)
    constraints: list[sa.Constraint] = [
        sa.ForeignKeyConstraint(
            [reference.column],
            [f"{reference.table}.id"],
            name=op.f(f"fk_{name}_{reference.column}_{reference.table}"),
            ondelete=reference.ondelete,
        )
        for reference in references
    ]
    constraints.append(sa.PrimaryKeyConstraint(key, name=op.f(f"pk_{name}")))
    if unique:
        constraints.append(sa.UniqueConstraint(*unique, name=op.f(f"uq_{name}_{'_'.join(unique)}")))
    op.create_table(name, *made, *constraints)
    for column in indexed:
        index(name, column)


def _column(column: sa.Column[Any] | Reference) -> sa.Column[Any]:
    if isinstance(column, Reference):
        return integer(column.column, nullable=column.nullable)
    return column


def drop_table(name: str, *, indexed: Sequence[str] = ()) -> None:
    """Drop table `name`. Its indexes go with it; those on the columns in `indexed` are dropped
    one by one before, the last one first, where autogenerate wrote it so."""
    for column in reversed(indexed):
        drop_index(name, column)
    op.drop_table(name)


def index(table: str, *columns: str) -> None:
    """An index on `columns` of `table`, in that order."""
    op.create_index(_index_name(table, columns), table, list(columns))


def drop_index(table: str, *columns: str) -> None:
    op.drop_index(_index_name(table, columns), table_name=table)


def _index_name(table: str, columns: Sequence[str]) -> str:
    return op.f(f"ix_{table}_{'_'.join(columns)}")


def add_columns(table: str, *columns: sa.Column[Any]) -> None:
    """Add `columns` to `table`, in one batch: SQLite rebuilds the table once if it must."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.add_column(column)


def drop_columns(table: str, *names: str) -> None:
    """Drop the columns `names` of `table`, in that order, in one batch."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        for name in names:
            batch_op.drop_column(name)
