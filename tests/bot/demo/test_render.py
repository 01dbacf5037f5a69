"""Tests for rendering Slack messages and views as terminal text."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot.demo.render import (
    Names,
    mrkdwn_to_text,
    render_call,
    render_message,
    render_submission,
    render_view,
)
from bot.demo.standin import Call

TEACHER = "U0TEACH01"
COACH = "U0COACH01"
PLC = "C0PLCMATH"
NAMES = Names(
    users={TEACHER: "Ms. Alvarez", COACH: "Mr. Okafor"},
    channels={PLC: "plc-math"},
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
ID = re.compile(r"\b[UCDW]0[A-Z0-9]{6,}\b")


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text), **extra}


def button(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "button", "text": plain(text), "action_id": text.lower(), **extra}


def field(label: str, value: str) -> dict[str, Any]:
    return mrkdwn(f"*{label}*\n{value}")


def invitation() -> list[dict[str, Any]]:
    return [
        section(f"<@{TEACHER}> would love you to visit Period 3 Algebra."),
        {
            "type": "section",
            "fields": [
                field("When", "Tuesday, December 1, 10:00–10:45 AM (EST)"),
                field("Class", "Period 3 Algebra"),
                field("Support", "Observation and feedback"),
                field("Focus", "Exit tickets &amp; checking for understanding"),
            ],
        },
        section("> Could you look at how I use exit tickets?"),
        {
            "type": "actions",
            "block_id": "visit_actions",
            "elements": [
                button("Accept", style="primary", value="7:1"),
                button("Suggest another time", value="7:1"),
                button("Decline", value="7:1"),
            ],
        },
    ]


def daily_list() -> list[dict[str, Any]]:
    return [
        {"type": "header", "text": plain("Your day: Tuesday, December 1")},
        section(
            "*2 visits*\n"
            f"• 9:00–9:45 AM · <@{TEACHER}> · Period 3 Algebra · Observation and feedback\n"
            f"• 1:00–1:30 PM · <@{COACH}> · Co-planning"
        ),
        {"type": "divider"},
        {"type": "context", "elements": [mrkdwn("Times are in your time zone (EST).")]},
    ]


def invite_modal() -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "invite",
        "title": plain("Invite a coach"),
        "submit": plain("Send invitation"),
        "close": plain("Cancel"),
        "blocks": [
            {
                "type": "input",
                "block_id": "coach",
                "label": plain("Coach"),
                "element": {"type": "users_select", "action_id": "coach", "initial_user": COACH},
            },
            {
                "type": "input",
                "block_id": "class",
                "label": plain("Class"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "class",
                    "initial_value": "Period 3 Algebra",
                },
            },
            {
                "type": "input",
                "block_id": "date",
                "label": plain("Date"),
                "element": {
                    "type": "datepicker",
                    "action_id": "date",
                    "initial_date": "2026-12-01",
                },
            },
            {
                "type": "input",
                "block_id": "support",
                "label": plain("Kind of support"),
                "element": {
                    "type": "static_select",
                    "action_id": "support",
                    "options": [
                        {"text": plain("Co-planning"), "value": "coplan"},
                        {"text": plain("Observation and feedback"), "value": "observe"},
                    ],
                    "initial_option": {
                        "text": plain("Observation and feedback"),
                        "value": "observe",
                    },
                },
            },
            {
                "type": "input",
                "block_id": "length",
                "label": plain("Length"),
                "element": {
                    "type": "static_select",
                    "action_id": "length",
                    "options": [{"text": plain("45 minutes"), "value": "45"}],
                },
            },
            {
                "type": "input",
                "block_id": "note",
                "label": plain("Note"),
                "optional": True,
                "element": {
                    "type": "plain_text_input",
                    "action_id": "note",
                    "multiline": True,
                    "placeholder": plain("Anything your coach should know?"),
                },
                "hint": plain("Only your coach sees this."),
            },
            {
                "type": "input",
                "block_id": "focus",
                "label": plain("Focus"),
                "optional": True,
                "element": {"type": "plain_text_input", "action_id": "focus"},
            },
        ],
    }


def home_view() -> dict[str, Any]:
    return {
        "type": "home",
        "blocks": [
            {"type": "header", "text": plain("Welcome back, Ms. Alvarez :wave:")},
            section(
                "*Coming up*\n• Tue Dec 1, 10:00–10:45 AM · <@" + COACH + "> visits Period 3",
                accessory=button("Invite a coach", style="primary"),
            ),
            {"type": "divider"},
            section(
                "*Your goal*\nHow do I get every student to answer?",
                accessory={
                    "type": "overflow",
                    "action_id": "goal_menu",
                    "options": [{"text": plain("Edit"), "value": "edit"}],
                },
            ),
            {"type": "image", "image_url": "https://x.test/a.png", "alt_text": "Cycle progress"},
            {"type": "video", "title": plain("Never shown")},
            {
                "type": "context",
                "elements": [mrkdwn(f"Shared with <#{PLC}>"), plain("Updated today")],
            },
        ],
    }


def call(method: str, args: dict[str, Any], response: dict[str, Any] | None = None) -> Call:
    return Call(method, args, "xoxb-test", 200, response or {"ok": True}, 0.0)


def lines(text: str) -> list[str]:
    return text.split("\n")


# --------------------------------------------------------------------------- messages


def test_invitation_with_fields_quote_and_three_buttons() -> None:
    out = render_message("fallback text", invitation(), NAMES)

    assert lines(out) == [
        "@Ms. Alvarez would love you to visit Period 3 Algebra.",
        "When     Tuesday, December 1, 10:00–10:45 AM (EST)",
        "Class    Period 3 Algebra",
        "Support  Observation and feedback",
        "Focus    Exit tickets & checking for understanding",
        "│ Could you look at how I use exit tickets?",
        "[Accept] [Suggest another time] [Decline]",
    ]


def test_daily_list_header_sections_divider_and_context() -> None:
    out = render_message("Your day", daily_list(), NAMES, width=60)

    assert lines(out) == [
        "Your day: Tuesday, December 1",
        "─" * len("Your day: Tuesday, December 1"),
        "*2 visits*",
        "• 9:00–9:45 AM · @Ms. Alvarez · Period 3 Algebra ·",
        "  Observation and feedback",
        "• 1:00–1:30 PM · @Mr. Okafor · Co-planning",
        "─" * 60,
        "Times are in your time zone (EST).",
    ]


def test_message_without_blocks_renders_its_text() -> None:
    out = render_message(f":tada: <@{COACH}> accepted! See <#{PLC}>.", None, NAMES)
    assert out == "🎉 @Mr. Okafor accepted! See #plc-math."
    assert render_message("Just text", [], NAMES) == "Just text"
    assert render_message(None, None, NAMES) == ""


def test_message_whose_blocks_are_all_unknown_falls_back_to_text() -> None:
    out = render_message("The words", [{"type": "video"}, {"type": "nonsense"}], NAMES)
    assert out == "The words"


def test_unknown_blocks_are_skipped_silently() -> None:
    blocks = [section("Before"), {"type": "call", "call_id": "R1"}, section("After")]
    assert render_message(None, blocks, NAMES) == "Before\nAfter"


def test_section_accessories() -> None:
    blocks = [
        section("*Ms. Lee*\nMath, ELA", accessory=button("Invite Ms.")),
        section(
            "Pick one",
            accessory={"type": "static_select", "action_id": "pick", "options": []},
        ),
        section(
            "Or this",
            accessory={
                "type": "static_select",
                "action_id": "pick",
                "options": [{"text": plain("Second period"), "value": "2"}],
                "initial_option": {"text": plain("Second period"), "value": "2"},
            },
        ),
        section(
            "When",
            accessory={"type": "datepicker", "action_id": "d", "initial_date": "2026-12-01"},
        ),
    ]
    assert lines(render_message(None, blocks, NAMES)) == [
        "*Ms. Lee*  [Invite Ms.]",
        "Math, ELA",
        "Pick one  [Choose ▾]",
        "Or this  [Second period ▾]",
        "When  [2026-12-01 ▾]",
    ]


def test_accessory_goes_on_its_own_line_when_it_does_not_fit() -> None:
    block = section("A" * 30, accessory=button("Suggest another time"))
    assert lines(render_message(None, [block], NAMES, width=40)) == [
        "A" * 30,
        "[Suggest another time]",
    ]


def test_url_buttons_show_an_arrow() -> None:
    actions = {
        "type": "actions",
        "elements": [
            button("Google Calendar", url="https://calendar.google.com/x?a=1&b=2"),
            button("Outlook", url="https://outlook.office.com/x"),
            button("Done"),
        ],
    }
    assert render_message(None, [actions], NAMES) == "[Google Calendar ↗] [Outlook ↗] [Done]"


def test_buttons_wrap_onto_more_lines_when_narrow() -> None:
    actions = {"type": "actions", "elements": [button("Accept"), button("Suggest another time")]}
    assert lines(render_message(None, [actions], NAMES, width=25)) == [
        "[Accept]",
        "[Suggest another time]",
    ]


def test_fields_fall_back_to_label_lines_when_columns_do_not_fit() -> None:
    block = {"type": "section", "fields": [field("A rather long label", "value")]}
    assert lines(render_message(None, [block], NAMES, width=30)) == [
        "A rather long label",
        "  value",
    ]


def test_fields_without_labels_are_their_text() -> None:
    block = {"type": "section", "fields": [mrkdwn("Just words"), plain("Plain words")]}
    assert lines(render_message(None, [block], NAMES)) == ["Just words", "Plain words"]


def test_image_block_shows_its_alt_text() -> None:
    block = {"type": "image", "image_url": "https://x.test/a.png", "alt_text": "A chart"}
    assert render_message(None, [block], NAMES) == "[image: A chart]"


def test_rich_text_block() -> None:
    block = {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [
                    {"type": "text", "text": "Hi "},
                    {"type": "user", "user_id": TEACHER},
                    {"type": "text", "text": " see ", "style": {}},
                    {"type": "link", "url": "https://x.test", "text": "this"},
                ],
            },
            {
                "type": "rich_text_list",
                "style": "bullet",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": "one"}]},
                ],
            },
        ],
    }
    assert lines(render_message(None, [block], NAMES)) == [
        "Hi @Ms. Alvarez see this (https://x.test)",
        "• one",
    ]


def test_rich_text_ordered_list_quote_and_emoji() -> None:
    block = {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_list",
                "style": "ordered",
                "indent": 1,
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": "plan"}]},
                    {
                        "type": "rich_text_section",
                        "elements": [{"type": "text", "text": "visit", "style": {"bold": True}}],
                    },
                ],
            },
            {
                "type": "rich_text_quote",
                "elements": [
                    {"type": "emoji", "name": "tada", "unicode": "1f389"},
                    {"type": "text", "text": " in "},
                    {"type": "channel", "channel_id": PLC},
                ],
            },
        ],
    }
    assert lines(render_message(None, [block], NAMES)) == [
        "  1. plan",
        "  2. *visit*",
        "│ 🎉 in #plc-math",
    ]


# --------------------------------------------------------------------------- wrapping


def test_long_text_wraps_at_width_without_losing_words() -> None:
    words = ("coaching is support never evaluation " * 12).split()
    out = render_message(" ".join(words), None, NAMES, width=40)

    assert all(len(line) <= 40 for line in lines(out))
    assert len(lines(out)) > 3
    assert out.split() == words


def test_wrapping_keeps_line_breaks_and_hanging_bullets() -> None:
    text = "*Next steps*\n• " + "try cold calling with wait time " * 3 + "\n• short"
    out = lines(render_message(text, None, NAMES, width=30))

    assert out[0] == "*Next steps*"
    assert out[1].startswith("• try cold calling")
    assert all(line.startswith("  ") for line in out[2:-1])
    assert out[-1] == "• short"
    assert all(len(line) <= 30 for line in out)


def test_a_word_longer_than_the_width_is_cut() -> None:
    url = "https://example.test/" + "x" * 60
    out = lines(render_message(f"<{url}>", None, NAMES, width=30))
    assert all(len(line) <= 30 for line in out)
    assert "".join(out) == url


def test_quoted_lines_keep_their_bar_when_wrapped() -> None:
    out = lines(render_message("> " + "word " * 20, None, NAMES, width=30))
    assert len(out) > 1
    assert all(line.startswith("│ ") for line in out)


# --------------------------------------------------------------------------- mrkdwn


def test_mentions_resolve_to_names() -> None:
    text = f"<@{TEACHER}> and <@{COACH}|okafor> and <@U0NOBODY1> and <@U0NOBODY2|sam>"
    assert mrkdwn_to_text(text, NAMES) == "@Ms. Alvarez and @Mr. Okafor and @U0NOBODY1 and @sam"


def test_channel_links_resolve_to_names() -> None:
    text = f"<#{PLC}> <#{PLC}|old-name> <#C0UNKNOWN|fallback> <#C0UNKNOWN2>"
    assert mrkdwn_to_text(text, NAMES) == "#plc-math #plc-math #fallback #C0UNKNOWN2"


def test_special_mentions_and_dates() -> None:
    text = (
        "<!here> <!channel> <!everyone> <!subteam^S012|@coaches> <!date^1392734382^{date}|Feb 18>"
    )
    assert mrkdwn_to_text(text, NAMES) == "@here @channel @everyone @coaches Feb 18"


def test_links() -> None:
    text = (
        "<https://x.test/a?b=1&amp;c=2|the form> <https://y.test> "
        "<mailto:ana@school.test|ana@school.test> <https://z.test|https://z.test>"
    )
    assert mrkdwn_to_text(text, NAMES) == (
        "the form (https://x.test/a?b=1&c=2) https://y.test ana@school.test https://z.test"
    )


def test_escapes_are_undone_once() -> None:
    assert mrkdwn_to_text("a &lt;b&gt; &amp; c &amp;lt;", NAMES) == "a <b> & c &lt;"


def test_escaped_angle_brackets_are_not_mentions_or_quotes() -> None:
    text = f"&gt; not a quote &lt;@{TEACHER}&gt;"
    assert mrkdwn_to_text(text, NAMES) == f"> not a quote <@{TEACHER}>"


def test_emphasis_markers_are_kept_without_color() -> None:
    assert mrkdwn_to_text("*bold* and _italic_", NAMES) == "*bold* and _italic_"


def test_emphasis_becomes_ansi_with_color() -> None:
    out = mrkdwn_to_text("*bold* and _italic_ <https://x.test/a_b_c|snake_case>", NAMES, color=True)
    assert out == (
        "\x1b[1mbold\x1b[22m and \x1b[3mitalic\x1b[23m snake_case (https://x.test/a_b_c)"
    )


def test_known_emoji_become_unicode_and_others_stay() -> None:
    text = (
        ":tada: :white_check_mark: :warning: :hourglass_flowing_sand: :no_entry_sign: "
        ":calendar: :wave: :sparkles: :custom_thing: 10:30:00"
    )
    assert mrkdwn_to_text(text, NAMES) == "🎉 ✅ ⚠️ ⏳ 🚫 📆 👋 ✨ :custom_thing: 10:30:00"


def test_block_quote_quotes_the_rest() -> None:
    assert mrkdwn_to_text("Said:\n>>> one\ntwo", NAMES) == "Said:\n│ one\n│ two"


# --------------------------------------------------------------------------- views


def test_modal_with_inputs_and_submit_close() -> None:
    out = render_view(invite_modal(), NAMES)

    assert lines(out) == [
        "Invite a coach",
        "══════════════",
        "Coach: [Mr. Okafor ▾]",
        "Class: [Period 3 Algebra]",
        "Date: [2026-12-01 ▾]",
        "Kind of support: [Observation and feedback ▾]",
        "Length: [Choose ▾]",
        "Note (optional): [Anything your coach should know?]",
        "  Only your coach sees this.",
        "Focus (optional): [ ]",
        "",
        "[Send invitation] [Cancel]",
    ]


def test_modal_without_submit_has_only_close() -> None:
    view = {"type": "modal", "title": plain("Saved"), "blocks": [section("All set.")]}
    assert lines(render_view(view, NAMES))[-2:] == ["", "[Close]"]


def test_modal_checkboxes_radios_and_long_values() -> None:
    view = {
        "type": "modal",
        "title": plain("Reflect"),
        "submit": plain("Save"),
        "blocks": [
            {
                "type": "input",
                "label": plain("How did it go?"),
                "element": {
                    "type": "radio_buttons",
                    "action_id": "r",
                    "options": [
                        {"text": plain("Well"), "value": "well"},
                        {"text": plain("Not yet"), "value": "not"},
                    ],
                    "initial_option": {"text": plain("Well"), "value": "well"},
                },
            },
            {
                "type": "input",
                "label": plain("Share with"),
                "element": {
                    "type": "checkboxes",
                    "action_id": "c",
                    "options": [
                        {"text": mrkdwn("*My coach*"), "value": "coach"},
                        {"text": plain("My PLC"), "value": "plc"},
                    ],
                    "initial_options": [{"text": mrkdwn("*My coach*"), "value": "coach"}],
                },
            },
            {
                "type": "input",
                "label": plain("Notes"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "n",
                    "multiline": True,
                    "initial_value": "First line\n" + "word " * 12,
                },
            },
        ],
    }
    out = lines(render_view(view, NAMES, width=40))

    assert out[2:7] == [
        "How did it go?:",
        "  (•) Well",
        "  ( ) Not yet",
        "Share with:",
        "  [x] *My coach*",
    ]
    assert out[7] == "  [ ] My PLC"
    assert out[8] == "Notes: [First line"
    assert out[9].startswith("        word word")
    assert out[-3].endswith("]")
    assert all(len(line) <= 40 for line in out)
    assert out[-1] == "[Save] [Close]"


def test_home_view() -> None:
    out = render_view(home_view(), NAMES)

    assert lines(out) == [
        "Home",
        "════",
        "Welcome back, Ms. Alvarez 👋",
        "─" * 28,  # the emoji takes two columns
        "*Coming up*  [Invite a coach]",
        "• Tue Dec 1, 10:00–10:45 AM · @Mr. Okafor visits Period 3",
        "─" * 78,
        "*Your goal*  [⋯]",
        "How do I get every student to answer?",
        "[image: Cycle progress]",
        "Shared with #plc-math · Updated today",
    ]


# --------------------------------------------------------------------------- color


@pytest.mark.parametrize(
    "render",
    [
        lambda color: render_message("x", invitation(), NAMES, color=color),
        lambda color: render_message("x", daily_list(), NAMES, color=color),
        lambda color: render_view(invite_modal(), NAMES, color=color),
        lambda color: render_view(home_view(), NAMES, color=color),
    ],
)
def test_ansi_codes_only_with_color(render: Any) -> None:
    without, with_color = render(False), render(True)

    assert "\x1b" not in without
    assert ANSI.search(with_color)
    # The words stay the same; only the styling (and the header rule) differ.
    assert set(ANSI.sub("", with_color).split()) <= set(re.sub(r"[*_]", "", without).split())


def test_color_styles() -> None:
    out = render_message("x", daily_list() + invitation(), NAMES, color=True)
    assert "\x1b[1mYour day: Tuesday, December 1\x1b[22m" in out  # header in bold, no rule
    assert "─" * 29 not in lines(out)
    assert "\x1b[2mTimes are in your time zone (EST).\x1b[22m" in out  # context dimmed
    assert "\x1b[1m\x1b[32m[Accept]\x1b[39m\x1b[22m" in out  # primary button
    assert "\x1b[1mWhen\x1b[22m     Tuesday" in out  # field labels in bold


def test_wrapping_ignores_ansi_codes() -> None:
    text = "*bold* " * 30
    out = lines(render_message(text, None, NAMES, width=40, color=True))
    assert all(len(ANSI.sub("", line)) <= 40 for line in out)
    assert max(len(ANSI.sub("", line)) for line in out) > 30


# --------------------------------------------------------------------------- calls


def test_no_raw_ids_when_names_are_known() -> None:
    outputs = [
        render_message("x", invitation(), NAMES),
        render_message("x", daily_list(), NAMES),
        render_view(invite_modal(), NAMES),
        render_view(home_view(), NAMES),
    ]
    for out in outputs:
        assert not ID.search(out), out


def test_render_call_post_message() -> None:
    posted = call(
        "chat.postMessage",
        {"channel": COACH, "text": "fallback", "blocks": invitation()},
        {"ok": True, "channel": "D" + COACH, "ts": "1.000001"},
    )
    assert render_call(posted, NAMES) == render_message("fallback", invitation(), NAMES)


def test_render_call_post_message_with_blocks_as_json_string() -> None:
    posted = call("chat.postMessage", {"channel": PLC, "blocks": json.dumps(daily_list())})
    out = render_call(posted, NAMES, width=60)
    assert out == render_message(None, daily_list(), NAMES, width=60)


def test_render_call_thread_reply_is_marked() -> None:
    posted = call("chat.postMessage", {"channel": PLC, "text": "Thanks!", "thread_ts": "1.0"})
    assert render_call(posted, NAMES) == "(in thread)\nThanks!"


def test_render_call_update_uses_the_message_as_updated() -> None:
    updated_blocks = [section(f"You accepted <@{TEACHER}>'s invitation. :white_check_mark:")]
    update = call(
        "chat.update",
        {"channel": "D" + COACH, "ts": "1.000001", "blocks": updated_blocks},
        {
            "ok": True,
            "channel": "D" + COACH,
            "ts": "1.000001",
            "message": {"text": "Accepted", "blocks": updated_blocks},
        },
    )
    assert lines(render_call(update, NAMES) or "") == [
        "(updated)",
        "You accepted @Ms. Alvarez's invitation. ✅",
    ]


def test_render_call_update_without_message_in_response_uses_args() -> None:
    update = call("chat.update", {"channel": PLC, "ts": "1.0", "text": "New words"})
    assert render_call(update, NAMES) == "(updated)\nNew words"


def test_render_call_ephemeral() -> None:
    ephemeral = call(
        "chat.postEphemeral",
        {"channel": PLC, "user": TEACHER, "text": "This invitation was already accepted."},
        {"ok": True, "message_ts": "1.000002"},
    )
    assert lines(render_call(ephemeral, NAMES) or "") == [
        "(only you can see this)",
        "This invitation was already accepted.",
    ]
    colored = render_call(ephemeral, NAMES, color=True) or ""
    assert colored.startswith("\x1b[2m(only you can see this)")


def test_render_call_views_publish() -> None:
    published = call("views.publish", {"user_id": TEACHER, "view": home_view()})
    assert render_call(published, NAMES) == render_view(home_view(), NAMES)


@pytest.mark.parametrize("method", ["views.open", "views.push", "views.update"])
def test_render_call_modal_methods(method: str) -> None:
    opened = call(method, {"trigger_id": "1.2.abc", "view": json.dumps(invite_modal())})
    out = render_call(opened, NAMES, width=60) or ""
    assert out.startswith("Invite a coach\n")
    assert out.endswith("[Send invitation] [Cancel]")


@pytest.mark.parametrize(
    "method", ["users.info", "conversations.open", "auth.test", "chat.delete", "views.nonsense"]
)
def test_render_call_other_methods_give_none(method: str) -> None:
    assert render_call(call(method, {"channel": PLC, "text": "hello"}), NAMES) is None


def test_render_call_refused_calls_give_none() -> None:
    refused = call("chat.postMessage", {"channel": PLC, "text": "hi"}, {"ok": False})
    assert render_call(refused, NAMES) is None
    broken = Call("chat.postMessage", {"channel": PLC, "text": "hi"}, None, 500, {}, 0.0)
    assert render_call(broken, NAMES) is None


def test_a_submitted_form_shows_each_answer_as_sent() -> None:
    view = {
        "title": {"type": "plain_text", "text": "Log coaching"},
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "Not a question"}},
            {
                "type": "input",
                "block_id": "kind",
                "label": {"type": "plain_text", "text": "What did you do?"},
                "element": {
                    "type": "static_select",
                    "action_id": "kind",
                    "options": [
                        {"value": "co_plan", "text": {"type": "plain_text", "text": "Co-plan"}}
                    ],
                },
            },
            {
                "type": "input",
                "block_id": "who",
                "label": {"type": "plain_text", "text": "With which teachers?"},
                "element": {"type": "multi_users_select", "action_id": "who"},
            },
            {
                "type": "input",
                "block_id": "note",
                "label": {"type": "plain_text", "text": "A note"},
                "element": {"type": "plain_text_input", "action_id": "note"},
            },
        ],
    }
    values = {
        "kind": {"kind": {"selected_option": {"value": "co_plan"}}},
        "who": {"who": {"selected_users": [TEACHER]}},
        "note": {"note": {"value": None}},
    }
    assert render_submission(view, values, NAMES).splitlines() == [
        "Log coaching",
        "════════════",
        "What did you do?: Co-plan",
        "With which teachers?: @Ms. Alvarez",
        "A note: —",
    ]
