"""The maintenance commands: migrations, the roster, the school calendar, reports, the outbox and
one person's record. Each needs only the database (some also Slack's answers about people);
`coachbot` (bot/app/cli.py) reads the command line and calls them. A command that cannot go on
raises Stop with one line and an exit code."""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from bot.app.deps import Deps
from bot.app.settings import (
    ExitCode,
    MaintenanceSettings,
    Settings,
)
from bot.rules.people import Directory, SlackProfile
from bot.slack.client import make_client
from storage import migrate
from storage.db import make_engine, make_session_factory
from storage.models import Person
from storage.uow import UnitOfWork

logger = logging.getLogger("coachbot")


class Stop(Exception):
    """A command cannot go on for a reason an operator can act on: one line and an exit code."""

    def __init__(self, code: ExitCode, line: str) -> None:
        super().__init__(line)
        self.code = code
        self.line = line


_TEAM_ID = re.compile(r"T[A-Z0-9]{2,}")


def open_engine(settings: MaintenanceSettings) -> Engine:
    return make_engine(settings.database_url.get_secret_value())


def db_upgrade(settings: MaintenanceSettings, args: argparse.Namespace) -> int:
    engine = open_engine(settings)
    try:
        before = migrate.current_revision(engine)
        if migrate.schema_state(engine) is migrate.SchemaState.AHEAD:
            raise Stop(ExitCode.SCHEMA, ahead_message(engine))
        migrate.upgrade(engine, args.revision)
        after = migrate.current_revision(engine)
    finally:
        engine.dispose()
    if before != after:
        print(f"upgraded from revision {before or 'none'} to {after}")
    if after == migrate.head():
        print(f"database is up to date ({engine.dialect.name})")
    return 0


def db_current(settings: MaintenanceSettings, _args: argparse.Namespace) -> int:
    engine = open_engine(settings)
    try:
        state = migrate.schema_state(engine)
        revision = migrate.current_revision(engine)
    finally:
        engine.dispose()
    print(f"revision {revision or 'none'} ({state.value}; newest known: {migrate.head()})")
    return 0 if state is migrate.SchemaState.CURRENT else int(ExitCode.SCHEMA)


def _alembic(settings: MaintenanceSettings, name: str, *arguments: str) -> int:
    from alembic import command
    from alembic.util import CommandError

    engine = open_engine(settings)
    try:
        getattr(command, name)(migrate.alembic_config(engine), *arguments)
    except CommandError as exc:
        raise Stop(ExitCode.USAGE, f"alembic {name}: {exc}") from exc
    finally:
        engine.dispose()
    return 0


def db_history(settings: MaintenanceSettings, _args: argparse.Namespace) -> int:
    return _alembic(settings, "history")


def db_downgrade(settings: MaintenanceSettings, args: argparse.Namespace) -> int:
    return _alembic(settings, "downgrade", args.revision)


def db_stamp(settings: MaintenanceSettings, args: argparse.Namespace) -> int:
    return _alembic(settings, "stamp", args.revision)


def db_revision(settings: MaintenanceSettings, args: argparse.Namespace) -> int:
    migrate.revision(open_engine(settings), args.message)
    return 0


def ahead_message(engine: Engine) -> str:
    return (
        "the database schema is newer than this coachbot "
        f"(revision {migrate.current_revision(engine)}, this version knows up to "
        f"{migrate.head()}); run the newer coachbot or point DATABASE_URL at its database"
    )


def _client(settings: MaintenanceSettings) -> WebClient:
    if settings.slack_bot_token is None:
        raise Stop(
            ExitCode.USAGE,
            "SLACK_BOT_TOKEN is not set: this command asks Slack who people are",
        )
    # make_client reads only the token and Slack's address.
    return make_client(
        Settings.model_construct(
            slack_bot_token=settings.slack_bot_token, slack_api_url=settings.slack_api_url
        )
    )


