"""The deployment files say what the code does: the systemd unit's command line starts coachbot
and stops it cleanly, its restart policy knows the exit codes, and the image and compose file
keep the promises docs/deploy.md makes. No container engine runs on the test machines, so the
image is checked by reading its Dockerfile; the unit's command line is run for real.
"""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.app.settings import ExitCode
from bot.demo.standin import SlackStandin
from tests.bot.app.conftest import ready_port
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.signing import SlackSender

ROOT = Path(__file__).resolve().parents[3]
UNIT = ROOT / "deploy" / "coachbot.service"
INSTALLED = "/opt/coachbot"


def _unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNIT)
    return parser


def _environment_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def test_the_unit_restarts_on_outages_and_not_on_what_a_person_must_fix() -> None:
    service = _unit()["Service"]
    assert service["Restart"] == "on-failure"
    prevented = {int(code) for code in service["RestartPreventExitStatus"].split()}
    assert prevented == {ExitCode.USAGE, ExitCode.SCHEMA, ExitCode.SLACK_REFUSED}
    assert service["KillSignal"] == "SIGTERM"
    # The 10 s drain, then the scheduler and the database close, well inside the stop timeout.
    assert int(service["TimeoutStopSec"].removesuffix("s")) >= 20
    assert service["User"] == "coachbot"


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "coachbot").exists(), reason="needs uv sync")
def test_the_unit_command_line_serves_then_stops_on_its_kill_signal(
    tmp_path: Path, slack: SlackStandin
) -> None:
    service = _unit()["Service"]
    command = shlex.split(service["ExecStart"].replace(INSTALLED, str(ROOT)))
    env = {
        **_environment_file(ROOT / "deploy" / "coachbot.env.example"),
        "PATH": os.environ.get("PATH", ""),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'coachbot.db'}",
        "PORT": "0",
        "LOG_FORMAT": "text",
    }
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    try:
        sender = SlackSender("127.0.0.1", ready_port(process), SIGNING_SECRET)
        assert sender.get("/readyz").json()["status"] == "ready"
        process.send_signal(getattr(signal, service["KillSignal"]))
        assert process.wait(int(service["TimeoutStopSec"].removesuffix("s"))) == 0
        assert "coachbot stopped" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    unit = tmp_path / "coachbot.service"
    unit.write_text(UNIT.read_text().replace(INSTALLED, str(ROOT)))
    done = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "coachbot.service" not in done.stderr, done.stderr


def test_the_image_is_small_locked_and_unprivileged() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.count("uv sync --locked --no-dev") == 2
    assert "FROM python:3.11-slim" in dockerfile
    assert re.search(r"^USER coachbot", dockerfile, re.MULTILINE)
    assert re.search(r"^HEALTHCHECK .*\n.*/healthz", dockerfile, re.MULTILINE)
    assert 'CMD ["coachbot", "serve"]' in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    # Everything is left out unless named: .env and local databases never reach an image.
    assert "*" in ignored
    assert not any(line.lstrip("!").startswith((".env", "*.db")) for line in ignored)


def test_compose_runs_postgresql_a_migration_and_two_replicas() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:")
    assert services["migrate"]["command"] == ["coachbot", "db", "upgrade"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    coachbot = services["coachbot"]
    assert coachbot["deploy"]["replicas"] == 2
    assert coachbot["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert coachbot["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert (ROOT / "deploy" / "nginx.conf").exists()
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in services["proxy"]["volumes"]
