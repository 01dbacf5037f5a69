"""Answers to a next step by when they came: the quiet-goal nudge reads them every minute.

A teacher who answered a check-back ("not yet" too) has a goal that is moving, so the planner
looks for answers since the start of its window; without an index that read every answer.
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"


def upgrade() -> None:
    op.create_index(
        "ix_next_step_answers_answered_at", "next_step_answers", ["answered_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_next_step_answers_answered_at", table_name="next_step_answers")
