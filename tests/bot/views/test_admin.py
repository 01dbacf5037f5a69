"""The admin modals: Slack's Block Kit limits, what they show, and how submissions are read."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest

from bot.demo.block_kit import check_blocks, check_view
from bot.ids import Action, Block, Callback, Input
from bot.rules.calendar import Closure
from bot.rules.cards import AssignForm, CalendarForm, CoachForm, RosterSummary
from bot.rules.domain import DEFAULT_EXPERTISE_AREAS, Role
from bot.views.admin import (
    build_admin_menu,
    build_assign_form,
    build_calendar_form,
    build_coach_form,
    format_closure_lines,
    parse_assign_form,
    parse_calendar_form,
    parse_closure_lines,
    parse_coach_form,
    school_from_marker,
    school_marker,
)

AREAS = list(DEFAULT_EXPERTISE_AREAS)
LONG = "Dr. Maria-Fernanda Alejandra Villanueva-Santiago de la Cruz y Montenegro-Whitfield"
COACHES = [(f"U{n:04d}", f"Coach {n:03d} {LONG}") for n in range(150, 0, -1)]
SCHOOLS = [f"School {n:03d} — {LONG} Elementary and Middle Academy" for n in range(150)]
TODAY = date(2026, 9, 1)  # this school year runs to June 30, 2027; the next to 2028
CLOSURES = (
    Closure(date(2026, 9, 7), date(2026, 9, 7), "Labor Day"),
    Closure(date(2026, 11, 25), date(2026, 11, 27), "Thanksgiving break"),
    Closure(date(2026, 12, 21), date(2027, 1, 1), "Winter break"),
    Closure(date(2027, 3, 15), date(2027, 3, 15), "No school"),
)
CALENDAR = CalendarForm(
    school=SCHOOLS[120],
    weekdays=frozenset({0, 1, 2, 3, 4}),
    day_start=time(7, 0),
    day_end=time(17, 0),
    closures=CLOSURES,
)

# --------------------------------------------------------------------------- helpers


def slack_problems(view: dict[str, Any]) -> list[str]:
    """Everything Slack would reject, checked as a view and as modal blocks."""
    return check_view(view) + check_blocks(view["blocks"], surface="modal")


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    found = [b for b in view["blocks"] if b.get("block_id") == block_id]
    assert len(found) == 1, f"{block_id} appears {len(found)} times"
    return found[0]


def block_ids(view: dict[str, Any]) -> list[str]:
    return [b["block_id"] for b in view["blocks"] if "block_id" in b]


def option(value: str, text: str | None = None) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text or value, "emoji": True}, "value": value}


def users_select(user: str | None) -> dict[str, Any]:
    return {"type": "users_select", "selected_user": user}


def multi_users_select(users: list[str]) -> dict[str, Any]:
    return {"type": "multi_users_select", "selected_users": users}


def radio_buttons(value: str | None) -> dict[str, Any]:
    return {"type": "radio_buttons", "selected_option": option(value) if value else None}


def static_select(value: str | None) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": option(value) if value else None}


def multi_static_select(values: list[str]) -> dict[str, Any]:
    return {"type": "multi_static_select", "selected_options": [option(v) for v in values]}


def number_input(value: str | None) -> dict[str, Any]:
    return {"type": "number_input", "value": value}


def plain_text_input(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def conversations_select(channel: str | None) -> dict[str, Any]:
    return {"type": "conversations_select", "selected_conversation": channel}


def checkboxes(days: list[int]) -> dict[str, Any]:
    return {"type": "checkboxes", "selected_options": [option(str(d)) for d in days]}


def timepicker(value: str | None) -> dict[str, Any]:
    return {"type": "timepicker", "selected_time": value}


def _unchanged(element: dict[str, Any]) -> dict[str, Any]:
    """An element's state as Slack reports it when the person left it as it was built."""
    kind = element["type"]
    match kind:
        case "users_select":
            return users_select(element.get("initial_user"))
        case "multi_users_select":
            return multi_users_select(list(element.get("initial_users", [])))
        case "radio_buttons" | "static_select":
            return {"type": kind, "selected_option": element.get("initial_option")}
        case "multi_static_select" | "checkboxes":
            return {"type": kind, "selected_options": list(element.get("initial_options", []))}
        case "number_input" | "plain_text_input":
            return {"type": kind, "value": element.get("initial_value")}
        case "conversations_select":
            return conversations_select(element.get("initial_conversation"))
        case "timepicker":
            return timepicker(element.get("initial_time"))
    raise AssertionError(f"no state for {kind}")


