"""Tests for the Slack Web API stand-in, driven through the real slack_sdk WebClient."""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from bot.demo.block_kit import check_blocks, check_view
from bot.demo.standin import SlackStandin

CHANNEL = "C0COACHES"
TEACHER = "U0TEACHER"


@pytest.fixture
def standin() -> Iterator[SlackStandin]:
    with SlackStandin(bot_token="xoxb-test") as running:
        running.add_channel(CHANNEL, name="coaches", is_member=True)
        running.add_user(TEACHER, name="tina", real_name="Tina Teacher", email="tina@school.test")
        yield running


@pytest.fixture
def client(standin: SlackStandin) -> WebClient:
    return WebClient(token="xoxb-test", base_url=standin.url)


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(text: str, action_id: str) -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id}


def modal(title: str, blocks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": blocks if blocks is not None else [section("hello")],
    }


def slack_error(excinfo: pytest.ExceptionInfo[SlackApiError]) -> str:
    return str(excinfo.value.response["error"])


# --------------------------------------------------------------------------- messages


def test_post_message_is_recorded_and_visible(standin: SlackStandin, client: WebClient) -> None:
    blocks = [section("Your cycle starts *Monday*", block_id="intro")]
    response = client.chat_postMessage(channel=CHANNEL, text="Cycle starts Monday", blocks=blocks)

    assert response["channel"] == CHANNEL
    [call] = standin.calls_to("chat.postMessage")
    assert call.args["text"] == "Cycle starts Monday"
    assert call.args["blocks"] == blocks
    assert call.token == "xoxb-test"
    assert call.status == 200
    assert call.response["ts"] == response["ts"]
    [message] = standin.messages_in(CHANNEL)
    assert message["ts"] == response["ts"]
    assert message["text"] == "Cycle starts Monday"
    assert message["blocks"] == blocks
    assert message["user"] == standin.bot_user_id


def test_timestamps_are_unique_and_increasing(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel=CHANNEL, text=str(n))["ts"] for n in range(3)]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == 3


def test_post_to_user_id_is_a_dm_stored_under_the_user(
    standin: SlackStandin, client: WebClient
) -> None:
    response = client.chat_postMessage(channel=TEACHER, text="Hi Tina")

    assert response["channel"] == "D" + TEACHER
    assert [m["text"] for m in standin.messages_in(TEACHER)] == ["Hi Tina"]
    assert [m["text"] for m in standin.messages_in(response["channel"])] == ["Hi Tina"]


def test_forget_everything_is_a_new_stand_in_on_the_same_address(
    standin: SlackStandin, client: WebClient
) -> None:
    first = client.chat_postMessage(channel=TEACHER, text="Hi Tina")["ts"]
    standin.fail_next("chat.postMessage", "is_archived")
    standin.limit_rate("chat.postMessage", per_minute=1)
    standin.forget_everything()

    with pytest.raises(SlackApiError) as gone:
        client.users_info(user=TEACHER)
    assert gone.value.response["error"] == "user_not_found"
    with pytest.raises(SlackApiError) as no_channel:
        client.chat_postMessage(channel=CHANNEL, text="anyone?")
    assert no_channel.value.response["error"] == "channel_not_found"
    assert client.auth_test()["user_id"] == standin.bot_user_id
    standin.add_user(TEACHER, name="tina")
    # Neither the scripted failure nor the rate limit is left; timestamps start again.
    again = [client.chat_postMessage(channel=TEACHER, text=str(n))["ts"] for n in range(2)]
    assert again[0] == first
    assert [m["text"] for m in standin.messages_in(TEACHER)] == ["0", "1"]
    assert [c.method for c in standin.calls] == [
        "users.info",
        "chat.postMessage",
        "auth.test",
        "chat.postMessage",
        "chat.postMessage",
    ]


