"""Office hours a teacher can book: a coach's weekly windows and visit length, and days out,
with indexes to read a coach's next days of visits by.

Windows are local times in the coach's own zone. A day out names the coach and the day only:
there is no reason column, because "out" never says why.
"""

from __future__ import annotations

from storage.migrations.columns import date, integer, time, timestamp
from storage.migrations.keys import belongs_to, team_id
from storage.migrations.tables import drop_index, drop_table, index, table

revision = "0019"
down_revision = "0018"

INDEXES = (
    ("visits", ("coach_id", "starts_at")),
    ("visits", ("coach_id", "proposed_starts_at")),
    ("debriefs", ("coach_id", "starts_at")),
)


def upgrade() -> None:
    table(
        "office_hours",
        belongs_to("coach_id", "people"),
        team_id(),
        integer("visit_minutes"),
        timestamp("updated_at"),
        key="coach_id",
    )
    table(
        "office_hour_windows",
        belongs_to("coach_id", "people"),
        integer("weekday"),
        time("starts"),
        time("ends"),
        unique=["coach_id", "weekday", "starts"],
    )
    table(
        "days_out",
        team_id(),
        belongs_to("coach_id", "people"),
        date("day"),
        timestamp("created_at"),
        unique=["coach_id", "day"],
    )

    # What holds a coach's time in the next ten school days is read by these, not by walking
    # every visit the coach ever had.
    for table_name, columns in INDEXES:
        index(table_name, *columns)


def downgrade() -> None:
    for table_name, columns in reversed(INDEXES):
        drop_index(table_name, *columns)
    drop_table("days_out")
    drop_table("office_hour_windows")
    drop_table("office_hours")