def submit(view: dict[str, Any], **answers: dict[str, Any]) -> dict[str, Any]:
    """view["state"]["values"] as Slack sends it on submission, keyed by block and action id.

    `answers` (by block_id) replace what the person changed; every other input keeps its
    initial value. Each answer must match an input of the view and its element type.
    """
    values: dict[str, Any] = {}
    for built in view["blocks"]:
        element = built.get("element") if built["type"] == "input" else built.get("accessory")
        if element is None or element["type"] == "button":
            continue
        state = answers.pop(built["block_id"], None) or _unchanged(element)
        assert state["type"] == element["type"], built["block_id"]
        values[built["block_id"]] = {element["action_id"]: state}
    assert not answers, f"not in the view: {sorted(answers)}"
    return values


# --------------------------------------------------------------------------- admin menu


def test_admin_menu_summarises_the_roster_within_slack_limits() -> None:
    view = build_admin_menu(RosterSummary(5, 52, 2, 4, unassigned_teachers=3))

    assert slack_problems(view) == []
    assert view["type"] == "modal"
    assert view["callback_id"] == Callback.ADMIN_MENU
    assert view["title"]["text"] == "coachbot admin"
    assert view["close"]["text"] == "Done"
    assert "submit" not in view
    summary = block(view, Block.ADMIN_SUMMARY)["text"]["text"]
    assert "5 coaches, 52 teachers (3 without a coach), 2 schools, 4 PLC channels" in summary


def test_admin_menu_counts_in_the_singular_and_leaves_out_nobody_unassigned() -> None:
    one = build_admin_menu(RosterSummary(1, 1, 1, 1, unassigned_teachers=1))
    text = block(one, Block.ADMIN_SUMMARY)["text"]["text"]
    assert "1 coach, 1 teacher (1 without a coach), 1 school, 1 PLC channel." in text

    none_unassigned = build_admin_menu(RosterSummary(0, 12, 1, 0, unassigned_teachers=0))
    text = block(none_unassigned, Block.ADMIN_SUMMARY)["text"]["text"]
    assert "0 coaches, 12 teachers, 1 school, 0 PLC channels." in text
    assert "without" not in text


def test_admin_menu_offers_coach_assign_and_calendar_buttons_and_says_what_admins_see() -> None:
    view = build_admin_menu(RosterSummary(5, 52, 2, 4, 3))

    items = [b for b in view["blocks"] if b["type"] == "section" and "accessory" in b]
    assert [b["accessory"]["action_id"] for b in items] == [
        Action.ADMIN_OPEN_COACH,
        Action.ADMIN_OPEN_ASSIGN,
        Action.ADMIN_OPEN_CALENDAR,
    ]
    assert all(b["accessory"]["type"] == "button" for b in items)
    texts = [b["text"]["text"] for b in items]
    assert "Add or change a coach" in texts[0]
    assert "Assign teachers" in texts[1] and "PLC channel" in texts[1]
    assert "School calendar" in texts[2] and "days off" in texts[2]
    [context] = [b for b in view["blocks"] if b["type"] == "context"]
    assert context["elements"][0]["text"] == (
        "Admins see the roster and aggregate reports only, never coaching notes or reflections."
    )


# --------------------------------------------------------------------------- coach form


def coach_view() -> dict[str, Any]:
    # 120 areas, some far longer than a Slack option's 75 (text) or 150 (value) characters.
    areas = AREAS + [f"{n:03d} {LONG}" for n in range(105)] + ["x" * 160]
    initial = CoachForm("U0042", Role.LEAD_COACH, (AREAS[1], f"003 {LONG}"), 12)
    return build_coach_form(areas, initial)


