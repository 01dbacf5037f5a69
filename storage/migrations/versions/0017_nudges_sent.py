"""A small record of which nudge went to whom, apart from the outbox.

The outbox was also the only memory of the nudges sent, so its old rows could not be deleted
without risking a nudge planned again. The record keeps each nudge's key, person, what it was
about and when it was due; it starts with the nudges the outbox holds.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"


def upgrade() -> None:
    op.create_table(
        "nudges_sent",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(64), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_nudges_sent_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_nudges_sent")),
    )
    for column in ("person_id", "ref", "due_at"):
        op.create_index(f"ix_nudges_sent_{column}", "nudges_sent", [column])
    op.execute(
        "INSERT INTO nudges_sent (key, person_id, ref, due_at) "
        "SELECT key, person_id, ref, due_at FROM outbox "
        "WHERE kind = 'nudge' AND person_id IS NOT NULL"
    )


def downgrade() -> None:
    for column in ("due_at", "ref", "person_id"):
        op.drop_index(f"ix_nudges_sent_{column}", table_name="nudges_sent")
    op.drop_table("nudges_sent")
