"""Indexes for what the planners and Home read every minute, so a school year's rows are not
scanned: reflections by visit and debrief, check-back days, when visits and debriefs end, and
whose goals and teachers a coach has.
"""

from __future__ import annotations

from storage.migrations.tables import drop_index, index

revision = "0011"
down_revision = "0010"

INDEXES = (
    ("reflections", "visit_id"),
    ("reflections", "debrief_id"),
    ("debrief_notes", "check_back_on"),
    ("visits", "ends_at"),
    ("debriefs", "ends_at"),
    ("goals", "coach_id"),
    ("people", "assigned_coach_id"),
    # A quiet goal is found from what changed in the last weeks, not from all history.
    ("visits", "updated_at"),
    ("debriefs", "starts_at"),
    ("debriefs", "created_at"),
    ("debrief_notes", "updated_at"),
    ("goals", "created_at"),
    ("goals", "updated_at"),
)


def upgrade() -> None:
    for table, column in INDEXES:
        index(table, column)


def downgrade() -> None:
    for table, column in reversed(INDEXES):
        drop_index(table, column)
