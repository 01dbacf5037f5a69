"""The one error handler: log what failed and where, show the person a kind, generic message.

The log line names the error and the places in coachbot's code, never the error's message
(it can quote what a person typed). The kind message goes only to a response_url that is
Slack's own: a body can name any address, and the server must not be made to call it.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.app.logs import describe_exception
from bot.app.request_gate import is_slack_response_url
from bot.app.settings import SLACK_API_DEFAULT
from bot.views.common import SORRY_TEXT

logger = logging.getLogger(__name__)


def register(app: App) -> None:
    app.error(handle_error)


def handle_error(
    error: Exception,
    body: dict[str, Any],
    respond: Any = None,
    client: WebClient | None = None,
) -> None:
    kind = str(body.get("type") or body.get("command") or "request")[:40]
    logger.error("listener failed on %s: %s", kind, describe_exception(error))
    if respond is None:
        return
    url = getattr(respond, "response_url", body.get("response_url"))
    if not url:
        return
    if not is_slack_response_url(url, client.base_url if client else SLACK_API_DEFAULT):
        logger.warning("did not answer the failed %s: its response_url is not Slack's", kind)
        return
    try:
        respond(text=SORRY_TEXT, response_type="ephemeral", replace_original=False)
    except (SlackApiError, OSError) as exc:
        logger.warning("could not tell the person about the failure: %s", type(exc).__name__)
