"""The `coachbot` command: serve, and the maintenance commands that need only the database.

An operator's mistake or an outage ends a command with one line on stderr and an exit code
from ExitCode (`coachbot --help` lists them); a traceback only at LOG_LEVEL=DEBUG, or for a bug.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from types import FrameType
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError

from bot.app import maintenance
from bot.app.maintenance import Stop
from bot.app.settings import (
    ExitCode,
    MaintenanceSettings,
    Settings,
    SettingsError,
    load_maintenance_settings,
    load_settings,
)
from storage import migrate

logger = logging.getLogger("coachbot")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return ExitCode.USAGE
    if getattr(args, "no_settings", False):
        result_without: int = args.run(args)
        return result_without
    load = load_settings if getattr(args, "needs_slack", False) else load_maintenance_settings
    try:
        settings = load()
    except SettingsError as exc:
        print("coachbot cannot start:", file=sys.stderr)
        for line in exc.lines:
            print(f"  {line}", file=sys.stderr)
        return ExitCode.USAGE
    from bot.app.logs import configure_logging

    configure_logging(settings.log_level, log_format=settings.log_format)
    try:
        result: int = args.run(settings, args)
    except Stop as stop:
        return _stopped(settings, stop.code, stop.line)
    except DBAPIError as exc:
        if not exc.connection_invalidated and not isinstance(
            exc, OperationalError | InterfaceError
        ):
            raise  # a statement the database refused: a bug, with its traceback
        return _stopped(settings, ExitCode.DATABASE, _database_problem(settings, exc))
    except ArgumentError:
        return _stopped(
            settings, ExitCode.USAGE, "DATABASE_URL is not valid: it should be a SQLAlchemy URL"
        )
    return result


def _stopped(settings: MaintenanceSettings, code: ExitCode, line: str) -> int:
    """One line on stderr; the traceback too only at LOG_LEVEL=DEBUG."""
    if settings.log_level == "DEBUG" and sys.exc_info()[0] is not None:
        traceback.print_exc()
    print(f"coachbot: {line}", file=sys.stderr)
    return int(code)


def _database_problem(settings: MaintenanceSettings, exc: DBAPIError) -> str:
    url = make_url(settings.database_url.get_secret_value())
    where = url.render_as_string(hide_password=True)
    first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc).__name__
    return f"cannot use the database {where}: {first[:200]}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coachbot",
        description="The instructional-coaching cycle, in Slack.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(title="commands")
    for add in (
        _add_demo,
        _add_serve,
        _add_db,
        _add_roster,
        _add_calendar,
        _add_report,
        _add_jobs,
        _add_people,
    ):
        add(commands)
    return parser


def _add_demo(commands: Any) -> None:
    """`coachbot demo`: the school week against the stand-in."""
    demo = commands.add_parser(
        "demo", help="play a school week against a built-in Slack stand-in (no tokens needed)"
    )
    demo.add_argument("--day", choices=("mon", "tue", "wed", "thu", "fri"), help="show one day")
    demo.add_argument("--person", help="show what one person saw (part of their name)")
    demo.add_argument("--json", type=Path, help="also write the transcript as JSON here")
    demo.set_defaults(run=_demo, no_settings=True)


def _add_serve(commands: Any) -> None:
    """`coachbot serve`: answer Slack, run the scheduler, or both."""
    serve = commands.add_parser(
        "serve", help="answer Slack (HTTP, or Socket Mode with an app token)"
    )
    serve.add_argument(
        "--role",
        choices=("all", "web", "worker"),
        default="all",
        help="web: answer Slack only; worker: run the scheduler only (plan and deliver "
        "messages); all: both, the default (one process, or each of a few replicas)",
    )
    serve.set_defaults(run=_serve, needs_slack=True)


def _add_db(commands: Any) -> None:
    """`coachbot db ...`: Alembic's commands, with DATABASE_URL alone."""
    db_commands = _group(commands, "db", "database migrations (needs only DATABASE_URL)")
    up = db_commands.add_parser("upgrade", help="bring the database schema up to date")
    up.add_argument("revision", nargs="?", default="head", help="how far (default: head)")
    up.set_defaults(run=maintenance.db_upgrade)
    current = db_commands.add_parser("current", help="the schema's revision, and the newest")
    current.set_defaults(run=maintenance.db_current)
    history = db_commands.add_parser("history", help="every migration, newest first")
    history.set_defaults(run=maintenance.db_history)
    down = db_commands.add_parser("downgrade", help="undo migrations down to a revision")
    down.add_argument("revision", help="a revision id, or -1 for the last one")
    down.set_defaults(run=maintenance.db_downgrade)
    stamp = db_commands.add_parser(
        "stamp", help="record a revision without running migrations (after a restore)"
    )
    stamp.add_argument("revision")
    stamp.set_defaults(run=maintenance.db_stamp)
    rev = db_commands.add_parser("revision", help="write a new migration from the models")
    rev.add_argument("-m", "--message", required=True)
    rev.set_defaults(run=maintenance.db_revision)


def _add_roster(commands: Any) -> None:
    """`coachbot roster import|export`."""
    roster_commands = _group(commands, "roster", "import or export the roster as CSV")
    imp = roster_commands.add_parser(
        "import",
        help="add and update people from a CSV file (asks Slack about people the database "
        "does not know yet)",
    )
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--dry-run",
        action="store_true",
        help="show what would change, change nothing; exits 1 when a line has a problem",
    )
    imp.add_argument(
        "--skip-invalid", action="store_true", help="apply the good lines even if some are bad"
    )
    _runs(imp, maintenance.roster_import)
    exp = roster_commands.add_parser("export", help="write the roster as CSV")
    _output_file(exp)
    _runs(exp, maintenance.roster_export)


