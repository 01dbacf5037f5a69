"""Signed Slack requests as Slack sends them: payloads, the v0 signature, and a poster.

Used by `coachbot demo` to drive the real endpoint, and by the tests.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

TEAM_ID = "T0COACH"
API_APP_ID = "A0COACHBOT"
_counter = itertools.count(1)


def _next(prefix: str) -> str:
    return f"{prefix}{next(_counter):08d}"


def slash_command(
    command: str, text: str = "", *, user_id: str = "U0TEACHER1", channel_id: str = "D0TEACHER1"
) -> tuple[str, str]:
    """(body, content type) of a slash command invocation."""
    fields = {
        "token": "legacy-verification-token-unused",
        "team_id": TEAM_ID,
        "team_domain": "district",
        "channel_id": channel_id,
        "channel_name": "directmessage",
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": API_APP_ID,
        "response_url": f"https://hooks.slack.invalid/commands/{_next('R')}",
        "trigger_id": _next("trigger."),
    }
    return urlencode(fields), "application/x-www-form-urlencoded"


def event_callback(event: dict[str, Any], *, event_id: str | None = None) -> tuple[str, str]:
    """(body, content type) of an Events API delivery wrapping `event`."""
    body = {
        "token": "legacy-verification-token-unused",
        "team_id": TEAM_ID,
        "api_app_id": API_APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or _next("Ev"),
        "event_time": int(time.time()),
        "authorizations": [
            {
                "team_id": TEAM_ID,
                "user_id": "U0COACHBOT",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
    }
    return json.dumps(body), "application/json"


def app_home_opened(user_id: str = "U0TEACHER1", *, tab: str = "home") -> dict[str, Any]:
    return {
        "type": "app_home_opened",
        "user": user_id,
        "channel": f"D{user_id[1:]}",
        "tab": tab,
        "event_ts": f"{time.time():.6f}",
    }


def url_verification(challenge: str = "challenge-abc") -> tuple[str, str]:
    body = {"token": "legacy", "challenge": challenge, "type": "url_verification"}
    return json.dumps(body), "application/json"


def _interactive(payload: dict[str, Any]) -> tuple[str, str]:
    return urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"


def _user(user_id: str) -> dict[str, str]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": TEAM_ID}


def block_action(
    action_id: str,
    *,
    user_id: str,
    value: str | None = None,
    selected_option: dict[str, Any] | None = None,
    selected_user: str | None = None,
    view: dict[str, Any] | None = None,
    block_id: str = "block",
    message: tuple[str, str] | None = None,
) -> tuple[str, str]:
    """A button click or a select change, in a message or (with `view`) in a modal.

    `message` is the (channel, ts) of the message whose button was clicked.
    """
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id,
        "type": "static_select" if selected_option else "button",
        "action_ts": f"{time.time():.6f}",
    }
    if value is not None:
        action["value"] = value
    if selected_option is not None:
        action["selected_option"] = selected_option
    if selected_user is not None:
        action["type"] = "users_select"
        action["selected_user"] = selected_user
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "district"},
        "user": _user(user_id),
        "api_app_id": API_APP_ID,
        "token": "legacy-verification-token-unused",
        "trigger_id": _next("trigger."),
        "actions": [action],
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id", "V0VIEW")}
        payload["view"] = {"id": "V0VIEW", "hash": "1.hash", **view}
    else:
        # By default, the person's own DM with coachbot, named as the stand-in names it.
        channel, ts = message or (f"D{user_id}", "1700000000.000001")
        payload["container"] = {"type": "message", "channel_id": channel, "message_ts": ts}
        payload["channel"] = {"id": channel}
        payload["message"] = {"ts": ts, "type": "message"}
        payload["response_url"] = f"https://hooks.slack.invalid/actions/{_next('R')}"
    return _interactive(payload)


def view_submission(
    callback_id: str,
    values: dict[str, dict[str, dict[str, Any]]],
    *,
    user_id: str,
    private_metadata: str = "",
) -> tuple[str, str]:
    """A modal's Submit, with `values` as Slack puts them in view.state.values."""
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "district"},
        "user": _user(user_id),
        "api_app_id": API_APP_ID,
        "token": "legacy-verification-token-unused",
        "trigger_id": _next("trigger."),
        "view": {
            "id": _next("V"),
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "hash": "1.hash",
            "state": {"values": values},
        },
    }
    return _interactive(payload)


def user_change(user_id: str, *, name: str, tz: str, deleted: bool = False) -> dict[str, Any]:
    return {
        "type": "user_change",
        "user": {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name.lower(),
            "deleted": deleted,
            "tz": tz,
            "real_name": name,
            "profile": {"display_name": name, "real_name": name},
        },
        "event_ts": f"{time.time():.6f}",
    }


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


def sign(secret: str, timestamp: int, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class SlackSender:
    """Posts to the running app like Slack does: signed, with Slack's headers."""

    def __init__(self, host: str, port: int, signing_secret: str, path: str = "/slack/events"):
        self.host, self.port, self.secret, self.path = host, port, signing_secret, path

    def post(
        self,
        payload: tuple[str, str],
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        retry_num: int | None = None,
        signed: bool = True,
    ) -> Reply:
        body, content_type = payload
        ts = int(time.time()) if timestamp is None else timestamp
        headers = {"Content-Type": content_type}
        if signed:
            headers["X-Slack-Request-Timestamp"] = str(ts)
            headers["X-Slack-Signature"] = signature or sign(self.secret, ts, body)
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return self.request("POST", self.path, body.encode(), headers)

    def get(self, path: str) -> Reply:
        return self.request("GET", path, None, {})

    def request(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Reply:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return Reply(response.status, response.read())
        finally:
            connection.close()
