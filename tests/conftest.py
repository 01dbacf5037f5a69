"""Shared fixtures: databases, the Slack stand-in, and the real app behind its real HTTP server."""

# ruff: noqa: E402  (the bytecode setting below comes before the app is imported)
from __future__ import annotations

import sys

# Each test process (the xdist workers and the `coachbot` processes some tests start) would
# otherwise compile the app and rewrite the tests from source every run when
# PYTHONDONTWRITEBYTECODE is set, about five seconds of a core each. The caches land in
# __pycache__ folders, which git ignores.
sys.dont_write_bytecode = False

import fcntl
import logging
import os
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from bot.app.cli import main as coachbot_main
from bot.app.deps import Deps
from bot.app.runtime import Runtime
from bot.app.server import HttpServer, settle_the_heap
from bot.app.settings import Settings
from bot.demo.standin import SlackStandin
from storage import migrate
from storage.db import make_engine, make_session_factory
from tests.signing import SlackSender

ADMIN_ID = "U0ADMIN001"
BOT_TOKEN = "xoxb-0000000000-0000000000-coachbottesttoken"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
POSTGRES_URL = os.environ.get("COACHBOT_TEST_POSTGRES_URL")

DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


@event.listens_for(Engine, "connect")
def _sqlite_without_fsync(dbapi_connection: Any, _record: Any) -> None:
    """The tests' SQLite files are not synced to disk at each commit. What a test checks never
    depends on surviving a power cut, and the syncs kept each process waiting on the disk
    (the app's own setting, for the files that matter, is SQLite's default)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: three test processes for every two cores. Each waits on sockets and the
    database part of the time (the real HTTP server, the stand-in, PostgreSQL), so more
    processes than cores keep the cores busy; each also imports the app and collects the tests
    first, about two seconds of a core. On 2 cores, with PostgreSQL, four processes and three
    finished in the same time (69 and 82 s against 70 and 70 s), three using 6 to 20% less CPU;
    two took 88 s, with the cores idle a fifth of the time."""
    return max(2, 3 * (os.cpu_count() or 1) // 2)


@pytest.hookimpl(tryfirst=True)  # before the fixture's own two databases are applied
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`@pytest.mark.sqlite_only`: the test's point is a rule worked out in Python (a time, a
    permission, a wording) over queries its module's other tests already run on PostgreSQL,
    so a PostgreSQL run of it would check nothing new. Tests of concurrency, locking,
    versions, query plans or SQL that differs by dialect never carry it."""
    if metafunc.definition.get_closest_marker("sqlite_only") and (
        "database_url" in metafunc.fixturenames
    ):
        # As a mark, so pytest takes it instead of the fixture's own list.
        metafunc.definition.add_marker(
            pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
        )


def _worker() -> str:
    """The pytest-xdist worker this process is ("gw0", ...), or "main" without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@contextmanager
def _run_wide(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """A folder every test process of this run shares, held by this process alone meanwhile.

    pytest-xdist gives each process a temporary folder inside the run's own, so what is built
    there once (a migrated database) serves them all: migrating took each process about a
    second and a half of a core, for the same schema.
    """
    base = tmp_path_factory.getbasetemp()
    folder = (base if _worker() == "main" else base.parent) / name
    folder.mkdir(exist_ok=True)
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def sqlite_template_at(tmp_path_factory: pytest.TempPathFactory, revision: str = "head") -> Path:
    """A SQLite file migrated to `revision` once per run, for the tests to copy."""
    with _run_wide(tmp_path_factory, "sqlite-template") as folder:
        path = folder / f"coachbot-{revision}.db"
        if not path.exists():
            building = folder / "building.db"
            building.unlink(missing_ok=True)
            engine = make_engine(f"sqlite:///{building}")
            try:
                migrate.upgrade(engine, revision)
            finally:
                engine.dispose()
            building.rename(path)  # only a whole template is ever found
    return path


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to the head once per run; each test gets a copy."""
    return sqlite_template_at(tmp_path_factory)


def postgres_copy_at(
    server: Engine, tmp_path_factory: pytest.TempPathFactory, name: str, revision: str = "head"
) -> str:
    """A new PostgreSQL database `name`, copied from the run's template at `revision`, which
    the first process to ask migrates. The templates' names are written down for the other
    processes and for `pytest_sessionfinish`."""
    with _run_wide(tmp_path_factory, "postgres-template") as folder:
        written = folder / f"name-{revision}"
        if written.exists():
            template = written.read_text()
        else:
            template = f"coachbot_template_{uuid.uuid4().hex[:8]}"
            with server.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{template}"'))
            written.write_text(template)
            engine = make_engine(
                make_url(POSTGRES_URL).set(database=template).render_as_string(hide_password=False)
            )
            try:
                migrate.upgrade(engine, revision)
            finally:
                engine.dispose()  # a database is copied only while no one is connected to it
        # One copy at a time, inside the lock: PostgreSQL refuses to copy a database another
        # session is in.
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The run's PostgreSQL templates go once every process is done (in the main one)."""
    if not POSTGRES_URL or hasattr(session.config, "workerinput"):
        return  # without PostgreSQL, or in a pytest-xdist worker
    folder = session.config._tmp_path_factory.getbasetemp() / "postgres-template"
    names = [written.read_text() for written in folder.glob("name-*")]
    if not names:
        return  # no test asked for PostgreSQL
    server = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        for name in names:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


@pytest.fixture(scope="session")
def postgres_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | None]:
    """This test process's own PostgreSQL database, a copy of the run's migrated template;
    emptied after each test.

    Emptying the tables is about ten times quicker than creating a database per test.
    """
    if not POSTGRES_URL:
        yield None
        return
    name = f"coachbot_test_{_worker()}_{uuid.uuid4().hex[:8]}"
    server = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    url = postgres_copy_at(server, tmp_path_factory, name)
    try:
        yield url
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