def test_coach_form_passes_slack_checks() -> None:
    view = coach_view()

    assert slack_problems(view) == []
    assert block(view, Input.COACH_CAPACITY)["element"]["type"] == "number_input"
    assert len(block(view, Input.COACH_AREAS)["element"]["options"]) == 100


def test_new_coach_form_starts_as_a_coach_with_capacity_five() -> None:
    view = build_coach_form(AREAS)

    assert view["callback_id"] == Callback.ADMIN_COACH
    assert view["title"]["text"] == "Add or change a coach"
    assert view["submit"]["text"] == "Save"
    assert view["close"]["text"] == "Back"
    assert block_ids(view) == [
        Input.COACH_USER,
        Input.COACH_ROLE,
        Input.COACH_AREAS,
        Input.COACH_CAPACITY,
    ]
    for block_id in block_ids(view):
        assert block(view, block_id)["element"]["action_id"] == block_id
    assert "initial_user" not in block(view, Input.COACH_USER)["element"]
    role = block(view, Input.COACH_ROLE)["element"]
    assert role["initial_option"]["value"] == Role.COACH
    assert [o["text"]["text"] for o in role["options"]] == ["Coach", "Lead coach"]
    assert role["options"][1]["description"]["text"] == "Also manages the roster"
    areas = block(view, Input.COACH_AREAS)
    assert areas["optional"] is True
    assert [o["value"] for o in areas["element"]["options"]] == AREAS
    assert "initial_options" not in areas["element"]
    capacity = block(view, Input.COACH_CAPACITY)["element"]
    assert capacity["is_decimal_allowed"] is False
    assert (capacity["initial_value"], capacity["min_value"], capacity["max_value"]) == (
        "5",
        "1",
        "40",
    )


def test_coach_form_shows_the_coach_being_changed() -> None:
    initial = CoachForm("U0042", Role.LEAD_COACH, ("math", "data use"), 12)
    view = build_coach_form(AREAS, initial)

    assert block(view, Input.COACH_USER)["element"]["initial_user"] == "U0042"
    assert block(view, Input.COACH_ROLE)["element"]["initial_option"]["value"] == Role.LEAD_COACH
    chosen = block(view, Input.COACH_AREAS)["element"]["initial_options"]
    assert [o["value"] for o in chosen] == ["math", "data use"]
    assert block(view, Input.COACH_CAPACITY)["element"]["initial_value"] == "12"


def test_coach_form_without_areas_has_no_areas_input() -> None:
    view = build_coach_form([])
    assert Input.COACH_AREAS not in block_ids(view)
    assert slack_problems(view) == []


def test_parse_coach_form_reads_slacks_state_values() -> None:
    values = {
        "coach_user": {"coach_user": {"type": "users_select", "selected_user": "U0042"}},
        "coach_role": {
            "coach_role": {
                "type": "radio_buttons",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "Lead coach", "emoji": True},
                    "value": "lead_coach",
                    "description": {"type": "plain_text", "text": "Also manages the roster"},
                },
            }
        },
        "coach_areas": {
            "coach_areas": {
                "type": "multi_static_select",
                "selected_options": [option("math"), option("literacy")],
            }
        },
        "coach_capacity": {"coach_capacity": {"type": "number_input", "value": "8"}},
    }

    form, errors = parse_coach_form(values, AREAS)

    assert errors == {}
    # Areas come back in the district's order, whatever order they were picked in.
    assert form == CoachForm("U0042", Role.LEAD_COACH, ("literacy", "math"), 8)


def test_coach_form_submitted_unchanged_gives_back_the_coach_it_showed() -> None:
    initial = CoachForm("U0042", Role.COACH, ("science", "technology"), 3)
    assert parse_coach_form(submit(build_coach_form(AREAS, initial)), AREAS) == (initial, {})


def test_coach_form_asks_for_the_coach() -> None:
    values = submit(build_coach_form(AREAS), coach_user=users_select(None))

    form, errors = parse_coach_form(values, AREAS)

    assert form is None
    assert errors == {Input.COACH_USER: "Choose the person you would like to add as a coach."}


