"""Middleware: hand every listener its dependencies, and take each Slack event once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse

from bot.app.deps import Deps

logger = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    def inject_deps(context: BoltContext, next: Callable[[], None]) -> None:
        context["deps"] = deps
        next()

    def take_event_once(
        body: dict[str, Any],
        next: Callable[[], None],
    ) -> BoltResponse | None:
        if body.get("type") != "event_callback" or not body.get("event_id"):
            next()
            return None
        if claim_event(deps, body):
            next()
            return None
        logger.info("event %s already handled; Slack redelivered it", body["event_id"])
        return BoltResponse(status=200, body="")

    app.middleware(inject_deps)
    app.middleware(take_event_once)


def claim_event(deps: Deps, body: dict[str, Any]) -> bool:
    """True the first time an event_id is seen, on any replica sharing the database."""
    event_type = str(body.get("event", {}).get("type", ""))[:64]
    with deps.uow() as uow:
        claimed = uow.events.claim(str(body["event_id"])[:64], event_type, deps.now())
        uow.commit()
        return claimed
