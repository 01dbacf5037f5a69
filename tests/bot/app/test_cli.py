"""`coachbot` as an operator runs it: real settings, the stand-in for Slack.

`serve` and a start without tokens run as real processes; the other commands run the same
`main()` in this process (see the `coachbot` fixture in conftest).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.demo.standin import SlackStandin
from tests import factories
from tests.bot.app.conftest import ready_port
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, Coachbot
from tests.signing import SlackSender

ROOT = Path(__file__).resolve().parents[3]


def _env(**extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    keep["PYTHONPATH"] = str(ROOT)
    return {**keep, **extra}


def test_serve_without_tokens_names_each_missing_setting(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "serve"],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines[0] == "coachbot cannot start:"
    assert lines[1].strip().startswith("SLACK_BOT_TOKEN is not set.")
    assert lines[2].strip().startswith("SLACK_SIGNING_SECRET is not set.")
    assert len(lines) == 3
    assert "Traceback" not in done.stderr


def test_serve_refuses_a_database_newer_than_the_code(tmp_path: Path, ahead_database: str) -> None:
    env = _env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        DATABASE_URL=ahead_database,
        PORT="0",
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", "serve"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 4
    assert "the database schema is newer than this coachbot (revision 9999" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


@pytest.fixture
def served(
    tmp_path: Path, slack: SlackStandin, sqlite_template: Path
) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """`coachbot serve` in a process of its own, on a database at the head (a new database is
    migrated on start in tests/bot/app/test_deploy.py)."""
    shutil.copyfile(sqlite_template, tmp_path / "cb.db")
    env = _env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'cb.db'}",
        PORT="0",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        cwd=tmp_path,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process, ready_port(process)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def test_serve_answers_health_and_slack_then_stops_on_sigterm(
    served: tuple[subprocess.Popen[str], int], slack: SlackStandin
) -> None:
    process, port = served
    sender = SlackSender("127.0.0.1", port, SIGNING_SECRET)
    assert sender.get("/healthz").status == 200

    reply = sender.post(factories.event_callback(factories.app_home_opened("U0TEACHER9")))
    assert reply.status == 200
    [call] = slack.wait_for("views.publish")
    assert call.args["user_id"] == "U0TEACHER9"

    process.send_signal(signal.SIGTERM)
    assert process.wait(15) == 0
    assert process.stderr is not None
    rest = process.stderr.read()
    assert "coachbot stopped" in rest
    assert BOT_TOKEN not in rest and SIGNING_SECRET not in rest


@pytest.fixture
def coachbot(
    coachbot: Coachbot, tmp_path: Path, slack: SlackStandin, sqlite_template: Path
) -> Coachbot:
    """`coachbot <args>` with its settings and a SQLite file in tmp_path, already brought to
    the head (a copy of one `coachbot db upgrade` made)."""
    shutil.copyfile(sqlite_template, tmp_path / "cb.db")
    settings = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cb.db'}",
    }
    return lambda *args: coachbot(*args, **settings)


def test_roster_import_dry_run_then_import_then_export(
    tmp_path: Path, slack: SlackStandin, coachbot: Coachbot
) -> None:
    factories.add_district(slack)
    roster = tmp_path / "roster.csv"
    roster.write_text(factories.roster_csv())

    dry = coachbot("roster", "import", str(roster), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "55 to change, 0 unchanged, 0 problems" in dry.stdout
    assert "dry run: nothing was changed" in dry.stdout

    done = coachbot("roster", "import", str(roster))
    assert done.returncode == 0, done.stderr
    assert "roster updated" in done.stdout

    again = coachbot("roster", "import", str(roster))
    assert "0 to change, 55 unchanged, 0 problems" in again.stdout

    exported = coachbot("roster", "export", str(tmp_path / "out.csv"))
    assert exported.returncode == 0, exported.stderr
    assert "wrote 55 people" in exported.stdout
    assert (tmp_path / "out.csv").read_text().count("\n") == 56


def test_roster_import_of_a_bad_file_exits_non_zero(
    tmp_path: Path, slack: SlackStandin, coachbot: Coachbot
) -> None:
    factories.add_district(slack, coaches=1, teachers=1)
    roster = tmp_path / "roster.csv"
    roster.write_text("slack_user_id,role\nU0TEACH001,principal\n")
    dry = coachbot("roster", "import", str(roster), "--dry-run")
    assert dry.returncode == 1
    assert "line 2: unknown role 'principal'" in dry.stderr
    assert "dry run: nothing was changed" in dry.stdout
    done = coachbot("roster", "import", str(roster))
    assert done.returncode == 1
    assert "line 2: unknown role 'principal'" in done.stderr
    assert "nothing was changed" in done.stderr
    assert "principal" not in done.stdout


def test_calendar_import_from_an_ics_file(tmp_path: Path, coachbot: Coachbot) -> None:
    ics = tmp_path / "holidays.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//district//calendar//EN\r\n"
        "BEGIN:VEVENT\r\nUID:thanksgiving@district\r\nDTSTAMP:20260801T000000Z\r\n"
        "DTSTART;VALUE=DATE:20261126\r\nDTEND;VALUE=DATE:20261128\r\n"
        "SUMMARY:Thanksgiving break\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    done = coachbot("calendar", "import", str(ics), "--school", "Lincoln")
    assert done.returncode == 0, done.stderr
    assert "2026-11-26 to 2026-11-27  Thanksgiving break" in done.stdout
    assert "1 added for Lincoln" in done.stdout
    again = coachbot("calendar", "import", str(ics), "--school", "Lincoln")
    assert "0 added for Lincoln; 1 already there" in again.stdout


def test_jobs_list_and_retry_dead(coachbot: Coachbot) -> None:
    listed = coachbot("jobs", "list")
    assert listed.returncode == 0, listed.stderr
    assert "outbox:deliver" in listed.stdout and "outbox:plan" in listed.stdout
    assert "outbox: due 0, later 0, sent 0, dead 0" in listed.stdout
    again = coachbot("jobs", "retry-dead")
    assert "0 dead messages put back in line" in again.stdout


def test_report_writes_csv_with_counts_only(coachbot: Coachbot) -> None:
    done = coachbot("report", "--from", "2026-11-01", "--to", "2026-12-01")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("group_kind,group,teachers,visits")
    bad = coachbot("report", "--from", "2026-12-01", "--to", "2026-11-01")
    assert bad.returncode == 2 and "cannot make the report" in bad.stderr


def test_db_upgrade_creates_the_schema(tmp_path: Path, coachbot: Coachbot) -> None:
    (tmp_path / "cb.db").unlink()  # no database yet
    done = coachbot("db", "upgrade")
    assert done.returncode == 0, done.stderr
    assert "database is up to date (sqlite)" in done.stdout
    assert (tmp_path / "cb.db").exists()


def test_people_export_and_erase_from_the_command_line(
    tmp_path: Path, slack: SlackStandin, coachbot: Coachbot
) -> None:
    factories.add_district(slack, coaches=1, teachers=1)
    roster = tmp_path / "roster.csv"
    roster.write_text(factories.roster_csv(coaches=1, teachers=1))
    assert coachbot("roster", "import", str(roster)).returncode == 0
    teacher = factories.teacher_id(1)

    missing = coachbot("people", "export", teacher, "--out", str(tmp_path / "nowhere"))
    assert missing.returncode == 2
    assert "no folder" in missing.stderr and "Traceback" not in missing.stderr

    (tmp_path / "exports").mkdir()
    exported = coachbot("people", "export", teacher, "--out", str(tmp_path / "exports"))
    assert exported.returncode == 0, exported.stderr
    assert sorted(p.suffix for p in (tmp_path / "exports").iterdir()) == [".json", ".md"]

    dry = coachbot("people", "erase", teacher, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    nobody = coachbot("people", "erase", "U0NOBODY99")
    assert nobody.returncode == 1

    listed = coachbot("jobs", "list")
    assert "housekeeping:retention" in listed.stdout
    assert "retention policy:" in listed.stdout
