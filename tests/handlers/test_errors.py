"""A listener that fails is logged with its exception and the person sees a kind message."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.views.common import SORRY_TEXT
from handlers.errors import handle_error


def test_failure_is_logged_and_the_person_gets_a_kind_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    said: list[dict[str, Any]] = []
    body = {"command": "/invite-coach", "response_url": "https://hooks.slack.invalid/x"}
    with caplog.at_level(logging.ERROR):
        handle_error(ValueError("database said no"), body, respond=lambda **kw: said.append(kw))
    assert said == [{"text": SORRY_TEXT, "response_type": "ephemeral", "replace_original": False}]
    assert "Traceback" not in SORRY_TEXT and "database said no" not in SORRY_TEXT
    [record] = caplog.records
    assert record.exc_info is not None and record.exc_info[0] is ValueError


def test_failure_without_a_response_url_is_only_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        handle_error(KeyError("user"), {"type": "event_callback"}, respond=None)
    assert "event_callback" in caplog.text
