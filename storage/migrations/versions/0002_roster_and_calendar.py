"""People, roles, schools, PLC channels and the school calendar."""

from __future__ import annotations

from storage.migrations.columns import boolean, date, integer, string, time, timestamp
from storage.migrations.keys import belongs_to, mentions, team_id
from storage.migrations.tables import drop_table, table

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    table(
        "districts",
        team_id(),
        string("name", 200),
        string("timezone", 64),
        string("weekdays", 20),
        time("day_start"),
        time("day_end"),
        key="team_id",
    )
    table(
        "plc_channels",
        team_id(),
        string("channel_id", 32),
        string("name", 200),
        unique=["team_id", "channel_id"],
        indexed=["team_id"],
    )
    table(
        "schools",
        team_id(),
        string("name", 200),
        string("weekdays", 20, nullable=True),
        time("day_start", nullable=True),
        time("day_end", nullable=True),
        unique=["team_id", "name"],
        indexed=["team_id"],
    )
    table(
        "closures",
        team_id(),
        belongs_to("school_id", "schools", nullable=True),  # none: the whole district
        date("first_day"),
        date("last_day"),
        string("reason", 200),
        indexed=["team_id"],
    )
    table(
        "people",
        team_id(),
        string("user_id", 32),
        string("display_name", 200),
        string("email", 320, nullable=True),
        string("timezone", 64),
        string("role", 16),
        boolean("active"),
        timestamp("synced_at", nullable=True),
        mentions("school_id", "schools"),
        string("team_name", 200, nullable=True),
        string("plc_channel_id", 32, nullable=True),
        mentions("assigned_coach_id", "people"),
        integer("weekly_capacity"),
        unique=["team_id", "user_id"],
    )
    table(
        "coach_expertise",
        belongs_to("person_id", "people"),
        string("area", 64),
        unique=["person_id", "area"],
        indexed=["person_id"],
    )


def downgrade() -> None:
    drop_table("coach_expertise", indexed=["person_id"])
    drop_table("people")
    drop_table("closures", indexed=["team_id"])
    drop_table("schools", indexed=["team_id"])
    drop_table("plc_channels", indexed=["team_id"])
    drop_table("districts")
