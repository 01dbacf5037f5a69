"""Settings: clear one-line complaints, and secrets that never show."""

from __future__ import annotations

import pytest

from bot.app.settings import (
    SLACK_API_DEFAULT,
    SettingsError,
    load_maintenance_settings,
    load_settings,
)
from tests.conftest import BOT_TOKEN, SIGNING_SECRET

ALL = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "DATABASE_URL",
    "PORT",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "PUBLIC_URL",
    "COACHBOT_ADMINS",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for name in ALL:
        monkeypatch.delenv(name, raising=False)
    # A developer's .env in the working directory must not leak into these tests.
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]


def test_defaults_with_the_two_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    settings = load_settings()
    assert settings.slack_api_url == SLACK_API_DEFAULT
    assert settings.database_url.get_secret_value() == "sqlite:///coachbot.db"
    assert settings.port == 3000
    assert settings.log_level == "INFO"
    assert settings.socket_mode is False


def test_missing_secrets_give_one_line_each() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert caught.value.lines == [
        "SLACK_BOT_TOKEN is not set. It should be the Bot User OAuth Token from "
        "OAuth & Permissions (xoxb-...).",
        "SLACK_SIGNING_SECRET is not set. It should be the Signing Secret from Basic "
        "Information (32 letters and digits).",
    ]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("SLACK_BOT_TOKEN", "xoxp-1234-5678-abcdefghijkl", "SLACK_BOT_TOKEN is not valid"),
        ("SLACK_BOT_TOKEN", "xoxb-...", "(xoxb-...)"),
        ("SLACK_SIGNING_SECRET", "changeme", "SLACK_SIGNING_SECRET is not valid"),
        ("SLACK_API_URL", "slack.com/api", "like https://slack.com/api/"),
        ("PORT", "eighty", "PORT is not valid"),
    ],
)
def test_malformed_values_are_named(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert len(caught.value.lines) == 1
    assert expected in caught.value.lines[0]
    if name != "SLACK_API_URL" and value != "xoxb-...":
        assert value not in caught.value.lines[0], "a rejected secret must not be echoed"


def test_api_url_gains_the_trailing_slash_webclient_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", "https://slack-gov.com/api")
    assert load_settings().slack_api_url == "https://slack-gov.com/api/"


def test_socket_mode_needs_no_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-A0COACH-1234567890-abcdef")
    settings = load_settings()
    assert settings.socket_mode is True
    assert settings.slack_signing_secret is None


def test_secrets_never_appear_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://coachbot:hunter2@db/coachbot")
    shown = repr(load_settings()) + str(load_settings())
    for secret in (BOT_TOKEN, SIGNING_SECRET, "hunter2"):
        assert secret not in shown


def test_settings_come_from_a_dot_env_file(tmp_path: object) -> None:
    from pathlib import Path

    Path(".env").write_text(
        f"SLACK_BOT_TOKEN={BOT_TOKEN}\nSLACK_SIGNING_SECRET={SIGNING_SECRET}\nPORT=8080\n"
    )
    assert load_settings().port == 8080


def test_empty_optional_settings_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    # How compose.yaml passes the settings an operator left out of .env.
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    for name in ("SLACK_APP_TOKEN", "PUBLIC_URL", "COACHBOT_ADMINS"):
        monkeypatch.setenv(name, "")
    settings = load_settings()
    assert not settings.socket_mode
    assert settings.public_url is None
    assert settings.coachbot_admins == ()


def test_socket_mode_with_an_empty_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-A0COACH-1234567890-abcdef")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "")
    assert load_settings().socket_mode


def test_maintenance_needs_no_slack_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://coachbot@db/coachbot")
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    settings = load_maintenance_settings()
    assert settings.slack_bot_token is None
    assert settings.log_format == "json"
