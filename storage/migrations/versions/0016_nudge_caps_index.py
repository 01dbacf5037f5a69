"""The outbox's nudges by due time: the weekly cap is counted every minute from them.

With only `kind` indexed, counting a week's nudges read every nudge ever planned.
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0014"


def upgrade() -> None:
    op.create_index("ix_outbox_kind_due_at", "outbox", ["kind", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_kind_due_at", table_name="outbox")
