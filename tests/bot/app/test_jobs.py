"""Scheduled housekeeping, and the scheduler's shape (UTC, explicit ids)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from slack_sdk import WebClient

from bot.app import jobs
from bot.app.deps import Deps
from bot.app.scheduling import make_scheduler
from bot.clock import utc_now


def test_forget_old_events_keeps_the_last_day(deps: Deps) -> None:
    with freeze_time("2026-11-23 12:00:00"):
        now = utc_now()
        with deps.uow() as uow:
            uow.events.claim("EvStale", "app_home_opened", now - timedelta(hours=25))
            uow.events.claim("EvFresh", "app_home_opened", now - timedelta(hours=23))
            uow.commit()
        assert jobs.forget_old_events(deps) == 1
    with deps.uow() as uow:
        assert uow.events.claim("EvStale", "app_home_opened", now) is True
        assert uow.events.claim("EvFresh", "app_home_opened", now) is False
        uow.commit()


def test_sqlite_statistics_are_refreshed_and_postgresql_is_left_to_autovacuum(
    deps: Deps,
) -> None:
    ran = jobs.refresh_query_statistics(deps)
    assert ran is (deps.engine.dialect.name == "sqlite")
    if ran:
        with deps.engine.connect() as connection:
            tables = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'"
            ).all()
        assert tables == [("sqlite_stat1",)]


def test_clock_is_aware_utc() -> None:
    with freeze_time("2026-03-08 07:30:00"):
        assert utc_now() == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_scheduler_runs_in_utc_with_explicit_job_ids(deps: Deps) -> None:
    scheduler = make_scheduler(deps, WebClient(token="xoxb-unused"))
    assert str(scheduler.timezone) == "UTC"
    assert [job.id for job in scheduler.get_jobs()] == [
        "housekeeping:forget-old-events",
        "housekeeping:query-statistics",
        "housekeeping:retention",
        "visits:log-prompts",
        "outbox:plan",
        "outbox:deliver",
    ]