def test_form_encoded_blocks_are_decoded(standin: SlackStandin, client: WebClient) -> None:
    blocks = [section("form")]
    client.api_call(
        "chat.postMessage", params={"channel": CHANNEL, "text": "f", "blocks": json.dumps(blocks)}
    )
    assert standin.calls_to("chat.postMessage")[0].args["blocks"] == blocks
    assert standin.messages_in(CHANNEL)[0]["blocks"] == blocks


def test_channel_rules(standin: SlackStandin, client: WebClient) -> None:
    standin.add_channel("C0LOUNGE", name="lounge")
    standin.add_user("U0GONE", name="gone", deleted=True)

    with pytest.raises(SlackApiError) as unknown:
        client.chat_postMessage(channel="C0NOWHERE", text="x")
    with pytest.raises(SlackApiError) as not_joined:
        client.chat_postMessage(channel="C0LOUNGE", text="x")
    with pytest.raises(SlackApiError) as deactivated:
        client.chat_postMessage(channel="U0GONE", text="x")

    assert slack_error(unknown) == "channel_not_found"
    assert slack_error(not_joined) == "not_in_channel"
    assert slack_error(deactivated) == "channel_not_found"
    client.conversations_join(channel="C0LOUNGE")
    client.chat_postMessage(channel="C0LOUNGE", text="now a member")
    assert len(standin.messages_in("C0LOUNGE")) == 1


def test_post_message_without_text_or_blocks_is_no_text(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.api_call("chat.postMessage", json={"channel": CHANNEL})
    assert slack_error(excinfo) == "no_text"


def test_text_over_40000_chars_is_msg_too_long(client: WebClient) -> None:
    client.chat_postMessage(channel=CHANNEL, text="x" * 40_000)
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=CHANNEL, text="x" * 40_001)
    assert slack_error(excinfo) == "msg_too_long"


def test_chat_update_replaces_the_message(standin: SlackStandin, client: WebClient) -> None:
    ts = client.chat_postMessage(channel=CHANNEL, text="draft")["ts"]

    client.chat_update(channel=CHANNEL, ts=ts, text="final", blocks=[section("final")])

    [message] = standin.messages_in(CHANNEL)
    assert message["ts"] == ts
    assert message["text"] == "final"
    assert message["blocks"] == [section("final")]


def test_chat_update_unknown_ts_is_message_not_found(client: WebClient) -> None:
    client.chat_postMessage(channel=CHANNEL, text="draft")
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_update(channel=CHANNEL, ts="1.000000", text="final")
    assert slack_error(excinfo) == "message_not_found"


def test_chat_delete_removes_the_message(standin: SlackStandin, client: WebClient) -> None:
    keep = client.chat_postMessage(channel=CHANNEL, text="keep")["ts"]
    drop = client.chat_postMessage(channel=CHANNEL, text="drop")["ts"]

    client.chat_delete(channel=CHANNEL, ts=drop)

    assert [m["ts"] for m in standin.messages_in(CHANNEL)] == [keep]


def test_post_ephemeral_returns_message_ts(client: WebClient) -> None:
    response = client.chat_postEphemeral(channel=CHANNEL, user=TEACHER, text="only you")
    assert response["message_ts"]


# --------------------------------------------------------------------------- scripted failures


def test_fail_next_surfaces_as_slack_api_error_once(
    standin: SlackStandin, client: WebClient
) -> None:
    standin.fail_next("chat.postMessage", "is_archived")

    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=CHANNEL, text="x")

    assert slack_error(excinfo) == "is_archived"
    client.chat_postMessage(channel=CHANNEL, text="second try")
    assert [c.status for c in standin.calls_to("chat.postMessage")] == [200, 200]
    assert [m["text"] for m in standin.messages_in(CHANNEL)] == ["second try"]


def test_rate_limit_answers_429_with_retry_after(standin: SlackStandin, client: WebClient) -> None:
    standin.rate_limit_next("chat.postMessage", retry_after=7)

    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=CHANNEL, text="x")

    assert excinfo.value.response.status_code == 429
    assert excinfo.value.response.headers["Retry-After"] == "7"
    assert slack_error(excinfo) == "ratelimited"


