"""The Slack stand-in takes files the way files_upload_v2 sends them: a URL per file, the
bytes posted there, then one call that shares them in a DM."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.demo.standin import SlackStandin
from tests.conftest import BOT_TOKEN


def test_files_upload_v2_shares_both_files_in_the_dm(slack: SlackStandin) -> None:
    slack.add_user("U0TEACH001", name="Teacher 1")
    client = WebClient(token=BOT_TOKEN, base_url=slack.url)
    channel = client.conversations_open(users="U0TEACH001")["channel"]["id"]
    response = client.files_upload_v2(
        channel=channel,
        initial_comment="Here is your record.",
        file_uploads=[
            {"content": '{"schema": "x"}\n', "filename": "record.json", "title": "JSON"},
            {"content": "# Your record\nnaïve café\n", "filename": "record.md", "title": "Doc"},
        ],
    )
    assert response["ok"]
    files = slack.files_in("U0TEACH001")
    assert [f["name"] for f in files] == ["record.json", "record.md"]
    assert files[1]["content"] == "# Your record\nnaïve café\n"
    assert {f["initial_comment"] for f in files} == {"Here is your record."}
    [message] = slack.messages_in("U0TEACH001")
    assert [f["name"] for f in message["files"]] == ["record.json", "record.md"]


def test_a_file_never_uploaded_is_refused(slack: SlackStandin) -> None:
    client = WebClient(token=BOT_TOKEN, base_url=slack.url)
    started = client.files_getUploadURLExternal(filename="a.txt", length=3)
    with pytest.raises(SlackApiError) as refused:
        client.files_completeUploadExternal(files=[{"id": started["file_id"], "title": "a"}])
    assert refused.value.response["error"] == "file_not_found"
