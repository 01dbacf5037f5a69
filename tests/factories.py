"""Payload factories: the bodies Slack sends, built in one place."""

from __future__ import annotations

import itertools
import json
import time
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
