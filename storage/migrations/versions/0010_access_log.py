"""A teacher's record is theirs: who read it, what retention and erasing removed, and accounts
Slack closed, waiting out the district's grace period.
"""

from __future__ import annotations

from storage.migrations.columns import string, text, timestamp
from storage.migrations.keys import belongs_to, mentions, team_id
from storage.migrations.tables import drop_table, table

revision = "0010"
down_revision = "0009"

INDEXED = ["teacher_id", "at"]


def upgrade() -> None:
    table(
        "access_log",
        team_id(),
        belongs_to("teacher_id", "people"),
        mentions("viewer_id", "people"),
        string("viewer_role", 16),
        string("kind", 16),
        mentions("goal_id", "goals"),
        string("path", 32),
        timestamp("at"),
        indexed=INDEXED,
        references_sorted=False,
    )
    table(
        "retention_runs",
        string("reason", 16),
        timestamp("started_at"),
        timestamp("finished_at"),
        text("counts"),
    )
    table(
        "closed_accounts",
        belongs_to("person_id", "people"),
        timestamp("seen_at"),
        key="person_id",
    )


def downgrade() -> None:
    drop_table("closed_accounts")
    drop_table("retention_runs")
    drop_table("access_log", indexed=INDEXED)
