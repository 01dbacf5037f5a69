"""A running coachbot: Bolt app, scheduler, and HTTP or Socket Mode, started and stopped as one.

Start-up order: the HTTP port opens first, so /healthz and /readyz answer from the first
second; then the bot token is checked with Slack's auth.test, retried with back-off while
Slack cannot be reached (/readyz says why it is not ready), and the end of start-up when
Slack refuses the token (exit code 5, one line). Only then does the scheduler start, and in
Socket Mode the WebSocket connect, reconnecting with back-off for as long as coachbot runs.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import Engine

from bot import metrics
from bot.app.deps import Deps
from bot.app.factory import create_app, timed
from bot.app.logs import SLACK_CHECK_LOGGER, SOCKET_MODE_LOGGER
from bot.app.scheduling import make_scheduler
from bot.app.server import HttpServer
from bot.app.settings import ExitCode, Settings
from bot.app.web import Readiness, make_wsgi_app
from bot.clock import utc_now
from bot.rules.calendar_links import link_key
from bot.slack.client import make_delivery_client
from bot.slack.messaging import Pacer, SlackSender
from storage.db import make_session_factory

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

logger = logging.getLogger("coachbot")

# Slack's answers that a later try can change; any other refusal of the token is final.
PASSING_ERRORS = frozenset(
    {"ratelimited", "fatal_error", "internal_error", "service_unavailable", "request_timeout"}
)
FIRST_WAIT = 1.0
LONGEST_WAIT = 60.0


def backoff(attempt: int, *, first: float = FIRST_WAIT, longest: float = LONGEST_WAIT) -> float:
    """Seconds before try number `attempt + 1`: doubling, capped, with up to 20% jitter."""
    base = min(longest, first * 2 ** min(attempt, 16))
    return float(base * (0.8 + 0.2 * random.random()))  # noqa: S311 - jitter, not a secret


def slack_refusal(exc: SlackApiError) -> str | None:
    """The error name when Slack refused for good (invalid_auth, token_revoked, ...)."""
    status = getattr(exc.response, "status_code", 200)
    error = str(exc.response.get("error") or f"HTTP {status}")
    if status == 429 or status >= 500 or error in PASSING_ERRORS:
        return None
    return error


class ServeRole(StrEnum):
    """What one process does: answer Slack, run the scheduler, or both (the default).

    A web replica answers requests and never plans or delivers, so a planner's pass cannot
    slow an acknowledgement; a worker plans and delivers and serves only health, readiness
    and metrics over HTTP.
    """

    WEB = "web"
    WORKER = "worker"
    ALL = "all"

    @property
    def answers_slack(self) -> bool:
        return self is not ServeRole.WORKER

    @property
    def schedules(self) -> bool:
        return self is not ServeRole.WEB


class Runtime:
    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        *,
        host: str = "0.0.0.0",  # noqa: S104
        executor: ThreadPoolExecutor | None = None,
        clock: Callable[[], datetime] = utc_now,
        first_wait: float = FIRST_WAIT,
        role: ServeRole = ServeRole.ALL,
    ) -> None:
        self.settings = settings
        self.role = role
        self.engine = engine
        self.deps = Deps(
            engine=engine,
            session_factory=make_session_factory(engine),
            clock=clock,
            admin_ids=frozenset(settings.coachbot_admins),
            expertise_areas=settings.coachbot_expertise_areas,
            public_url=settings.public_url,
            link_key=link_key(settings.slack_bot_token.get_secret_value()),
        )
        self.app = create_app(settings, self.deps, executor=executor)
        self.stopping = threading.Event()
        self.exit_code = ExitCode.OK
        self.first_wait = first_wait
        self.scheduler = make_scheduler(
            self.deps,
            self.app.client,
            SlackSender(
                timed(make_delivery_client(settings)), Pacer(settings.slack_posts_per_minute)
            ),
            worker=f"{socket.gethostname()}:{os.getpid()}",
            stopping=self.stopping,
        )
        self.scheduler.add_listener(
            count_job_event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED
        )
        self.socket_mode: SocketModeHandler | None = None
        self.readiness = Readiness()
        self._socket_problem = ""
        if not role.answers_slack:
            wsgi = make_wsgi_app(None, self.deps, readiness=self.readiness)
        elif settings.socket_mode and settings.slack_app_token is not None:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            self.socket_mode = SocketModeHandler(
                self.app,
                app_token=settings.slack_app_token.get_secret_value(),
                logger=logging.getLogger(SOCKET_MODE_LOGGER),
            )
            self.socket_mode.client.on_error_listeners.append(self._socket_error)
            # coachbot reconnects itself, with back-off (see keep_socket_connected).
            self.socket_mode.client.default_auto_reconnect_enabled = False
            self.socket_mode.client.auto_reconnect_enabled = False
            self.readiness = Readiness(socket_connected=self.socket_mode.client.is_connected)
            # In Socket Mode the HTTP port serves only health, readiness and metrics.
            wsgi = make_wsgi_app(None, self.deps, readiness=self.readiness)
        else:
            secret = settings.slack_signing_secret
            signing_secret = secret.get_secret_value() if secret is not None else ""
            wsgi = make_wsgi_app(
                self.app, self.deps, signing_secret=signing_secret, readiness=self.readiness
            )
        self.http = HttpServer(wsgi, host=host, port=settings.port, threads=settings.http_threads)
        self._starter = threading.Thread(target=self.start_slack_side, name="start", daemon=True)

    def run(self) -> ExitCode:
        """Serve until stop(); then stop the scheduler and close the database."""
        logger.info(
            "coachbot is listening on %s:%d (/healthz, /readyz, /metrics); checking the token",
            self.http.host,
            self.http.port,
        )
        self._starter.start()
        try:
            self.http.serve_forever()
        finally:
            self.stopping.set()
            self._starter.join(timeout=15)
            if self.socket_mode is not None:
                self.socket_mode.close()  # type: ignore[no-untyped-call]
            if self.scheduler.running:
                self.scheduler.shutdown(wait=True)
            self.engine.dispose()
            logger.info("coachbot stopped")
        return self.exit_code

    def stop(self, code: ExitCode | None = None) -> None:
        if code is not None:
            self.exit_code = code
        self.stopping.set()
        self.http.stop()

    def start_slack_side(self) -> None:
        """Verify the token, start the scheduler, and in Socket Mode stay connected."""
        if not self.verify_token():
            return
        if self.role.schedules:
            self.scheduler.start()
        if self.socket_mode is not None:
            self.keep_socket_connected()
            return
        logger.info(
            "coachbot is ready: HTTP on %s:%d, database %s, role %s",
            self.http.host,
            self.http.port,
            self.engine.dialect.name,
            self.role.value,
        )

    def verify_token(self) -> bool:
        """auth.test until Slack answers; False (and the runtime stopping) when it refuses."""
        # Its own client, without retries and with its failures said once, by the line below.
        client = timed(
            WebClient(
                token=self.app.client.token,
                base_url=self.app.client.base_url,
                timeout=10,
                logger=logging.getLogger(SLACK_CHECK_LOGGER),
                retry_handlers=[],
            )
        )
        attempt = 0
        while not self.stopping.is_set():
            try:
                answer = client.auth_test()
            except SlackApiError as exc:
                refused = slack_refusal(exc)
                if refused is not None:
                    self._refused("the bot token", refused)
                    return False
                reason = f"Slack answered auth.test with {exc.response.get('error') or 'an error'}"
            except (OSError, SlackClientError) as exc:
                reason = f"Slack unreachable at {self.settings.slack_api_url} ({_why(exc)})"
            else:
                self.readiness.slack_verified()
                logger.info("Slack accepted the bot token (workspace %s)", answer.get("team_id"))
                return True
            self.readiness.slack_not_verified(reason)
            self._wait(reason, attempt)
            attempt += 1
        return False

    def keep_socket_connected(self) -> None:
        """Connect the WebSocket, and reconnect it with back-off whenever it drops."""
        assert self.socket_mode is not None
        client: Any = self.socket_mode.client
        attempt, announced = 0, False
        while not self.stopping.is_set():
            if client.is_connected():
                if not announced:
                    logger.info(
                        "coachbot is ready: Socket Mode, database %s", self.engine.dialect.name
                    )
                    announced = True
                attempt = 0
                self.stopping.wait(1.0)
                continue
            if announced:
                logger.warning("the Socket Mode connection dropped; reconnecting")
                self.readiness.socket_failed("the connection dropped; reconnecting")
                announced = False
            try:
                client.connect_to_new_endpoint(force=True)
            except SlackApiError as exc:
                refused = slack_refusal(exc)
                if refused is not None:
                    self._refused("the app-level token (SLACK_APP_TOKEN)", refused)
                    return
                reason = f"apps.connections.open answered {exc.response.get('error')}"
            except (OSError, SlackClientError) as exc:
                reason = f"the Socket Mode WebSocket could not connect ({_why(exc)})"
            else:
                if client.is_connected():
                    continue
                reason = "the Socket Mode WebSocket could not connect" + (
                    f" ({self._socket_problem})" if self._socket_problem else ""
                )
            self.readiness.socket_failed(reason)
            self._wait(reason, attempt)
            attempt += 1

    def _socket_error(self, error: Exception) -> None:
        self._socket_problem = _why(error)

    def _wait(self, reason: str, attempt: int) -> None:
        delay = backoff(attempt, first=self.first_wait)
        logger.warning("%s; trying again in %.0f s", reason, delay)
        self.stopping.wait(delay)

    def _refused(self, what: str, error: str) -> None:
        logger.error(
            "coachbot cannot start: Slack refused %s (%s); put a valid one in the settings",
            what,
            error,
        )
        self.readiness.slack_not_verified(f"Slack refused {what} ({error})")
        self.stop(ExitCode.SLACK_REFUSED)


def _why(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    return type(reason).__name__ if not str(reason) else f"{type(reason).__name__}: {reason}"[:120]


def count_job_event(event: Any) -> None:
    """APScheduler's job events, counted: runs by outcome, and runs missed."""
    if event.code == EVENT_JOB_MISSED:
        metrics.JOB_MISSES.labels(job=event.job_id).inc()
    else:
        outcome = "error" if getattr(event, "exception", None) is not None else "ok"
        metrics.JOB_RUNS.labels(job=event.job_id, outcome=outcome).inc()
