"""Migration 0014 on a database at 0013: answers to next steps, and a goal's student measures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from storage import migrate
from tests.conftest import DATABASES
from tests.storage.at_revision import database_at

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


@pytest.fixture(params=DATABASES)
def old_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A database of its own at revision 0013, holding a teacher's goal, debrief and note."""
    with database_at(request.param, tmp_path_factory, "0013") as engine:
        _seed(engine)
        yield engine


def _seed(engine: Engine) -> None:
    """Rows as the 0013 schema holds them, written in SQL (the models are already newer)."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO people (id, team_id, user_id, display_name, timezone, role, active,"
                " weekly_capacity, daily_list_when_empty, prompts_stopped, share_wins) VALUES"
                " (1, 'T1', 'UTEACH', 'Tess', 'America/New_York', 'teacher', true, 5, true,"
                " false, 'ask'),"
                " (2, 'T1', 'UCOACH', 'Cole', 'America/New_York', 'coach', true, 5, true,"
                " false, 'ask')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO goals (id, team_id, teacher_id, coach_id, question, focus_area,"
                " evidence, status, created_at, updated_at, version) VALUES (1, 'T1', 1, 2,"
                " 'How can more students explain a step?', 'math', 'Half the class', 'active',"
                " :now, :now, 1)"
            ),
            {"now": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO visits (id, team_id, teacher_id, coach_id, starts_at, ends_at,"
                " support_type, status, created_at, updated_at, version, goal_id) VALUES"
                " (1, 'T1', 1, 2, :now, :now, 'observe', 'accepted', :now, :now, 1, 1)"
            ),
            {"now": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO debriefs (id, team_id, visit_id, teacher_id, coach_id, starts_at,"
                " ends_at, created_at, version) VALUES (1, 'T1', 1, 1, 2, :now, :now, :now, 1)"
            ),
            {"now": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO debrief_notes (id, debrief_id, author_id, next_step,"
                " check_back_on, created_at, updated_at, version) VALUES"
                " (1, 1, 2, 'Try stems', :day, :now, :now, 1)"
            ),
            {"now": NOW, "day": date(2026, 12, 7)},
        )


def _answer(engine: Engine, kind: str = "tried") -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO next_step_answers (note_id, teacher_id, kind, asked_on, line,"
                " answered_at) VALUES (1, 1, :kind, :day, 'It went well', :now)"
            ),
            {"kind": kind, "day": date(2026, 12, 7), "now": NOW},
        )


def test_the_upgrade_keeps_every_goal_and_adds_answers_once_per_day(old_engine: Engine) -> None:
    migrate.upgrade(old_engine)
    assert migrate.is_up_to_date(old_engine)
    with old_engine.connect() as connection:
        goal = connection.execute(
            text("SELECT question, evidence, students_now, students_aim FROM goals")
        ).one()
    assert tuple(goal) == ("How can more students explain a step?", "Half the class", None, None)
    _answer(old_engine)
    with pytest.raises(IntegrityError):
        _answer(old_engine, "not_yet")  # a second answer to the same check-back day
    with old_engine.connect() as connection:
        assert connection.execute(text("SELECT kind FROM next_step_answers")).scalars().all() == [
            "tried"
        ]
    # An answer goes with its note.
    with old_engine.begin() as connection:
        connection.execute(text("DELETE FROM debrief_notes"))
    with old_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM next_step_answers")).scalar() == 0


def test_going_back_drops_the_answers_and_keeps_the_goals(old_engine: Engine) -> None:
    migrate.upgrade(old_engine)
    _answer(old_engine)
    with old_engine.begin() as connection:
        connection.execute(text("UPDATE goals SET students_now = '12 of 28', students_aim = '20'"))

    command.downgrade(migrate.alembic_config(old_engine), "0013")

    schema = inspect(old_engine)
    assert "next_step_answers" not in schema.get_table_names()
    assert {c["name"] for c in schema.get_columns("goals")} >= {"question", "evidence"}
    assert not {c["name"] for c in schema.get_columns("goals")} & {"students_now", "students_aim"}
    with old_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM goals")).scalar() == 1