@pytest.mark.parametrize("typed", ["0", "41", "2.5", "-3", "five", "", None])
def test_coach_form_asks_for_a_whole_number_capacity_from_1_to_40(typed: str | None) -> None:
    values = submit(
        build_coach_form(AREAS), coach_user=users_select("U1"), coach_capacity=number_input(typed)
    )

    form, errors = parse_coach_form(values, AREAS)

    assert form is None
    assert errors == {Input.COACH_CAPACITY: "Please enter a whole number from 1 to 40."}


@pytest.mark.parametrize("typed", ["1", "40", " 7 "])
def test_coach_form_accepts_capacities_at_the_ends_of_the_range(typed: str) -> None:
    values = submit(
        build_coach_form(AREAS), coach_user=users_select("U1"), coach_capacity=number_input(typed)
    )
    form, errors = parse_coach_form(values, AREAS)
    assert errors == {}
    assert form is not None and form.weekly_capacity == int(typed)


def test_coach_form_catches_an_area_the_district_no_longer_has() -> None:
    values = submit(
        build_coach_form(AREAS),
        coach_user=users_select("U1"),
        coach_areas=multi_static_select(["math", "robotics"]),
    )

    form, errors = parse_coach_form(values, AREAS)

    assert form is None
    assert errors == {
        Input.COACH_AREAS: "'robotics' is no longer on the list of expertise areas. "
        "Please choose again."
    }


# --------------------------------------------------------------------------- assign form


def test_assign_form_with_150_coaches_and_long_names_passes_slack_checks() -> None:
    view = build_assign_form(COACHES, SCHOOLS)

    assert slack_problems(view) == []
    assert view["callback_id"] == Callback.ADMIN_ASSIGN
    assert view["title"]["text"] == "Assign teachers"
    assert (view["submit"]["text"], view["close"]["text"]) == ("Save", "Back")
    assert block_ids(view) == [
        Input.ASSIGN_TEACHERS,
        Input.ASSIGN_COACH,
        Input.ASSIGN_SCHOOL,
        Input.ASSIGN_TEAM,
        Input.ASSIGN_PLC,
    ]
    coach = block(view, Input.ASSIGN_COACH)
    values = [o["value"] for o in coach["element"]["options"]]
    # The first 100 by name: "Coach 001 ..." to "Coach 100 ...".
    assert values == [f"U{n:04d}" for n in range(1, 101)]
    assert coach["hint"]["text"] == (
        "This list has room for 100 coaches, so it shows the first 100 of 150 by name."
    )
    assert coach["optional"] is True


def test_assign_form_inputs() -> None:
    view = build_assign_form([("U2", "Bea Ortiz"), ("U1", "Ana Lee")], ["Lincoln", "Roosevelt"])

    assert slack_problems(view) == []
    teachers = block(view, Input.ASSIGN_TEACHERS)
    assert teachers["element"]["type"] == "multi_users_select"
    assert teachers["element"]["max_selected_items"] == 100
    assert "optional" not in teachers
    coach = block(view, Input.ASSIGN_COACH)
    assert [(o["value"], o["text"]["text"]) for o in coach["element"]["options"]] == [
        ("U1", "Ana Lee"),
        ("U2", "Bea Ortiz"),
    ]
    assert "hint" not in coach
    school = block(view, Input.ASSIGN_SCHOOL)
    assert school["element"]["max_length"] == 200 and school["optional"] is True
    assert school["hint"]["text"] == "Schools so far: Lincoln, Roosevelt."
    team = block(view, Input.ASSIGN_TEAM)
    assert team["label"]["text"] == "Grade or team"
    assert team["element"]["max_length"] == 200 and team["optional"] is True
    plc = block(view, Input.ASSIGN_PLC)
    assert plc["element"]["type"] == "conversations_select"
    assert plc["element"]["filter"] == {"include": ["public", "private"], "exclude_bot_users": True}
    assert plc["hint"]["text"] == "Celebrations a teacher approves are posted here."
    assert plc["optional"] is True
    for block_id in block_ids(view):
        assert block(view, block_id)["element"]["action_id"] == block_id


def test_assign_form_hint_lists_ten_schools_and_counts_the_rest() -> None:
    schools = [f"School {n}" for n in range(1, 16)]
    hint = block(build_assign_form(COACHES, schools), Input.ASSIGN_SCHOOL)["hint"]["text"]
    listed = ", ".join(f"School {n}" for n in range(1, 11))
    assert hint == f"Schools so far: {listed}, and 5 more."


