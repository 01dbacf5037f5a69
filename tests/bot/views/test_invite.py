"""Invitation modals and visit messages: Slack's limits, the words people read, and parsing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from bot.demo.block_kit import check_blocks, check_view
from bot.ids import Action, Block, Callback, Input
from bot.rules.calendar import When
from bot.rules.domain import DEFAULT_VISIT_MINUTES, VISIT_LENGTHS, SupportType, VisitStatus
from bot.views.invite import (
    CalendarLinks,
    InviteForm,
    OtherCoach,
    ProposeForm,
    VisitCard,
    build_accepted,
    build_blank_invite_form,
    build_cancelled,
    build_coach_invitation,
    build_decline_form,
    build_declined,
    build_invite_form,
    build_notice,
    build_proposal,
    build_propose_form,
    build_status_update,
    build_teacher_sent,
    button_value,
    format_minutes,
    format_when,
    parse_button_value,
    parse_decline_form,
    parse_invite_form,
    parse_propose_form,
)
from bot.views.office_hours import with_open_times

NY = "America/New_York"
LA = "America/Los_Angeles"
TODAY = date(2026, 11, 20)
# 15:00 UTC on December 1 is 10:00 in New York and 7:00 in Los Angeles.
START = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
END = datetime(2026, 12, 1, 15, 45, tzinfo=UTC)
WHEN_NY = "Tuesday, December 1, 10:00–10:45 AM (EST)"
WHEN_LA = "Tuesday, December 1, 7:00–7:45 AM (PST)"

CARD = VisitCard(
    visit_id=42,
    version=3,
    teacher_user_id="UTEACH",
    coach_user_id="UCOACH",
    starts_at=START,
    ends_at=END,
    tz=NY,
    class_name="Period 3 Algebra",
    support=SupportType.OBSERVE,
    focus="How my students explain their thinking in small groups",
    note="Room 214, at the end of the science hall.",
    status=VisitStatus.PENDING,
)
COPLAN = replace(CARD, class_name=None, support=SupportType.CO_PLAN, focus=None, note=None)
# Worst cases: the longest text each input allows, full of characters mrkdwn escapes.
LONG_CARD = replace(
    CARD,
    class_name="<&>" * 33 + "P",
    focus="&" * 500,
    note=("> <!channel> & more\n" * 50)[:1000],
    proposal_note="<" * 500,
    decline_reason="&<>\n" * 125,
)
PROPOSED = replace(
    CARD,
    status=VisitStatus.PROPOSED,
    proposed_starts_at=datetime(2026, 12, 3, 20, 0, tzinfo=UTC),
    proposed_ends_at=datetime(2026, 12, 3, 20, 45, tzinfo=UTC),
    proposed_by="coach",
    proposal_note="Thursdays work better for me.",
)
LINKS = CalendarLinks(
    google="https://calendar.google.com/calendar/render?action=TEMPLATE&text=Visit",
    outlook="https://outlook.office.com/calendar/0/deeplink/compose?subject=Visit",
    ics="https://coachbot.example.org/visits/42.ics?token=abc",
)
OTHERS = [
    OtherCoach("UANA", "Ana María Ruiz", ("math", "data use")),
    OtherCoach("UBEN", "Ben Okafor", ("literacy",)),
    OtherCoach("UCHO", "Cho Min-jun", ()),
    OtherCoach("UDEV", "Dev Patel", ("science",)),
]
LONG_OTHERS = [
    OtherCoach(f"U{n}", "Bartholomew-" * 20 + f" {n}", tuple(f"area {a} " * 10 for a in range(20)))
    for n in range(5)
]


# --------------------------------------------------------------------------- helpers


def view_problems(view: dict[str, Any]) -> list[str]:
    return check_view(view) + check_blocks(view["blocks"], surface="modal")


def message_problems(message: dict[str, Any]) -> list[str]:
    problems = check_blocks(message["blocks"], surface="message")
    if not isinstance(message["text"], str) or not message["text"].strip():
        problems.append("no fallback text")
    return problems


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [b for b in view["blocks"] if b.get("block_id") == block_id]
    assert len(found) == 1, f"{block_id} appears {len(found)} times"
    return found[0]


def texts(message: dict[str, Any]) -> list[str]:
    """Every mrkdwn or plain text a person reads in the blocks, in order."""
    found: list[str] = []
    for b in message["blocks"]:
        if "text" in b:
            found.append(b["text"]["text"])
        found += [f["text"] for f in b.get("fields", [])]
        found += [e["text"] for e in b.get("elements", []) if e.get("type") == "mrkdwn"]
    return found


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for b in message["blocks"]:
        if b["type"] == "actions":
            found += b["elements"]
        if b.get("accessory", {}).get("type") == "button":
            found.append(b["accessory"])
    return found


def option(value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": value, "emoji": True}, "value": value}


def invite_values(**changes: Any) -> dict[str, Any]:
    """A Slack-shaped view_submission state for the invite form; None drops an element's value."""
    state: dict[str, Any] = {
        "coach": {"type": "users_select", "selected_user": "UCOACH"},
        "date": {"type": "datepicker", "selected_date": "2026-12-01"},
        "time": {"type": "timepicker", "selected_time": "10:00"},
        "length": {"type": "static_select", "selected_option": option("45")},
        "support": {"type": "static_select", "selected_option": option("observe")},
        "class": {"type": "plain_text_input", "value": "  Period 3   Algebra "},
        "focus": {"type": "plain_text_input", "value": "\n Small groups \n"},
        "note": {"type": "plain_text_input", "value": "Room 214.\nSee you!  "},
    }
    keys = {
        "selected_user",
        "selected_date",
        "selected_time",
        "selected_option",
        "value",
    }
    for name, value in changes.items():
        element = state[name]
        key = next(k for k in element if k in keys)
        element[key] = option(value) if key == "selected_option" and value else value
    ids = {
        "coach": (Input.INVITE_COACH, Input.INVITE_COACH),
        "date": (Input.INVITE_DATE, Input.INVITE_DATE),
        "time": (Input.INVITE_TIME, Input.INVITE_TIME),
        "length": (Input.INVITE_LENGTH, Input.INVITE_LENGTH),
        "support": (Input.INVITE_SUPPORT, Input.INVITE_SUPPORT),
        "class": (Input.INVITE_CLASS, Input.INVITE_CLASS),
        "focus": (Input.INVITE_FOCUS, Input.INVITE_FOCUS),
        "note": (Input.INVITE_NOTE, Input.INVITE_NOTE),
    }
    return {ids[name][0].value: {ids[name][1].value: state[name]} for name in state}


