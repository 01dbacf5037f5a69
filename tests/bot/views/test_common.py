"""The shared readers of what Slack sends: text as Slack shows it, bounded numbers, sane dates."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.rules.calendar import outside_school_years, school_years
from bot.views.common import (
    MAX_ID,
    clean_text,
    command_text,
    picked_date,
    record_id,
    selected_value,
    selected_values,
    state_of,
    typed_number,
    typed_text,
    whole_number,
)


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