def _workspace(settings: MaintenanceSettings) -> tuple[WebClient, str]:
    """The Slack client and the workspace (team id) its token belongs to."""
    client = _client(settings)
    try:
        team_id = str(client.auth_test()["team_id"])
    except SlackApiError as exc:
        error = exc.response.get("error")
        if exc.response.status_code == 429 or exc.response.status_code >= 500:
            raise Stop(ExitCode.SLACK_UNREACHABLE, f"Slack is not answering ({error})") from exc
        raise Stop(ExitCode.SLACK_REFUSED, f"Slack refused the bot token: {error}") from exc
    except OSError as exc:
        raise Stop(
            ExitCode.SLACK_UNREACHABLE,
            f"could not reach Slack at {settings.slack_api_url}: {getattr(exc, 'reason', exc)}",
        ) from exc
    return client, team_id


def _team_id(settings: MaintenanceSettings, deps: Deps, chosen: str | None) -> str:
    """--team, else the one workspace the database knows, else the token's (asked of Slack)."""
    from sqlalchemy import select

    from storage.models import Closure, District, Person, School

    if chosen:
        if not _TEAM_ID.fullmatch(chosen):
            raise Stop(ExitCode.USAGE, "--team should be a Slack team id like T012ABCDEF")
        return chosen
    with deps.uow() as uow:
        known: set[str] = set()
        for column in (District.team_id, Person.team_id, School.team_id, Closure.team_id):
            known |= set(uow.session.scalars(select(column).distinct()))
    if len(known) == 1:
        return known.pop()
    if len(known) > 1:
        raise Stop(
            ExitCode.USAGE,
            f"the database holds {len(known)} workspaces ({', '.join(sorted(known))}); "
            "choose one with --team",
        )
    if settings.slack_bot_token is None:
        raise Stop(
            ExitCode.USAGE,
            "the database knows no Slack workspace yet: give its team id with --team "
            "(T012ABCDEF), or set SLACK_BOT_TOKEN so Slack can say",
        )
    return _workspace(settings)[1]


def _output(path: Path) -> TextIO:
    """The file to write, opened before any work; one line when its folder is not there."""
    try:
        return path.open("w", encoding="utf-8", newline="")
    except FileNotFoundError as exc:
        raise Stop(
            ExitCode.USAGE, f"cannot write {path}: the folder {path.parent} does not exist"
        ) from exc
    except OSError as exc:
        raise Stop(ExitCode.USAGE, f"cannot write {path}: {exc.strerror or exc}") from exc


def roster_import(settings: MaintenanceSettings, args: argparse.Namespace) -> int:
    from bot.rules.roster import import_roster
    from bot.slack.directory import SlackDirectory

    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise Stop(ExitCode.USAGE, f"cannot read {args.file}: {_reason(exc)}") from exc
    deps = _deps(settings)
    slack: SlackDirectory | None = None
    if settings.slack_bot_token is not None:
        client, team_id = _workspace(settings)
        slack = SlackDirectory(client)
    else:
        team_id = _team_id(settings, deps, args.team)
    with deps.uow() as uow:
        directory = DatabaseFirst(uow, team_id, slack)
        try:
            report = import_roster(
                uow,
                directory,
                team_id,
                text,
                deps.now(),
                areas=settings.coachbot_expertise_areas,
                dry_run=args.dry_run,
                skip_invalid=args.skip_invalid,
            )
        except SlackApiError as exc:
            raise Stop(
                ExitCode.SLACK_UNREACHABLE,
                f"Slack did not answer who a person is ({exc.response.get('error')}); "
                "nothing was changed",
            ) from exc
        except OSError as exc:
            raise Stop(
                ExitCode.SLACK_UNREACHABLE,
                f"could not reach Slack at {settings.slack_api_url}; nothing was changed",
            ) from exc
        uow.commit()
    if directory.unknown:
        print(
            f"{len(directory.unknown)} people are not in the database yet and SLACK_BOT_TOKEN "
            "is not set, so Slack could not say who they are: "
            + ", ".join(directory.unknown[:5])
            + (" ..." if len(directory.unknown) > 5 else ""),
            file=sys.stderr,
        )
    for problem in report.problems:
        print(problem, file=sys.stderr)
    for line in report.lines()[len(report.problems) :]:
        print(line)
    if args.dry_run:
        print("dry run: nothing was changed")
        return ExitCode.PROBLEMS if report.problems else ExitCode.OK
    if report.applied:
        print("roster updated" + (" (bad lines skipped)" if report.problems else ""))
        return ExitCode.OK
    print("nothing was changed: fix the lines above, or use --skip-invalid", file=sys.stderr)
    return ExitCode.PROBLEMS


