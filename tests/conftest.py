"""Shared fixtures: databases, the Slack stand-in, and the real app behind its real HTTP server."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from bot.deps import Deps
from bot.runtime import Runtime
from bot.server import HttpServer
from bot.settings import Settings
from bot.slack_standin import SlackStandin
from storage import migrate
from storage.db import make_engine, make_session_factory
from tests.signing import SlackSender

ADMIN_ID = "U0ADMIN001"
BOT_TOKEN = "xoxb-0000000000-0000000000-coachbottesttoken"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
POSTGRES_URL = os.environ.get("COACHBOT_TEST_POSTGRES_URL")

DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def _postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    assert POSTGRES_URL
    server = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"coachbot_test_{uuid.uuid4().hex[:12]}"
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """SQLite always; PostgreSQL too when COACHBOT_TEST_POSTGRES_URL is set."""
    if request.param == "postgresql":
        yield from _postgres_database()
    else:
        yield f"sqlite:///{tmp_path / 'coachbot.db'}"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'coachbot.db'}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def deps(engine: Engine) -> Deps:
    return Deps(engine=engine, session_factory=make_session_factory(engine))


@pytest.fixture
def slack() -> Iterator[SlackStandin]:
    with SlackStandin(bot_token=BOT_TOKEN) as standin:
        yield standin


@pytest.fixture
def settings(slack: SlackStandin, sqlite_url: str) -> Settings:
    return Settings(
        slack_bot_token=BOT_TOKEN,  # type: ignore[arg-type]
        slack_signing_secret=SIGNING_SECRET,  # type: ignore[arg-type]
        slack_api_url=slack.url,
        database_url=sqlite_url,  # type: ignore[arg-type]
        coachbot_admins=(ADMIN_ID,),
        public_url="https://coachbot.example.org",
        _env_file=None,  # type: ignore[call-arg]
    )


class Clock:
    """The app's clock in tests: fixed, and moved by hand (the HTTP threads stay real)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


# Monday 2026-11-30, 09:00 in New York: a school morning.
SCHOOL_MORNING = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


class TrackingExecutor(ThreadPoolExecutor):
    """Bolt's listener pool, remembering its work so a test can wait until all of it is done."""

    def __init__(self) -> None:
        super().__init__(max_workers=32, thread_name_prefix="listener")
        self.futures: list[Future[Any]] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        self.futures.append(future)
        return future

    def settle(self, timeout: float = 10.0) -> None:
        _done, pending = wait(list(self.futures), timeout=timeout)
        assert not pending, f"{len(pending)} listeners still running after {timeout} s"


@dataclass
class Running:
    """The app as Slack sees it: a real HTTP server, and what it sent to the stand-in."""

    app: App
    deps: Deps
    server: HttpServer
    sender: SlackSender
    slack: SlackStandin
    executor: TrackingExecutor
    clock: Clock

    def settle(self) -> None:
        """Wait until every listener started by the requests sent so far has finished."""
        self.executor.settle()


@pytest.fixture
def running(settings: Settings, slack: SlackStandin) -> Iterator[Running]:
    """The composed runtime's HTTP side; its scheduler is not started (tests drive jobs)."""
    engine = make_engine(settings.database_url.get_secret_value())
    migrate.upgrade(engine)
    executor, clock = TrackingExecutor(), Clock(SCHOOL_MORNING)
    runtime = Runtime(
        settings.model_copy(update={"port": 0}),
        engine,
        host="127.0.0.1",
        executor=executor,
        clock=clock,
    )
    thread = threading.Thread(target=runtime.http.serve_forever, name="http", daemon=True)
    thread.start()
    try:
        sender = SlackSender("127.0.0.1", runtime.http.port, SIGNING_SECRET)
        yield Running(runtime.app, runtime.deps, runtime.http, sender, slack, executor, clock)
    finally:
        runtime.http.stop()
        thread.join(timeout=15)
        executor.shutdown(wait=True)
        engine.dispose()