def propose_values(**changes: Any) -> dict[str, Any]:
    state: dict[str, Any] = {
        Input.PROPOSE_DATE: {Input.PROPOSE_DATE: {"selected_date": "2026-12-03"}},
        Input.PROPOSE_TIME: {Input.PROPOSE_TIME: {"selected_time": "13:30"}},
        Input.PROPOSE_LENGTH: {Input.PROPOSE_LENGTH: {"selected_option": option("60")}},
        Input.PROPOSE_NOTE: {Input.PROPOSE_NOTE: {"value": " Thursdays work better. "}},
    }
    for name, value in changes.items():
        inner = state[Input(f"propose_{name}")][Input(f"propose_{name}")]
        key = next(iter(inner))
        inner[key] = option(value) if key == "selected_option" and value else value
    return {str(b): {str(a): s for a, s in actions.items()} for b, actions in state.items()}


# --------------------------------------------------------------------------- small helpers


def test_button_value_round_trip() -> None:
    assert button_value(CARD) == "42:3"
    assert parse_button_value(button_value(CARD)) == (42, 3)
    assert parse_button_value("0:0") == (0, 0)


@pytest.mark.parametrize(
    "value",
    [
        "x",
        "1",
        "1:2:3",
        "-1:2",
        "",
        "1:",
        ":2",
        " 1:2",
        "1:2 ",
        "1:-2",
        "１:2",
        "01:2",
        "1" * 19 + ":1",
    ],
)
def test_parse_button_value_rejects_anything_else(value: str) -> None:
    assert parse_button_value(value) is None


def test_format_when_in_the_reader_zone() -> None:
    assert format_when(START, END, NY) == WHEN_NY
    assert format_when(START, END, LA) == WHEN_LA


def test_format_when_across_noon_and_midnight_hours() -> None:
    start = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)  # 11:30 AM in New York
    assert format_when(start, datetime(2026, 12, 1, 17, 15, tzinfo=UTC), NY) == (
        "Tuesday, December 1, 11:30 AM–12:15 PM (EST)"
    )
    midnight = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)  # 12:00 AM in New York
    assert format_when(midnight, datetime(2026, 12, 2, 5, 20, tzinfo=UTC), NY) == (
        "Wednesday, December 2, 12:00–12:20 AM (EST)"
    )


def test_format_when_across_the_change_back_to_standard_time() -> None:
    # The clocks go back at 2:00 AM EDT on Sunday, November 1, 2026 (06:00 UTC).
    before = datetime(2026, 10, 30, 14, 0, tzinfo=UTC)
    after = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    assert format_when(before, before.replace(minute=45), NY) == (
        "Friday, October 30, 10:00–10:45 AM (EDT)"
    )
    assert format_when(after, after.replace(minute=45), NY) == (
        "Monday, November 2, 10:00–10:45 AM (EST)"
    )
    # A visit that straddles the change names both zones.
    assert (
        format_when(
            datetime(2026, 11, 1, 5, 30, tzinfo=UTC), datetime(2026, 11, 1, 6, 30, tzinfo=UTC), NY
        )
        == "Sunday, November 1, 1:30 AM (EDT)–1:30 AM (EST)"
    )


