"""Celebrations, and whether a teacher wants to be offered them."""

from __future__ import annotations

from storage.migrations.columns import string, text, timestamp
from storage.migrations.keys import belongs_to, mentions, team_id
from storage.migrations.tables import add_columns, drop_columns, drop_table, table

revision = "0006"
down_revision = "0005"

INDEXED = ["author_id", "team_id"]


def upgrade() -> None:
    table(
        "celebrations",
        team_id(),
        belongs_to("author_id", "people"),
        mentions("subject_id", "people"),
        mentions("goal_id", "goals"),
        string("channel_id", 32, nullable=True),
        text("text"),
        string("status", 16),
        string("slack_ts", 32, nullable=True),
        timestamp("created_at"),
        timestamp("posted_at", nullable=True),
        indexed=INDEXED,
    )

    add_columns("people", string("share_wins", 8, server_default="ask"))


def downgrade() -> None:
    drop_columns("people", "share_wins")
    drop_table("celebrations", indexed=INDEXED)
