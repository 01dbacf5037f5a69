"""Logging set-up: no secrets, nothing a person typed, and one short line per record.

Logs carry ids, kinds, counts, timings and error names. What people type (goals, notes,
reflections) reaches three libraries that would log it, so each is held at a level where it
does not: Bolt logs request bodies at INFO and DEBUG, slack_sdk logs every request and answer
body at DEBUG, and SQLAlchemy logs statements' parameters at INFO and rows at DEBUG.
SQLAlchemy's error messages are kept free of parameters by the engine (storage/db.py).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, TextIO

_SECRET = re.compile(r"\b(xox[abposr]|xapp)-[A-Za-z0-9-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
# One log line is at most this long, whatever wrote it.
MAX_LINE = 400
_PROJECT = Path(__file__).resolve().parents[2]

# The lowest level each library may log at, and why (see the module docstring).
LIBRARY_FLOORS = {
    "slack_bolt": logging.WARNING,
    "coachbot.bolt": logging.WARNING,  # the logger coachbot hands Bolt (bot/app/factory.py)
    "slack_sdk": logging.INFO,
    # The Web API client decides whether to build its debug line (the whole request, typed
    # text and all) from its own logger's level, not the effective one: set, it skips that.
    "slack_sdk.web.base_client": logging.INFO,
    "sqlalchemy": logging.WARNING,
}
BOLT_LOGGER = "coachbot.bolt"
# slack_sdk's Socket Mode client logs each failed connection three ways; the runtime says it
# once, with the reason, so the client's own lines show only at LOG_LEVEL=DEBUG (and never
# below WARNING, where it would log frames).
SOCKET_MODE_LOGGER = "coachbot.socket_mode"
# The start-up check of the bot token says each failure once itself (bot/app/runtime.py).
SLACK_CHECK_LOGGER = "coachbot.slack_check"
# Routine lines (a job ran, a migration context opened) shown only at LOG_LEVEL=DEBUG.
CHATTY = ("apscheduler", "alembic")

LogFormat = Literal["text", "json"]

# The request being handled on this thread (or in this listener's copied context).
REQUEST_ID: ContextVar[str | None] = ContextVar("coachbot_request_id", default=None)
_REQUEST_ID_SHAPE = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def new_request_id() -> str:
    return secrets.token_hex(6)


def request_id_from(header: str | None) -> str:
    """A proxy's X-Request-Id when it is a plain token; otherwise a new one."""
    if header and _REQUEST_ID_SHAPE.fullmatch(header):
        return header
    return new_request_id()


@contextmanager
def request_context(request_id: str | None = None) -> Iterator[str]:
    """Every line logged inside (and in listeners started inside) carries this request id."""
    value = request_id or REQUEST_ID.get() or new_request_id()
    token = REQUEST_ID.set(value)
    try:
        yield value
    finally:
        REQUEST_ID.reset(token)


