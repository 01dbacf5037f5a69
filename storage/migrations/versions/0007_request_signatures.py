"""Signatures of the signed requests taken in the last five minutes, so a replay is dropped."""

from __future__ import annotations

from storage.migrations.columns import string, timestamp
from storage.migrations.tables import drop_table, table

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    table(
        "request_signatures",
        string("signature", 80),
        timestamp("signed_at"),
        key="signature",
        indexed=["signed_at"],
    )


def downgrade() -> None:
    drop_table("request_signatures", indexed=["signed_at"])
