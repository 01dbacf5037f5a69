"""People, roles, schools, PLC channels and the school calendar."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "districts",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("weekdays", sa.String(length=20), nullable=False),
        sa.Column("day_start", sa.Time(), nullable=False),
        sa.Column("day_end", sa.Time(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_districts")),
    )
    op.create_table(
        "plc_channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plc_channels")),
        sa.UniqueConstraint(
            "team_id", "channel_id", name=op.f("uq_plc_channels_team_id_channel_id")
        ),
    )
    with op.batch_alter_table("plc_channels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plc_channels_team_id"), ["team_id"], unique=False)

    op.create_table(
        "schools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("weekdays", sa.String(length=20), nullable=True),
        sa.Column("day_start", sa.Time(), nullable=True),
        sa.Column("day_end", sa.Time(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schools")),
        sa.UniqueConstraint("team_id", "name", name=op.f("uq_schools_team_id_name")),
    )
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schools_team_id"), ["team_id"], unique=False)

    op.create_table(
        "closures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_closures_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closures")),
    )
    with op.batch_alter_table("closures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_closures_team_id"), ["team_id"], unique=False)

    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("team_name", sa.String(length=200), nullable=True),
        sa.Column("plc_channel_id", sa.String(length=32), nullable=True),
        sa.Column("assigned_coach_id", sa.Integer(), nullable=True),
        sa.Column("weekly_capacity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_coach_id"],
            ["people.id"],
            name=op.f("fk_people_assigned_coach_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_people_school_id_schools"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("team_id", "user_id", name=op.f("uq_people_team_id_user_id")),
    )
    op.create_table(
        "coach_expertise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_coach_expertise_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coach_expertise")),
        sa.UniqueConstraint("person_id", "area", name=op.f("uq_coach_expertise_person_id_area")),
    )
    with op.batch_alter_table("coach_expertise", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coach_expertise_person_id"), ["person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("coach_expertise", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coach_expertise_person_id"))

    op.drop_table("coach_expertise")
    op.drop_table("people")
    with op.batch_alter_table("closures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_closures_team_id"))

    op.drop_table("closures")
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schools_team_id"))

    op.drop_table("schools")
    with op.batch_alter_table("plc_channels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plc_channels_team_id"))

    op.drop_table("plc_channels")
    op.drop_table("districts")