def test_format_when_shows_both_dates_when_they_differ() -> None:
    start = datetime(2027, 1, 1, 4, 30, tzinfo=UTC)  # 11:30 PM December 31 in New York
    end = datetime(2027, 1, 1, 5, 15, tzinfo=UTC)
    assert format_when(start, end, NY) == (
        "Thursday, December 31, 11:30 PM – Friday, January 1, 12:15 AM (EST)"
    )
    # The same instants fall on one day in Los Angeles.
    assert format_when(start, end, LA) == "Thursday, December 31, 8:30–9:15 PM (PST)"


def test_format_when_takes_naive_times_as_utc_and_unknown_zones_as_the_default() -> None:
    naive_start, naive_end = START.replace(tzinfo=None), END.replace(tzinfo=None)
    assert format_when(naive_start, naive_end, NY) == WHEN_NY
    assert format_when(START, END, "Not/AZone") == WHEN_NY


def test_format_minutes() -> None:
    assert [format_minutes(m) for m in VISIT_LENGTHS] == [
        "15 minutes",
        "20 minutes",
        "30 minutes",
        "45 minutes",
        "1 hour",
        "1 hour 30 minutes",
        "2 hours",
    ]


# --------------------------------------------------------------------------- invite form


INITIAL = InviteForm(
    coach_user_id="UCOACH2",
    when=When(day=date(2026, 12, 8), start=time(13, 15), minutes=90),
    class_name="x" * 100,
    support=SupportType.CO_TEACH,
    focus="f" * 500,
    note="n" * 1000,
)


def test_invite_form_fresh() -> None:
    view = build_invite_form(today=TODAY, coach_user_id="UCOACH")
    assert view_problems(view) == []
    assert view["callback_id"] == Callback.INVITE
    assert view["title"]["text"] == "Invite a coach"
    assert view["submit"]["text"] == "Send invitation"
    assert view["close"]["text"] == "Cancel"
    assert "private_metadata" not in view
    assert [b["block_id"] for b in view["blocks"]] == [
        Input.INVITE_COACH,
        Input.INVITE_DATE,
        Input.INVITE_TIME,
        Input.INVITE_LENGTH,
        Input.INVITE_SUPPORT,
        Input.INVITE_CLASS,
        Input.INVITE_FOCUS,
        Input.INVITE_NOTE,
    ]
    for b in view["blocks"]:
        assert b["element"]["action_id"] == b["block_id"]
    assert block(view, Input.INVITE_COACH)["element"]["initial_user"] == "UCOACH"
    assert block(view, Input.INVITE_DATE)["element"]["initial_date"] == "2026-11-20"
    assert "initial_time" not in block(view, Input.INVITE_TIME)["element"]
    length = block(view, Input.INVITE_LENGTH)["element"]
    assert [o["text"]["text"] for o in length["options"]][4:6] == ["1 hour", "1 hour 30 minutes"]
    assert length["initial_option"]["value"] == str(DEFAULT_VISIT_MINUTES)
    support = block(view, Input.INVITE_SUPPORT)["element"]
    assert [o["value"] for o in support["options"]] == [s.value for s in SupportType]
    assert [o["text"]["text"] for o in support["options"]] == [s.label for s in SupportType]
    assert support["initial_option"]["value"] == "observe"
    klass = block(view, Input.INVITE_CLASS)
    assert klass["optional"] is True
    assert klass["hint"]["text"] == "Not needed for co-planning"
    assert klass["element"]["placeholder"]["text"] == "Period 3 Algebra"
    assert klass["element"]["max_length"] == 100
    focus = block(view, Input.INVITE_FOCUS)
    assert focus["label"]["text"] == "What should they look for?"
    assert (focus["element"]["max_length"], focus["element"]["multiline"]) == (500, True)
    note = block(view, Input.INVITE_NOTE)
    assert note["label"]["text"] == "Anything else?"
    assert (note["element"]["max_length"], note["optional"]) == (1000, True)


def test_invite_form_without_a_coach_chosen() -> None:
    view = build_invite_form(today=TODAY)
    assert view_problems(view) == []
    assert "initial_user" not in block(view, Input.INVITE_COACH)["element"]


def test_the_kept_blank_form_is_the_same_for_the_next_teacher_after_open_times() -> None:
    goals = ((7, "How might more students explain their thinking?"),)
    first = build_blank_invite_form(TODAY, "U0COACH", goals)
    start = datetime(2026, 12, 1, 15, tzinfo=UTC)
    with_open_times(first, [(start, start + timedelta(minutes=45))], NY, "Jordan", form="INVITE")
    first["blocks"].append({"type": "divider"})
    first["title"] = {"type": "plain_text", "text": "Changed"}
    # The next teacher's form is the one built from scratch: no open times, no 45-minute
    # length chosen, nothing the first one's changes touched.
    assert build_blank_invite_form(TODAY, "U0COACH", goals) == build_invite_form(
        today=TODAY, coach_user_id="U0COACH", goals=goals
    )


