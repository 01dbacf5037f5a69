"""Coaching cycles: goals, visit logs, debriefs and their notes."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("focus_area", sa.String(length=64), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["coach_id"], ["people.id"], name=op.f("fk_goals_coach_id_people"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["people.id"],
            name=op.f("fk_goals_teacher_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
    )
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goals_teacher_id"), ["teacher_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_goals_team_id"), ["team_id"], unique=False)

    op.create_table(
        "debriefs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["coach_id"],
            ["people.id"],
            name=op.f("fk_debriefs_coach_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["people.id"],
            name=op.f("fk_debriefs_teacher_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visits.id"],
            name=op.f("fk_debriefs_visit_id_visits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_debriefs")),
    )
    with op.batch_alter_table("debriefs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_debriefs_coach_id"), ["coach_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_debriefs_teacher_id"), ["teacher_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_debriefs_team_id"), ["team_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_debriefs_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "debrief_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("debrief_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("strengths", sa.Text(), nullable=True),
        sa.Column("try_next", sa.Text(), nullable=True),
        sa.Column("next_step", sa.Text(), nullable=True),
        sa.Column("check_back_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["people.id"],
            name=op.f("fk_debrief_notes_author_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["debrief_id"],
            ["debriefs.id"],
            name=op.f("fk_debrief_notes_debrief_id_debriefs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_debrief_notes")),
        sa.UniqueConstraint(
            "debrief_id", "author_id", name=op.f("uq_debrief_notes_debrief_id_author_id")
        ),
    )
    with op.batch_alter_table("debrief_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_debrief_notes_debrief_id"), ["debrief_id"], unique=False
        )

    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("goal_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("log_prompted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("outcome", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("logged_support_type", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("logged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_visits_goal_id"), ["goal_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_visits_goal_id_goals"), "goals", ["goal_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_visits_goal_id_goals"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_visits_goal_id"))
        batch_op.drop_column("logged_at")
        batch_op.drop_column("logged_support_type")
        batch_op.drop_column("outcome")
        batch_op.drop_column("log_prompted_at")
        batch_op.drop_column("goal_id")

    with op.batch_alter_table("debrief_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_debrief_notes_debrief_id"))

    op.drop_table("debrief_notes")
    with op.batch_alter_table("debriefs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_debriefs_visit_id"))
        batch_op.drop_index(batch_op.f("ix_debriefs_team_id"))
        batch_op.drop_index(batch_op.f("ix_debriefs_teacher_id"))
        batch_op.drop_index(batch_op.f("ix_debriefs_coach_id"))

    op.drop_table("debriefs")
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goals_team_id"))
        batch_op.drop_index(batch_op.f("ix_goals_teacher_id"))

    op.drop_table("goals")