def test_rate_limit_retry_handler_succeeds_on_retry(standin: SlackStandin) -> None:
    client = WebClient(
        token="xoxb-test",
        base_url=standin.url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    standin.rate_limit_next("chat.postMessage", retry_after=0)

    assert client.chat_postMessage(channel=CHANNEL, text="x")["ok"] is True

    assert [c.status for c in standin.calls_to("chat.postMessage")] == [429, 200]
    assert len(standin.messages_in(CHANNEL)) == 1


def test_server_error_retry_handler_succeeds_on_retry(standin: SlackStandin) -> None:
    client = WebClient(
        token="xoxb-test",
        base_url=standin.url,
        retry_handlers=[
            ServerErrorRetryHandler(
                max_retry_count=1,
                interval_calculator=FixedValueRetryIntervalCalculator(fixed_internal=0.0),
            )
        ],
    )
    standin.server_error_next("chat.postMessage", status=503)

    assert client.chat_postMessage(channel=CHANNEL, text="x")["ok"] is True

    assert [c.status for c in standin.calls_to("chat.postMessage")] == [503, 200]


def test_server_error_without_retry_surfaces(standin: SlackStandin, client: WebClient) -> None:
    standin.server_error_next("users.info", status=500)
    with pytest.raises(SlackApiError) as excinfo:
        client.users_info(user=TEACHER)
    assert excinfo.value.response.status_code == 500


def test_a_slow_answer_after_accepting_leaves_the_message_posted(standin: SlackStandin) -> None:
    impatient = WebClient(token="xoxb-test", base_url=standin.url, timeout=0.1, retry_handlers=[])
    standin.delay_next("chat.postMessage", 5.0)

    with pytest.raises(TimeoutError):
        impatient.chat_postMessage(channel=CHANNEL, text="did it go?")

    [call] = standin.calls_to("chat.postMessage")
    assert (call.status, call.delay) == (200, 5.0)
    assert [m["text"] for m in standin.messages_in(CHANNEL)] == ["did it go?"]


def test_a_500_after_accepting_posted_the_message_anyway(
    standin: SlackStandin, client: WebClient
) -> None:
    quiet = WebClient(token="xoxb-test", base_url=standin.url, retry_handlers=[])
    standin.server_error_next("chat.postMessage", status=500, after_accepting=True)
    with pytest.raises(SlackApiError) as excinfo:
        quiet.chat_postMessage(channel=CHANNEL, text="posted, then 500")
    assert excinfo.value.response.status_code == 500
    assert [m["text"] for m in standin.messages_in(CHANNEL)] == ["posted, then 500"]


def test_an_outage_answers_503_to_everything_until_it_ends(standin: SlackStandin) -> None:
    quiet = WebClient(token="xoxb-test", base_url=standin.url, retry_handlers=[])
    standin.outage(503)
    for call in (lambda: quiet.chat_postMessage(channel=CHANNEL, text="x"), quiet.auth_test):
        with pytest.raises(SlackApiError) as excinfo:
            call()
        assert excinfo.value.response.status_code == 503
    standin.outage(None)
    assert quiet.chat_postMessage(channel=CHANNEL, text="back")["ok"] is True
    assert [m["text"] for m in standin.messages_in(CHANNEL)] == ["back"]


def test_refused_connections_then_the_same_address_answers_again(standin: SlackStandin) -> None:
    from urllib.error import URLError

    quiet = WebClient(token="xoxb-test", base_url=standin.url, retry_handlers=[])
    standin.refuse_connections()
    with pytest.raises(URLError):
        quiet.auth_test()
    standin.accept_connections()
    assert quiet.auth_test()["ok"] is True
    assert [c.method for c in standin.calls] == ["auth.test"]


def test_a_storm_answers_its_shares_at_random_and_its_clock_says_when(
    standin: SlackStandin,
) -> None:
    quiet = WebClient(token="xoxb-test", base_url=standin.url, retry_handlers=[])
    moments = iter(range(1000, 2000))
    standin.set_clock(lambda: float(next(moments)))
    standin.storm("chat.postMessage", rate_limited=0.3, server_errors=0.1, retry_after=2, seed=7)
    for n in range(200):
        with contextlib.suppress(SlackApiError):
            quiet.chat_postMessage(channel=CHANNEL, text=f"m{n}")
    calls = standin.calls_to("chat.postMessage")
    statuses = [c.status for c in calls]
    assert 40 <= statuses.count(429) <= 80 and 8 <= statuses.count(500) <= 35
    assert all(c.response["error"] == "ratelimited" for c in calls if c.status == 429)
    assert [c.received_at for c in calls] == [float(n) for n in range(1000, 1200)]
    posted = len(standin.messages_in(CHANNEL))
    assert statuses.count(200) < posted < statuses.count(200) + statuses.count(500)
    standin.storm("chat.postMessage")
    quiet.chat_postMessage(channel=CHANNEL, text="calm")
    assert standin.calls_to("chat.postMessage")[-1].status == 200


# --------------------------------------------------------------------------- Block Kit limits


def test_fifty_blocks_pass_but_fifty_one_are_invalid_blocks(
    standin: SlackStandin, client: WebClient
) -> None:
    client.chat_postMessage(channel=CHANNEL, text="ok", blocks=[section("b")] * 50)

    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=CHANNEL, text="too many", blocks=[section("b")] * 51)

    assert slack_error(excinfo) == "invalid_blocks"
    messages = excinfo.value.response["response_metadata"]["messages"]
    assert any("[json-pointer:/blocks]" in m for m in messages)
    assert len(standin.messages_in(CHANNEL)) == 1


