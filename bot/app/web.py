"""The WSGI application: Slack's requests on POST /slack/events, /healthz, /readyz, /metrics.

/healthz says the process is alive (orchestrators restart it when it is not); /readyz says
whether it can do its work: the database answers, Slack accepted the bot token, and in
Socket Mode the WebSocket is connected (load balancers send it traffic only then). /metrics
is Prometheus' text format: the process's counters, and the outbox read at scrape time.
"""

from __future__ import annotations

import io
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from prometheus_client import generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from bot import metrics
from bot.app.deps import Deps
from bot.app.logs import request_context, request_id_from
from bot.app.request_gate import MAX_BODY_BYTES, SlackRequestGate, Turned
from bot.rules.calendar_links import ics_bytes, visit_from_token
from bot.rules.visits import calendar_event_for
from storage.db import check_database
from storage.enums import OutboxStatus
from storage.models import OutboxMessage, Visit

logger = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"
CALENDAR_PREFIX = "/calendar/"
PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class Readiness:
    """What /readyz reports besides the database: the token's check and the WebSocket.

    Written by the runtime's start-up thread; in Socket Mode the connection is asked at each
    check, so readiness follows it the moment it drops.
    """

    def __init__(self, *, socket_connected: Callable[[], bool] | None = None) -> None:
        self._lock = threading.Lock()
        self._connected = socket_connected
        self._slack = "not checked yet"
        self._socket = "not connected yet"

    def slack_verified(self) -> None:
        with self._lock:
            self._slack = "ok"

    def slack_not_verified(self, reason: str) -> None:
        with self._lock:
            self._slack = reason

    def socket_failed(self, reason: str) -> None:
        """Why the last try to connect failed, shown while the WebSocket is down."""
        with self._lock:
            self._socket = reason

    def parts(self) -> dict[str, str]:
        with self._lock:
            found = {"slack": self._slack}
            if self._connected is not None:
                connected = self._connected()
                metrics.SOCKET_CONNECTED.set(1 if connected else 0)
                found["socket_mode"] = "connected" if connected else self._socket
        return found


