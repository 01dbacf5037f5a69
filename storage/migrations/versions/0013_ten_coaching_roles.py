"""The district's ten coaching roles as kinds of support.

"Look at student work or data" (student_work) becomes a data conversation (data_talk); the
other five kinds keep their names, so no row is lost. Going back files the kinds the older
code never knew under "Something else".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"

RENAMED = (("student_work", "data_talk"),)
KIND_COLUMNS = (
    ("visits", "support_type"),
    ("visits", "logged_support_type"),
    ("coaching_logs", "support_type"),
)
ADDED = ("mentor", "plc", "learning_walk", "workshop", "resources")


def _move(old: str, new: str) -> None:
    for table, column in KIND_COLUMNS:
        rows = sa.table(table, sa.column(column, sa.String(32)))
        op.execute(rows.update().where(rows.c[column] == old).values({column: new}))


def upgrade() -> None:
    for old, new in RENAMED:
        _move(old, new)


def downgrade() -> None:
    for old, new in RENAMED:
        _move(new, old)
    for added in ADDED:
        _move(added, "other")
