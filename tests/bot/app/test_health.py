"""Health that tells the truth: /healthz is alive, /readyz is ready only when coachbot can work.

Each test runs the composed runtime (`Runtime.run`, as `coachbot serve` does) in a thread,
against the Slack stand-in, and reads /readyz and /metrics over HTTP like a load balancer and
Prometheus would.
"""

from __future__ import annotations

import base64
import hashlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from pydantic import SecretStr

from bot.app.runtime import Runtime, ServeRole, backoff
from bot.app.settings import ExitCode, Settings
from bot.demo.standin import SlackStandin
from storage import migrate
from storage.db import make_engine
from tests import factories
from tests.signing import Reply, SlackSender

APP_TOKEN = "xapp-1-A0COACH-1234567890-abcdef"


@dataclass
class Started:
    runtime: Runtime
    sender: SlackSender
    result: list[ExitCode]
    thread: threading.Thread

    def ready(self) -> Reply:
        return self.sender.get("/readyz")

    def until(self, check: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            assert time.monotonic() < deadline, "the condition never held"
            self.runtime.stopping.wait(0.02)

    def finish(self, timeout: float = 15.0) -> ExitCode:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the runtime did not stop"
        return self.result[0]


@contextmanager
def started(settings: Settings, role: ServeRole = ServeRole.ALL) -> Iterator[Started]:
    engine = make_engine(settings.database_url.get_secret_value())
    migrate.upgrade_if_behind(engine)
    runtime = Runtime(
        settings.model_copy(update={"port": 0}),
        engine,
        host="127.0.0.1",
        first_wait=0.02,
        role=role,
    )
    result: list[ExitCode] = []
    thread = threading.Thread(target=lambda: result.append(runtime.run()), daemon=True)
    thread.start()
    run = Started(runtime, SlackSender("127.0.0.1", runtime.http.port, "unused"), result, thread)
    try:
        yield run
    finally:
        runtime.stop()
        thread.join(15)


def test_ready_once_slack_accepts_the_token(settings: Settings, slack: SlackStandin) -> None:
    with started(settings) as run:
        run.until(lambda: run.ready().status == 200)
        assert run.ready().json() == {"status": "ready", "database": "ok", "slack": "ok"}
        assert run.sender.get("/healthz").json() == {"status": "ok", "database": "ok"}
        assert [call.method for call in slack.calls] == ["auth.test"]
        assert run.runtime.scheduler.running
        run.runtime.stop()
        assert run.finish() is ExitCode.OK


def test_a_web_replica_answers_slack_and_never_runs_the_scheduler(
    settings: Settings, slack: SlackStandin
) -> None:
    with started(settings, ServeRole.WEB) as run:
        run.until(lambda: run.ready().status == 200)
        assert not run.runtime.scheduler.running
        # Slack's endpoint is there (and checks the signature, which this sender lacks).
        assert run.sender.post(factories.url_verification("web-replica")).status == 401


def test_a_worker_runs_the_scheduler_and_answers_only_health(
    settings: Settings, slack: SlackStandin
) -> None:
    with started(settings, ServeRole.WORKER) as run:
        run.until(lambda: run.ready().status == 200)
        assert run.runtime.scheduler.running
        assert run.sender.post(factories.url_verification("worker")).status == 404


def test_slack_unreachable_is_retried_and_readyz_says_why(settings: Settings) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{closed.getsockname()[1]}/api/"
    with started(settings.model_copy(update={"slack_api_url": nowhere})) as run:
        run.until(lambda: "unreachable" in run.ready().json()["slack"])
        reply = run.ready()
        assert reply.status == 503
        assert reply.json()["status"] == "not ready"
        assert reply.json()["database"] == "ok"
        # Alive all the same: restarting would not bring Slack back.
        assert run.sender.get("/healthz").status == 200
        assert not run.runtime.scheduler.running
        run.runtime.stop()
        assert run.finish() is ExitCode.OK


def test_slack_answering_again_makes_it_ready(settings: Settings, slack: SlackStandin) -> None:
    # Six answers of 503: six tries, each after a longer wait, and the seventh is accepted.
    slack.server_error_next("auth.test", 503, times=6)
    with started(settings) as run:
        run.until(lambda: run.ready().status == 200, timeout=20)
        assert len(slack.calls_to("auth.test")) == 7


@pytest.mark.parametrize("error", ["invalid_auth", "token_revoked"])
def test_a_refused_token_ends_start_up_with_its_exit_code(
    settings: Settings, slack: SlackStandin, error: str, caplog: pytest.LogCaptureFixture
) -> None:
    slack.fail_next("auth.test", error)
    with started(settings) as run:
        assert run.finish() is ExitCode.SLACK_REFUSED
    refusals = [r.getMessage() for r in caplog.records if "Slack refused" in r.getMessage()]
    assert refusals == [
        f"coachbot cannot start: Slack refused the bot token ({error}); "
        "put a valid one in the settings"
    ]
    assert not any(r.exc_info for r in caplog.records)


def test_backoff_doubles_to_a_minute_with_jitter() -> None:
    waits = [backoff(n) for n in range(10)]
    assert 0.8 <= waits[0] <= 1.0 and 1.6 <= waits[1] <= 2.0
    assert all(48 <= w <= 60 for w in waits[7:])


def _socket_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"slack_app_token": SecretStr(APP_TOKEN)})


