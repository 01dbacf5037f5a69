"""Delivery that survives a slow or absent Slack: a rate budget shared by every replica, and
what an attempt may have left behind in Slack.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("failures", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(
            sa.Column("maybe_sent", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "send_budgets",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("next_ms", sa.BigInteger(), nullable=False),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_send_budgets")),
    )


def downgrade() -> None:
    op.drop_table("send_budgets")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("maybe_sent")
        batch.drop_column("failures")
