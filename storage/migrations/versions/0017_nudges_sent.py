"""A small record of which nudge went to whom, apart from the outbox.

The outbox was also the only memory of the nudges sent, so its old rows could not be deleted
without risking a nudge planned again. The record keeps each nudge's key, person, what it was
about and when it was due; it starts with the nudges the outbox holds.
"""

from __future__ import annotations

from alembic import op

from storage.migrations.columns import string, timestamp
from storage.migrations.keys import belongs_to
from storage.migrations.tables import drop_table, table

revision = "0017"
down_revision = "0016"

INDEXED = ["person_id", "ref", "due_at"]


def upgrade() -> None:
    table(
        "nudges_sent",
        string("key", 200),
        belongs_to("person_id", "people"),
        string("ref", 64, nullable=True),
        timestamp("due_at"),
        key="key",
        indexed=INDEXED,
    )
    op.execute(
        "INSERT INTO nudges_sent (key, person_id, ref, due_at) "
        "SELECT key, person_id, ref, due_at FROM outbox "
        "WHERE kind = 'nudge' AND person_id IS NOT NULL"
    )


def downgrade() -> None:
    drop_table("nudges_sent", indexed=INDEXED)
