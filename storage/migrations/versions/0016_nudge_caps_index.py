"""The outbox's nudges by due time: the weekly cap is counted every minute from them.

With only `kind` indexed, counting a week's nudges read every nudge ever planned.
"""

from __future__ import annotations

from storage.migrations.tables import drop_index, index

revision = "0016"
down_revision = "0014"


def upgrade() -> None:
    index("outbox", "kind", "due_at")


def downgrade() -> None:
    drop_index("outbox", "kind", "due_at")
