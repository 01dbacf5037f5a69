"""Delivery that survives a slow or absent Slack: a rate budget shared by every replica, and
what an attempt may have left behind in Slack.
"""

from __future__ import annotations

import sqlalchemy as sa

from storage.migrations.columns import boolean, integer, string
from storage.migrations.tables import add_columns, drop_columns, drop_table, table

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    add_columns(
        "outbox",
        integer("failures", server_default="0"),
        boolean("maybe_sent", server_default=sa.false()),
    )
    table(
        "send_budgets",
        string("name", 64),
        sa.Column("next_ms", sa.BigInteger(), nullable=False),
        integer("failures", server_default="0"),
        key="name",
    )


def downgrade() -> None:
    drop_table("send_budgets")
    drop_columns("outbox", "maybe_sent", "failures")
