"""The one error handler: log with the exception, show the person a kind, generic message."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.views.common import SORRY_TEXT

logger = logging.getLogger(__name__)


def register(app: App) -> None:
    app.error(handle_error)


def handle_error(error: Exception, body: dict[str, Any], respond: Any = None) -> None:
    kind = body.get("type") or body.get("command") or "request"
    logger.error("listener failed on %s: %s", kind, type(error).__name__, exc_info=error)
    if respond is None or not body.get("response_url"):
        return
    try:
        respond(text=SORRY_TEXT, response_type="ephemeral", replace_original=False)
    except (SlackApiError, OSError) as exc:
        logger.warning("could not tell the person about the failure: %s", type(exc).__name__)