def test_home_view_over_100_blocks_is_rejected(standin: SlackStandin, client: WebClient) -> None:
    client.views_publish(user_id=TEACHER, view={"type": "home", "blocks": [section("h")] * 100})

    with pytest.raises(SlackApiError) as excinfo:
        client.views_publish(user_id=TEACHER, view={"type": "home", "blocks": [section("h")] * 101})

    assert slack_error(excinfo) == "invalid_arguments"
    assert any("/view/blocks" in m for m in excinfo.value.response["response_metadata"]["messages"])
    home = standin.home_of(TEACHER)
    assert home is not None
    assert len(home["blocks"]) == 100


def test_modal_title_over_24_chars_is_rejected(client: WebClient) -> None:
    opened = client.views_open(trigger_id="t.1", view=modal("x" * 24))
    assert opened["view"]["id"].startswith("V")

    with pytest.raises(SlackApiError) as excinfo:
        client.views_open(trigger_id="t.2", view=modal("x" * 25))

    assert slack_error(excinfo) == "invalid_arguments"
    messages = excinfo.value.response["response_metadata"]["messages"]
    assert any("/view/title/text" in m for m in messages)


def test_button_text_over_75_chars_is_rejected(client: WebClient) -> None:
    ok = [{"type": "actions", "elements": [button("b" * 75, "go")]}]
    too_long = [{"type": "actions", "elements": [button("b" * 76, "go")]}]
    client.chat_postMessage(channel=CHANNEL, text="ok", blocks=ok)

    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=CHANNEL, text="long", blocks=too_long)

    assert slack_error(excinfo) == "invalid_blocks"
    assert excinfo.value.response["response_metadata"]["messages"] == [
        "[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]"
    ]


def test_duplicate_block_ids_are_rejected(client: WebClient) -> None:
    blocks = [section("one", block_id="same"), section("two", block_id="same")]
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=CHANNEL, text="dupes", blocks=blocks)
    assert slack_error(excinfo) == "invalid_blocks"
    assert "/blocks/1/block_id" in excinfo.value.response["response_metadata"]["messages"][0]


