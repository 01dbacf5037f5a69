"""The Home tab: published whenever a person opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.ids import Event
from bot.views.home import build_home_view


def register(app: App) -> None:
    app.event(Event.APP_HOME_OPENED)(handle_home_opened)


def handle_home_opened(event: dict[str, Any], client: WebClient) -> None:
    if event.get("tab", "home") != "home":
        return
    user_id = event["user"]
    client.views_publish(user_id=user_id, view=build_home_view(user_id))
