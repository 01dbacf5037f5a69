"""What each way Slack can fail tells delivery: wait as told, back off, look before re-sending,
or give up for good."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient

from bot.demo.standin import SlackStandin
from bot.rules.outbox import SendFailed
from bot.slack.messaging import SlackSender, send_dm
from storage.models import Person
from tests.conftest import BOT_TOKEN


def _sender(slack: SlackStandin, timeout: float = 10) -> SlackSender:
    return SlackSender(
        WebClient(token=BOT_TOKEN, base_url=slack.url, timeout=timeout, retry_handlers=[])
    )


def _failure(sender: SlackSender) -> SendFailed:
    with pytest.raises(SendFailed) as failed:
        sender.post("U0COACH", "hello", None, "key:1")
    return failed.value


def test_a_429_says_how_long_to_wait_and_that_nothing_was_posted(slack: SlackStandin) -> None:
    slack.rate_limit_next("chat.postMessage", retry_after=12)
    failure = _failure(_sender(slack))
    assert (failure.retry_after, failure.transient, failure.unknown) == (12.0, True, False)


def test_a_refused_connection_posted_nothing(slack: SlackStandin) -> None:
    sender = _sender(slack)
    slack.refuse_connections()
    failure = _failure(sender)
    assert (failure.transient, failure.unknown) == (True, False)


@pytest.mark.parametrize("status", [500, 503])
def test_a_5xx_may_have_posted(slack: SlackStandin, status: int) -> None:
    slack.server_error_next("chat.postMessage", status)
    failure = _failure(_sender(slack))
    assert (failure.transient, failure.unknown) == (True, True)


def test_a_timeout_may_have_posted(slack: SlackStandin) -> None:
    slack.delay_next("chat.postMessage", 2.0)
    failure = _failure(_sender(slack, timeout=0.1))
    assert (failure.error, failure.transient, failure.unknown) == ("TimeoutError", True, True)
    assert len(slack.messages_in("U0COACH")) == 1


def test_a_deactivated_account_is_permanent(slack: SlackStandin) -> None:
    slack.add_user("U0COACH", name="Gone", deleted=True)
    failure = _failure(_sender(slack))
    assert (failure.error, failure.transient) == ("channel_not_found", False)


def test_a_posted_message_is_found_by_its_key(slack: SlackStandin) -> None:
    sender = _sender(slack)
    where = sender.post("U0COACH", "hello", None, "key:1")
    assert sender.find("U0COACH", "key:1") == where
    assert sender.find("U0COACH", "key:2") is None


def test_send_dm_survives_an_unreachable_slack(slack: SlackStandin) -> None:
    client = WebClient(token=BOT_TOKEN, base_url=slack.url, retry_handlers=[])
    slack.refuse_connections()
    person = Person(team_id="T0COACH", user_id="U0COACH", active=True)
    assert send_dm(client, person, {"text": "hello"}) is None