class DatabaseFirst:
    """Who a roster's people are: those the database knows are read from it, and only the
    others are asked of Slack, one call each. A district's roster of thousands then costs a
    few Slack calls instead of one per line (names and time zones stay fresh through Slack's
    user_change events)."""

    def __init__(self, uow: UnitOfWork, team_id: str, slack: Directory | None) -> None:
        self._uow = uow
        self._team_id = team_id
        self._slack = slack
        self.unknown: list[str] = []

    def user_info(self, user_id: str) -> SlackProfile | None:
        known = self._uow.people.get_by_user(self._team_id, user_id)
        return self._known_or_asked(known, user_id, lambda slack: slack.user_info(user_id))

    def lookup_email(self, email: str) -> SlackProfile | None:
        from sqlalchemy import func, select

        known = self._uow.session.scalars(
            select(Person).where(
                Person.team_id == self._team_id, func.lower(Person.email) == email.lower()
            )
        ).first()
        return self._known_or_asked(known, email, lambda slack: slack.lookup_email(email))

    def _known_or_asked(
        self,
        known: Person | None,
        key: str,
        ask: Callable[[Directory], SlackProfile | None],
    ) -> SlackProfile | None:
        if known is not None:
            return _profile(known)
        if self._slack is not None:
            return ask(self._slack)
        self.unknown.append(key)
        return None


def _profile(person: Person) -> SlackProfile:
    return SlackProfile(
        user_id=person.user_id,
        team_id=person.team_id,
        display_name=person.display_name or person.user_id,
        email=person.email,
        timezone=person.timezone,
        deleted=not person.active,
    )


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "strerror", None) or exc)


def roster_export(settings: MaintenanceSettings, args: argparse.Namespace) -> int:
    from bot.rules.roster import export_roster

    deps = _deps(settings)
    team_id = _team_id(settings, deps, args.team)
    out = _output(args.file) if args.file is not None else None
    with deps.uow() as uow:
        text = export_roster(uow, team_id)
    if out is None:
        sys.stdout.write(text)
    else:
        with out:
            out.write(text)
        print(f"wrote {text.count(chr(10)) - 1} people to {args.file}")
    return 0


def calendar_import(settings: MaintenanceSettings, args: argparse.Namespace) -> int:
    from bot.rules.calendar import parse_closures_csv
    from bot.rules.calendar_ics import parse_closures_ics
    from bot.rules.school_calendar import add_closures

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise Stop(ExitCode.USAGE, f"cannot read {args.file}: {_reason(exc)}") from exc
    if args.file.suffix.lower() in (".ics", ".ical", ".ifb") or data.lstrip().startswith(
        b"BEGIN:VCALENDAR"
    ):
        closures, problems = parse_closures_ics(data)
    else:
        closures, problems = parse_closures_csv(data.decode("utf-8-sig", errors="replace"))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("nothing was changed: fix the lines above", file=sys.stderr)
        return ExitCode.PROBLEMS
    for closure in closures:
        span = f"{closure.first_day}" + (
            f" to {closure.last_day}" if closure.last_day != closure.first_day else ""
        )
        print(f"{span}  {closure.reason}")
    if args.dry_run:
        print(f"dry run: {len(closures)} non-school periods read, nothing was changed")
        return 0
    deps = _deps(settings)
    team_id = _team_id(settings, deps, args.team)
    with deps.uow() as uow:
        school = uow.schools.get_or_add(team_id, args.school) if args.school else None
        added = add_closures(uow, team_id, school, closures)
        uow.commit()
    where = args.school or "the whole district"
    print(f"{added} added for {where}; {len(closures) - added} already there")
    return 0


