"""Visits: invitations, suggested times, acceptances, declines and cancellations."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("class_name", sa.String(length=100), nullable=True),
        sa.Column("support_type", sa.String(length=32), nullable=False),
        sa.Column("focus", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("proposed_ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("proposed_by", sa.String(length=16), nullable=True),
        sa.Column("proposal_note", sa.Text(), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("coach_channel", sa.String(length=32), nullable=True),
        sa.Column("coach_ts", sa.String(length=32), nullable=True),
        sa.Column("teacher_channel", sa.String(length=32), nullable=True),
        sa.Column("teacher_ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coach_id"], ["people.id"], name=op.f("fk_visits_coach_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["people.id"],
            name=op.f("fk_visits_teacher_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visits_coach_id"), ["coach_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visits_starts_at"), ["starts_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_visits_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_visits_teacher_id"), ["teacher_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visits_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visits_team_id"))
        batch_op.drop_index(batch_op.f("ix_visits_teacher_id"))
        batch_op.drop_index(batch_op.f("ix_visits_status"))
        batch_op.drop_index(batch_op.f("ix_visits_starts_at"))
        batch_op.drop_index(batch_op.f("ix_visits_coach_id"))

    op.drop_table("visits")
