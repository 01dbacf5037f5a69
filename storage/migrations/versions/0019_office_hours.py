"""Office hours a teacher can book: a coach's weekly windows and visit length, and days out,
with indexes to read a coach's next days of visits by.

Windows are local times in the coach's own zone. A day out names the coach and the day only:
there is no reason column, because "out" never says why.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"

INDEXES = (
    ("visits", ("coach_id", "starts_at")),
    ("visits", ("coach_id", "proposed_starts_at")),
    ("debriefs", ("coach_id", "starts_at")),
)


def _coach(table: str) -> sa.ForeignKeyConstraint:
    """The coach a row belongs to; it goes with them."""
    return sa.ForeignKeyConstraint(
        ["coach_id"], ["people.id"], name=op.f(f"fk_{table}_coach_id_people"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "office_hours",
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("visit_minutes", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _coach("office_hours"),
        sa.PrimaryKeyConstraint("coach_id", name=op.f("pk_office_hours")),
    )
    op.create_table(
        "office_hour_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        _coach("office_hour_windows"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_hour_windows")),
        sa.UniqueConstraint(
            "coach_id",
            "weekday",
            "starts",
            name=op.f("uq_office_hour_windows_coach_id_weekday_starts"),
        ),
    )
    op.create_table(
        "days_out",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _coach("days_out"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_days_out")),
        sa.UniqueConstraint("coach_id", "day", name=op.f("uq_days_out_coach_id_day")),
    )

    # What holds a coach's time in the next ten school days is read by these, not by walking
    # every visit the coach ever had.
    for table, columns in INDEXES:
        op.create_index(f"ix_{table}_{'_'.join(columns)}", table, list(columns))


def downgrade() -> None:
    for table, columns in reversed(INDEXES):
        op.drop_index(f"ix_{table}_{'_'.join(columns)}", table_name=table)
    op.drop_table("days_out")
    op.drop_table("office_hour_windows")
    op.drop_table("office_hours")
