"""The WSGI application: Slack's requests on POST /slack/events, and GET /healthz."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.calendar_links import ics_bytes, visit_from_token
from bot.deps import Deps
from bot.visits import calendar_event_for
from storage.db import check_database
from storage.models import Visit

logger = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
CALENDAR_PREFIX = "/calendar/"

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def make_wsgi_app(app: App | None, deps: Deps) -> WsgiApp:
    """Route Slack's requests to Bolt and answer health checks; `app` None serves health only."""
    slack = SlackRequestHandler(app, path=SLACK_PATH) if app is not None else None
    engine = deps.engine

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return _health(engine, start_response)
        if path.startswith(CALENDAR_PREFIX) and path.endswith(".ics") and method == "GET":
            return _calendar_file(deps, path[len(CALENDAR_PREFIX) : -len(".ics")], start_response)
        if path == SLACK_PATH and slack is not None:
            if method != "POST":
                return _json(start_response, "405 Method Not Allowed", {"error": "use POST"})
            result: Iterable[bytes] = slack(environ, start_response)
            return result
        return _json(start_response, "404 Not Found", {"error": "not found"})

    return wsgi


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
