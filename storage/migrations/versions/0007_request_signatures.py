"""Signatures of the signed requests taken in the last five minutes, so a replay is dropped."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    op.create_table(
        "request_signatures",
        sa.Column("signature", sa.String(length=80), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("signature", name=op.f("pk_request_signatures")),
    )
    op.create_index(
        op.f("ix_request_signatures_signed_at"),
        "request_signatures",
        ["signed_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_request_signatures_signed_at"), table_name="request_signatures")
    op.drop_table("request_signatures")