def test_invite_form_shown_again_with_a_warning_and_the_answers() -> None:
    view = build_invite_form(
        today=TODAY,
        coach_user_id="UOTHER",
        initial=INITIAL,
        warning="<@UCOACH2> already has 5 visits that week. You can still send it.",
        private_metadata="C123",
    )
    assert view_problems(view) == []
    assert view["blocks"][0]["block_id"] == Block.INVITE_WARNING
    assert view["blocks"][0]["text"]["text"] == (
        ":warning: <@UCOACH2> already has 5 visits that week. You can still send it."
    )
    assert view["private_metadata"] == "C123"
    element = {b["block_id"]: b.get("element", {}) for b in view["blocks"]}
    assert element[Input.INVITE_COACH]["initial_user"] == "UCOACH2"
    assert element[Input.INVITE_DATE]["initial_date"] == "2026-12-08"
    assert element[Input.INVITE_TIME]["initial_time"] == "13:15"
    assert element[Input.INVITE_LENGTH]["initial_option"]["value"] == "90"
    assert element[Input.INVITE_SUPPORT]["initial_option"]["value"] == "co_teach"
    assert element[Input.INVITE_CLASS]["initial_value"] == "x" * 100
    assert element[Input.INVITE_FOCUS]["initial_value"] == "f" * 500
    assert element[Input.INVITE_NOTE]["initial_value"] == "n" * 1000


def test_invite_form_round_trips_through_the_parser() -> None:
    values = invite_values(
        coach=INITIAL.coach_user_id,
        date="2026-12-08",
        time="13:15",
        length="90",
        support="co_teach",
        **{"class": INITIAL.class_name},
        focus=INITIAL.focus,
        note=INITIAL.note,
    )
    assert parse_invite_form(values, today=TODAY) == (INITIAL, {})


def test_parse_invite_form_happy_path_trims_text() -> None:
    form, errors = parse_invite_form(invite_values(), today=TODAY)
    assert errors == {}
    assert form == InviteForm(
        coach_user_id="UCOACH",
        when=When(day=date(2026, 12, 1), start=time(10, 0), minutes=45),
        class_name="Period 3 Algebra",
        support=SupportType.OBSERVE,
        focus="Small groups",
        note="Room 214.\nSee you!",
    )


def test_parse_invite_form_empty_optional_text_is_none() -> None:
    form, errors = parse_invite_form(invite_values(focus="   \n ", note=None), today=TODAY)
    assert errors == {}
    assert form is not None
    assert (form.focus, form.note) == (None, None)


def test_parse_invite_form_co_planning_needs_no_class() -> None:
    form, errors = parse_invite_form(
        invite_values(support="co_plan", **{"class": None}), today=TODAY
    )
    assert errors == {}
    assert form is not None
    assert (form.support, form.class_name) == (SupportType.CO_PLAN, None)
    # A class typed before switching to co-planning is dropped: co-planning has none.
    form, _ = parse_invite_form(invite_values(support="co_plan"), today=TODAY)
    assert form is not None
    assert form.class_name is None


@pytest.mark.parametrize(
    ("changes", "block_id", "message"),
    [
        ({"coach": None}, Input.INVITE_COACH, "Choose the coach you'd like to invite."),
        ({"coach": ""}, Input.INVITE_COACH, "Choose the coach you'd like to invite."),
        ({"date": None}, Input.INVITE_DATE, "Choose a day."),
        ({"date": "2026-02-30"}, Input.INVITE_DATE, "Choose a day."),
        ({"time": None}, Input.INVITE_TIME, "Choose a start time."),
        ({"time": "25:00"}, Input.INVITE_TIME, "Choose a start time."),
        ({"length": None}, Input.INVITE_LENGTH, "Choose how long it will be."),
        (
            {"length": "50"},
            Input.INVITE_LENGTH,
            "That choice is no longer on the list. Please choose again.",
        ),
        (
            {"length": "forty"},
            Input.INVITE_LENGTH,
            "That choice is no longer on the list. Please choose again.",
        ),
        ({"support": None}, Input.INVITE_SUPPORT, "Choose the kind of support you'd like."),
        (
            {"support": "evaluate"},
            Input.INVITE_SUPPORT,
            "That choice is no longer on the list. Please choose again.",
        ),
        ({"class": None}, Input.INVITE_CLASS, "Which class or period should they come to?"),
        ({"class": "   "}, Input.INVITE_CLASS, "Which class or period should they come to?"),
        (
            {"class": "c" * 101},
            Input.INVITE_CLASS,
            "Please keep this to 100 characters or fewer; it has 101 now.",
        ),
        (
            {"focus": "f" * 501},
            Input.INVITE_FOCUS,
            "Please keep this to 500 characters or fewer; it has 501 now.",
        ),
        (
            {"note": "n" * 1001},
            Input.INVITE_NOTE,
            "Please keep this to 1000 characters or fewer; it has 1001 now.",
        ),
    ],
)
def test_parse_invite_form_errors(changes: dict[str, Any], block_id: Block, message: str) -> None:
    assert parse_invite_form(invite_values(**changes), today=TODAY) == (None, {block_id: message})


