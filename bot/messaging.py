"""Direct messages and in-place updates, for the listeners and jobs that tell people things."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.outbox import PERMANENT, Sender, SendFailed
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


class Pacer:
    """Spaces calls so a workspace stays under Slack's posting limit instead of hitting 429s."""

    def __init__(
        self,
        per_minute: float | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self._clock, self._sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = self._clock()
            at = max(now, self._next)
            self._next = at + self.interval
        if at > now:
            self._sleep(at - now)


OUTBOX_EVENT = "coachbot_outbox"


class SlackSender(Sender):
    """Posts outbox rows with their key in the message metadata, so a message sent just before
    a crash can be found again instead of being sent twice.

    The client must have no rate-limit retry handler: the outbox itself records Slack's
    Retry-After and comes back then, without holding a thread asleep.
    """

    def __init__(self, client: WebClient, pacer: Pacer | None = None) -> None:
        self.client = client
        self.pacer = pacer or Pacer(None)
        self._dm_channels: dict[str, str] = {}

    def post(self, channel: str, text: str, blocks: list[Any] | None, key: str) -> tuple[str, str]:
        self.pacer.wait()
        arguments: dict[str, Any] = {
            "channel": channel,
            "text": text,
            "metadata": {"event_type": OUTBOX_EVENT, "event_payload": {"key": key}},
        }
        if blocks is not None:
            arguments["blocks"] = blocks
        response = self._call(self.client.chat_postMessage, **arguments)
        return str(response["channel"]), str(response["ts"])

    def find(self, channel: str, key: str) -> tuple[str, str] | None:
        conversation = self._dm_channels.get(channel, channel)
        if channel.startswith(("U", "W")) and channel not in self._dm_channels:
            opened = self._call(self.client.conversations_open, users=channel)
            conversation = self._dm_channels[channel] = str(opened["channel"]["id"])
        history = self._call(
            self.client.conversations_history,
            channel=conversation,
            limit=50,
            include_all_metadata=True,
        )
        for message in history.get("messages", []):
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("key") == key:
                return conversation, str(message["ts"])
        return None

    @staticmethod
    def _call(method: Callable[..., Any], **arguments: Any) -> Any:
        try:
            return method(**arguments)
        except SlackApiError as exc:
            response = exc.response
            status = int(getattr(response, "status_code", 200))
            error = str(response.get("error") or f"http_{status}")
            if status == 429:
                retry_after = float(
                    response.headers.get("Retry-After", response.headers.get("retry-after", 1))
                )
                raise SendFailed("ratelimited", retry_after=retry_after, transient=True) from None
            transient = status >= 500 or error not in PERMANENT
            raise SendFailed(error, transient=transient) from None
        except (OSError, TimeoutError) as exc:  # connection refused, reset, timed out
            raise SendFailed(type(exc).__name__, transient=True) from None