class WithRequestId(logging.Filter):
    """Adds `request_id` (or "-") and `request` (" req=<id>", or nothing) to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        current = REQUEST_ID.get()
        record.request_id = current or "-"
        record.request = f" req={current}" if current else ""
        return True


class RedactSecrets(logging.Filter):
    """Masks anything shaped like a Slack token, whatever logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _SECRET.sub(lambda m: m.group(1) + "-[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class WithoutRequestContent(logging.Filter):
    """On Bolt's loggers: cuts a warning where Bolt starts quoting a request, so its kind
    stays and its content goes. Bolt copies its base logger's filters to its own loggers."""

    _QUOTE = re.compile(r"\{|body:|payload=")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        # Bolt reads SLACK_BOT_TOKEN itself and warns the client's token wins; it is the same
        # token from our settings, so the warning only confuses.
        if "`token` will be unused" in message:
            return False
        found = self._QUOTE.search(message)
        if found is not None:
            record.msg, record.args = message[: found.start()] + "[request not logged]", None
        return True


class ShortLineFormatter(logging.Formatter):
    """The last line of defence: every record becomes one line of at most MAX_LINE characters.

    An exception is shown by its names and where it happened, never by its message, which
    can quote what a person typed (a number that did not parse, a value the database refused).
    """

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            message = f"{message} [{describe_exception(record.exc_info[1])}]"
        record.message = message
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        return cap(self.formatMessage(record))


class JsonLineFormatter(ShortLineFormatter):
    """LOG_FORMAT=json: one JSON object per line, for log collectors; the same caps apply."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, str] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": cap(record.getMessage()),
        }
        request_id = getattr(record, "request_id", "-")
        if request_id != "-":
            entry["request_id"] = request_id
        if record.exc_info and record.exc_info[1] is not None:
            entry["error"] = cap(describe_exception(record.exc_info[1]))
        return json.dumps(entry, ensure_ascii=False)


def cap(line: str, limit: int = MAX_LINE) -> str:
    """One line, no control characters, at most `limit` characters."""
    line = _CONTROL.sub(" ", line)
    return line if len(line) <= limit else line[: limit - 1] + "…"


def describe_exception(error: BaseException, *, frames: int = 3) -> str:
    """`IntegrityError (from sqlite3.IntegrityError) at storage/x.py:12 in f < ...`: names and
    the innermost places in coachbot's own code, without the exception's message."""
    names = [type(error).__name__]
    seen: set[int] = {id(error)}
    inner = error.__cause__ or error.__context__
    while inner is not None and id(inner) not in seen and len(names) < 4:
        seen.add(id(inner))
        names.append(f"from {_qualified(inner)}")
        inner = inner.__cause__ or inner.__context__
    summary = names[0] + (f" ({', '.join(names[1:])})" if len(names) > 1 else "")
    places = traceback.extract_tb(error.__traceback__)
    ours = [p for p in places if _is_ours(p.filename)]
    shown = list(reversed((ours or places)[-frames:]))
    if shown:
        summary += " at " + " < ".join(
            f"{_short(p.filename)}:{p.lineno} in {p.name}" for p in shown
        )
    return summary


def _qualified(error: BaseException) -> str:
    module = type(error).__module__
    name = type(error).__qualname__
    return name if module in ("builtins", "") else f"{module}.{name}"


def _is_ours(filename: str) -> bool:
    path = Path(filename)
    return path.is_relative_to(_PROJECT) and ".venv" not in path.parts


def _short(filename: str) -> str:
    path = Path(filename)
    if path.is_relative_to(_PROJECT):
        return path.relative_to(_PROJECT).as_posix()
    return "/".join(path.parts[-2:])


def keep_typed_text_out_of_library_logs() -> None:
    """Hold each library at its floor (or the root's level, when that is higher), and strip
    request content from Bolt's warnings. Called by configure_logging and the app factory."""
    root_level = logging.getLogger().getEffectiveLevel()
    for name, floor in LIBRARY_FLOORS.items():
        logging.getLogger(name).setLevel(max(floor, root_level))
    for name in CHATTY:
        logging.getLogger(name).setLevel(
            logging.DEBUG if root_level <= logging.DEBUG else max(logging.WARNING, root_level)
        )
    for name in (SOCKET_MODE_LOGGER, SLACK_CHECK_LOGGER):
        logging.getLogger(name).setLevel(
            logging.WARNING if root_level <= logging.DEBUG else logging.CRITICAL
        )
    bolt = logging.getLogger(BOLT_LOGGER)
    if not any(isinstance(f, WithoutRequestContent) for f in bolt.filters):
        bolt.addFilter(WithoutRequestContent())


def configure_logging(
    level: str, stream: TextIO | None = None, *, log_format: LogFormat = "text"
) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonLineFormatter())
    else:
        handler.setFormatter(
            ShortLineFormatter("%(asctime)s %(levelname)s %(name)s%(request)s: %(message)s")
        )
    handler.addFilter(RedactSecrets())
    handler.addFilter(WithRequestId())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    keep_typed_text_out_of_library_logs()
