"""The `coachbot` command: serve, and database migrations."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from types import FrameType

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from bot.app.deps import Deps
from bot.app.settings import Settings, SettingsError, load_settings
from bot.slack.client import make_client
from storage import migrate
from storage.db import make_engine, make_session_factory

logger = logging.getLogger("coachbot")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    if getattr(args, "no_settings", False):
        result_without: int = args.run(args)
        return result_without
    try:
        settings = load_settings()
    except SettingsError as exc:
        print("coachbot cannot start:", file=sys.stderr)
        for line in exc.lines:
            print(f"  {line}", file=sys.stderr)
        return 2
    from bot.app.logs import configure_logging

    configure_logging(settings.log_level)
    result: int = args.run(settings, args)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coachbot", description="The instructional-coaching cycle, in Slack."
    )
    commands = parser.add_subparsers(title="commands")

    demo = commands.add_parser(
        "demo", help="play a school week against a built-in Slack stand-in (no tokens needed)"
    )
    demo.add_argument("--day", choices=("mon", "tue", "wed", "thu", "fri"), help="show one day")
    demo.add_argument("--person", help="show what one person saw (part of their name)")
    demo.add_argument("--json", type=Path, help="also write the transcript as JSON here")
    demo.set_defaults(run=_demo, no_settings=True)

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

    roster = commands.add_parser("roster", help="import or export the roster as CSV")
    roster_commands = roster.add_subparsers(title="roster commands")
    imp = roster_commands.add_parser("import", help="add and update people from a CSV file")
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--dry-run", action="store_true", help="show what would change, change nothing"
    )
    imp.add_argument(
        "--skip-invalid", action="store_true", help="apply the good lines even if some are bad"
    )
    imp.set_defaults(run=_roster_import)
    exp = roster_commands.add_parser("export", help="write the roster as CSV")
    exp.add_argument("file", type=Path, nargs="?", help="where to write (default: standard output)")
    exp.set_defaults(run=_roster_export)

    calendar = commands.add_parser("calendar", help="the school calendar")
    calendar_commands = calendar.add_subparsers(title="calendar commands")
    days_off = calendar_commands.add_parser(
        "import", help="add non-school days from a CSV (date,end,reason) or iCalendar .ics file"
    )
    days_off.add_argument("file", type=Path)
    days_off.add_argument("--school", help="the school they apply to (default: the whole district)")
    days_off.add_argument("--dry-run", action="store_true", help="show them, change nothing")
    days_off.set_defaults(run=_calendar_import)

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
    report.add_argument(
        "file", type=Path, nargs="?", help="where to write (default: standard output)"
    )
    report.set_defaults(run=_report)

    jobs = commands.add_parser("jobs", help="scheduled work and the outbox of messages")
    jobs_commands = jobs.add_subparsers(title="jobs commands")
    listing = jobs_commands.add_parser("list", help="scheduled jobs, and the outbox by state")
    listing.set_defaults(run=_jobs_list)
    again = jobs_commands.add_parser("retry-dead", help="put dead messages back in line")
    again.set_defaults(run=_jobs_retry_dead)
    return parser


def _demo(args: argparse.Namespace) -> int:
    import logging as logs

    from bot.demo.week import run

    # The demo's story is the transcript; routine log lines would only get in its way.
    logs.basicConfig(level=logs.ERROR)
    return run(args.day, args.person, args.json)


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


def _workspace(settings: Settings) -> tuple[WebClient, str] | None:
    """The Slack client and the workspace (team id) its token belongs to."""
    client = make_client(settings)
    try:
        team_id = str(client.auth_test()["team_id"])
    except SlackApiError as exc:
        print(f"Slack refused the bot token: {exc.response.get('error')}", file=sys.stderr)
        return None
    except OSError as exc:
        print(f"could not reach Slack at {settings.slack_api_url}: {exc}", file=sys.stderr)
        return None
    return client, team_id


def _roster_import(settings: Settings, args: argparse.Namespace) -> int:
    from bot.rules.roster import import_roster
    from bot.slack.directory import SlackDirectory

    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    workspace = _workspace(settings)
    if workspace is None:
        return 2
    client, team_id = workspace
    deps = _deps(settings)
    with deps.uow() as uow:
        report = import_roster(
            uow,
            SlackDirectory(client),
            team_id,
            text,
            deps.now(),
            areas=settings.coachbot_expertise_areas,
            dry_run=args.dry_run,
            skip_invalid=args.skip_invalid,
        )
        uow.commit()
    for line in report.lines():
        print(line)
    if args.dry_run:
        print("dry run: nothing was changed")
    elif report.applied:
        print("roster updated" + (" (bad lines skipped)" if report.problems else ""))
    else:
        print("nothing was changed: fix the lines above, or use --skip-invalid")
        return 1
    return 0


def _roster_export(settings: Settings, args: argparse.Namespace) -> int:
    from bot.rules.roster import export_roster

    workspace = _workspace(settings)
    if workspace is None:
        return 2
    _client, team_id = workspace
    with _deps(settings).uow() as uow:
        text = export_roster(uow, team_id)
    if args.file is None:
        sys.stdout.write(text)
    else:
        args.file.write_text(text, encoding="utf-8")
        print(f"wrote {text.count(chr(10)) - 1} people to {args.file}")
    return 0


def _calendar_import(settings: Settings, args: argparse.Namespace) -> int:
    from bot.rules.calendar import parse_closures_csv
    from bot.rules.calendar_ics import parse_closures_ics
    from bot.rules.school_calendar import add_closures

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    if args.file.suffix.lower() in (".ics", ".ical", ".ifb") or data.lstrip().startswith(
        b"BEGIN:VCALENDAR"
    ):
        closures, problems = parse_closures_ics(data)
    else:
        closures, problems = parse_closures_csv(data.decode("utf-8-sig", errors="replace"))
    for problem in problems:
        print(problem)
    if problems:
        print("nothing was changed: fix the lines above")
        return 1
    for closure in closures:
        span = f"{closure.first_day}" + (
            f" to {closure.last_day}" if closure.last_day != closure.first_day else ""
        )
        print(f"{span}  {closure.reason}")
    if args.dry_run:
        print(f"dry run: {len(closures)} non-school periods read, nothing was changed")
        return 0
    workspace = _workspace(settings)
    if workspace is None:
        return 2
    _client, team_id = workspace
    with _deps(settings).uow() as uow:
        school = uow.schools.get_or_add(team_id, args.school) if args.school else None
        added = add_closures(uow, team_id, school, closures)
        uow.commit()
    where = args.school or "the whole district"
    print(f"{added} added for {where}; {len(closures) - added} already there")
    return 0


def _report(settings: Settings, args: argparse.Namespace) -> int:
    from bot.reads.report import run_report_command

    workspace = _workspace(settings)
    if workspace is None:
        return 2
    _client, team_id = workspace
    with _deps(settings).uow() as uow:
        try:
            if args.file is None:
                run_report_command(uow, team_id, args.start, args.end, args.format, sys.stdout)
            else:
                with args.file.open("w", encoding="utf-8", newline="") as out:
                    run_report_command(uow, team_id, args.start, args.end, args.format, out)
        except ValueError as exc:
            print(f"cannot make the report: {exc}", file=sys.stderr)
            return 2
    return 0


def _jobs_list(settings: Settings, _args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from bot.app.scheduling import make_scheduler
    from bot.rules import outbox
    from storage.models import OutboxMessage

    deps = _deps(settings)
    scheduler = make_scheduler(deps, make_client(settings))
    print("scheduled jobs (UTC):")
    for job in scheduler.get_jobs():
        print(f"  {job.id:34} {job.trigger}")
    now = deps.now()
    with deps.uow() as uow:
        counts = outbox.summary(uow, now)
        dead = uow.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == outbox.DEAD)
            .order_by(OutboxMessage.id)
            .limit(20)
        ).all()
        print("outbox: " + ", ".join(f"{name} {number}" for name, number in counts.items()))
        for row in dead:
            print(f"  dead  {row.key}  after {row.attempts} attempts: {row.last_error}")
    return 0


def _jobs_retry_dead(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.rules import outbox

    deps = _deps(settings)
    with deps.uow() as uow:
        count = outbox.retry_dead(uow, deps.now())
        uow.commit()
    print(f"{count} dead message{'s' if count != 1 else ''} put back in line")
    return 0


def _deps(settings: Settings) -> Deps:
    engine = _engine(settings)
    if engine.dialect.name == "sqlite":
        migrate.upgrade(engine)
    return Deps(engine=engine, session_factory=make_session_factory(engine))


def _serve(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.app.runtime import Runtime

    engine = _engine(settings)
    state = migrate.schema_state(engine)
    if state is migrate.SchemaState.AHEAD:
        print(
            "coachbot cannot start: the database schema is newer than this coachbot "
            f"(revision {migrate.current_revision(engine)}, this version knows up to "
            f"{migrate.head()}); run the newer coachbot or point DATABASE_URL at its database.",
            file=sys.stderr,
        )
        return 2
    if engine.dialect.name == "sqlite":
        migrate.upgrade_if_behind(engine)
    elif state is not migrate.SchemaState.CURRENT:
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
