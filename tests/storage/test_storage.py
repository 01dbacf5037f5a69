"""Storage on SQLite, and on PostgreSQL when COACHBOT_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, insert, inspect, select, text
from sqlalchemy.exc import DBAPIError, StatementError

from bot.app.deps import Deps
from storage import migrate
from storage.db import make_engine
from storage.models import Base, SlackEvent

NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_migrations_build_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    assert migrate.is_up_to_date(engine)


def test_constraint_names_follow_the_convention(engine: Engine) -> None:
    pk = inspect(engine).get_pk_constraint("slack_events")
    if engine.dialect.name == "postgresql":  # SQLite does not keep primary key names
        assert pk["name"] == "pk_slack_events"
    assert pk["constrained_columns"] == ["event_id"]


def test_head_names_the_newest_migration(engine: Engine) -> None:
    assert migrate.script_head(engine) == migrate.head()
    assert migrate.current_revision(engine) == migrate.head()
    assert migrate.schema_state(engine) is migrate.SchemaState.CURRENT


def _stamp(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})


def test_a_database_ahead_of_the_code_is_not_called_behind(engine: Engine) -> None:
    try:
        _stamp(engine, "9999")
        assert migrate.schema_state(engine) is migrate.SchemaState.AHEAD
        assert not migrate.is_up_to_date(engine)
        _stamp(engine, "0007")
        assert migrate.schema_state(engine) is migrate.SchemaState.BEHIND
    finally:
        _stamp(engine, migrate.head())


def test_upgrade_twice_is_harmless(engine: Engine) -> None:
    migrate.upgrade(engine)
    assert migrate.is_up_to_date(engine)


def test_an_event_is_claimed_once(deps: Deps) -> None:
    with deps.uow() as uow:
        assert uow.events.claim("Ev1", "app_home_opened", NOON) is True
        uow.commit()
    with deps.uow() as uow:
        assert uow.events.claim("Ev1", "app_home_opened", NOON) is False
        assert uow.events.claim("Ev2", "app_home_opened", NOON) is True
        uow.commit()
    with deps.uow() as uow:
        ids = uow.session.scalars(select(SlackEvent.event_id).order_by(SlackEvent.event_id)).all()
    assert ids == ["Ev1", "Ev2"]


def test_datetimes_come_back_aware_and_in_utc(deps: Deps) -> None:
    paris_noon = datetime(2026, 7, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    with deps.uow() as uow:
        uow.events.claim("EvTZ", "app_home_opened", paris_noon)
        uow.commit()
    with deps.uow() as uow:
        stored = uow.session.get(SlackEvent, "EvTZ")
        assert stored is not None
        assert stored.received_at == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
        assert stored.received_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused_and_nothing_is_stored(deps: Deps) -> None:
    with pytest.raises(StatementError, match="naive datetime refused"), deps.uow() as uow:
        uow.events.claim("EvNaive", "app_home_opened", datetime(2026, 11, 23, 12, 0))
    with deps.uow() as uow:
        assert uow.session.get(SlackEvent, "EvNaive") is None


def test_unit_of_work_rolls_back_when_the_block_raises(deps: Deps) -> None:
    with pytest.raises(RuntimeError), deps.uow() as uow:
        uow.events.claim("EvLost", "app_home_opened", NOON)
        raise RuntimeError("boom")
    with deps.uow() as uow:
        assert uow.session.get(SlackEvent, "EvLost") is None


def test_old_deliveries_are_forgotten(deps: Deps) -> None:
    with deps.uow() as uow:
        uow.events.claim("EvOld", "app_home_opened", NOON - timedelta(days=2))
        uow.events.claim("EvNew", "app_home_opened", NOON - timedelta(hours=2))
        uow.commit()
    with deps.uow() as uow:
        assert uow.events.purge_received_before(NOON - timedelta(days=1)) == 1
        uow.commit()
    with deps.uow() as uow:
        assert uow.session.get(SlackEvent, "EvOld") is None
        assert uow.session.get(SlackEvent, "EvNew") is not None


def test_a_request_signature_is_taken_once_and_forgotten_after_five_minutes(deps: Deps) -> None:
    signature = "v0=" + "a" * 64
    with deps.uow() as uow:
        assert uow.request_signatures.claim(signature, NOON) is True
        uow.commit()
    with deps.uow() as uow:
        assert uow.request_signatures.claim(signature, NOON) is False
        assert uow.request_signatures.claim("v0=" + "b" * 64, NOON + timedelta(minutes=4)) is True
        uow.commit()
    with deps.uow() as uow:
        assert uow.request_signatures.purge_signed_before(NOON + timedelta(minutes=1)) == 1
        uow.commit()
    with deps.uow() as uow:
        assert uow.request_signatures.claim(signature, NOON) is True
        uow.commit()


def test_two_replicas_taking_one_signature_at_once_see_one_win(deps: Deps) -> None:
    signature = "v0=" + "c" * 64
    start = threading.Barrier(4)

    def take() -> bool:
        start.wait()
        with deps.uow() as uow:
            result = uow.request_signatures.claim(signature, NOON)
            uow.commit()
            return result

    with ThreadPoolExecutor(max_workers=4) as pool:
        won = list(pool.map(lambda _: take(), range(4)))
    assert sorted(won) == [False, False, False, True]


def test_a_failed_statement_does_not_quote_its_values(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        migrate.upgrade(engine)
        with pytest.raises(DBAPIError) as raised, engine.begin() as connection:
            connection.execute(
                insert(SlackEvent),
                [
                    {"event_id": "EvSame", "event_type": "typed-words-1", "received_at": NOON},
                    {"event_id": "EvSame", "event_type": "typed-words-2", "received_at": NOON},
                ],
            )
        assert "typed-words" not in str(raised.value)
    finally:
        engine.dispose()