def make_wsgi_app(
    app: App | None,
    deps: Deps,
    *,
    signing_secret: str = "",
    readiness: Readiness | None = None,
) -> WsgiApp:
    """Route Slack's requests to Bolt and answer health checks; `app` None serves no Slack.

    Every request to the Slack endpoint passes the gate first (bot/app/request_gate.py): Bolt sees
    only signed, fresh, well-formed bodies it has not seen before, and still checks the
    signature itself as a second line of defence.
    """
    slack: SlackRequestHandler | None = None
    gate: SlackRequestGate | None = None
    if app is not None:
        if not signing_secret:
            raise ValueError("the Slack endpoint needs the signing secret to check requests")
        slack = SlackRequestHandler(app, path=SLACK_PATH)
        gate = SlackRequestGate(signing_secret, deps.uow)
    engine = deps.engine
    scraped = CollectorRegistry(auto_describe=False)
    scraped.register(OutboxCollector(deps))
    probes: dict[str, Callable[[StartResponse], Iterable[bytes]]] = {
        HEALTH_PATH: lambda start: _health(engine, start),
        READY_PATH: lambda start: _ready(engine, readiness, start),
        METRICS_PATH: lambda start: _metrics(scraped, start),
    }

    def slack_request(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        assert slack is not None and gate is not None
        started = time.perf_counter()
        verdict = gate.admit(environ)
        if isinstance(verdict, Turned):
            if verdict.status == 413:
                _discard(environ)
            outcome = "replay" if verdict.status == 200 else f"refused_{verdict.status}"
            metrics.REQUESTS.labels(kind="unknown", outcome=outcome).inc()
            return _turned(start_response, verdict)
        # Bolt reads the body again from wsgi.input: hand it the bytes already checked.
        verified = dict(environ)
        verified["wsgi.input"] = io.BytesIO(verdict.body)
        verified["CONTENT_LENGTH"] = str(len(verdict.body))
        answered: list[str] = []

        def start(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            answered.append(status)
            return start_response(status, headers, *exc)

        result: Iterable[bytes] = slack(verified, start)
        elapsed = time.perf_counter() - started
        status = answered[0].split(" ", 1)[0] if answered else "500"
        outcome = "ok" if status.startswith("2") else f"status_{status}"
        metrics.REQUESTS.labels(kind=verdict.kind, outcome=outcome).inc()
        metrics.ACK_SECONDS.labels(kind=verdict.kind).observe(elapsed)
        logger.info("%s answered %s in %.0f ms", verdict.kind, status, elapsed * 1000)
        return result

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if method in ("GET", "HEAD") and path in probes:
            return probes[path](start_response)
        if path.startswith(CALENDAR_PREFIX) and path.endswith(".ics") and method == "GET":
            return _calendar_file(deps, path[len(CALENDAR_PREFIX) : -len(".ics")], start_response)
        if path == SLACK_PATH and slack is not None and gate is not None:
            if method != "POST":
                return _json(start_response, "405 Method Not Allowed", {"error": "use POST"})
            with request_context(request_id_from(environ.get("HTTP_X_REQUEST_ID"))):
                return slack_request(environ, start_response)
        return _json(start_response, "404 Not Found", {"error": "not found"})

    return wsgi


class OutboxCollector(Collector):
    """The outbox's depth by state and the age of its oldest due message, read per scrape."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily(
            "coachbot_outbox_messages",
            "Outbox messages by state: due (may be sent now), later, sent, dead, dropped.",
            labels=["state"],
        )
        oldest = GaugeMetricFamily(
            "coachbot_outbox_oldest_due_seconds",
            "How long the oldest message that may be sent now has waited (0 when none).",
        )
        up = GaugeMetricFamily(
            "coachbot_database_up", "1 when the database answered this scrape's queries."
        )
        try:
            counts, waited = outbox_depth(self._deps, self._deps.now())
        except SQLAlchemyError as exc:
            logger.warning("metrics: the outbox could not be read (%s)", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        for state, number in counts.items():
            depth.add_metric([state], number)
        oldest.add_metric([], waited)
        up.add_metric([], 1)
        yield from (depth, oldest, up)


def outbox_depth(deps: Deps, now: datetime) -> tuple[dict[str, int], float]:
    """Counts by state (as `coachbot jobs list` shows them) and the oldest due row's wait."""
    from bot.rules import outbox

    with deps.uow() as uow:
        counts = outbox.summary(uow, now)
        first = uow.session.scalar(
            select(func.min(OutboxMessage.available_at)).where(
                OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.available_at <= now
            )
        )
    if first is None:
        return counts, 0.0
    return counts, max(0.0, (now - first).total_seconds())


# What the sender of a refused request is told: the kind of refusal, never the details.
_REFUSALS = {
    400: "malformed request",
    401: "invalid request",
    413: "request too large",
    500: "could not check the request",
}


def _discard(environ: dict[str, Any]) -> None:
    """Read the rest of a body refused as too large by its Content-Length (the server stops
    bodies over 4 MB itself), so the sender finishes writing and reads the 413 rather than a
    reset connection. A body without a length is never read past the gate's limit."""
    declared = str(environ.get("CONTENT_LENGTH") or "").strip()
    stream = environ.get("wsgi.input")
    left = min(int(declared), 4 * MAX_BODY_BYTES) if declared.isdigit() else 0
    while stream is not None and left > 0:
        chunk = stream.read(min(64 * 1024, left))
        if not chunk:
            return
        left -= len(chunk)


def _turned(start_response: StartResponse, verdict: Turned) -> Iterable[bytes]:
    if verdict.status == 200:
        # A replay: answered like a request already handled, with nothing in it.
        start_response("200 OK", [("Content-Length", "0")])
        return [b""]
    return _json(start_response, verdict.status_line, {"error": _REFUSALS[verdict.status]})


def _calendar_file(deps: Deps, token: str, start_response: StartResponse) -> Iterable[bytes]:
    visit_id = visit_from_token(deps.link_key, token) if deps.link_key else None
    if visit_id is None:
        return _json(start_response, "404 Not Found", {"error": "not found"})
    with deps.uow() as uow:
        visit = uow.session.get(Visit, visit_id)
        event = calendar_event_for(visit) if visit is not None else None
    if event is None:
        return _json(start_response, "404 Not Found", {"error": "not found"})
    data = ics_bytes(event, now=deps.now())
    start_response(
        "200 OK",
        [
            ("Content-Type", "text/calendar; charset=utf-8"),
            ("Content-Disposition", f'attachment; filename="coaching-visit-{visit_id}.ics"'),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [data]


def _database(engine: Engine) -> str:
    try:
        return "ok" if check_database(engine) else "down"
    except SQLAlchemyError as exc:
        logger.warning("health check: database unreachable (%s)", type(exc).__name__)
        return f"unreachable ({type(exc).__name__})"


def _health(engine: Engine, start_response: StartResponse) -> Iterable[bytes]:
    """Alive: the process answers. The database is reported, not required: restarting a
    process does not bring a database back (/readyz is the check that includes it)."""
    database = _database(engine)
    return _json(
        start_response, "200 OK", {"status": "ok", "database": "ok" if database == "ok" else "down"}
    )


def _ready(
    engine: Engine, readiness: Readiness | None, start_response: StartResponse
) -> Iterable[bytes]:
    parts = {"database": _database(engine)}
    if readiness is not None:
        parts.update(readiness.parts())
    ok = all(value in ("ok", "connected") for value in parts.values())
    metrics.READY.set(1 if ok else 0)
    body = {"status": "ready" if ok else "not ready", **parts}
    return _json(start_response, "200 OK" if ok else "503 Service Unavailable", body)


def _metrics(scraped: CollectorRegistry, start_response: StartResponse) -> Iterable[bytes]:
    data = generate_latest(metrics.REGISTRY) + generate_latest(scraped)
    start_response(
        "200 OK", [("Content-Type", PROMETHEUS_TEXT), ("Content-Length", str(len(data)))]
    )
    return [data]


def _json(start_response: StartResponse, status: str, body: dict[str, str]) -> Iterable[bytes]:
    data = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]
