"""Maintenance with DATABASE_URL alone, and one line (never a traceback) for an operator's
mistake or an outage, with the exit code the README lists."""

from __future__ import annotations

import os
import shutil
import socket
import sys
from pathlib import Path

import pytest

from bot.app.settings import ExitCode
from bot.demo.standin import SlackStandin
from storage import migrate
from storage.db import make_engine
from tests import factories
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, Coachbot, Ran

TEAM = "T0DISTRICT"
HOLIDAYS = "date,end,reason\n2026-11-26,2026-11-27,Thanksgiving break\n"


def _one_line(ran: Ran, code: ExitCode, words: str) -> None:
    assert ran.returncode == code, (ran.stdout, ran.stderr)
    assert ran.stderr.strip().splitlines() == [ran.stderr.strip()], ran.stderr
    assert words in ran.stderr
    assert "Traceback" not in ran.stderr


@pytest.fixture
def new_database(tmp_path: Path) -> str:
    """A SQLite file that does not exist yet."""
    return f"sqlite:///{tmp_path / 'cb.db'}"


@pytest.fixture
def database(tmp_path: Path, sqlite_template: Path) -> str:
    """A SQLite file `coachbot db upgrade` has brought to the head (a copy of one it did)."""
    shutil.copyfile(sqlite_template, tmp_path / "cb.db")
    return f"sqlite:///{tmp_path / 'cb.db'}"


def test_upkeep_needs_only_the_database(
    tmp_path: Path, coachbot: Coachbot, new_database: str
) -> None:
    upgraded = coachbot("db", "upgrade", DATABASE_URL=new_database)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "database is up to date (sqlite)" in upgraded.stdout
    # No Alembic or APScheduler start-up lines on a command.
    assert upgraded.stderr == ""

    current = coachbot("db", "current", DATABASE_URL=new_database)
    assert current.returncode == 0
    assert current.stdout.strip() == f"revision {migrate.head()} (current; newest known: " + (
        f"{migrate.head()})"
    )

    closures = tmp_path / "closures.csv"
    closures.write_text(HOLIDAYS)
    imported = coachbot(
        "calendar", "import", str(closures), "--team", TEAM, DATABASE_URL=new_database
    )
    assert imported.returncode == 0, imported.stderr
    assert "1 added for the whole district" in imported.stdout

    # The workspace is now known from the database: no --team, no Slack.
    report = coachbot(
        "report", "--from", "2026-11-01", "--to", "2026-12-01", DATABASE_URL=new_database
    )
    assert report.returncode == 0, report.stderr
    assert report.stdout.startswith("group_kind,group,teachers,visits")

    listed = coachbot("jobs", "list", DATABASE_URL=new_database)
    assert listed.returncode == 0, listed.stderr
    assert "outbox: due 0, later 0, sent 0, dead 0" in listed.stdout
    assert listed.stderr == ""

    exported = coachbot("roster", "export", DATABASE_URL=new_database)
    assert exported.returncode == 0, exported.stderr


def test_a_command_that_needs_a_workspace_says_how_to_name_it(
    tmp_path: Path, coachbot: Coachbot, database: str
) -> None:
    report = coachbot("report", "--from", "2026-11-01", "--to", "2026-12-01", DATABASE_URL=database)
    _one_line(report, ExitCode.USAGE, "give its team id with --team")


@pytest.mark.parametrize(
    "command",
    [
        ("report", "--from", "2026-09-01", "--to", "2026-12-01", "reports/fall.csv"),
        ("roster", "export", "nodir/x.csv"),
    ],
)
def test_a_missing_output_folder_is_one_line(
    coachbot: Coachbot, database: str, command: tuple[str, ...]
) -> None:
    ran = coachbot(*command, "--team", TEAM, DATABASE_URL=database)
    folder = command[-1].split("/")[0]
    _one_line(ran, ExitCode.USAGE, f"the folder {folder} does not exist")


def test_an_unreachable_database_is_one_line(coachbot: Coachbot) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"postgresql+psycopg://coachbot:hunter2@127.0.0.1:{port}/coachbot"
    for command in (("db", "upgrade"), ("jobs", "list"), ("db", "current")):
        ran = coachbot(*command, DATABASE_URL=url)
        _one_line(ran, ExitCode.DATABASE, "cannot use the database postgresql+psycopg://coachbot")
        assert "hunter2" not in ran.stderr