def test_parse_invite_form_counts_length_after_trimming() -> None:
    form, errors = parse_invite_form(
        invite_values(**{"class": " " + "c" * 100 + " "}, focus="\n" + "f" * 500 + "\n"),
        today=TODAY,
    )
    assert errors == {}
    assert form is not None
    assert (len(form.class_name or ""), len(form.focus or "")) == (100, 500)


def test_parse_invite_form_empty_submission_reports_every_required_input() -> None:
    form, errors = parse_invite_form({}, today=TODAY)
    assert form is None
    assert set(errors) == {
        Input.INVITE_COACH,
        Input.INVITE_DATE,
        Input.INVITE_TIME,
        Input.INVITE_LENGTH,
        Input.INVITE_SUPPORT,
    }


# --------------------------------------------------------------------------- propose form


def test_propose_form_by_coach() -> None:
    view = build_propose_form(CARD, by="coach", today=TODAY)
    assert view_problems(view) == []
    assert view["callback_id"] == Callback.PROPOSE
    assert view["title"]["text"] == "Suggest another time"
    assert view["submit"]["text"] == "Send"
    assert view["private_metadata"] == "42:3"
    assert view["blocks"][0]["type"] == "context"
    assert view["blocks"][0]["elements"][0]["text"] == f"Right now it's set for {WHEN_NY}."
    assert block(view, Input.PROPOSE_DATE)["element"]["initial_date"] == "2026-12-01"
    assert block(view, Input.PROPOSE_TIME)["element"]["initial_time"] == "10:00"
    assert block(view, Input.PROPOSE_LENGTH)["element"]["initial_option"]["value"] == "45"
    note = block(view, Input.PROPOSE_NOTE)
    assert note["label"]["text"] == "A note for the teacher"
    assert note["element"]["placeholder"]["text"] == "Thursdays work better for me"
    assert (note["optional"], note["element"]["max_length"]) == (True, 500)


def test_propose_form_by_teacher_in_another_zone() -> None:
    card = replace(CARD, tz=LA, ends_at=datetime(2026, 12, 1, 16, 30, tzinfo=UTC))
    view = build_propose_form(card, by="teacher", today=TODAY)
    assert view_problems(view) == []
    assert view["title"]["text"] == "Reschedule"
    assert block(view, Input.PROPOSE_TIME)["element"]["initial_time"] == "07:00"
    assert block(view, Input.PROPOSE_LENGTH)["element"]["initial_option"]["value"] == "90"
    assert block(view, Input.PROPOSE_NOTE)["label"]["text"] == "A note for the coach"


def test_propose_form_starts_at_today_for_a_past_visit_and_nearest_length() -> None:
    card = replace(CARD, ends_at=datetime(2026, 12, 1, 15, 50, tzinfo=UTC))  # 50 minutes
    view = build_propose_form(card, by="coach", today=date(2026, 12, 5))
    assert block(view, Input.PROPOSE_DATE)["element"]["initial_date"] == "2026-12-05"
    assert block(view, Input.PROPOSE_LENGTH)["element"]["initial_option"]["value"] == "45"


def test_propose_form_rejects_an_unknown_person() -> None:
    with pytest.raises(ValueError, match="by must be"):
        build_propose_form(CARD, by="admin", today=TODAY)


def test_parse_propose_form() -> None:
    assert parse_propose_form(propose_values(), today=TODAY) == (
        ProposeForm(
            when=When(day=date(2026, 12, 3), start=time(13, 30), minutes=60),
            note="Thursdays work better.",
        ),
        {},
    )
    form, errors = parse_propose_form(propose_values(note="  "), today=TODAY)
    assert errors == {}
    assert form is not None
    assert form.note is None


@pytest.mark.parametrize(
    ("changes", "block_id", "message"),
    [
        ({"date": None}, Input.PROPOSE_DATE, "Choose a day."),
        ({"time": None}, Input.PROPOSE_TIME, "Choose a start time."),
        ({"length": None}, Input.PROPOSE_LENGTH, "Choose how long it will be."),
        (
            {"length": "61"},
            Input.PROPOSE_LENGTH,
            "That choice is no longer on the list. Please choose again.",
        ),
        (
            {"note": "n" * 501},
            Input.PROPOSE_NOTE,
            "Please keep this to 500 characters or fewer; it has 501 now.",
        ),
    ],
)
def test_parse_propose_form_errors(changes: dict[str, Any], block_id: Block, message: str) -> None:
    assert parse_propose_form(propose_values(**changes), today=TODAY) == (None, {block_id: message})


# --------------------------------------------------------------------------- decline form


