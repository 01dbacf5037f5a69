"""Next steps that close: a teacher's answer to a check-back, and a goal's student measures.

A next_step_answers row is one answer (tried it, need help, not yet) to the check-back of one
debrief note on one day: unique by note and day, so a double click records once. A goal gets
two optional student measures: where students are now and where the teacher wants them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"


def upgrade() -> None:
    op.create_table(
        "next_step_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("asked_on", sa.Date(), nullable=False),
        sa.Column("line", sa.Text(), nullable=True),
        sa.Column("remind_on", sa.Date(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["note_id"],
            ["debrief_notes.id"],
            name=op.f("fk_next_step_answers_note_id_debrief_notes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["people.id"],
            name=op.f("fk_next_step_answers_teacher_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_next_step_answers")),
        sa.UniqueConstraint(
            "note_id", "asked_on", name=op.f("uq_next_step_answers_note_id_asked_on")
        ),
    )
    op.create_index(op.f("ix_next_step_answers_note_id"), "next_step_answers", ["note_id"])
    op.create_index(op.f("ix_next_step_answers_teacher_id"), "next_step_answers", ["teacher_id"])
    with op.batch_alter_table("goals") as goals:
        goals.add_column(sa.Column("students_now", sa.Text(), nullable=True))
        goals.add_column(sa.Column("students_aim", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("goals") as goals:
        goals.drop_column("students_aim")
        goals.drop_column("students_now")
    op.drop_table("next_step_answers")
