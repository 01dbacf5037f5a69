"""The gate in front of Bolt: nothing from a request is used until Slack's signature holds.

Order matters. The size comes first (from Content-Length, then a bounded read), then the
timestamp and the v0 signature over the raw bytes, and only then is the body parsed and its
shape checked, so that Bolt and the listeners only ever see a signed, well-formed body.
A signature seen in the last five minutes is a replay and is dropped; the database keeps
them, so replicas sharing it drop each other's repeats too.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from slack_bolt.request.internals import parse_body
from sqlalchemy.exc import SQLAlchemyError

from bot.clock import utc_now
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

# Slack's payloads are a few kilobytes; a modal full of text stays far below this.
MAX_BODY_BYTES = 1024 * 1024
# Slack's own window: a request signed longer ago (or further ahead) than this is refused.
MAX_AGE = timedelta(minutes=5)
# How often one process clears signatures too old to matter; the delete uses an index.
PURGE_EVERY = timedelta(minutes=1)

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
_CONTENT_TYPES = ("application/x-www-form-urlencoded", "application/json")
_INTERACTIVE = frozenset(
    {
        "block_actions",
        "block_suggestion",
        "view_submission",
        "view_closed",
        "shortcut",
        "message_action",
        "interactive_message",
    }
)


@dataclass(frozen=True)
class Turned:
    """A request answered at the gate: its status, and a reason in a few fixed words."""

    status: int
    reason: str

    @property
    def status_line(self) -> str:
        return _STATUS_LINES[self.status]


_STATUS_LINES = {
    200: "200 OK",
    400: "400 Bad Request",
    401: "401 Unauthorized",
    413: "413 Content Too Large",
    500: "500 Internal Server Error",
}


@dataclass(frozen=True)
class Admitted:
    """A signed, fresh, well-formed request seen for the first time: its raw body, its kind."""

    body: bytes
    kind: str = "other"


class SlackRequestGate:
    def __init__(
        self,
        signing_secret: str,
        uow: Callable[[], UnitOfWork],
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._secret = signing_secret.encode()
        # The wall clock: Slack signs with real time, whatever clock the rules are given.
        self._clock = clock
        self._signatures = SignatureLedger(uow)

    def admit(self, environ: Mapping[str, Any]) -> Admitted | Turned:
        """Decide on one request to the Slack endpoint; every refusal logs one short line."""
        verdict = self._check(environ)
        if isinstance(verdict, Turned):
            if verdict.status == 200:
                logger.info("dropped a repeated Slack request: %s", verdict.reason)
            elif verdict.status == 500:
                logger.error("could not check a Slack request: %s", verdict.reason)
            else:
                logger.warning("refused a Slack request (%d): %s", verdict.status, verdict.reason)
        return verdict

    def _check(self, environ: Mapping[str, Any]) -> Admitted | Turned:
        declared = str(environ.get("CONTENT_LENGTH") or "").strip()
        if declared and not declared.isdigit():
            return Turned(400, "Content-Length is not a number")
        if declared and int(declared) > MAX_BODY_BYTES:
            return Turned(413, f"body of {int(declared)} bytes is over the limit")

        timestamp = str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or "")
        signature = str(environ.get("HTTP_X_SLACK_SIGNATURE") or "")
        if not timestamp or not signature:
            return Turned(401, "not signed")
        if not _TIMESTAMP.fullmatch(timestamp):
            return Turned(400, "timestamp is not a number of seconds")
        signed_at = int(timestamp)
        now = self._clock()
        if abs(now.timestamp() - signed_at) > MAX_AGE.total_seconds():
            return Turned(401, "signed more than five minutes away from now")
        if not _SIGNATURE.fullmatch(signature):
            return Turned(401, "signature is not a v0 signature")

        body = _read(environ, int(declared) if declared else None)
        if body is None:
            return Turned(413, f"body over {MAX_BODY_BYTES} bytes without a true Content-Length")
        expected = (
            "v0=" + hmac.new(self._secret, _base(timestamp, body), hashlib.sha256).hexdigest()
        )
        if not hmac.compare_digest(expected, signature):
            return Turned(401, "signature does not match")

        # Signed: from here on the body is Slack's, and only its shape can still be wrong.
        parsed = _parsed(body, str(environ.get("CONTENT_TYPE") or ""))
        if isinstance(parsed, str):
            return Turned(400, parsed)
        problem = body_problem(parsed)
        if problem is not None:
            return Turned(400, problem)
        repeat = self._first_time(signature, datetime.fromtimestamp(signed_at, UTC), now)
        return repeat or Admitted(body, request_kind(parsed))

    def _first_time(self, signature: str, signed_at: datetime, now: datetime) -> Turned | None:
        """None when this signature is new; otherwise why the request stops here."""
        try:
            fresh = self._signatures.claim(signature, signed_at, now)
        except SQLAlchemyError as exc:
            return Turned(500, f"database error {type(exc).__name__}")
        return None if fresh else Turned(200, "its signature was seen in the last five minutes")


@dataclass
class _Claim:
    signature: str
    signed_at: datetime
    fresh: bool = False
    error: Exception | None = None
    done: bool = False


class SignatureLedger:
    """The signatures taken in the last five minutes, kept in the database with group commit.

    Each request's signature must be committed before Bolt sees the request, and a commit
    waits for the disk. One commit per request, in a queue (SQLite has one writer), made 50
    requests at once wait for each other's disk writes. Here whoever finds no commit under
    way writes every claim waiting at that moment in one transaction; the others wait for it
    and the next one, so N requests at once cost about two commits instead of N.
    """

    def __init__(self, uow: Callable[[], UnitOfWork]) -> None:
        self._uow = uow
        self._turn = threading.Condition()
        self._waiting: list[_Claim] = []
        self._writing = False
        self._purged_at: datetime | None = None

    def claim(self, signature: str, signed_at: datetime, now: datetime) -> bool:
        """True the first time a signature is seen, on any replica sharing the database."""
        mine = _Claim(signature, signed_at)
        batch: list[_Claim] = []
        with self._turn:
            self._waiting.append(mine)
            while self._writing and not mine.done:
                self._turn.wait()
            if not mine.done:
                # No commit under way: this thread writes for everyone waiting.
                self._writing = True
                batch, self._waiting = self._waiting, []
        if batch:
            try:
                self._write(batch, now)
            finally:
                with self._turn:
                    for claim in batch:
                        claim.done = True
                    self._writing = False
                    self._turn.notify_all()
        if mine.error is not None:
            raise mine.error
        return mine.fresh

    def _write(self, batch: list[_Claim], now: datetime) -> None:
        unwritten = RuntimeError("the signature was not written")
        for claim in batch:
            claim.error = unwritten
        try:
            with self._uow() as uow:
                if self._purged_at is None or now - self._purged_at >= PURGE_EVERY:
                    uow.request_signatures.purge_signed_before(now - MAX_AGE)
                    self._purged_at = now
                # One statement for the batch; a signature twice in it is new only once.
                first: dict[str, _Claim] = {}
                for claim in batch:
                    first.setdefault(claim.signature, claim)
                new = uow.request_signatures.claim_all(
                    {signature: claim.signed_at for signature, claim in first.items()}
                )
                for claim in batch:
                    claim.fresh = first[claim.signature] is claim and claim.signature in new
                uow.commit()
        except SQLAlchemyError as exc:
            for claim in batch:
                claim.error = exc
            return
        for claim in batch:
            claim.error = None


def _base(timestamp: str, body: bytes) -> bytes:
    """What Slack signs: the version, the timestamp and the raw body, joined by colons."""
    return b"v0:" + timestamp.encode() + b":" + body


def _read(environ: Mapping[str, Any], declared: int | None) -> bytes | None:
    """The body, read no further than the limit; None when it is longer than that."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    if declared is not None:
        return bytes(stream.read(declared)) if declared else b""
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_BODY_BYTES:
        chunk = stream.read(min(64 * 1024, MAX_BODY_BYTES + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks) if size <= MAX_BODY_BYTES else None


# The kinds a request is counted and logged by: a short fixed list, never ids or text.
_KINDS = {
    "block_actions": "action",
    "block_suggestion": "options",
    "view_submission": "view_submission",
    "view_closed": "view_closed",
    "shortcut": "shortcut",
    "message_action": "shortcut",
    "interactive_message": "action",
    "event_callback": "event",
    "url_verification": "url_verification",
}


def request_kind(body: dict[str, Any]) -> str:
    """command, action, view_submission, view_closed, shortcut, options, event, ... or other."""
    if "command" in body and body.get("type") is None:
        return "command"
    if "ssl_check" in body and body.get("type") is None:
        return "ssl_check"
    return _KINDS.get(str(body.get("type")), "other")


def _parsed(raw: bytes, content_type_header: str) -> dict[str, Any] | str:
    """The signed body as Bolt will parse it, or what is wrong with its shape in a few words."""
    content_type = content_type_header.split(";")[0]
    if content_type.strip().lower() not in _CONTENT_TYPES:
        return "content type is neither form nor JSON"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "body is not UTF-8 text"
    try:
        # Bolt's own parser, so what is checked here is exactly what Bolt will see.
        body: Any = parse_body(text, content_type or None)
    except (ValueError, RecursionError):
        return "body is not valid JSON"
    if not isinstance(body, dict):
        return "body is not a JSON object"
    return body


def body_problem(body: dict[str, Any]) -> str | None:
    """The first thing a listener or Bolt would trip over in a parsed body, if any."""
    kind = body.get("type")
    if "command" in body and kind is None:
        return _command_problem(body)
    if not isinstance(kind, str) or not kind:
        if "ssl_check" in body:
            return None
        return "body has no type"
    if kind in _INTERACTIVE:
        return _interactive_problem(body, kind)
    if kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return "event has no type"
        if not isinstance(body.get("event_id"), str):
            return "event has no event_id"
        return _ids_problem(body) or _ids_problem(event)
    if kind == "url_verification" and not isinstance(body.get("challenge"), str):
        return "url_verification has no challenge"
    return _ids_problem(body)


def _command_problem(body: dict[str, Any]) -> str | None:
    command = body.get("command")
    if not isinstance(command, str) or not command.startswith("/"):
        return "slash command has no command"
    if not isinstance(body.get("user_id"), str) or not body["user_id"]:
        return "slash command has no user_id"
    return _ids_problem(body)


def _interactive_problem(body: dict[str, Any], kind: str) -> str | None:
    user = body.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str) or not user["id"]:
        return f"{kind} has no user.id"
    view = body.get("view")
    if kind in ("view_submission", "view_closed") and not isinstance(view, dict):
        return f"{kind} has no view"
    if view is not None:
        problem = _view_problem(view, needs_state=kind == "view_submission")
        if problem is not None:
            return f"{kind} {problem}"
    if kind == "block_actions":
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions:
            return "block_actions has no actions"
        for action in actions:
            if not isinstance(action, dict) or not isinstance(action.get("action_id"), str):
                return "block_actions has an action without action_id"
    if kind in ("shortcut", "message_action") and not isinstance(body.get("callback_id"), str):
        return f"{kind} has no callback_id"
    for key in ("container", "message"):
        if key in body and not isinstance(body[key], dict):
            return f"{kind} has a {key} that is not an object"
    return _ids_problem(body)


