"""Engine and session factory, and the unit of work that owns each transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SessionFactory = Callable[[], Session]


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for `url`, with SQLite tuned for one process serving many threads.

    hide_parameters keeps the values of a failed statement (what a person typed) out of the
    error's message, and so out of every log line and traceback that quotes it.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            parsed,
            echo=echo,
            hide_parameters=True,
            connect_args={"check_same_thread": False, "timeout": 30},
            # One connection per listener thread, so no request waits for the pool.
            pool_size=32,
            max_overflow=16,
            # The connection used last is used next: SQLite keeps a page cache per connection
            # and drops it when another connection has written since, so handing out the
            # least recently used one (the default) made every read after a write start cold.
            pool_use_lifo=True,
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        return engine
    return create_engine(
        parsed,
        echo=echo,
        hide_parameters=True,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        # The connection used last is used next, so psycopg's prepared statements (made on a
        # connection's fifth use of a statement) are there when wanted, and connections left
        # idle at the far end can be closed by the server.
        pool_use_lifo=True,
        # A database host that does not answer at all (a dropped route, a firewall) fails a
        # connection in 10 s instead of the operating system's minutes: /readyz says so in
        # time and a command ends with its one line.
        connect_args={"connect_timeout": 10} if parsed.get_backend_name() == "postgresql" else {},
    )


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the health check and readers go on while a writer holds the lock.
    if not _is_memory(dbapi_connection):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _is_memory(dbapi_connection: Any) -> bool:
    cursor = dbapi_connection.cursor()
    try:
        rows = cursor.execute("PRAGMA database_list").fetchall()
    finally:
        cursor.close()
    return any(row[1] == "main" and not row[2] for row in rows)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def check_database(engine: Engine) -> bool:
    """True when the database answers a trivial query; used by /healthz."""
    with engine.connect() as connection:
        return bool(connection.execute(text("SELECT 1")).scalar_one() == 1)
