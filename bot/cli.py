"""The `coachbot` command: serve, and database migrations."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from types import FrameType

from sqlalchemy import Engine

from bot.settings import Settings, SettingsError, load_settings
from storage import migrate
from storage.db import make_engine

logger = logging.getLogger("coachbot")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        settings = load_settings()
    except SettingsError as exc:
        print("coachbot cannot start:", file=sys.stderr)
        for line in exc.lines:
            print(f"  {line}", file=sys.stderr)
        return 2
    from bot.logs import configure_logging

    configure_logging(settings.log_level)
    result: int = args.run(settings, args)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coachbot", description="The instructional-coaching cycle, in Slack."
    )
    commands = parser.add_subparsers(title="commands")

    serve = commands.add_parser(
        "serve", help="answer Slack (HTTP, or Socket Mode with an app token)"
    )
    serve.set_defaults(run=_serve)

    db = commands.add_parser("db", help="database migrations")
    db_commands = db.add_subparsers(title="db commands")
    up = db_commands.add_parser("upgrade", help="bring the database schema up to date")
    up.set_defaults(run=_db_upgrade)
    rev = db_commands.add_parser("revision", help="write a new migration from the models")
    rev.add_argument("-m", "--message", required=True)
    rev.set_defaults(run=_db_revision)
    return parser


def _engine(settings: Settings) -> Engine:
    return make_engine(settings.database_url.get_secret_value())


def _db_upgrade(settings: Settings, _args: argparse.Namespace) -> int:
    engine = _engine(settings)
    migrate.upgrade(engine)
    print(f"database is up to date ({engine.dialect.name})")
    return 0


def _db_revision(settings: Settings, args: argparse.Namespace) -> int:
    migrate.revision(_engine(settings), args.message)
    return 0


def _serve(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.runtime import Runtime

    engine = _engine(settings)
    if engine.dialect.name == "sqlite":
        migrate.upgrade(engine)
    elif not migrate.is_up_to_date(engine):
        print(
            "coachbot cannot start: the database schema is behind; run `coachbot db upgrade`.",
            file=sys.stderr,
        )
        return 2
    runtime = Runtime(settings, engine)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        logger.info("received %s: finishing in-flight requests", signal.Signals(signum).name)
        runtime.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    runtime.run()
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