def report(settings: MaintenanceSettings, args: argparse.Namespace) -> int:
    from bot.reads.report import run_report_command

    if args.end <= args.start:
        raise Stop(ExitCode.USAGE, "cannot make the report: --to must be after --from")
    deps = _deps(settings)
    team_id = _team_id(settings, deps, args.team)
    out = _output(args.file) if args.file is not None else None
    with deps.uow() as uow:
        try:
            if out is None:
                run_report_command(uow, team_id, args.start, args.end, args.format, sys.stdout)
            else:
                with out:
                    run_report_command(uow, team_id, args.start, args.end, args.format, out)
        except ValueError as exc:
            raise Stop(ExitCode.USAGE, f"cannot make the report: {exc}") from exc
    return 0


def jobs_list(settings: MaintenanceSettings, _args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from bot.app.scheduling import make_scheduler
    from bot.rules import outbox
    from storage.models import OutboxMessage

    deps = _deps(settings)
    # The scheduler is built only to list its jobs: it never starts, so it calls no one.
    scheduler = make_scheduler(deps, WebClient())
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
    from bot.rules.retention import RetentionPolicy

    print("retention policy:")
    for line in RetentionPolicy.from_environment(os.environ).describe():
        print(f"  {line}")
    return 0


def people_export(settings: MaintenanceSettings, args: argparse.Namespace) -> int:
    from bot.rules.records_export import run_export_command

    if not args.out.is_dir():
        raise Stop(ExitCode.USAGE, f"no folder {args.out}: create it first, or name another")
    deps = _deps(settings)

    def write(name: str, text: str) -> None:
        (args.out / name).write_text(text, encoding="utf-8")

    return run_export_command(
        deps.uow, args.person, deps.now(), sys.stdout, write, team_id=args.team, by_user_id=args.by
    )


def people_erase(settings: MaintenanceSettings, args: argparse.Namespace) -> int:
    from bot.rules.erase import run_erase_command
    from bot.slack.messaging import update_message

    deps = _deps(settings)
    # Without a token the erase still happens; only the messages already in Slack stay.
    client = _client(settings) if settings.slack_bot_token is not None else None

    def rewrite(channel: str, ts: str, message: dict[str, Any]) -> None:
        if client is not None:
            update_message(client, channel, ts, message)

    return run_erase_command(
        deps.uow,
        deps.engine,
        args.person,
        deps.now(),
        sys.stdout,
        dry_run=args.dry_run,
        team_id=args.team,
        by_user_id=args.by,
        rewrite=rewrite if client is not None else None,
    )


def jobs_retry_dead(settings: MaintenanceSettings, _args: argparse.Namespace) -> int:
    from bot.rules import outbox

    deps = _deps(settings)
    with deps.uow() as uow:
        count = outbox.retry_dead(uow, deps.now())
        uow.commit()
    print(f"{count} dead message{'s' if count != 1 else ''} put back in line")
    return 0


def _deps(settings: MaintenanceSettings) -> Deps:
    """The database, checked: SQLite is brought up to date, PostgreSQL must already be."""
    engine = open_engine(settings)
    state = migrate.schema_state(engine)
    if state is migrate.SchemaState.AHEAD:
        raise Stop(ExitCode.SCHEMA, ahead_message(engine))
    if engine.dialect.name == "sqlite":
        migrate.upgrade_if_behind(engine)
    elif state is not migrate.SchemaState.CURRENT:
        raise Stop(ExitCode.SCHEMA, "the database schema is behind; run `coachbot db upgrade`")
    return Deps(engine=engine, session_factory=make_session_factory(engine))