def test_serve_with_an_unreachable_database_is_one_line(
    coachbot: Coachbot, slack: SlackStandin
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    ran = coachbot(
        "serve",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.url,
        DATABASE_URL=f"postgresql+psycopg://coachbot@127.0.0.1:{port}/coachbot",
    )
    _one_line(ran, ExitCode.DATABASE, "Connection refused")


@pytest.mark.skipif(
    not os.environ.get("COACHBOT_TEST_POSTGRES_URL"), reason="needs COACHBOT_TEST_POSTGRES_URL"
)
def test_a_database_that_does_not_exist_is_one_line(coachbot: Coachbot) -> None:
    base = os.environ["COACHBOT_TEST_POSTGRES_URL"].rsplit("/", 1)[0]
    ran = coachbot("db", "current", DATABASE_URL=f"{base}/no_such_database")
    _one_line(ran, ExitCode.DATABASE, 'database "no_such_database" does not exist')


def test_a_port_in_use_is_one_line(coachbot: Coachbot, slack: SlackStandin, database: str) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        ran = coachbot(
            "serve",
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=slack.url,
            DATABASE_URL=database,
            PORT=str(taken.getsockname()[1]),
        )
    _one_line(ran, ExitCode.PORT, "(another process is using it)")


def test_a_schema_newer_than_the_code_stops_every_command(
    coachbot: Coachbot, ahead_database: str
) -> None:
    for command in (("jobs", "list"), ("db", "upgrade")):
        ran = coachbot(*command, DATABASE_URL=ahead_database)
        _one_line(ran, ExitCode.SCHEMA, "the database schema is newer than this coachbot")
    current = coachbot("db", "current", DATABASE_URL=ahead_database)
    assert current.returncode == ExitCode.SCHEMA
    assert "revision 9999 (ahead;" in current.stdout


def test_alembic_commands_pass_through(coachbot: Coachbot, new_database: str) -> None:
    assert coachbot("db", "upgrade", DATABASE_URL=new_database).returncode == 0
    history = coachbot("db", "history", DATABASE_URL=new_database)
    assert history.returncode == 0, history.stderr
    assert f"-> {migrate.head()} (head)" in history.stdout
    down = coachbot("db", "downgrade", "-1", DATABASE_URL=new_database)
    assert down.returncode == 0, down.stderr
    behind = coachbot("db", "current", DATABASE_URL=new_database)
    assert behind.returncode == ExitCode.SCHEMA and "(behind;" in behind.stdout
    stamped = coachbot("db", "stamp", "head", DATABASE_URL=new_database)
    assert stamped.returncode == 0
    assert coachbot("db", "current", DATABASE_URL=new_database).returncode == 0
    wrong = coachbot("db", "downgrade", "nonsense", DATABASE_URL=new_database)
    _one_line(wrong, ExitCode.USAGE, "alembic downgrade:")


def test_roster_import_lists_every_problem_on_stderr_and_fails_a_dry_run(
    tmp_path: Path, coachbot: Coachbot, slack: SlackStandin, database: str
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "slack_user_id,role,weekly_capacity\nU0NOBODY1,principal,\nnot-an-id,coach,99\n"
    )
    ran = coachbot(
        "roster",
        "import",
        str(roster),
        "--dry-run",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=slack.url,
        DATABASE_URL=database,
    )
    assert ran.returncode == ExitCode.PROBLEMS
    problems = ran.stderr.strip().splitlines()
    assert [line.split(":")[0] for line in problems] == ["line 2", "line 3"]
    assert "0 to change, 0 unchanged, 2 problems" in ran.stdout


def test_a_roster_of_people_the_database_knows_needs_no_slack(
    tmp_path: Path, coachbot: Coachbot, slack: SlackStandin, database: str
) -> None:
    factories.add_district(slack)
    roster = tmp_path / "roster.csv"
    roster.write_text(factories.roster_csv())
    with_slack = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": slack.url}
    first = coachbot("roster", "import", str(roster), DATABASE_URL=database, **with_slack)
    assert first.returncode == 0, first.stderr
    asked = len(slack.calls)

    again = coachbot("roster", "import", str(roster), "--dry-run", DATABASE_URL=database)
    assert again.returncode == 0, again.stderr
    assert "0 to change, 55 unchanged, 0 problems" in again.stdout
    with_token = coachbot(
        "roster", "import", str(roster), "--dry-run", DATABASE_URL=database, **with_slack
    )
    assert "0 to change, 55 unchanged, 0 problems" in with_token.stdout
    # Only auth.test, for the workspace: nobody on the roster was looked up again.
    assert [call.method for call in slack.calls[asked:]] == ["auth.test"]


def test_a_new_person_without_a_token_is_named_on_stderr(
    tmp_path: Path, coachbot: Coachbot, database: str
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("slack_user_id,role\nU0TEACH001,teacher\n")
    ran = coachbot("roster", "import", str(roster), "--team", TEAM, DATABASE_URL=database)
    assert ran.returncode == ExitCode.PROBLEMS
    assert "1 people are not in the database yet and SLACK_BOT_TOKEN is not set" in ran.stderr
    assert "U0TEACH001" in ran.stderr


def test_roster_import_with_a_refused_token_is_one_line(
    tmp_path: Path, coachbot: Coachbot, slack: SlackStandin, database: str
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("slack_user_id,role\nU0TEACH001,teacher\n")
    slack.fail_next("auth.test", "token_revoked")
    ran = coachbot(
        "roster",
        "import",
        str(roster),
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=slack.url,
        DATABASE_URL=database,
    )
    _one_line(ran, ExitCode.SLACK_REFUSED, "Slack refused the bot token: token_revoked")


def test_exit_codes_are_listed_in_help(coachbot: Coachbot) -> None:
    ran = coachbot("--help")
    assert ran.returncode == 0
    for code in ExitCode:
        assert f"\n  {int(code)}  " in ran.stdout


def test_alembic_ini_at_the_top_runs_alembic_on_database_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from alembic import command
    from alembic.config import Config

    database = f"sqlite:///{tmp_path / 'by-alembic.db'}"
    monkeypatch.setenv("DATABASE_URL", database)
    config = Config(str(Path(__file__).resolve().parents[3] / "alembic.ini"), stdout=sys.stdout)
    command.upgrade(config, "head")
    command.current(config)
    assert f"{migrate.head()} (head)" in capsys.readouterr().out
    engine = make_engine(database)
    try:
        assert migrate.schema_state(engine) is migrate.SchemaState.CURRENT
    finally:
        engine.dispose()
