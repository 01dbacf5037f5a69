"""Direct messages and in-place updates, for the listeners and jobs that tell people things."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from storage.models import Person

logger = logging.getLogger(__name__)


def send_dm(client: WebClient, person: Person, message: dict[str, Any]) -> tuple[str, str] | None:
    """Send a direct message; (channel, ts) to update it later, None if it could not be sent."""
    if not person.active:
        logger.info("not messaging %s: their Slack account is deactivated", person.user_id)
        return None
    try:
        response = client.chat_postMessage(channel=person.user_id, **message)
    except SlackApiError as exc:
        logger.warning("could not message %s: %s", person.user_id, exc.response.get("error"))
        return None
    return str(response["channel"]), str(response["ts"])


def update_message(
    client: WebClient, channel: str | None, ts: str | None, message: dict[str, Any]
) -> None:
    if not channel or not ts:
        return
    try:
        client.chat_update(channel=channel, ts=ts, **message)
    except SlackApiError as exc:
        logger.warning("could not update a visit message: %s", exc.response.get("error"))