def test_assign_form_without_coaches_says_to_add_one_first() -> None:
    view = build_assign_form([], [])

    assert slack_problems(view) == []
    assert Input.ASSIGN_COACH not in block_ids(view)
    contexts = [b["elements"][0]["text"] for b in view["blocks"] if b["type"] == "context"]
    assert contexts == ["Add a coach first to assign teachers to them."]
    assert "hint" not in block(view, Input.ASSIGN_SCHOOL)


def test_parse_assign_form_reads_slacks_state_values_and_tidies_names() -> None:
    values = submit(
        build_assign_form(COACHES, SCHOOLS),
        assign_teachers=multi_users_select(["U2001", "U2002", "U2001"]),
        assign_coach=static_select("U0007"),
        assign_school=plain_text_input("  Lincoln   Elementary "),
        assign_team=plain_text_input("Grade 3"),
        assign_plc=conversations_select("C0PLC3"),
    )

    form, errors = parse_assign_form(values, coach_ids={"U0007", "U0008"})

    assert errors == {}
    assert form == AssignForm(
        teacher_ids=("U2001", "U2002"),
        coach_user_id="U0007",
        school="Lincoln Elementary",
        team="Grade 3",
        plc_channel_id="C0PLC3",
    )


def test_parse_assign_form_leaves_empty_fields_as_none() -> None:
    values = submit(
        build_assign_form([], []),
        assign_teachers=multi_users_select(["U2001"]),
        assign_school=plain_text_input("   "),
        assign_team=plain_text_input("Science department"),
    )

    assert parse_assign_form(values, coach_ids=()) == (
        AssignForm(("U2001",), None, None, "Science department", None),
        {},
    )


def test_assign_form_asks_for_teachers() -> None:
    values = submit(
        build_assign_form(COACHES, SCHOOLS),
        assign_teachers=multi_users_select([]),
        assign_school=plain_text_input("Lincoln"),
    )

    assert parse_assign_form(values, coach_ids={"U0007"}) == (
        None,
        {Input.ASSIGN_TEACHERS: "Choose at least one teacher."},
    )


def test_assign_form_asks_for_something_to_set() -> None:
    values = submit(
        build_assign_form(COACHES, SCHOOLS),
        assign_teachers=multi_users_select(["U2001"]),
        assign_school=plain_text_input(" "),
        assign_team=plain_text_input(""),
    )

    assert parse_assign_form(values, coach_ids={"U0007"}) == (
        None,
        {
            Input.ASSIGN_TEACHERS: (
                "Choose a coach, school, team or PLC channel to set for these teachers."
            )
        },
    )


def test_assign_form_catches_a_coach_who_is_no_longer_a_coach() -> None:
    values = submit(
        build_assign_form(COACHES, SCHOOLS),
        assign_teachers=multi_users_select(["U2001"]),
        assign_coach=static_select("U0009"),
    )

    assert parse_assign_form(values, coach_ids={"U0007"}) == (
        None,
        {Input.ASSIGN_COACH: "That person is not a coach yet. Add them as a coach first."},
    )


def test_assign_form_catches_a_coach_among_their_own_teachers() -> None:
    values = submit(
        build_assign_form(COACHES, SCHOOLS),
        assign_teachers=multi_users_select(["U2001", "U0007"]),
        assign_coach=static_select("U0007"),
    )

    form, errors = parse_assign_form(values, coach_ids={"U0007"})

    assert form is None
    assert list(errors) == [Input.ASSIGN_TEACHERS]
    assert errors[Input.ASSIGN_TEACHERS].startswith("A coach cannot be their own teacher here")


# --------------------------------------------------------------------------- calendar form


