"""Next steps that close: a teacher's answer to a check-back, and a goal's student measures.

A next_step_answers row is one answer (tried it, need help, not yet) to the check-back of one
debrief note on one day: unique by note and day, so a double click records once. A goal gets
two optional student measures: where students are now and where the teacher wants them.
"""

from __future__ import annotations

from storage.migrations.columns import date, string, text, timestamp
from storage.migrations.keys import belongs_to
from storage.migrations.tables import add_columns, drop_columns, drop_table, table

revision = "0014"
down_revision = "0013"


def upgrade() -> None:
    table(
        "next_step_answers",
        belongs_to("note_id", "debrief_notes"),
        belongs_to("teacher_id", "people"),
        string("kind", 16),
        date("asked_on"),
        text("line", nullable=True),
        date("remind_on", nullable=True),
        timestamp("answered_at"),
        unique=["note_id", "asked_on"],
        indexed=["note_id", "teacher_id"],
    )
    add_columns("goals", text("students_now", nullable=True), text("students_aim", nullable=True))


def downgrade() -> None:
    drop_columns("goals", "students_aim", "students_now")
    drop_table("next_step_answers")