def _add_calendar(commands: Any) -> None:
    """`coachbot calendar import`: non-school days."""
    calendar_commands = _group(commands, "calendar", "the school calendar")
    days_off = calendar_commands.add_parser(
        "import", help="add non-school days from a CSV (date,end,reason) or iCalendar .ics file"
    )
    days_off.add_argument("file", type=Path)
    days_off.add_argument("--school", help="the school they apply to (default: the whole district)")
    days_off.add_argument("--dry-run", action="store_true", help="show them, change nothing")
    _runs(days_off, maintenance.calendar_import)


def _add_report(commands: Any) -> None:
    """`coachbot report`: the aggregate report."""
    report = commands.add_parser(
        "report", help="aggregate counts for admins and leaders (CSV or JSON)"
    )
    report.add_argument(
        "--from", dest="start", required=True, type=date.fromisoformat, help="first day, YYYY-MM-DD"
    )
    report.add_argument(
        "--to",
        dest="end",
        required=True,
        type=date.fromisoformat,
        help="the day after the last, YYYY-MM-DD",
    )
    report.add_argument("--format", choices=("csv", "json"), default="csv")
    _output_file(report)
    _runs(report, maintenance.report)


def _add_people(commands: Any) -> None:
    """`coachbot people export|erase PERSON`: one person's record, taken or forgotten."""
    people_commands = _group(commands, "people", "one person's record: export or erase it")
    export = people_commands.add_parser(
        "export", help="everything coachbot holds about a person, as JSON and Markdown"
    )
    export.add_argument("person", help="their Slack user id or email")
    export.add_argument("--out", type=Path, default=Path("."), help="folder for the two files")
    export.add_argument("--by", help="your Slack user id, named in their access log")
    _runs(export, maintenance.people_export)
    erase = people_commands.add_parser(
        "erase", help="erase a person's content and what others wrote about them"
    )
    erase.add_argument("person", help="their Slack user id or email")
    erase.add_argument("--dry-run", action="store_true", help="show the counts, change nothing")
    erase.add_argument("--by", help="your Slack user id, named in affected teachers' logs")
    _runs(erase, maintenance.people_erase)


def _add_jobs(commands: Any) -> None:
    """`coachbot jobs list|retry-dead`."""
    jobs_commands = _group(commands, "jobs", "scheduled work and the outbox of messages")
    listing = jobs_commands.add_parser("list", help="scheduled jobs, and the outbox by state")
    listing.set_defaults(run=maintenance.jobs_list)
    again = jobs_commands.add_parser("retry-dead", help="put dead messages back in line")
    again.set_defaults(run=maintenance.jobs_retry_dead)


EXIT_CODES = """exit codes:
  0  done
  1  the file had problems (each listed on stderr); nothing was changed
  2  the command line, a setting, or a file or folder named is wrong
  3  the database cannot be reached or refused the connection
  4  the database schema does not match this coachbot (run `coachbot db upgrade`)
  5  Slack refused a token (invalid_auth, token_revoked, ...)
  6  Slack could not be reached
  7  the HTTP port cannot be opened (in use, or not allowed)"""


def _group(commands: Any, name: str, about: str) -> Any:
    """`coachbot NAME ...`: a command with commands of its own, to add them to."""
    return commands.add_parser(name, help=about).add_subparsers(title=f"{name} commands")


def _runs(command: argparse.ArgumentParser, run: Callable[..., int]) -> None:
    """A command that works on one workspace's data, done by `run`."""
    _team_option(command)
    command.set_defaults(run=run)


def _output_file(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "file", type=Path, nargs="?", help="where to write (default: standard output)"
    )


def _team_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--team",
        help="the Slack workspace (team id, T...); needed only when the database holds "
        "none or several and SLACK_BOT_TOKEN is not set",
    )


def _demo(args: argparse.Namespace) -> int:
    import logging as logs

    from bot.demo.week import run

    # The demo's story is the transcript; routine log lines would only get in its way.
    logs.basicConfig(level=logs.ERROR)
    return run(args.day, args.person, args.json)


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app.runtime import Runtime, ServeRole
    from bot.app.server import PortUnavailable, settle_the_heap

    engine = maintenance.open_engine(settings)
    state = migrate.schema_state(engine)
    if state is migrate.SchemaState.AHEAD:
        raise Stop(ExitCode.SCHEMA, f"cannot start: {maintenance.ahead_message(engine)}")
    if engine.dialect.name == "sqlite":
        migrate.upgrade_if_behind(engine)
    elif state is not migrate.SchemaState.CURRENT:
        raise Stop(
            ExitCode.SCHEMA,
            "cannot start: the database schema is behind; run `coachbot db upgrade`",
        )
    try:
        runtime = Runtime(settings, engine, role=ServeRole(getattr(args, "role", "all")))
    except PortUnavailable as exc:
        engine.dispose()
        raise Stop(ExitCode.PORT, f"cannot start: {exc} (set PORT to another)") from exc

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        logger.info("received %s: finishing in-flight requests", signal.Signals(signum).name)
        runtime.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    settle_the_heap()
    return int(runtime.run())


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
