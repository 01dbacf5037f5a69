"""The outbox of scheduled messages, reflections, and people's own settings for them."""

from __future__ import annotations

import sqlalchemy as sa

from storage.migrations.columns import boolean, date, integer, string, text, time, timestamp
from storage.migrations.keys import belongs_to, mentions, team_id
from storage.migrations.tables import add_columns, drop_columns, drop_table, table

revision = "0005"
down_revision = "0004"

OUTBOX_INDEXED = ["available_at", "due_at", "kind", "person_id", "ref", "status"]
REFLECTIONS_INDEXED = ["teacher_id", "team_id"]


def upgrade() -> None:
    table(
        "outbox",
        string("key", 200),
        team_id(),
        belongs_to("person_id", "people", nullable=True),
        string("channel", 32),
        string("kind", 32),
        string("ref", 64, nullable=True),
        text("text"),
        text("blocks", nullable=True),
        timestamp("due_at"),
        timestamp("available_at"),
        string("status", 16),
        integer("attempts"),
        timestamp("lease_until", nullable=True),
        string("leased_by", 64, nullable=True),
        string("last_error", 300, nullable=True),
        string("slack_channel", 32, nullable=True),
        string("slack_ts", 32, nullable=True),
        timestamp("sent_at", nullable=True),
        timestamp("created_at"),
        unique=["key"],
        indexed=OUTBOX_INDEXED,
    )
    table(
        "reflections",
        team_id(),
        belongs_to("teacher_id", "people"),
        mentions("coach_id", "people"),
        mentions("visit_id", "visits"),
        mentions("debrief_id", "debriefs"),
        text("question"),
        text("answer", nullable=True),
        boolean("shared_with_coach"),
        timestamp("created_at"),
        timestamp("answered_at", nullable=True),
        indexed=REFLECTIONS_INDEXED,
    )

    add_columns(
        "people",
        time("daily_list_at", nullable=True),
        boolean("daily_list_when_empty", server_default=sa.true()),
        boolean("prompts_stopped", server_default=sa.false()),
        date("prompts_paused_until", nullable=True),
        integer("weekly_nudge_cap", nullable=True),
    )


def downgrade() -> None:
    drop_columns(
        "people",
        "weekly_nudge_cap",
        "prompts_paused_until",
        "prompts_stopped",
        "daily_list_when_empty",
        "daily_list_at",
    )
    drop_table("reflections", indexed=REFLECTIONS_INDEXED)
    drop_table("outbox", indexed=OUTBOX_INDEXED)
