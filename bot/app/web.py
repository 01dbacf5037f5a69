"""The WSGI application: Slack's requests on POST /slack/events, and GET /healthz."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.app.deps import Deps
from bot.app.request_gate import SlackRequestGate, Turned
from bot.rules.calendar_links import ics_bytes, visit_from_token
from bot.rules.visits import calendar_event_for
from storage.db import check_database
from storage.models import Visit

logger = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
CALENDAR_PREFIX = "/calendar/"

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def make_wsgi_app(app: App | None, deps: Deps, *, signing_secret: str = "") -> WsgiApp:
    """Route Slack's requests to Bolt and answer health checks; `app` None serves health only.

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

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return _health(engine, start_response)
        if path.startswith(CALENDAR_PREFIX) and path.endswith(".ics") and method == "GET":
            return _calendar_file(deps, path[len(CALENDAR_PREFIX) : -len(".ics")], start_response)
        if path == SLACK_PATH and slack is not None and gate is not None:
            if method != "POST":
                return _json(start_response, "405 Method Not Allowed", {"error": "use POST"})
            verdict = gate.admit(environ)
            if isinstance(verdict, Turned):
                return _turned(start_response, verdict)
            # Bolt reads the body again from wsgi.input: hand it the bytes already checked.
            verified = dict(environ)
            verified["wsgi.input"] = io.BytesIO(verdict.body)
            verified["CONTENT_LENGTH"] = str(len(verdict.body))
            result: Iterable[bytes] = slack(verified, start_response)
            return result
        return _json(start_response, "404 Not Found", {"error": "not found"})

    return wsgi


# What the sender of a refused request is told: the kind of refusal, never the details.
_REFUSALS = {
    400: "malformed request",
    401: "invalid request",
    413: "request too large",
    500: "could not check the request",
}


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


def _health(engine: Engine, start_response: StartResponse) -> Iterable[bytes]:
    try:
        healthy = check_database(engine)
    except SQLAlchemyError as exc:
        logger.warning("health check: database unreachable (%s)", type(exc).__name__)
        healthy = False
    if healthy:
        return _json(start_response, "200 OK", {"status": "ok", "database": "ok"})
    return _json(start_response, "503 Service Unavailable", {"status": "down", "database": "down"})


def _json(start_response: StartResponse, status: str, body: dict[str, str]) -> Iterable[bytes]:
    data = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]