@pytest.mark.parametrize(
    ("blocks", "pointer"),
    [
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "/0/text/text"),
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "h"}}], "/0/text/type"),
        ([section("")], "/0/text/text"),
        ([section("s" * 3001)], "/0/text/text"),
        ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}], "/0/fields"),
        ([{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}], "/0/elements"),
        (
            [{"type": "actions", "elements": [button("b", f"a{n}") for n in range(26)]}],
            "/0/elements",
        ),
        (
            [{"type": "actions", "elements": [button("b", "a"), button("c", "a")]}],
            "/0/elements/1/action_id",
        ),
        ([{"type": "carousel"}], "/0/type"),
        (
            [
                {
                    "type": "input",
                    "label": {"type": "plain_text", "text": "Notes"},
                    "element": {"type": "plain_text_input", "max_length": 3001},
                }
            ],
            "/0/element/max_length",
        ),
        (
            [
                {
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": "pick"},
                    "accessory": {
                        "type": "static_select",
                        "options": [
                            {"text": {"type": "plain_text", "text": "o"}, "value": str(n)}
                            for n in range(101)
                        ],
                    },
                }
            ],
            "/0/accessory/options",
        ),
    ],
)
def test_check_blocks_flags_limit_violations(blocks: list[dict[str, Any]], pointer: str) -> None:
    errors = check_blocks(blocks, surface="message")
    assert any(f"[json-pointer:/blocks{pointer}]" in e for e in errors), errors


def test_check_blocks_accepts_a_realistic_message() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Coaching cycle"}},
        section("Goal: *student discourse*", block_id="goal"),
        {"type": "divider"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Week 2 of 6"}]},
        {"type": "actions", "block_id": "row1", "elements": [button("Open", "open_cycle")]},
        {"type": "actions", "block_id": "row2", "elements": [button("Open", "open_cycle")]},
    ]
    assert check_blocks(blocks, surface="message") == []


def test_check_view_requires_submit_with_input_blocks() -> None:
    view = modal(
        "Log a visit",
        [
            {
                "type": "input",
                "label": {"type": "plain_text", "text": "Notes"},
                "element": {"type": "plain_text_input", "action_id": "notes"},
            }
        ],
    )
    assert any("submit" in e for e in check_view(view))
    view["submit"] = {"type": "plain_text", "text": "Save"}
    assert check_view(view) == []


# --------------------------------------------------------------------------- auth and directory


def test_missing_token_is_not_authed(standin: SlackStandin) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        WebClient(base_url=standin.url).auth_test()
    assert slack_error(excinfo) == "not_authed"
    assert standin.calls_to("auth.test")[0].token is None


def test_wrong_token_is_invalid_auth(standin: SlackStandin) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        WebClient(token="xoxb-other", base_url=standin.url).auth_test()
    assert slack_error(excinfo) == "invalid_auth"


def test_auth_test_identifies_the_bot(standin: SlackStandin, client: WebClient) -> None:
    response = client.auth_test()
    assert response["user_id"] == standin.bot_user_id
    assert response["team_id"] == standin.team_id


