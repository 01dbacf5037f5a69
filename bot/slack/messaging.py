"""Direct messages and in-place updates, for the listeners and jobs that tell people things."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from http.client import HTTPException
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.rules.outbox import PERMANENT, UNKNOWN_ERRORS, Sender, SendFailed
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
    except (OSError, HTTPException) as exc:  # Slack unreachable, or the answer never came
        logger.warning("could not message %s: %s", person.user_id, type(exc).__name__)
        return None
    return str(response["channel"]), str(response["ts"])


def update_message(
    client: WebClient, channel: str | None, ts: str | None, message: dict[str, Any]
) -> None:
    """Rewrite a message coachbot stored that it posted; never pass a place from a payload."""
    if not channel or not ts:
        return
    try:
        client.chat_update(channel=channel, ts=ts, **message)
    except SlackApiError as exc:
        logger.warning("could not update a message: %s", exc.response.get("error"))


# --------------------------------------------------------------------------- where a click was

# (channel id, message ts) of a message in Slack.
Location = tuple[str, str]


def location(channel: str | None, ts: str | None) -> Location | None:
    """A stored (channel, ts), or None when coachbot has not recorded one."""
    return (channel, ts) if channel and ts else None


def clicked_message(body: dict[str, Any]) -> Location | None:
    """The message Slack says a button was clicked in.

    It is a claim in the payload, not a place to write to: messages are updated where coachbot
    stored that it posted them, and this is only compared with those places.
    """
    container = body.get("container") or {}
    channel, ts = container.get("channel_id"), container.get("message_ts")
    if container.get("type") != "message" or not isinstance(channel, str) or not channel:
        return None
    if not isinstance(ts, str) or not ts:
        return None
    return channel, ts


def clicked_channel(body: dict[str, Any]) -> str | None:
    """The conversation Slack says a click or a slash command came from, if any."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    channel = channel or body.get("channel_id")  # a slash command
    return channel if isinstance(channel, str) and channel else None


def known_click(
    body: dict[str, Any], known: Iterable[Location | None], *, about: str
) -> Location | None:
    """The clicked message when it is one coachbot stored that it posted (`known`), else None.

    A click from anywhere else leaves that message alone and one log line with ids.
    """
    clicked = clicked_message(body)
    if clicked is None:
        return None
    if clicked in {place for place in known if place is not None}:
        return clicked
    user = str((body.get("user") or {}).get("id", ""))
    logger.info(
        "%s: %s clicked in %s/%s, not a message coachbot posted about it; left alone",
        about,
        user,
        clicked[0],
        clicked[1],
    )
    return None


def own_dm(client: WebClient, user_id: str) -> str | None:
    """The id of the person's direct-message conversation with coachbot."""
    try:
        opened = client.conversations_open(users=user_id)
    except SlackApiError as exc:
        logger.info("no DM with %s: %s", user_id, exc.response.get("error"))
        return None
    channel = (opened.get("channel") or {}).get("id")
    return str(channel) if channel else None


def answer_privately(
    client: WebClient, user_id: str, message: dict[str, Any], *, clicked: str | None
) -> None:
    """An answer for the person who clicked: ephemeral where they clicked when that is their
    own DM with coachbot (where every coachbot button lives), otherwise a direct message.

    The channel in a payload is never trusted by itself: an ephemeral message shows only to
    its reader, but coachbot still does not speak in a channel on a payload's say-so.
    """
    try:
        if clicked and clicked == own_dm(client, user_id):
            client.chat_postEphemeral(channel=clicked, user=user_id, **message)
        else:
            client.chat_postMessage(channel=user_id, **message)
    except SlackApiError as exc:
        logger.warning("could not answer %s: %s", user_id, exc.response.get("error"))


# --------------------------------------------------------------------------- modals

# Slack's views.update finds a view by its id or external_id and only checks that this app
# opened it, not for whom: an id taken from a payload could name another person's modal. So a
# modal that coachbot may update later carries an external_id naming its person, and is only
# ever updated through that. (views.open and views.push need a trigger_id, which Slack issues
# for one person's click and honours once, within three seconds: Slack binds those itself.)
_VIEW_KEY_SEPARATOR = ":"


def for_person(view: dict[str, Any], user_id: str, kind: str) -> dict[str, Any]:
    """The view with an external_id saying whom coachbot opened it for (unique per team)."""
    key = _VIEW_KEY_SEPARATOR.join((kind, user_id, secrets.token_hex(8)))
    return {**view, "external_id": key}


def update_own_view(
    client: WebClient,
    body: dict[str, Any],
    view: dict[str, Any],
    kind: str,
    *,
    check_hash: bool = False,
) -> bool:
    """Replace the modal a click came from, only when coachbot opened it for the person who
    clicked; False (and nothing changed) otherwise. `check_hash` refuses a modal that changed
    since the click."""
    user_id = str((body.get("user") or {}).get("id", ""))
    clicked = body.get("view") or {}
    key = str(clicked.get("external_id") or "")
    parts = key.split(_VIEW_KEY_SEPARATOR)
    if len(parts) != 3 or parts[0] != kind or parts[1] != user_id or not user_id:
        logger.info(
            "%s view %s not updated: %s did not open it through coachbot",
            kind,
            str(clicked.get("id", ""))[:32],
            user_id,
        )
        return False
    arguments: dict[str, Any] = {"external_id": key, "view": {**view, "external_id": key}}
    if check_hash and clicked.get("hash"):
        arguments["hash"] = str(clicked["hash"])
    try:
        client.views_update(**arguments)
    except SlackApiError as exc:
        logger.info("%s view not updated: %s", kind, exc.response.get("error"))
        return False
    return True


class Pacer:
    """Spaces one process's calls so it stays under Slack's posting limit instead of hitting
    429s. Replicas share the outbox's budget in the database instead (bot.rules.outbox.Budget):
    this one serves a single process, such as a benchmark."""

    def __init__(
        self,
        per_minute: float | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_minute = per_minute or None
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
        """Call Slack; any failure becomes SendFailed, saying whether Slack may have done the
        work anyway (`unknown`), so that delivery looks before it posts again."""
        try:
            return method(**arguments)
        except SlackApiError as exc:
            response = exc.response
            status = int(getattr(response, "status_code", 200))
            error = str(response.get("error") or f"http_{status}")
            if status == 429:
                retry_after = _retry_after(response.headers)
                raise SendFailed("ratelimited", retry_after=retry_after, transient=True) from None
            if status >= 500 or error in UNKNOWN_ERRORS:
                raise SendFailed(error, transient=True, unknown=True) from None
            raise SendFailed(error, transient=error not in PERMANENT) from None
        except URLError as exc:
            # Raised while connecting or sending the request (refused, no route, no name):
            # Slack never had the whole request.
            reason = getattr(exc, "reason", exc)
            raise SendFailed(type(reason).__name__, transient=True) from None
        except (OSError, HTTPException, SlackClientError) as exc:
            # A timeout or a dropped connection while waiting for the answer: Slack may have
            # posted the message.
            raise SendFailed(type(exc).__name__, transient=True, unknown=True) from None


def _retry_after(headers: Any) -> float:
    """Slack's Retry-After in seconds (1 if it is missing or unreadable)."""
    value = headers.get("Retry-After", headers.get("retry-after", 1)) if headers else 1
    try:
        return max(float(value), 0.0)
    except (TypeError, ValueError):
        return 1.0
