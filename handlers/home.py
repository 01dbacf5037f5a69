"""The Home tab: published whenever a person opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.ids import Event
from bot.people import ensure_person
from bot.slack_directory import SlackDirectory
from bot.views.home import build_home_view


def register(app: App) -> None:
    app.event(Event.APP_HOME_OPENED)(handle_home_opened)


def handle_home_opened(
    event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    if event.get("tab", "home") != "home":
        return
    deps: Deps = context["deps"]
    user_id = event["user"]
    with deps.uow() as uow:
        # Everyone who opens coachbot becomes a person with a name and a time zone.
        ensure_person(uow, SlackDirectory(client), body["team_id"], user_id, deps.now())
    client.views_publish(user_id=user_id, view=build_home_view(user_id))
