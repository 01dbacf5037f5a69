"""Visits: invitations, suggested times, acceptances, declines and cancellations."""

from __future__ import annotations

from storage.migrations.columns import created_and_updated, integer, string, text, timestamp
from storage.migrations.keys import belongs_to, team_id
from storage.migrations.tables import drop_table, table

revision = "0003"
down_revision = "0002"

INDEXED = ["coach_id", "starts_at", "status", "teacher_id", "team_id"]


def upgrade() -> None:
    table(
        "visits",
        team_id(),
        belongs_to("teacher_id", "people"),
        belongs_to("coach_id", "people"),
        timestamp("starts_at"),
        timestamp("ends_at"),
        string("class_name", 100, nullable=True),
        string("support_type", 32),
        text("focus", nullable=True),
        text("note", nullable=True),
        string("status", 16),
        timestamp("proposed_starts_at", nullable=True),
        timestamp("proposed_ends_at", nullable=True),
        string("proposed_by", 16, nullable=True),
        text("proposal_note", nullable=True),
        text("decline_reason", nullable=True),
        string("coach_channel", 32, nullable=True),
        string("coach_ts", 32, nullable=True),
        string("teacher_channel", 32, nullable=True),
        string("teacher_ts", 32, nullable=True),
        *created_and_updated(),
        integer("version"),
        indexed=INDEXED,
    )


def downgrade() -> None:
    drop_table("visits", indexed=INDEXED)
