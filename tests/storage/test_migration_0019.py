"""Migration 0019 on a copy of a database at 0018: office hours and days out arrive empty, keep
one row per coach and day, and go again on the way back."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from alembic import command
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage import migrate
from storage.models import DayOut, OfficeHours, OfficeHourWindow, Person
from tests.storage.at_revision import engine_at

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


# A database of its own at revision 0018, before office hours.
old_engine = engine_at("0018")


def test_office_hours_and_days_out_are_kept_per_coach(old_engine: Engine) -> None:
    with Session(old_engine) as session:
        session.add(Person(team_id="T1", user_id="UCOACH", role="coach"))
        session.commit()

    migrate.upgrade(old_engine, "0019")

    columns = {c["name"] for c in inspect(old_engine).get_columns("days_out")}
    assert columns == {"id", "team_id", "coach_id", "day", "created_at"}  # no reason, ever
    with Session(old_engine) as session:
        coach = session.query(Person).one()
        session.add(OfficeHours(coach_id=coach.id, team_id="T1", visit_minutes=30, updated_at=NOW))
        session.add(OfficeHourWindow(coach_id=coach.id, weekday=1, starts=time(9), ends=time(11)))
        session.add(DayOut(team_id="T1", coach_id=coach.id, day=date(2026, 12, 3), created_at=NOW))
        session.commit()
        session.add(DayOut(team_id="T1", coach_id=coach.id, day=date(2026, 12, 3), created_at=NOW))
        with pytest.raises(IntegrityError):
            session.commit()


def test_going_back_removes_the_three_tables(old_engine: Engine) -> None:
    migrate.upgrade(old_engine, "0019")

    command.downgrade(migrate.alembic_config(old_engine), "0018")

    tables = set(inspect(old_engine).get_table_names())
    assert not tables & {"office_hours", "office_hour_windows", "days_out"}