def test_decline_form() -> None:
    view = build_decline_form(CARD)
    assert view_problems(view) == []
    assert view["callback_id"] == Callback.DECLINE
    assert view["title"]["text"] == "Decline invitation"
    assert view["submit"]["text"] == "Decline"
    assert view["private_metadata"] == "42:3"
    assert view["blocks"][0]["text"]["text"] == (
        "We'll let <@UTEACH> know you can't make this one, and suggest other coaches who "
        "could help. No need to explain."
    )
    reason = block(view, Input.DECLINE_REASON)
    assert reason["label"]["text"] == "A kind word for the teacher"
    assert reason["hint"]["text"] == "Optional. They will see it."
    assert (reason["optional"], reason["element"]["max_length"]) == (True, 500)
    assert reason["element"]["action_id"] == Input.DECLINE_REASON


def test_parse_decline_form() -> None:
    def values(text: str | None) -> dict[str, Any]:
        return {Input.DECLINE_REASON: {Input.DECLINE_REASON: {"value": text}}}

    assert parse_decline_form(values("  I'm at a training that day.\n")) == (
        "I'm at a training that day.",
        {},
    )
    assert parse_decline_form(values(" \n ")) == (None, {})
    assert parse_decline_form(values(None)) == (None, {})
    assert parse_decline_form({}) == (None, {})
    assert parse_decline_form(values(" " + "r" * 500 + " ")) == ("r" * 500, {})
    assert parse_decline_form(values("r" * 501)) == (
        None,
        {Input.DECLINE_REASON: "Please keep this to 500 characters or fewer; it has 501 now."},
    )


# --------------------------------------------------------------------------- messages


def answer_buttons(message: dict[str, Any]) -> list[tuple[str, str, str | None, str]]:
    actions = block(message, Block.VISIT_ACTIONS)
    return [
        (e["text"]["text"], e["action_id"], e.get("style"), e["value"]) for e in actions["elements"]
    ]


ANSWERS = [
    ("Accept", Action.INVITE_ACCEPT, "primary", "42:3"),
    ("Suggest another time", Action.INVITE_SUGGEST, None, "42:3"),
    ("Decline", Action.INVITE_DECLINE, None, "42:3"),
]


def test_coach_invitation() -> None:
    message = build_coach_invitation(CARD)
    assert message_problems(message) == []
    assert message["text"] == f"<@UTEACH> would love you to visit Period 3 Algebra on {WHEN_NY}."
    assert texts(message) == [
        "<@UTEACH> would love you to visit Period 3 Algebra.",
        f"*When*\n{WHEN_NY}",
        "*Class*\nPeriod 3 Algebra",
        "*Support*\nObserve and give feedback",
        "*Focus*\nHow my students explain their thinking in small groups",
        "> Room 214, at the end of the science hall.",
    ]
    assert answer_buttons(message) == ANSWERS


def test_coach_invitation_for_co_planning_in_los_angeles() -> None:
    message = build_coach_invitation(replace(COPLAN, tz=LA))
    assert message_problems(message) == []
    assert message["text"] == f"<@UTEACH> would like to co-plan with you on {WHEN_LA}."
    assert texts(message) == [
        "<@UTEACH> would like to co-plan with you.",
        f"*When*\n{WHEN_LA}",
        "*Support*\nCo-plan",
    ]


def test_typed_text_cannot_mention_anyone() -> None:
    card = replace(CARD, class_name="<!channel>", focus="a <@U1> & b", note="<!here>\n\nok")
    message = build_coach_invitation(card)
    assert message["text"] == f"<@UTEACH> would love you to visit &lt;!channel&gt; on {WHEN_NY}."
    assert "*Focus*\na &lt;@U1&gt; &amp; b" in texts(message)
    assert "> &lt;!here&gt;\n>\n> ok" in texts(message)


def test_teacher_sent() -> None:
    message = build_teacher_sent(CARD)
    assert message_problems(message) == []
    assert message["text"] == ("Your invitation is on its way to <@UCOACH>. You'll hear back here.")
    assert texts(message)[1] == f"*When*\n{WHEN_NY}"
    reschedule, cancel = block(message, Block.VISIT_ACTIONS)["elements"]
    assert (reschedule["text"]["text"], reschedule["action_id"], reschedule["value"]) == (
        "Reschedule",
        Action.INVITE_RESCHEDULE,
        "42:3",
    )
    assert (cancel["text"]["text"], cancel["action_id"], cancel["style"], cancel["value"]) == (
        "Cancel invitation",
        Action.INVITE_CANCEL,
        "danger",
        "42:3",
    )
    confirm = cancel["confirm"]
    assert [confirm[k]["text"] for k in ("title", "text", "confirm", "deny")] == [
        "Cancel this invitation?",
        "<@UCOACH> will be told.",
        "Yes, cancel",
        "Keep it",
    ]


