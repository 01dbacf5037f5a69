"""Slack event deliveries already taken, so a redelivery is handled once.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from storage.migrations.columns import string, timestamp
from storage.migrations.tables import drop_table, table

revision = "0001"
down_revision = None


def upgrade() -> None:
    table(
        "slack_events",
        string("event_id", 64),
        string("event_type", 64),
        timestamp("received_at"),
        key="event_id",
        indexed=["received_at"],
    )


def downgrade() -> None:
    drop_table("slack_events", indexed=["received_at"])
