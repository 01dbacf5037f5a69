"""A version on every row a button can change, so the database refuses a lost race."""

from __future__ import annotations

from storage.migrations.columns import integer
from storage.migrations.tables import add_columns, drop_columns

revision = "0008"
down_revision = "0007"

# Visits have carried a version since 0003; these tables get theirs here.
TABLES = ("goals", "debriefs", "debrief_notes", "reflections", "celebrations")


def upgrade() -> None:
    for table in TABLES:
        add_columns(table, integer("version", server_default="1"))


def downgrade() -> None:
    for table in reversed(TABLES):
        drop_columns(table, "version")
