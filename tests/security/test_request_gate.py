"""Unverified, malformed and oversized requests: refused at the gate, each with one short log
line, and nothing from them used (a response_url in them is never called)."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.app.request_gate import MAX_BODY_BYTES
from bot.app.web import make_wsgi_app
from bot.ids import Action, Callback
from bot.views.common import SORRY_TEXT
from tests import factories
from tests.conftest import SIGNING_SECRET, Running
from tests.handlers.test_invite_flow import TEACHER, TEAM, school  # noqa: F401 - the fixture

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
# A log line stays short whatever the request held.
SHORT = 300


@dataclass
class Listener:
    """A local HTTP server standing in for an address an attacker names as response_url."""

    url: str
    received: list[tuple[str, bytes]] = field(default_factory=list)


@pytest.fixture
def listener() -> Iterator[Listener]:
    received: list[tuple[str, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            received.append((self.path, self.rfile.read(length)))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # Polled every 20 ms rather than the standard 0.5 s, so shutting it down is quick.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield Listener(f"http://127.0.0.1:{server.server_port}/hook", received)
    finally:
        server.shutdown()
        server.server_close()


def signature_headers(body: bytes, timestamp: str | None = None) -> dict[str, str]:
    ts = timestamp if timestamp is not None else str(int(time.time()))
    base = b"v0:" + ts.encode() + b":" + body
    digest = hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def send(
    running: Running,
    body: bytes,
    content_type: str = FORM,
    *,
    signed: bool = True,
    headers: dict[str, str] | None = None,
) -> int:
    sent = {"Content-Type": content_type}
    if signed:
        sent.update(signature_headers(body))
    sent.update(headers or {})
    reply = running.sender.request("POST", "/slack/events", body, sent)
    running.settle()
    return reply.status


def reshaped(payload: tuple[str, str], change: Callable[[dict[str, Any]], Any]) -> bytes:
    """A factory's form body with its fields (or its interactive payload) changed."""
    fields = dict(parse_qsl(payload[0], keep_blank_values=True))
    if "payload" in fields:
        inner = json.loads(fields["payload"])
        change(inner)
        fields["payload"] = json.dumps(inner)
    else:
        change(fields)
    return urlencode(fields).encode()


def aimed_at(url: str) -> Callable[[dict[str, Any]], None]:
    def change(fields: dict[str, Any]) -> None:
        fields["response_url"] = url

    return change


def one_short_line(caplog: pytest.LogCaptureFixture) -> str:
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 1, lines
    [record] = caplog.records
    assert record.exc_info is None and record.exc_text is None
    assert len(lines[0]) <= SHORT
    return lines[0]


# --------------------------------------------------------------------------- unverified


@pytest.mark.parametrize(
    ("timestamp", "signed", "status"),
    [
        ("abc", False, 401),
        ("9" * 5000, False, 401),
        ("abc", True, 400),
        ("1e9", True, 400),
    ],
    ids=["letters", "5000-digits", "letters-signed", "exponent-signed"],
)
def test_an_unverified_request_never_reaches_its_response_url(
    running: Running,
    listener: Listener,
    caplog: pytest.LogCaptureFixture,
    timestamp: str,
    signed: bool,
    status: int,
) -> None:
    body = reshaped(factories.slash_command("/coachbot", "prompts off"), aimed_at(listener.url))
    headers = {"X-Slack-Request-Timestamp": timestamp}
    if signed:
        headers = signature_headers(body, timestamp)
    with caplog.at_level(logging.DEBUG):
        assert send(running, body, signed=False, headers=headers) == status
    assert listener.received == []
    assert running.slack.calls == []
    assert "refused" in one_short_line(caplog)


@pytest.fixture
def failing_prompts(school: Running) -> Running:  # noqa: F811
    """The database refuses to change anyone's settings, so `/coachbot prompts off` fails."""
    with school.deps.engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TRIGGER refuse_people_update BEFORE UPDATE ON people "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    return school


def test_a_failed_listener_answers_only_through_slacks_own_response_url(
    failing_prompts: Running, listener: Listener, caplog: pytest.LogCaptureFixture
) -> None:
    running = failing_prompts
    command = factories.slash_command("/coachbot", "prompts off", user_id=TEACHER)
    with caplog.at_level(logging.INFO):
        assert send(running, reshaped(command, aimed_at(listener.url))) == 500
    assert listener.received == []
    assert any("not Slack's" in record.getMessage() for record in caplog.records)
    with running.deps.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        assert teacher is not None and not teacher.prompts_stopped

    # The stand-in plays Slack: its host is the configured SLACK_API_URL's.
    hook = running.slack.url.removesuffix("api/") + "commands/T0COACH/1/hook"
    command = factories.slash_command("/coachbot", "prompts off", user_id=TEACHER)
    assert send(running, reshaped(command, aimed_at(hook))) == 500
    [told] = [call for call in running.slack.calls if call.method == "commands/T0COACH/1/hook"]
    assert told.args["text"] == SORRY_TEXT
    assert told.args["response_type"] == "ephemeral"
    assert listener.received == []