class _Emptier:
    """Empties this process's PostgreSQL database after a test, in one round trip.

    DELETE with the foreign keys' triggers off, and the sequences set back, is about eight
    times quicker than TRUNCATE on tables this small; a connection the test left open would
    hold its locks, so it is ended first.
    """

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
        self.statement: str | None = None

    def _statement(self) -> str:
        if self.statement is None:
            with self.engine.connect() as connection:
                tables = connection.execute(
                    text(
                        "SELECT quote_ident(tablename) FROM pg_tables "
                        "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                    )
                ).scalars()
                deletes = "".join(f"DELETE FROM {table};" for table in tables)
            self.statement = (
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid();"
                "SET session_replication_role = replica;"
                f"{deletes}"
                "SET session_replication_role = DEFAULT;"
                "SELECT setval(c.oid, 1, false) FROM pg_class c "
                "WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace;"
            )
        return self.statement

    def empty(self) -> None:
        statement = self._statement()
        with self.engine.connect() as connection:
            connection.exec_driver_sql(statement)

    def dispose(self) -> None:
        self.engine.dispose()


def _postgres_database(url: str, emptier: _Emptier) -> Iterator[str]:
    """The process's PostgreSQL database, empty for this test and emptied again after it."""
    yield url
    _ENGINES.close(url)
    emptier.empty()


class _Engines:
    """One engine per database in this test process, its connections closed after each test.

    SQLAlchemy keeps each statement's compiled SQL in its engine. With an engine per test,
    every query was compiled again in every test: a third of a rules test's time went to
    compiling the planners' queries. The databases stay the test's own: each SQLite test
    gets a fresh copy of the migrated file at the same path (see `_sqlite_copy`), and the
    PostgreSQL database is emptied after each test.
    """

    def __init__(self) -> None:
        self.engines: dict[str, Engine] = {}

    def __call__(self, url: str) -> Engine:
        engine = self.engines.get(url)
        if engine is None:
            engine = self.engines[url] = make_engine(url)
        return engine

    def close(self, url: str) -> None:
        """Close the connections to `url` (the engine and its compiled SQL stay)."""
        engine = self.engines.get(url)
        if engine is not None:
            engine.dispose()


_ENGINES = _Engines()


def _sqlite_copy(template: Path, folder: Path) -> str:
    """A fresh copy of the migrated database at `folder`/coachbot.db, for this test alone.

    The path is the same for every test of this process (so its engine, and the SQL it has
    compiled, can be kept); the last test's connections are closed and its file, with its
    write-ahead log, replaced.
    """
    path = folder / "coachbot.db"
    url = f"sqlite:///{path}"
    _ENGINES.close(url)
    for leftover in (path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(template, path)
    return url


@pytest.fixture(scope="session")
def postgres_emptier(postgres_database: str | None) -> Iterator[_Emptier | None]:
    if postgres_database is None:
        yield None
        return
    emptier = _Emptier(postgres_database)
    try:
        yield emptier
    finally:
        emptier.dispose()


@pytest.fixture(scope="session")
def sqlite_folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """This process's two SQLite folders: one for `database_url`, one for `sqlite_url`, so a
    test that asks for both has two databases, as it would with a folder of its own."""
    return tmp_path_factory.mktemp("database"), tmp_path_factory.mktemp("app-database")


@pytest.fixture(params=DATABASES)
def database_url(
    request: pytest.FixtureRequest,
    sqlite_folders: tuple[Path, Path],
    sqlite_template: Path,
    postgres_database: str | None,
    postgres_emptier: _Emptier | None,
) -> Iterator[str]:
    """A database at the head: SQLite always; PostgreSQL too when COACHBOT_TEST_POSTGRES_URL
    is set."""
    if request.param == "postgresql":
        assert postgres_database is not None and postgres_emptier is not None
        yield from _postgres_database(postgres_database, postgres_emptier)
    else:
        url = _sqlite_copy(sqlite_template, sqlite_folders[0])
        yield url
        _ENGINES.close(url)


@pytest.fixture
def sqlite_url(sqlite_folders: tuple[Path, Path], sqlite_template: Path) -> Iterator[str]:
    """A SQLite database at the head, this test's own."""
    url = _sqlite_copy(sqlite_template, sqlite_folders[1])
    yield url
    _ENGINES.close(url)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = _ENGINES(database_url)
    migrate.upgrade_if_behind(engine)
    yield engine
    engine.dispose()  # its connections; the engine is kept for the next test


@pytest.fixture
def deps(engine: Engine) -> Deps:
    return Deps(engine=engine, session_factory=make_session_factory(engine))


@pytest.fixture(scope="session")
def slack_server() -> Iterator[SlackStandin]:
    """One stand-in server per test process; each test gets it as new through `slack`."""
    with SlackStandin(bot_token=BOT_TOKEN) as standin:
        yield standin


@pytest.fixture
def slack(slack_server: SlackStandin) -> Iterator[SlackStandin]:
    """The Slack stand-in, with no calls, people, channels or scripted answers of an earlier
    test (starting and stopping a server per test cost about 0.05 s of waiting each)."""
    slack_server.forget_everything()
    yield slack_server
    slack_server.forget_everything()


@pytest.fixture
def settings(slack: SlackStandin, sqlite_url: str) -> Settings:
    return Settings(
        slack_bot_token=BOT_TOKEN,  # type: ignore[arg-type]
        slack_signing_secret=SIGNING_SECRET,  # type: ignore[arg-type]
        slack_api_url=slack.url,
        database_url=sqlite_url,  # type: ignore[arg-type]
        coachbot_admins=(ADMIN_ID,),
        public_url="https://coachbot.example.org",
        # Four threads answer a test's few requests at once; starting and stopping sixteen
        # for each test's server took as long as building the app.
        http_threads=4,
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
    engine = _ENGINES(settings.database_url.get_secret_value())
    migrate.upgrade_if_behind(engine)
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


@dataclass(frozen=True)
class Ran:
    """What an operator sees of one `coachbot` run: its exit code and its two streams."""

    returncode: int
    stdout: str
    stderr: str


Coachbot = Callable[..., Ran]


@pytest.fixture
def coachbot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Coachbot]:
    """`coachbot(*args, **settings)`: the command run in this process, in tmp_path, with only
    the given settings in its environment (`DATABASE_URL="..."`), as an operator would run it.

    The same `main()` as `python -m bot`, without importing the whole app again for each run;
    `serve` and the exit codes before any import are tested in real processes too.
    """
    monkeypatch.chdir(tmp_path)  # and so no .env of the checkout is read
    for name in list(os.environ):
        if name.lower() in Settings.model_fields:
            monkeypatch.delenv(name)
    # The command sets up logging for a whole process; this process gets its own back after.
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level

    def run(*args: str, **settings: str) -> Ran:
        with monkeypatch.context() as env:
            for name, value in settings.items():
                env.setenv(name, value)
            capsys.readouterr()
            try:
                code = coachbot_main(list(args))
            except SystemExit as refused:  # argparse's way of refusing arguments
                code = refused.code if isinstance(refused.code, int) else 2
            out, err = capsys.readouterr()
        return Ran(code, out, err)

    try:
        yield run
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def pytest_collection_finish(session: pytest.Session) -> None:
    """What exists once the tests are collected (the app's modules, the tests, pytest itself)
    lives until the end: the garbage collector stops looking at it. Its full passes over
    those objects took about a tenth of each test process's time. As `coachbot serve` does
    before serving (bot/app/server.py)."""
    settle_the_heap()
