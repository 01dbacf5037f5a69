"""Coaching cycles: goals, visit logs, debriefs and their notes."""

from __future__ import annotations

from alembic import op

from storage.migrations.columns import created_and_updated, date, integer, string, text, timestamp
from storage.migrations.keys import belongs_to, mentions, team_id
from storage.migrations.tables import drop_table, table

revision = "0004"
down_revision = "0003"

GOALS_INDEXED = ["teacher_id", "team_id"]
DEBRIEFS_INDEXED = ["coach_id", "teacher_id", "team_id", "visit_id"]


def upgrade() -> None:
    table(
        "goals",
        team_id(),
        belongs_to("teacher_id", "people"),
        mentions("coach_id", "people"),
        text("question"),
        string("focus_area", 64),
        text("evidence", nullable=True),
        date("target_date", nullable=True),
        string("status", 16),
        *created_and_updated(),
        timestamp("closed_at", nullable=True),
        indexed=GOALS_INDEXED,
    )
    table(
        "debriefs",
        team_id(),
        belongs_to("visit_id", "visits"),
        belongs_to("teacher_id", "people"),
        belongs_to("coach_id", "people"),
        timestamp("starts_at"),
        timestamp("ends_at"),
        string("place", 300, nullable=True),
        timestamp("created_at"),
        indexed=DEBRIEFS_INDEXED,
    )
    table(
        "debrief_notes",
        belongs_to("debrief_id", "debriefs"),
        belongs_to("author_id", "people"),
        text("strengths", nullable=True),
        text("try_next", nullable=True),
        text("next_step", nullable=True),
        date("check_back_on", nullable=True),
        *created_and_updated(),
        unique=["debrief_id", "author_id"],
        indexed=["debrief_id"],
    )

    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(integer("goal_id", nullable=True))
        batch_op.add_column(timestamp("log_prompted_at", nullable=True))
        batch_op.add_column(string("outcome", 32, nullable=True))
        batch_op.add_column(string("logged_support_type", 32, nullable=True))
        batch_op.add_column(timestamp("logged_at", nullable=True))
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

    drop_table("debrief_notes", indexed=["debrief_id"])
    drop_table("debriefs", indexed=DEBRIEFS_INDEXED)
    drop_table("goals", indexed=GOALS_INDEXED)