def test_proposal_to_the_teacher() -> None:
    message = build_proposal(PROPOSED, to="teacher")
    assert message_problems(message) == []
    new_when = "Thursday, December 3, 3:00–3:45 PM (EST)"
    assert message["text"] == (
        f"<@UCOACH> suggested another time: {new_when} (instead of {WHEN_NY})."
    )
    assert texts(message)[1:3] == ["> Thursdays work better for me.", "*Class*\nPeriod 3 Algebra"]
    # The sentence says both times; the fields below do not say them again.
    assert new_when not in "\n".join(texts(message)[1:])
    assert WHEN_NY not in "\n".join(texts(message)[1:])
    assert answer_buttons(message) == ANSWERS


def test_proposal_to_the_coach_in_los_angeles() -> None:
    card = replace(PROPOSED, tz=LA, proposed_by="teacher", proposal_note=None)
    message = build_proposal(card, to="coach")
    assert message_problems(message) == []
    assert message["text"] == (
        "<@UTEACH> suggested another time: Thursday, December 3, 12:00–12:45 PM (PST) "
        f"(instead of {WHEN_LA})."
    )
    assert not any(t.startswith(">") for t in texts(message))


def test_proposal_needs_a_proposed_time() -> None:
    with pytest.raises(ValueError, match="proposed"):
        build_proposal(CARD, to="teacher")
    with pytest.raises(ValueError, match="to must be"):
        build_proposal(PROPOSED, to="someone")


@pytest.mark.parametrize(
    ("viewer", "headline", "sentence"),
    [
        (
            "coach",
            ":white_check_mark: You accepted.",
            "<@UTEACH> invited you to visit Period 3 Algebra.",
        ),
        (
            "teacher",
            ":no_entry_sign: You cancelled this visit.",
            "You invited <@UCOACH> to visit Period 3 Algebra.",
        ),
    ],
)
def test_status_update(viewer: str, headline: str, sentence: str) -> None:
    message = build_status_update(CARD, viewer=viewer, headline=headline)
    assert message_problems(message) == []
    assert buttons(message) == []
    assert texts(message)[0] == sentence
    assert message["blocks"][-1] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": headline}],
    }
    assert message["text"] == f"{headline} {sentence[:-1]} on {WHEN_NY}."


def test_status_update_for_co_planning() -> None:
    headline = ":hourglass_flowing_sand: You suggested Thursday; waiting for <@UTEACH>."
    message = build_status_update(COPLAN, viewer="coach", headline=headline)
    assert message_problems(message) == []
    assert texts(message)[0] == "<@UTEACH> invited you to co-plan."


def test_accepted_for_the_coach_and_teacher() -> None:
    coach = build_accepted(CARD, viewer="coach", links=LINKS)
    teacher = build_accepted(replace(CARD, tz=LA), viewer="teacher", links=LINKS)
    assert message_problems(coach) == message_problems(teacher) == []
    assert coach["text"] == f"You're visiting <@UTEACH> in Period 3 Algebra on {WHEN_NY}."
    assert teacher["text"] == (
        f":tada: <@UCOACH> accepted! They'll visit Period 3 Algebra on {WHEN_LA}."
    )
    # The time is in the sentence once, not again as a field.
    assert all(WHEN_LA not in text for text in texts(teacher)[1:])
    assert not any(text.startswith("*When*") for text in texts(teacher))
    links = buttons(teacher)
    assert [(b["text"]["text"], b["url"]) for b in links] == [
        ("Google Calendar", LINKS.google),
        ("Outlook", LINKS.outlook),
        (".ics file", LINKS.ics),
    ]
    assert [b["action_id"] for b in links] == [
        Action.CALENDAR_GOOGLE,
        Action.CALENDAR_OUTLOOK,
        Action.CALENDAR_ICS,
    ]


def test_accepted_co_planning_without_an_ics_link() -> None:
    links = replace(LINKS, ics=None)
    coach = build_accepted(COPLAN, viewer="coach", links=links)
    teacher = build_accepted(COPLAN, viewer="teacher", links=links)
    assert message_problems(coach) == message_problems(teacher) == []
    assert coach["text"] == f"You're co-planning with <@UTEACH> on {WHEN_NY}."
    assert teacher["text"] == f":tada: <@UCOACH> accepted! You'll co-plan together on {WHEN_NY}."
    assert [b["text"]["text"] for b in buttons(teacher)] == ["Google Calendar", "Outlook"]


def test_accepted_leaves_out_a_link_slack_would_refuse() -> None:
    links = replace(LINKS, google="https://calendar.google.com/?" + "x" * 3000)
    message = build_accepted(CARD, viewer="coach", links=links)
    assert message_problems(message) == []
    assert [b["text"]["text"] for b in buttons(message)] == ["Outlook", ".ics file"]


