"""Middleware: hand every listener its dependencies, and take each Slack event once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.app.deps import Deps

logger = logging.getLogger(__name__)


class _BeforeEveryListener(Middleware):
    """Hands every listener its dependencies, and takes each Slack event once.

    A Middleware subclass, which Bolt calls as it is: a plain function it calls through its
    argument building, which costs a noticeable share of an acknowledgement under a burst."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        req.context["deps"] = self._deps
        body = req.body
        is_event = body.get("type") == "event_callback" and bool(body.get("event_id"))
        if is_event and not claim_event(self._deps, body):
            logger.info("event %s already handled; Slack redelivered it", body["event_id"])
            return BoltResponse(status=200, body="")
        return next()


def register(app: App, deps: Deps) -> None:
    app.use(_BeforeEveryListener(deps))


def claim_event(deps: Deps, body: dict[str, Any]) -> bool:
    """True the first time an event_id is seen, on any replica sharing the database."""
    event_type = str(body.get("event", {}).get("type", ""))[:64]
    with deps.uow() as uow:
        claimed = uow.events.claim(str(body["event_id"])[:64], event_type, deps.now())
        uow.commit()
        return claimed
