"""The shared readers of what Slack sends: text as Slack shows it, bounded numbers, sane dates."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from slack_sdk.models.blocks import Option

from bot.demo.block_kit import check_view
from bot.ids import Input
from bot.rules.calendar import When, outside_school_years, school_years
from bot.views.common import (
    MAX_ID,
    TextField,
    channel_input,
    clean_text,
    command_text,
    confirm_button,
    date_input,
    long_day,
    modal,
    picked_date,
    picked_time,
    record_id,
    select_input,
    selected_value,
    selected_values,
    state_of,
    text_input,
    time_input,
    typed_number,
    typed_text,
    user_input,
    whole_number,
)
from bot.views.when import parse_when, when_ids, when_inputs


def values(state: dict[str, Any]) -> dict[str, Any]:
    return {"block": {"action": state}}


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("plain words", "plain words"),
        ("line one\nline two\tindented", "line one\nline two\tindented"),
        ("a\x00b\x01c\x07d\x08e\x0bf\x0cg\x1bh\x1fi", "abcdefghi"),
        ("DEL\x7f and C1\x80\x85\x9b\x9f gone", "DEL and C1 gone"),
        ("half a pair \ud800 and the other \udfff", "half a pair  and the other "),
        ("a whole pair stays \U0001f389", "a whole pair stays \U0001f389"),
        ("windows\r\nline ends\rand old Mac ones", "windows\nline ends\nand old Mac ones"),
        ("\u00e9t\u00e9 and \u4e2d\u6587 stay", "\u00e9t\u00e9 and \u4e2d\u6587 stay"),
    ],
)
def test_clean_text_keeps_what_slack_shows(sent: str, shown: str) -> None:
    assert clean_text(sent) == shown


def test_every_reader_of_a_form_gets_clean_text() -> None:
    typed = values({"type": "plain_text_input", "value": "\x00 Ask\x07 why\n\ttwice \x9b"})
    assert typed_text(typed, "block", "action") == "Ask why\n\ttwice"
    assert typed_text(typed, "block", "action", single_line=True) == "Ask why twice"
    option = values({"selected_option": {"value": "math\x00", "text": {"text": "Math\x00"}}})
    assert selected_value(option, "block", "action") == "math"
    assert state_of(option, "block", "action")["selected_option"]["text"] == {"text": "Math"}
    several = values({"selected_options": [{"value": "a\x00"}, {"value": "\ud800b"}]})
    assert selected_values(several, "block", "action") == ["a", "b"]


def test_a_form_of_nothing_but_control_characters_is_empty() -> None:
    assert typed_text(values({"value": "\x00\x01\x1b\x7f"}), "block", "action") is None


def test_state_of_takes_only_what_a_form_can_hold() -> None:
    deep: Any = "bottom"
    for _ in range(50):
        deep = {"down": deep}
    assert state_of(values({"value": "ok", "deep": deep}), "block", "action")["value"] == "ok"
    assert state_of({"block": "not a mapping"}, "block", "action") == {}
    assert state_of({"block": {"action": ["a list"]}}, "block", "action") == {}


def test_slash_command_text_is_cleaned_and_trimmed() -> None:
    assert command_text({"text": " \x00prompts\x07 off\x85 "}) == "prompts off"
    assert command_text({"text": None}) == ""
    assert command_text({}) == ""


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("sent", "number"),
    [
        ("4", 4),
        (" 12 ", 12),
        ("123456789", 123456789),
        ("1234567890", None),  # more digits than any form needs
        ("9" * 30, None),
        ("9" * 5000, None),  # past what Python reads without refusing
        ("\u00b2", None),  # a digit to str.isdigit, not to int()
        ("\u0664\u0665", None),  # Arabic-Indic digits
        ("-3", None),
        ("2.5", None),
        ("", None),
        (None, None),
        (7, None),
    ],
)
def test_whole_number_reads_only_sensible_digits(sent: Any, number: int | None) -> None:
    assert whole_number(sent) == number


def test_typed_number_reads_a_number_field() -> None:
    assert typed_number(values({"type": "number_input", "value": "5"}), "block", "action") == 5
    assert typed_number(values({"type": "number_input", "value": "9" * 30}), "b", "a") is None


@pytest.mark.parametrize(
    ("sent", "found"),
    [
        ("42", 42),
        ("0", 0),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),  # past PostgreSQL's integer: no row has it
        ("9" * 18, None),
        ("12345678901", None),
        ("\u00b2", None),
        (None, None),
    ],
)
def test_record_id_is_only_an_id_a_row_can_have(sent: Any, found: int | None) -> None:
    assert record_id(sent) == found


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        (date(2026, 11, 30), date(2026, 7, 1), date(2028, 6, 30)),
        (date(2027, 6, 30), date(2026, 7, 1), date(2028, 6, 30)),
        (date(2027, 7, 1), date(2027, 7, 1), date(2029, 6, 30)),
        (date(2027, 1, 1), date(2026, 7, 1), date(2028, 6, 30)),
    ],
)
def test_school_years_are_this_one_and_the_next(today: date, first: date, last: date) -> None:
    assert school_years(today) == (first, last)


def test_a_day_outside_the_school_years_is_explained() -> None:
    today = date(2026, 11, 30)
    assert outside_school_years(date(2026, 7, 1), today) is None
    assert outside_school_years(date(2028, 6, 30), today) is None
    for far in (date(2026, 6, 30), date(2028, 7, 1), date(9999, 12, 31), date(1, 1, 1)):
        message = outside_school_years(far, today)
        assert message is not None and "July 1, 2026 to June 30, 2028" in message


@pytest.mark.parametrize(
    ("sent", "day"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("2026-12-01\x00", date(2026, 12, 1)),  # cleaned like any text first
        ("9999-99-99", None),
        ("+2026-12-01", None),
        ("20261201", None),
        (None, None),
    ],
)
def test_picked_date_reads_a_datepicker_only(sent: Any, day: date | None) -> None:
    assert picked_date(values({"selected_date": sent}), "block", "action") == day


# --------------------------------------------------------------------------- form inputs


def test_a_form_built_from_the_shared_inputs_is_one_slack_accepts() -> None:
    view = modal(
        "Plan a visit",
        [
            text_input("note", "note", "Anything else?", limit=10, initial="x" * 50),
            date_input("day", "day", "Day", initial=date(2026, 12, 1)),
            time_input("at", "at", "Time", initial=time(9, 5)),
            select_input(
                "kind",
                "kind",
                "What kind of support?",
                options=[Option(value="observe", text="Observe")],
                placeholder="Choose one",
            ),
        ],
        close="Cancel",
        submit="Save",
    )
    assert check_view(view) == []
    note, day, at, kind = view["blocks"]
    # Text already typed is cut to what the field allows, so the modal still opens.
    assert note["element"]["initial_value"] == "x" * 10
    assert note["element"]["max_length"] == 10
    assert day["element"]["initial_date"] == "2026-12-01"
    assert at["element"]["initial_time"] == "09:05"
    assert kind["element"]["options"][0]["value"] == "observe"


def test_an_input_leaves_out_what_it_was_not_given() -> None:
    block = text_input("note", "note", "Anything else?", limit=100).to_dict()
    assert "optional" not in block
    assert "hint" not in block
    assert "initial_value" not in block["element"]
    assert "multiline" not in block["element"]
    picker = date_input("day", "day", "Day", optional=True).to_dict()
    assert picker["optional"] is True
    assert "initial_date" not in picker["element"]


def test_what_a_picker_shows_is_what_its_reader_gets_back() -> None:
    day = date_input("day", "day", "Day", initial=date(2027, 2, 28)).to_dict()
    at = time_input("at", "at", "Time", initial=time(15, 45)).to_dict()
    assert picked_date(
        values({"selected_date": day["element"]["initial_date"]}), "block", "action"
    ) == date(2027, 2, 28)
    assert picked_time(
        values({"selected_time": at["element"]["initial_time"]}), "block", "action"
    ) == time(15, 45)


def test_a_day_reads_in_words() -> None:
    assert long_day(date(2026, 12, 1)) == "Tuesday, December 1"


def test_a_day_in_another_year_says_which() -> None:
    today = date(2026, 12, 1)
    assert long_day(date(2026, 12, 8), today=today) == "Tuesday, December 8"
    assert long_day(date(2027, 1, 5), today=today) == "Tuesday, January 5, 2027"


def test_people_and_channels_are_picked_with_what_was_chosen_before() -> None:
    view = modal(
        "Celebrate",
        [
            user_input("who", "who", "Who?", initial="U0123", placeholder="Choose", optional=True),
            channel_input("where", "where", "Post in", initial="C0456", hint="Your PLC channel"),
            user_input("coach", "coach", "Coach", initial=""),
        ],
        close="Cancel",
        submit="Post",
    )
    assert check_view(view) == []
    who, where, coach = view["blocks"]
    assert who["element"]["initial_user"] == "U0123" and who["optional"] is True
    assert where["element"]["initial_conversation"] == "C0456"
    assert where["element"]["filter"] == {
        "include": ["public", "private"],
        "exclude_bot_users": True,
    }
    assert where["hint"]["text"] == "Your PLC channel"
    # Nobody chosen yet: the select starts empty rather than on an empty id Slack refuses.
    assert "initial_user" not in coach["element"]


def test_a_button_that_asks_first_says_what_it_asks() -> None:
    button = confirm_button(
        "Stop",
        "stop",
        "7",
        ask=("Stop these?", "You can start again.", "Stop", "Keep"),
        style="danger",
    ).to_dict()
    assert button["value"] == "7" and button["style"] == "danger"
    assert button["confirm"]["title"]["text"] == "Stop these?"
    assert button["confirm"]["text"]["text"] == "You can start again."
    assert (button["confirm"]["confirm"]["text"], button["confirm"]["deny"]["text"]) == (
        "Stop",
        "Keep",
    )


_NOTE = TextField(
    "note", "A note", 10, placeholder="Say hi", single_line=True, missing="Say something."
)


def test_a_text_field_reads_back_what_it_shows() -> None:
    block = _NOTE.input("hello").to_dict()
    assert block["element"]["initial_value"] == "hello"
    assert block["element"]["max_length"] == 10
    assert _NOTE.input(label="Another label").to_dict()["label"]["text"] == "Another label"
    errors: dict[str, str] = {}
    typed = {"note": {"note": {"value": "  two\n words "}}}
    assert _NOTE.read(typed, errors) == "two words"
    assert errors == {}


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "Say something."),
        ("   ", "Say something."),
        ("x" * 11, "Please keep this to 10 characters or fewer; it has 11 now."),
    ],
)
def test_a_text_field_says_kindly_what_it_cannot_keep(typed: str, error: str) -> None:
    errors: dict[str, str] = {}
    _NOTE.read({"note": {"note": {"value": typed}}}, errors)
    assert errors == {"note": error}


def test_a_form_asks_for_day_start_and_length_and_reads_them_back() -> None:
    ids = when_ids("DEBRIEF")
    assert ids[0] == (Input.DEBRIEF_DATE, Input.DEBRIEF_DATE)
    day_input, start_input, length_input = (
        block.to_dict()
        for block in when_inputs(
            ids, day=date(2026, 12, 1), start=None, minutes=25, lengths=(15, 30)
        )
    )
    assert day_input["element"]["initial_date"] == "2026-12-01"
    assert "initial_time" not in start_input["element"]
    # The offered length nearest the one asked for, the shorter one on a tie.
    assert length_input["element"]["initial_option"]["value"] == "30"
    assert [o["text"]["text"] for o in length_input["element"]["options"]] == [
        "15 minutes",
        "30 minutes",
    ]
    submitted = {
        Input.DEBRIEF_DATE: {Input.DEBRIEF_DATE: {"selected_date": "2026-12-02"}},
        Input.DEBRIEF_TIME: {Input.DEBRIEF_TIME: {"selected_time": "14:00"}},
        Input.DEBRIEF_LENGTH: {Input.DEBRIEF_LENGTH: {"selected_option": {"value": "45"}}},
    }
    errors: dict[str, str] = {}
    found = parse_when(submitted, errors, ids, today=date(2026, 12, 1), lengths=(15, 30))
    assert found is None
    assert errors == {
        Input.DEBRIEF_LENGTH: "That choice is no longer on the list. Please choose again."
    }
    submitted[Input.DEBRIEF_LENGTH][Input.DEBRIEF_LENGTH]["selected_option"]["value"] = "30"
    errors = {}
    found = parse_when(submitted, errors, ids, today=date(2026, 12, 1), lengths=(15, 30))
    assert (found, errors) == (When(date(2026, 12, 2), time(14, 0), 30), {})
