"""`/invite-coach help` answers privately, within the request."""

from __future__ import annotations

from slack_sdk.models.blocks import SectionBlock

from tests import factories
from tests.conftest import Running


def test_help_answers_privately_with_what_the_command_does(running: Running) -> None:
    reply = running.sender.post(factories.slash_command("/invite-coach", "help"))
    assert reply.status == 200
    answer = reply.json()
    assert answer["response_type"] == "ephemeral"
    assert "/invite-coach @coach" in answer["text"]
    assert "support, never evaluation" in answer["text"]
    [block] = answer["blocks"]
    assert SectionBlock(**block).text is not None
    # Answered in the acknowledgement itself: nothing was posted to a channel.
    assert running.slack.calls_to("chat.postMessage") == []
