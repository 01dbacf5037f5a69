"""Answers to a next step by when they came: the quiet-goal nudge reads them every minute.

A teacher who answered a check-back ("not yet" too) has a goal that is moving, so the planner
looks for answers since the start of its window; without an index that read every answer.
"""

from __future__ import annotations

from storage.migrations.tables import drop_index, index

revision = "0018"
down_revision = "0017"


def upgrade() -> None:
    index("next_step_answers", "answered_at")


def downgrade() -> None:
    drop_index("next_step_answers", "answered_at")
