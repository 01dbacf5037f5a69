"""A log of coaching a coach did themselves, not a visit a teacher invited them to.

A coaching log is a kind of support, a day, minutes, and the teachers (none, one or several)
or the PLC channel it was with; an optional goal, and an optional private note to the one
teacher.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"


def upgrade() -> None:
    op.create_table(
        "coaching_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("support_type", sa.String(length=32), nullable=False),
        sa.Column("on_day", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("plc_channel_id", sa.Integer(), nullable=True),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["coach_id"],
            ["people.id"],
            name=op.f("fk_coaching_logs_coach_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plc_channel_id"],
            ["plc_channels.id"],
            name=op.f("fk_coaching_logs_plc_channel_id_plc_channels"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["goals.id"],
            name=op.f("fk_coaching_logs_goal_id_goals"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_logs")),
    )
    op.create_index(op.f("ix_coaching_logs_team_id"), "coaching_logs", ["team_id"])
    op.create_index(op.f("ix_coaching_logs_coach_id"), "coaching_logs", ["coach_id"])
    op.create_index(op.f("ix_coaching_logs_on_day"), "coaching_logs", ["on_day"])
    op.create_index(op.f("ix_coaching_logs_goal_id"), "coaching_logs", ["goal_id"])
    op.create_table(
        "coaching_log_teachers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("log_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["log_id"],
            ["coaching_logs.id"],
            name=op.f("fk_coaching_log_teachers_log_id_coaching_logs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["people.id"],
            name=op.f("fk_coaching_log_teachers_teacher_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_log_teachers")),
        sa.UniqueConstraint(
            "log_id", "teacher_id", name=op.f("uq_coaching_log_teachers_log_id_teacher_id")
        ),
    )
    op.create_index(op.f("ix_coaching_log_teachers_log_id"), "coaching_log_teachers", ["log_id"])
    op.create_index(
        op.f("ix_coaching_log_teachers_teacher_id"), "coaching_log_teachers", ["teacher_id"]
    )


def downgrade() -> None:
    op.drop_table("coaching_log_teachers")
    op.drop_table("coaching_logs")