def _view_problem(view: Any, *, needs_state: bool) -> str | None:
    if not isinstance(view, dict):
        return "has a view that is not an object"
    for key in ("id", "callback_id", "private_metadata", "hash"):
        if key in view and not isinstance(view[key], str):
            return f"has a view.{key} that is not text"
    state = view.get("state")
    if state is None and not needs_state:
        return None
    if not isinstance(state, dict) or not isinstance(state.get("values"), dict):
        return "has no view.state.values"
    for block in state["values"].values():
        if not isinstance(block, dict) or not all(isinstance(v, dict) for v in block.values()):
            return "has view.state.values that are not objects"
    return None


def _ids_problem(body: dict[str, Any]) -> str | None:
    """Bolt reads ids from these keys, expecting text or an object, before any listener runs."""
    for key in ("user", "team", "enterprise", "channel"):
        value = body.get(key)
        if value is not None and not isinstance(value, str | dict):
            return f"{key} is neither text nor an object"
        if isinstance(value, dict) and "id" in value and not isinstance(value["id"], str):
            return f"{key}.id is not text"
    for key in ("authorizations", "response_urls"):
        value = body.get(key)
        if value is not None and not (
            isinstance(value, list) and all(isinstance(item, dict) for item in value)
        ):
            return f"{key} is not a list of objects"
    for key in ("response_url", "trigger_id", "user_id", "team_id", "channel_id"):
        if key in body and not isinstance(body[key], str):
            return f"{key} is not text"
    for key in ("message", "previous_message", "item", "assistant_thread"):
        if key in body and not isinstance(body[key], dict):
            return f"{key} is not an object"
    return None


def is_slack_response_url(url: object, api_url: str) -> bool:
    """True when a response_url is Slack's own: https://hooks.slack.com/..., the hooks host of
    the configured API (hooks.slack-gov.com for GovSlack), or the API's own host (a stand-in)."""
    if not isinstance(url, str):
        return False
    try:
        target, api = urlsplit(url), urlsplit(api_url)
        if target.username or target.password or not target.hostname:
            return False
        if (target.scheme, target.netloc) == (api.scheme, api.netloc):
            return True
        if target.scheme != "https" or target.port not in (None, 443):
            return False
    except ValueError:  # a port that is not a number, a broken IPv6 address
        return False
    api_host = (api.hostname or "").removeprefix("www.")
    return target.hostname in ("hooks.slack.com", f"hooks.{api_host}")