def test_unknown_method(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.api_call("reactions.add", json={"name": "tada"})
    assert slack_error(excinfo) == "unknown_method"


def test_users_info_and_lookup_by_email(client: WebClient) -> None:
    user = client.users_info(user=TEACHER)["user"]
    assert user["real_name"] == "Tina Teacher"
    assert user["tz"] == "America/New_York"
    assert user["tz_offset"] in (-5 * 3600, -4 * 3600)
    assert user["profile"]["email"] == "tina@school.test"
    assert client.users_lookupByEmail(email="TINA@school.test")["user"]["id"] == TEACHER

    with pytest.raises(SlackApiError) as unknown:
        client.users_info(user="U0NOBODY")
    with pytest.raises(SlackApiError) as no_email:
        client.users_lookupByEmail(email="nobody@school.test")
    assert slack_error(unknown) == "user_not_found"
    assert slack_error(no_email) == "users_not_found"


def test_conversations_open_and_join(standin: SlackStandin, client: WebClient) -> None:
    standin.add_channel("C0SECRET", name="secret", is_private=True)

    assert client.conversations_open(users=TEACHER)["channel"]["id"] == "D" + TEACHER
    with pytest.raises(SlackApiError) as excinfo:
        client.conversations_join(channel="C0SECRET")
    assert slack_error(excinfo) == "method_not_supported_for_channel_type"


def test_views_update_by_external_id(client: WebClient) -> None:
    view = modal("Plan")
    view["external_id"] = "plan-1"
    opened = client.views_open(trigger_id="t.1", view=view)["view"]

    updated = client.views_update(external_id="plan-1", view=modal("Plan (saved)"))["view"]

    assert updated["id"] == opened["id"]
    assert updated["title"]["text"] == "Plan (saved)"
    with pytest.raises(SlackApiError) as excinfo:
        client.views_update(view_id="V_NOPE", view=modal("x"))
    assert slack_error(excinfo) == "not_found"


def test_reset_forgets_calls_and_messages_but_keeps_users(
    standin: SlackStandin, client: WebClient
) -> None:
    standin.fail_next("auth.test", "fatal_error")
    client.chat_postMessage(channel=CHANNEL, text="x")

    standin.reset()

    assert standin.calls == []
    assert standin.messages_in(CHANNEL) == []
    assert client.auth_test()["ok"] is True
    assert client.users_info(user=TEACHER)["user"]["id"] == TEACHER


# --------------------------------------------------------------------------- waiting


def test_wait_for_returns_when_a_call_arrives_from_another_thread(
    standin: SlackStandin, client: WebClient
) -> None:
    go = threading.Event()

    def post_later() -> None:
        go.wait(5)
        client.chat_postMessage(channel=CHANNEL, text="from a thread")

    worker = threading.Thread(target=post_later)
    worker.start()
    started = time.monotonic()
    try:
        go.set()
        [call] = standin.wait_for("chat.postMessage", timeout=10.0)
    finally:
        worker.join()
    # Woken by the arriving call, not by running out the clock.
    assert time.monotonic() - started < 5.0
    assert call.args["text"] == "from a thread"


def test_wait_for_times_out_naming_what_was_called(
    standin: SlackStandin, client: WebClient
) -> None:
    client.auth_test()
    with pytest.raises(AssertionError) as excinfo:
        standin.wait_for("views.open", timeout=0.2)
    assert "views.open" in str(excinfo.value)
    assert "auth.test" in str(excinfo.value)


def test_stop_is_idempotent() -> None:
    standin = SlackStandin().start()
    url = standin.url
    standin.stop()
    standin.stop()
    assert url.startswith("http://127.0.0.1:")
    assert url.endswith("/api/")
    with pytest.raises(RuntimeError):
        _ = standin.url


# --------------------------------------------------------------------------- raw HTTP


def test_keep_alive_connection_serves_several_requests(standin: SlackStandin) -> None:
    address = urlsplit(standin.url)
    assert address.hostname is not None
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=5)
    headers = {"Authorization": "Bearer xoxb-test", "Content-Type": "application/json"}
    try:
        answers = []
        for body in (b'{"channel": "C0COACHES", "text": "one"}', b"{not json"):
            connection.request("POST", "/api/chat.postMessage", body=body, headers=headers)
            answers.append(json.loads(connection.getresponse().read()))
    finally:
        connection.close()

    assert answers[0]["ok"] is True
    assert answers[1] == {"ok": False, "error": "invalid_json"}
    assert [m["text"] for m in standin.messages_in(CHANNEL)] == ["one"]