def test_calendar_form_with_150_long_school_names_passes_slack_checks() -> None:
    view = build_calendar_form(SCHOOLS, CALENDAR)

    assert slack_problems(view) == []
    assert view["callback_id"] == Callback.ADMIN_CALENDAR
    assert view["title"]["text"] == "School calendar"
    assert (view["submit"]["text"], view["close"]["text"]) == ("Save", "Back")
    assert view["private_metadata"] == "school:" + SCHOOLS[120]
    select = block(view, Block.CALENDAR_SCHOOL)["accessory"]
    assert select["action_id"] == Action.ADMIN_CALENDAR_SCHOOL
    assert len(select["options"]) == 100
    assert select["options"][0] == option("district", "Whole district")
    # The school being edited is offered even though it is not among the first 99 by name.
    assert select["initial_option"]["value"] == "school:" + SCHOOLS[120]
    assert select["initial_option"] in select["options"]


def test_calendar_form_shows_the_calendar_it_edits() -> None:
    view = build_calendar_form(["Lincoln", "Roosevelt"], CALENDAR)

    assert block_ids(view) == [
        Block.CALENDAR_SCHOOL,
        Input.CALENDAR_WEEKDAYS,
        Input.CALENDAR_START,
        Input.CALENDAR_END,
        Input.CALENDAR_CLOSURES,
    ]
    days = block(view, Input.CALENDAR_WEEKDAYS)["element"]
    assert [o["text"]["text"] for o in days["options"]] == [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
    assert [o["value"] for o in days["initial_options"]] == ["0", "1", "2", "3", "4"]
    assert block(view, Input.CALENDAR_START)["element"]["initial_time"] == "07:00"
    assert block(view, Input.CALENDAR_END)["element"]["initial_time"] == "17:00"
    closures = block(view, Input.CALENDAR_CLOSURES)
    assert closures["optional"] is True
    assert closures["element"]["multiline"] is True
    assert closures["element"]["max_length"] == 3000
    assert closures["element"]["initial_value"] == format_closure_lines(CLOSURES)
    assert closures["hint"]["text"] == (
        "One per line: 2026-11-26 Thanksgiving, or 2026-12-21 to 2027-01-01 Winter break"
    )
    for block_id in block_ids(view)[1:]:
        assert block(view, block_id)["element"]["action_id"] == block_id


def test_calendar_form_for_the_district() -> None:
    district = CalendarForm(None, frozenset({1, 2, 3}), time(8, 15), time(15, 45), ())
    view = build_calendar_form(["Lincoln"], district)

    assert slack_problems(view) == []
    assert view["private_metadata"] == "district"
    select = block(view, Block.CALENDAR_SCHOOL)["accessory"]
    assert select["initial_option"] == option("district", "Whole district")
    assert [o["value"] for o in select["options"]] == ["district", "school:Lincoln"]
    assert "Whole district" in block(view, Block.CALENDAR_SCHOOL)["text"]["text"]
    assert block(view, Input.CALENDAR_START)["element"]["initial_time"] == "08:15"
    assert "initial_value" not in block(view, Input.CALENDAR_CLOSURES)["element"]


def test_calendar_form_for_a_school_name_too_long_for_an_option() -> None:
    name = "The " + "Very " * 40 + "Long Name Academy"
    view = build_calendar_form(
        ["Lincoln"], CalendarForm(name, frozenset({0}), time(7), time(17), ())
    )

    assert slack_problems(view) == []
    assert view["private_metadata"] == "school:" + name
    select = block(view, Block.CALENDAR_SCHOOL)["accessory"]
    assert "initial_option" not in select
    assert [o["value"] for o in select["options"]] == ["district", "school:Lincoln"]
    assert name in block(view, Block.CALENDAR_SCHOOL)["text"]["text"]
    form, errors = parse_calendar_form(submit(view), view["private_metadata"], today=TODAY)
    assert errors == {} and form is not None and form.school == name


def test_calendar_form_offers_the_school_it_edits_even_if_not_listed_yet() -> None:
    view = build_calendar_form(
        ["Roosevelt"], CalendarForm("Adams", frozenset({0}), time(7), time(17), ())
    )
    select = block(view, Block.CALENDAR_SCHOOL)["accessory"]
    assert [o["value"] for o in select["options"]] == [
        "district",
        "school:Adams",
        "school:Roosevelt",
    ]
    assert select["initial_option"]["value"] == "school:Adams"


def test_calendar_form_says_when_days_off_do_not_all_fit() -> None:
    reason = "Professional development day for every teacher and coach in the district " * 2
    days = [date(2026, 9, 1) + timedelta(days=n) for n in range(30)]
    many = tuple(Closure(day, day, reason.strip()) for day in days)
    view = build_calendar_form([], CalendarForm(None, frozenset({0}), time(7), time(17), many))

    assert slack_problems(view) == []
    closures = block(view, Input.CALENDAR_CLOSURES)
    shown = closures["element"]["initial_value"]
    assert len(shown) <= 3000
    left_out = 30 - len(shown.splitlines())
    assert left_out > 0
    assert f"The last {left_out} lines did not fit here" in closures["hint"]["text"]


def test_calendar_form_submitted_unchanged_gives_back_the_calendar_it_showed() -> None:
    view = build_calendar_form(SCHOOLS, CALENDAR)
    assert parse_calendar_form(submit(view), view["private_metadata"], today=TODAY) == (
        CALENDAR,
        {},
    )


def test_parse_calendar_form_reads_slacks_state_values() -> None:
    view = build_calendar_form(SCHOOLS, CALENDAR)
    values = submit(
        view,
        calendar_weekdays=checkboxes([0, 1, 2, 3]),
        calendar_start=timepicker("07:30"),
        calendar_end=timepicker("15:15"),
        calendar_closures=plain_text_input("2026-11-26 Thanksgiving\n\n2026-12-21 to 2027-01-01"),
    )

    form, errors = parse_calendar_form(values, view["private_metadata"], today=TODAY)

    assert errors == {}
    assert form == CalendarForm(
        school=SCHOOLS[120],
        weekdays=frozenset({0, 1, 2, 3}),
        day_start=time(7, 30),
        day_end=time(15, 15),
        closures=(
            Closure(date(2026, 11, 26), date(2026, 11, 26), "Thanksgiving"),
            Closure(date(2026, 12, 21), date(2027, 1, 1), "No school"),
        ),
    )


def test_calendar_form_edits_the_calendar_it_was_built_for_even_if_the_select_moved() -> None:
    view = build_calendar_form(["Lincoln", "Roosevelt"], CALENDAR)
    values = submit(view, calendar_school=static_select("school:Roosevelt"))

    form, errors = parse_calendar_form(values, view["private_metadata"], today=TODAY)

    assert errors == {}
    assert form is not None and form.school == SCHOOLS[120]


def test_calendar_form_asks_for_a_school_day() -> None:
    view = build_calendar_form([], CALENDAR)
    values = submit(view, calendar_weekdays=checkboxes([]))

    assert parse_calendar_form(values, "district", today=TODAY) == (
        None,
        {Input.CALENDAR_WEEKDAYS: "Tick at least one school day."},
    )


@pytest.mark.parametrize(("start", "end"), [("08:00", "08:00"), ("15:00", "07:30")])
def test_calendar_form_asks_for_the_day_to_end_after_it_starts(start: str, end: str) -> None:
    view = build_calendar_form([], CALENDAR)
    values = submit(view, calendar_start=timepicker(start), calendar_end=timepicker(end))

    assert parse_calendar_form(values, "district", today=TODAY) == (
        None,
        {Input.CALENDAR_END: "The school day needs to end after it starts."},
    )


def test_calendar_form_lists_every_closure_line_that_does_not_read() -> None:
    text = "\n".join(
        [
            "2026-09-07 Labor Day",
            "2026-02-30 Not a real day",
            "2026-11-26 Thanksgiving",
            "",
            "2026-12-21 to 2026-12-01 Winter break",
        ]
    )
    values = submit(build_calendar_form([], CALENDAR), calendar_closures=plain_text_input(text))

    assert parse_calendar_form(values, "district", today=TODAY) == (
        None,
        {
            Input.CALENDAR_CLOSURES: (
                "Line 2: '2026-02-30' is not a date. Line 5: the end is before the start."
            )
        },
    )


def test_calendar_form_counts_the_closure_problems_that_do_not_fit_in_one_message() -> None:
    text = "\n".join(f"2026-13-{n % 28 + 1:02d} Bad month" for n in range(300))
    values = submit(build_calendar_form([], CALENDAR), calendar_closures=plain_text_input(text))

    form, errors = parse_calendar_form(values, "district", today=TODAY)

    assert form is None
    message = errors[Input.CALENDAR_CLOSURES]
    assert len(message) <= 2000
    assert message.startswith("Line 1: '2026-13-01' is not a date. Line 2: ")
    listed = message.count("is not a date.")
    assert message.endswith(f" And {300 - listed} more lines to check.")


def test_school_markers() -> None:
    assert school_marker(None) == "district"
    assert school_marker("Lincoln Elementary") == "school:Lincoln Elementary"
    assert school_from_marker("district") is None
    assert school_from_marker("school:Lincoln Elementary") == "Lincoln Elementary"
    assert school_from_marker(school_marker("school: odd:name")) == "school: odd:name"
    for bad in ("", "school:", "Lincoln"):
        with pytest.raises(ValueError):
            school_from_marker(bad)


# --------------------------------------------------------------------------- closure lines


def test_closure_lines_round_trip() -> None:
    text = format_closure_lines(CLOSURES)

    assert text == (
        "2026-09-07 Labor Day\n"
        "2026-11-25 to 2026-11-27 Thanksgiving break\n"
        "2026-12-21 to 2027-01-01 Winter break\n"
        "2027-03-15 No school"
    )
    assert parse_closure_lines(text, today=TODAY) == (list(CLOSURES), [])
    assert parse_closure_lines(format_closure_lines([]), today=TODAY) == ([], [])


@pytest.mark.parametrize(
    "typed",
    [
        "2026-11-26 to be decided",
        "2026-11-26 - Thanksgiving: no visits",
        "2027-1-4\u20132027-1-8   Winter   recess ",
        "2027-05-31",
        "2027-06-01 TO 2027-06-02 Testing - no visits",
    ],
)
def test_what_people_type_reads_the_same_once_formatted(typed: str) -> None:
    closures, problems = parse_closure_lines(typed, today=TODAY)
    assert problems == [] and len(closures) == 1
    assert parse_closure_lines(format_closure_lines(closures), today=TODAY) == (closures, [])


def test_closure_lines_accept_what_people_type() -> None:
    text = "\n".join(
        [
            "  2026-11-26 Thanksgiving  ",
            "2026-12-21 - 2027-01-01 Winter break",
            "2027-02-15\u20132027-02-19 Mid-winter recess",
            "2027-04-05 \u2013 2027-04-09",
            "",
            "   ",
            "2027-5-3: Teacher work day",
            "2027-05-31",
            "2027-06-01 TO 2027-06-02 Testing - no visits",
        ]
    )

    closures, problems = parse_closure_lines(text, today=TODAY)

    assert problems == []
    assert closures == [
        Closure(date(2026, 11, 26), date(2026, 11, 26), "Thanksgiving"),
        Closure(date(2026, 12, 21), date(2027, 1, 1), "Winter break"),
        Closure(date(2027, 2, 15), date(2027, 2, 19), "Mid-winter recess"),
        Closure(date(2027, 4, 5), date(2027, 4, 9), "No school"),
        Closure(date(2027, 5, 3), date(2027, 5, 3), "Teacher work day"),
        Closure(date(2027, 5, 31), date(2027, 5, 31), "No school"),
        Closure(date(2027, 6, 1), date(2027, 6, 2), "Testing - no visits"),
    ]


def test_closure_lines_explain_what_does_not_read() -> None:
    text = "\n".join(
        [
            "Nov 26 Thanksgiving",
            "2026-12-21 to Jan 1 Winter break",
            "2026-12-21 - 12/31",
            "2027-01-05 to 2027-02-29 Long break",
            "2027-03-01 to 2027-02-01 Backwards",
        ]
    )

    closures, problems = parse_closure_lines(text, today=TODAY)

    assert closures == []
    assert problems == [
        "Line 1: 'Nov 26 Thanksgiving' needs to start with a date like 2026-11-26.",
        "Line 2: please write the last day as a date too, like 2027-01-01.",
        "Line 3: please write the last day as a date too, like 2027-01-01.",
        "Line 4: '2027-02-29' is not a date.",
        "Line 5: the end is before the start.",
    ]