def test_declined_with_other_coaches() -> None:
    card = replace(CARD, status=VisitStatus.DECLINED, decline_reason="I'm at a training that day.")
    message = build_declined(card, others=OTHERS)
    assert message_problems(message) == []
    assert message["text"] == (
        f"<@UCOACH> can't make this one ({WHEN_NY}). Here are other coaches who could help."
    )
    read = texts(message)
    assert read[:2] == ["<@UCOACH> can't make this one.", "> I'm at a training that day."]
    assert read[-4:] == [
        "These coaches could help with How my students explain their thinking in small groups:",
        "*Ana María Ruiz*\nmath, data use",
        "*Ben Okafor*\nliteracy",
        "*Cho Min-jun*",
    ]
    invites = buttons(message)
    assert [(b["text"]["text"], b["action_id"], b["value"]) for b in invites] == [
        ("Invite Ana", Action.INVITE_OTHER_COACH, "UANA"),
        ("Invite Ben", Action.INVITE_OTHER_COACH, "UBEN"),
        ("Invite Cho", Action.INVITE_OTHER_COACH, "UCHO"),
    ]


def test_declined_without_focus_names_the_support() -> None:
    message = build_declined(replace(CARD, focus=None), others=OTHERS[:1])
    assert "These coaches could help with _Observe and give feedback_:" in texts(message)


def test_declined_with_nobody_else() -> None:
    message = build_declined(replace(CARD, status=VisitStatus.DECLINED), others=[])
    assert message_problems(message) == []
    assert message["text"] == (
        f"<@UCOACH> can't make this one ({WHEN_NY}). "
        "Try another time, or ask your lead coach who could help."
    )
    read = texts(message)
    assert read[0] == "<@UCOACH> can't make this one."
    assert read[-1] == "Try another time, or ask your lead coach who could help."
    assert buttons(message) == []


def test_cancelled() -> None:
    message = build_cancelled(replace(CARD, tz=LA, status=VisitStatus.CANCELLED))
    assert message_problems(message) == []
    assert message["text"] == (
        f":no_entry_sign: <@UTEACH> cancelled the visit on {WHEN_LA}. Nothing for you to do."
    )
    assert texts(message)[0] == message["text"]
    assert buttons(message) == []
    co_plan = build_cancelled(COPLAN)
    assert co_plan["text"].startswith(":no_entry_sign: <@UTEACH> cancelled co-planning on ")


def test_notice() -> None:
    assert build_notice("This invitation was already accepted.") == {
        "text": "This invitation was already accepted.",
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": "This invitation was already accepted."},
            }
        ],
    }
    assert message_problems(build_notice("x" * 5000)) == []


# --------------------------------------------------------------------------- worst cases


def every_message(card: VisitCard) -> list[dict[str, Any]]:
    proposed = replace(
        card,
        proposed_starts_at=datetime(2026, 12, 3, 20, 0, tzinfo=UTC),
        proposed_ends_at=datetime(2026, 12, 3, 20, 45, tzinfo=UTC),
    )
    headline = ":hourglass_flowing_sand: You suggested Thursday; waiting for <@UTEACH>."
    return [
        build_coach_invitation(card),
        build_teacher_sent(card),
        build_proposal(proposed, to="teacher"),
        build_proposal(proposed, to="coach"),
        build_status_update(card, viewer="coach", headline=headline),
        build_status_update(card, viewer="teacher", headline=headline),
        build_accepted(card, viewer="coach", links=LINKS),
        build_accepted(card, viewer="teacher", links=LINKS),
        build_declined(card, others=LONG_OTHERS),
        build_declined(card, others=[]),
        build_cancelled(card),
    ]


@pytest.mark.parametrize(
    "card",
    [
        CARD,
        COPLAN,
        LONG_CARD,
        replace(LONG_CARD, tz=LA),
        replace(LONG_CARD, support=SupportType.CO_PLAN),
    ],
    ids=["usual", "co-plan", "longest", "longest-la", "longest-co-plan"],
)
def test_every_message_fits_slack(card: VisitCard) -> None:
    for message in every_message(card):
        assert message_problems(message) == []


def test_longest_text_is_shown_escaped_and_clipped() -> None:
    message = build_coach_invitation(LONG_CARD)
    focus = next(t for t in texts(message) if t.startswith("*Focus*"))
    assert 1990 < len(focus) <= 2000
    assert focus.endswith("&amp;…")  # never half an escape
    quote = next(t for t in texts(message) if t.startswith(">"))
    assert "&lt;!channel&gt;" in quote
    assert "<!channel>" not in quote
    assert len(quote) <= 3000


def test_declined_shows_at_most_three_coaches() -> None:
    message = build_declined(LONG_CARD, others=LONG_OTHERS)
    assert len(buttons(message)) == 3
    assert all(len(b["text"]["text"]) <= 75 for b in buttons(message))


def test_every_form_fits_slack_with_the_longest_answers() -> None:
    for tz in (NY, LA):
        card = replace(LONG_CARD, tz=tz)
        assert view_problems(build_propose_form(card, by="coach", today=TODAY)) == []
        assert view_problems(build_propose_form(card, by="teacher", today=TODAY)) == []
        assert view_problems(build_decline_form(card)) == []
    long_warning = build_invite_form(
        today=TODAY, initial=INITIAL, warning="w" * 4000, private_metadata="m" * 3000
    )
    assert view_problems(long_warning) == []
