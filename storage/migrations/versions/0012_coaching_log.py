"""A log of coaching a coach did themselves, not a visit a teacher invited them to.

A coaching log is a kind of support, a day, minutes, and the teachers (none, one or several)
or the PLC channel it was with; an optional goal, and an optional private note to the one
teacher.
"""

from __future__ import annotations

from storage.migrations.columns import created_and_updated, date, integer, string, text
from storage.migrations.keys import belongs_to, mentions, team_id
from storage.migrations.tables import drop_table, table

revision = "0012"
down_revision = "0011"


def upgrade() -> None:
    table(
        "coaching_logs",
        team_id(),
        belongs_to("coach_id", "people"),
        string("support_type", 32),
        date("on_day"),
        integer("minutes"),
        mentions("plc_channel_id", "plc_channels"),
        mentions("goal_id", "goals"),
        text("note", nullable=True),
        *created_and_updated(),
        integer("version", server_default="1"),
        indexed=["team_id", "coach_id", "on_day", "goal_id"],
        references_sorted=False,
    )
    table(
        "coaching_log_teachers",
        belongs_to("log_id", "coaching_logs"),
        belongs_to("teacher_id", "people"),
        unique=["log_id", "teacher_id"],
        indexed=["log_id", "teacher_id"],
    )


def downgrade() -> None:
    drop_table("coaching_log_teachers")
    drop_table("coaching_logs")
