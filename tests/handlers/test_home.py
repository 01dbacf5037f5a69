"""The Home tab welcomes a person and explains coaching in two sentences."""

from __future__ import annotations

from typing import Any

from bot.slack_standin import check_blocks
from tests import factories
from tests.conftest import BOT_TOKEN, Running


def _all_text(view: dict[str, Any]) -> str:
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                parts.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(view)
    return "\n".join(parts)


def test_opening_home_publishes_the_welcome(running: Running) -> None:
    reply = running.sender.post(factories.event_callback(factories.app_home_opened("U0TEACHER1")))
    assert reply.status == 200

    [call] = running.slack.wait_for("views.publish")
    assert call.token == BOT_TOKEN
    assert call.args["user_id"] == "U0TEACHER1"
    view = call.args["view"]
    assert view["type"] == "home"
    words = _all_text(view)
    assert "Welcome to coachbot" in words
    assert "support, never evaluation" in words
    assert "stays between the two of you" in words
    assert "/invite-coach" in words
    assert "<@U0TEACHER1>" in words
    assert check_blocks(view["blocks"], surface="home") == []


def test_opening_the_messages_tab_publishes_nothing(running: Running) -> None:
    reply = running.sender.post(factories.event_callback(factories.app_home_opened(tab="messages")))
    assert reply.status == 200
    running.settle()
    assert running.slack.calls_to("views.publish") == []