# --------------------------------------------------------------------------- malformed


def _drop(*path: str) -> Callable[[dict[str, Any]], None]:
    def change(fields: dict[str, Any]) -> None:
        node = fields
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return change


def _set(path: tuple[str, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(fields: dict[str, Any]) -> None:
        node = fields
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


def _button() -> tuple[str, str]:
    return factories.block_action(Action.REFLECT_OPEN, user_id=TEACHER, value="1")


def _submission() -> tuple[str, str]:
    return factories.view_submission(Callback.GOAL, {}, user_id=TEACHER)


def _event(event: Any) -> bytes:
    body = json.loads(factories.event_callback(factories.app_home_opened(TEACHER))[0])
    body["event"] = event
    return json.dumps(body).encode()


MALFORMED: dict[str, tuple[Callable[[str], bytes], str, bool, int]] = {
    "unsigned payload=x": (lambda url: b"payload=x", FORM, False, 401),
    "payload that is not JSON": (lambda url: b"payload=x", FORM, True, 400),
    "payload that is a JSON list": (lambda url: b"payload=%5B1%2C2%5D", FORM, True, 400),
    "JSON body that is a list": (lambda url: b"[1, 2]", JSON, True, 400),
    "JSON nested past recursion": (lambda url: b"[" * 200_000, JSON, True, 400),
    "binary body": (lambda url: bytes(range(256)) * 8, FORM, True, 400),
    "unsigned binary body": (lambda url: bytes(range(256)) * 8, FORM, False, 401),
    "body that is neither form nor JSON": (
        lambda url: reshaped(_button(), aimed_at(url)),
        "text/plain",
        True,
        400,
    ),
    "button without user": (
        lambda url: reshaped(_button(), lambda p: (aimed_at(url)(p), _drop("user")(p))),
        FORM,
        True,
        400,
    ),
    "button whose user.id is a number": (
        lambda url: reshaped(_button(), lambda p: (aimed_at(url)(p), _set(("user", "id"), 7)(p))),
        FORM,
        True,
        400,
    ),
    "button without actions": (
        lambda url: reshaped(_button(), lambda p: (aimed_at(url)(p), _drop("actions")(p))),
        FORM,
        True,
        400,
    ),
    "submission without state": (
        lambda url: reshaped(_submission(), _drop("view", "state")),
        FORM,
        True,
        400,
    ),
    "submission whose values are a list": (
        lambda url: reshaped(_submission(), _set(("view", "state", "values"), [])),
        FORM,
        True,
        400,
    ),
    "slash command without user_id": (
        lambda url: reshaped(
            factories.slash_command("/coachbot", "prompts off"),
            lambda f: (aimed_at(url)(f), _drop("user_id")(f)),
        ),
        FORM,
        True,
        400,
    ),
    "event that is not an object": (lambda url: _event("app_home_opened"), JSON, True, 400),
}


@pytest.mark.parametrize("case", list(MALFORMED), ids=list(MALFORMED))
def test_a_malformed_body_gets_a_4xx_and_one_short_log_line(
    running: Running, listener: Listener, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    build, content_type, signed, status = MALFORMED[case]
    body = build(listener.url)
    with caplog.at_level(logging.DEBUG):
        assert send(running, body, content_type, signed=signed) == status
    line = one_short_line(caplog)
    assert "refused" in line and "payload=" not in line and "U0TEACH" not in line
    assert listener.received == []
    assert running.slack.calls == []


# --------------------------------------------------------------------------- too large


@pytest.mark.parametrize("signed", [False, True], ids=["unsigned", "signed"])
def test_a_body_over_a_megabyte_is_refused_with_413(
    running: Running, caplog: pytest.LogCaptureFixture, signed: bool
) -> None:
    body = b"payload=" + b"a" * (MAX_BODY_BYTES + 512 * 1024)
    with caplog.at_level(logging.DEBUG):
        assert send(running, body, signed=signed) == 413
    assert "aaaa" not in one_short_line(caplog)
    assert running.slack.calls == []


class EndlessBody(io.RawIOBase):
    """A request body that never ends, counting how much of it was read."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = len(buffer)
        buffer[:size] = b"a" * size
        self.read_bytes += size
        return size


def test_without_content_length_no_more_than_a_megabyte_is_read(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    wsgi = make_wsgi_app(running.app, running.deps, signing_secret=SIGNING_SECRET)
    stream = EndlessBody()
    headers = signature_headers(b"")
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": FORM,
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": headers["X-Slack-Request-Timestamp"],
        "HTTP_X_SLACK_SIGNATURE": headers["X-Slack-Signature"],
        "wsgi.input": stream,
    }
    statuses: list[str] = []
    with caplog.at_level(logging.DEBUG):
        b"".join(wsgi(environ, lambda status, headers: statuses.append(status)))
    assert statuses == ["413 Content Too Large"]
    assert stream.read_bytes <= MAX_BODY_BYTES + 1
    one_short_line(caplog)
