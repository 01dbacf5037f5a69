"""Migration 0013 on a copy of a database that holds the six old kinds of support."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from storage import migrate
from storage.models import Person, Visit
from tests.storage.at_revision import engine_at

OLD_KINDS = ("observe", "model", "co_teach", "co_plan", "student_work", "other")
NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


# A database of its own at revision 0012, before the ten roles.
old_engine = engine_at("0012")


def _seed_old_kinds(engine: Engine) -> None:
    with Session(engine) as session:
        coach = Person(team_id="T1", user_id="UCOACH", role="coach")
        teacher = Person(team_id="T1", user_id="UTEACHER")
        session.add_all([coach, teacher])
        session.flush()
        for n, kind in enumerate(OLD_KINDS):
            starts = NOW - timedelta(days=n + 1)
            session.add(
                Visit(
                    team_id="T1",
                    teacher_id=teacher.id,
                    coach_id=coach.id,
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=45),
                    support_type=kind,
                    logged_support_type=kind,
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
        session.commit()


def _kinds(engine: Engine) -> list[tuple[str, str | None]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(Visit.support_type, Visit.logged_support_type).order_by(Visit.starts_at.desc())
        )
        return [(planned, logged) for planned, logged in rows]


def test_the_six_old_kinds_move_to_the_ten_roles_and_no_row_is_lost(old_engine: Engine) -> None:
    _seed_old_kinds(old_engine)

    migrate.upgrade(old_engine)

    new_kinds = ["observe", "model", "co_teach", "co_plan", "data_talk", "other"]
    assert _kinds(old_engine) == [(kind, kind) for kind in new_kinds]
    assert migrate.is_up_to_date(old_engine)


def test_going_back_gives_the_old_kinds_again(old_engine: Engine) -> None:
    _seed_old_kinds(old_engine)
    migrate.upgrade(old_engine)
    with old_engine.begin() as connection:
        connection.execute(text("UPDATE visits SET logged_support_type = 'plc' WHERE id = 1"))

    from alembic import command

    command.downgrade(migrate.alembic_config(old_engine), "0012")

    kinds = _kinds(old_engine)
    assert [planned for planned, _ in kinds] == list(OLD_KINDS)
    # A kind the old schema never knew is kept as "Something else", not dropped.
    assert kinds[0] == ("observe", "other")
