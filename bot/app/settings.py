"""Settings read from the environment and `.env`, built once in main and passed down."""

from __future__ import annotations

import re
from enum import IntEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.rules.domain import DEFAULT_EXPERTISE_AREAS

SLACK_API_DEFAULT = "https://slack.com/api/"


class ExitCode(IntEnum):
    """What `coachbot` exits with; README and docs/operations.md list them for operators."""

    OK = 0
    # The input file had problems (roster, calendar): each is listed, nothing was changed.
    PROBLEMS = 1
    # The command line, a setting, or a file named on the command line is wrong.
    USAGE = 2
    # The database cannot be reached, or refused the connection.
    DATABASE = 3
    # The database's schema does not match this coachbot (behind: `coachbot db upgrade`).
    SCHEMA = 4
    # Slack refused a token (invalid_auth, token_revoked, ...): a person must fix it.
    SLACK_REFUSED = 5
    # Slack could not be reached (commands only; `serve` keeps trying instead).
    SLACK_UNREACHABLE = 6
    # The HTTP port cannot be opened (in use, or not allowed).
    PORT = 7


# Values copied from documentation or templates rather than from a real Slack app.
_PLACEHOLDERS = {"changeme", "change-me", "secret", "your-signing-secret", "xxx", "todo"}


def _token_check(prefix: str, what: str) -> AfterValidator:
    def check(value: SecretStr) -> SecretStr:
        raw = value.get_secret_value().strip()
        if not raw.startswith(prefix) or "..." in raw or raw.count("-") < 2 or len(raw) < 20:
            raise ValueError(f"should be {what} ({prefix}...)")
        return SecretStr(raw)

    return AfterValidator(check)


def _signing_secret_check(value: SecretStr) -> SecretStr:
    raw = value.get_secret_value().strip()
    if raw.lower() in _PLACEHOLDERS or not re.fullmatch(r"[0-9A-Za-z]{16,128}", raw):
        raise ValueError(
            "should be the Signing Secret from your Slack app's Basic Information page "
            "(32 letters and digits)"
        )
    return SecretStr(raw)


def _api_url_check(value: str) -> str:
    if not re.match(r"^https?://[^\s/]+", value):
        raise ValueError("should be an http(s) URL like https://slack.com/api/")
    # WebClient joins method names onto base_url, so it must end with a slash.
    return value if value.endswith("/") else value + "/"


def _comma_list(value: object) -> object:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


def _user_ids_check(value: tuple[str, ...]) -> tuple[str, ...]:
    for user_id in value:
        if not re.fullmatch(r"[UW][A-Z0-9]{2,}", user_id):
            raise ValueError(f"should list Slack user ids like U012ABCDEF, not {user_id!r}")
    return value


CommaList = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_comma_list)]
UserIds = Annotated[CommaList, AfterValidator(_user_ids_check)]
BotToken = Annotated[SecretStr, _token_check("xoxb-", "the Bot User OAuth Token")]
AppToken = Annotated[SecretStr, _token_check("xapp-", "an app-level token with connections:write")]
SigningSecret = Annotated[SecretStr, AfterValidator(_signing_secret_check)]
ApiUrl = Annotated[str, AfterValidator(_api_url_check)]

# What each setting should look like, for the one-line messages shown at start-up.
HINTS: dict[str, str] = {
    "SLACK_BOT_TOKEN": "the Bot User OAuth Token from OAuth & Permissions (xoxb-...)",
    "SLACK_SIGNING_SECRET": "the Signing Secret from Basic Information (32 letters and digits)",
    "SLACK_APP_TOKEN": "an app-level token with connections:write (xapp-...)",
}


class MaintenanceSettings(BaseSettings):
    """What the maintenance commands read: the database, and Slack's token only if it is set.

    `db`, `jobs`, `report`, `calendar import` and `roster export` run with DATABASE_URL alone.
    """

    # An empty variable counts as unset: compose files and unit files pass optional settings
    # through as SLACK_APP_TOKEN= when the operator left them out.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    database_url: SecretStr = SecretStr("sqlite:///coachbot.db")
    log_level: Annotated[
        Literal["DEBUG", "INFO", "WARNING", "ERROR"], BeforeValidator(lambda v: str(v).upper())
    ] = "INFO"
    # "json" writes one JSON object per line, for log collectors.
    log_format: Annotated[Literal["text", "json"], BeforeValidator(lambda v: str(v).lower())] = (
        "text"
    )
    slack_bot_token: BotToken | None = None
    slack_api_url: ApiUrl = SLACK_API_DEFAULT
    coachbot_expertise_areas: CommaList = DEFAULT_EXPERTISE_AREAS


class Settings(MaintenanceSettings):
    """Everything `coachbot serve` reads from its environment."""

    slack_bot_token: BotToken
    # Required in HTTP mode; Socket Mode does not sign requests (see _socket_mode_needs_no_secret).
    slack_signing_secret: SigningSecret | None
    slack_app_token: AppToken | None = None
    port: int = Field(default=3000, ge=0, le=65535)
    http_threads: int = Field(default=16, ge=1, le=256)
    # How fast the outbox posts: Slack allows about one message per second per channel and a
    # few hundred a minute per workspace.
    slack_posts_per_minute: int = Field(default=300, ge=1, le=6000)
    # The server's public address (https://coachbot.district.org), for .ics download links.
    public_url: ApiUrl | None = None
    # The first admins, before any roster names one: Slack user ids, comma-separated.
    coachbot_admins: UserIds = ()

    @model_validator(mode="before")
    @classmethod
    def _socket_mode_needs_no_secret(cls, data: object) -> object:
        if isinstance(data, dict) and data.get("slack_app_token"):
            data.setdefault("slack_signing_secret", None)
        return data

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None


class SettingsError(Exception):
    """Start-up cannot go on; each line names a setting and what it should be."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning validation errors into one readable line per setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(describe_errors(exc)) from None


def load_maintenance_settings(**overrides: object) -> MaintenanceSettings:
    """The settings a maintenance command needs: DATABASE_URL, and the token when it is set."""
    try:
        return MaintenanceSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(describe_errors(exc)) from None


def describe_errors(exc: ValidationError) -> list[str]:
    lines: list[str] = []
    for err in exc.errors(include_input=False, include_url=False):
        name = str(err["loc"][0]).upper() if err["loc"] else "settings"
        if err["type"] == "missing":
            hint = HINTS.get(name, "a value")
            lines.append(f"{name} is not set. It should be {hint}.")
        elif err["type"] == "value_error":
            reason = str(err["msg"]).removeprefix("Value error, ")
            lines.append(f"{name} is not valid: it {reason}.")
        else:
            msg = str(err["msg"])
            lines.append(f"{name} is not valid: {msg[:1].lower()}{msg[1:]}.")
    return lines