def test_socket_mode_is_not_ready_while_the_websocket_is_down(
    settings: Settings, slack: SlackStandin
) -> None:
    # The stand-in hands out a WebSocket address where nothing listens.
    with started(_socket_settings(settings)) as run:
        run.until(lambda: len(slack.calls_to("apps.connections.open")) >= 3)
        reply = run.ready()
        assert reply.status == 503
        assert reply.json()["slack"] == "ok"
        assert "could not connect" in reply.json()["socket_mode"]
        run.runtime.stop()
        assert run.finish() is ExitCode.OK


def test_socket_mode_refused_app_token_ends_start_up(
    settings: Settings, slack: SlackStandin
) -> None:
    slack.fail_next("apps.connections.open", "invalid_auth")
    with started(_socket_settings(settings)) as run:
        assert run.finish() is ExitCode.SLACK_REFUSED


class WebSocketEnd:
    """Just enough of a WebSocket server to accept Socket Mode's connection and to drop it."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"ws://127.0.0.1:{self.listener.getsockname()[1]}/link"
        self.accepted: list[socket.socket] = []
        self.refusing = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                request += chunk
            if self.refusing.is_set():
                conn.close()
                continue
            key = next(
                line.split(b":", 1)[1].strip()
                for line in request.split(b"\r\n")
                if line.lower().startswith(b"sec-websocket-key:")
            )
            accept = base64.b64encode(
                hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest()
            )
            conn.sendall(
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
            )
            self.accepted.append(conn)

    def drop(self) -> None:
        for conn in self.accepted:
            conn.close()

    def close(self) -> None:
        self.listener.close()
        self.drop()


def test_socket_mode_readiness_follows_the_connection(
    settings: Settings, slack: SlackStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    end = WebSocketEnd()
    monkeypatch.setitem(
        slack._handlers, "apps.connections.open", lambda _args: {"ok": True, "url": end.url}
    )
    try:
        with started(_socket_settings(settings)) as run:
            run.until(lambda: run.ready().status == 200)
            assert run.ready().json()["socket_mode"] == "connected"
            end.refusing.set()
            end.drop()
            run.until(lambda: run.ready().status == 503)
            assert run.ready().json()["slack"] == "ok"
            end.refusing.clear()
            run.until(lambda: run.ready().status == 200 and len(end.accepted) >= 2)
            assert "coachbot_socket_mode_connected 1.0" in run.sender.get("/metrics").text
    finally:
        end.close()
