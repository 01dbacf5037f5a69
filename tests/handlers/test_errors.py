"""A listener that fails is logged by name and place, and the person sees a kind message, but
only through a response_url that is Slack's own."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.app.request_gate import is_slack_response_url
from bot.views.common import SORRY_TEXT
from handlers.errors import handle_error

SLACK_HOOK = "https://hooks.slack.com/commands/T0COACH/1234/abcd"


def _fail(message: str) -> ValueError:
    try:
        raise ValueError(message)
    except ValueError as error:
        return error


def test_failure_is_logged_by_name_and_the_person_gets_a_kind_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    said: list[dict[str, Any]] = []
    body = {"command": "/invite-coach", "response_url": SLACK_HOOK}
    with caplog.at_level(logging.ERROR):
        handle_error(_fail("what she typed"), body, respond=lambda **kw: said.append(kw))
    assert said == [{"text": SORRY_TEXT, "response_type": "ephemeral", "replace_original": False}]
    [record] = caplog.records
    line = record.getMessage()
    assert "/invite-coach" in line and "ValueError" in line
    assert "tests/handlers/test_errors.py" in line and "in _fail" in line
    # The exception's message can quote what a person typed: it is never logged.
    assert "what she typed" not in line and record.exc_info is None


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "https://hooks.slack.com.attacker.example/x",
        "http://hooks.slack.com/commands/x",
        "https://user@hooks.slack.com/x",
        "https://hooks.slack.com:8443/x",
        "https://169.254.169.254/latest/meta-data",
    ],
)
def test_a_response_url_that_is_not_slacks_is_never_called(
    caplog: pytest.LogCaptureFixture, url: str
) -> None:
    said: list[dict[str, Any]] = []
    body = {"type": "block_actions", "response_url": url}
    with caplog.at_level(logging.INFO):
        handle_error(
            _fail("boom"),
            body,
            respond=lambda **kw: said.append(kw),
            client=WebClient(base_url="https://slack.com/api/"),
        )
    assert said == []
    assert "not Slack's" in caplog.text and url not in caplog.text


@pytest.mark.parametrize(
    ("url", "api", "slacks"),
    [
        (SLACK_HOOK, "https://slack.com/api/", True),
        ("https://hooks.slack-gov.com/actions/T1/2/x", "https://slack-gov.com/api/", True),
        ("http://127.0.0.1:5555/commands/x", "http://127.0.0.1:5555/api/", True),
        ("http://127.0.0.1:5556/commands/x", "http://127.0.0.1:5555/api/", False),
        ("https://hooks.slack-gov.com/actions/x", "https://slack.com/api/", False),
        ("https://hooks.slack.com:notaport/x", "https://slack.com/api/", False),
        ("file:///etc/passwd", "https://slack.com/api/", False),
        (None, "https://slack.com/api/", False),
    ],
)
def test_slacks_own_response_urls(url: object, api: str, slacks: bool) -> None:
    assert is_slack_response_url(url, api) is slacks


def test_failure_without_a_response_url_is_only_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        handle_error(KeyError("user"), {"type": "event_callback"}, respond=None)
    assert "event_callback" in caplog.text and "KeyError" in caplog.text
