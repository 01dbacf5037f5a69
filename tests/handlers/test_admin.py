"""`/coachbot admin` through the real endpoint: admins manage, everyone else is politely refused."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from bot.ids import Action, Block, Callback, Input
from bot.rules.policy import REFUSED_ADMIN
from tests import factories
from tests.conftest import ADMIN_ID, Running

TEAM = factories.TEAM_ID


@pytest.fixture
def district(running: Running) -> Running:
    factories.add_district(running.slack, coaches=2, teachers=3)
    running.slack.add_user(ADMIN_ID, name="Dana Admin", tz="America/Chicago")
    return running


def _coach_values(user_id: str, *, capacity: str = "4", areas: tuple[str, ...] = ("math",)) -> Any:
    return {
        Input.COACH_USER: {Input.COACH_USER: {"type": "users_select", "selected_user": user_id}},
        Input.COACH_ROLE: {
            Input.COACH_ROLE: {"type": "radio_buttons", "selected_option": {"value": "coach"}}
        },
        Input.COACH_AREAS: {
            Input.COACH_AREAS: {
                "type": "multi_static_select",
                "selected_options": [{"value": a} for a in areas],
            }
        },
        Input.COACH_CAPACITY: {Input.COACH_CAPACITY: {"type": "number_input", "value": capacity}},
    }


def test_a_teacher_asking_for_admin_is_refused_kindly(district: Running) -> None:
    reply = district.sender.post(
        factories.slash_command("/coachbot", "admin", user_id=factories.teacher_id(1))
    )
    assert reply.status == 200
    assert reply.json()["text"] == REFUSED_ADMIN
    assert district.slack.calls_to("views.open") == []


def test_an_admin_opens_the_menu_with_the_roster_summary(district: Running) -> None:
    reply = district.sender.post(factories.slash_command("/coachbot", "admin", user_id=ADMIN_ID))
    assert reply.status == 200 and reply.text == ""
    [call] = district.slack.wait_for("views.open")
    view = call.args["view"]
    assert view["callback_id"] == Callback.ADMIN_MENU
    summary = next(b for b in view["blocks"] if b.get("block_id") == Block.ADMIN_SUMMARY)
    assert "0 coaches" in summary["text"]["text"]


def test_coachbot_without_admin_shows_help(district: Running) -> None:
    reply = district.sender.post(factories.slash_command("/coachbot", "", user_id=ADMIN_ID))
    assert "/coachbot admin" in reply.json()["text"]


def test_an_admin_makes_someone_a_coach(district: Running) -> None:
    coach = factories.coach_id(1)
    reply = district.sender.post(
        factories.view_submission(Callback.ADMIN_COACH, _coach_values(coach), user_id=ADMIN_ID)
    )
    assert reply.status == 200
    answer = reply.json()
    assert answer["response_action"] == "update"
    assert "is now a coach with math, up to 4 visits a week" in str(answer["view"])
    with district.deps.uow() as uow:
        person = uow.people.get_by_user(TEAM, coach)
        assert person is not None
        assert (person.role, person.areas, person.weekly_capacity) == ("coach", ["math"], 4)
        assert person.display_name == "Coach 1" and person.timezone == "America/Chicago"


def test_a_bad_capacity_is_shown_under_its_field_and_nothing_changes(district: Running) -> None:
    values = _coach_values(factories.coach_id(1), capacity="99")
    reply = district.sender.post(
        factories.view_submission(Callback.ADMIN_COACH, values, user_id=ADMIN_ID)
    )
    answer = reply.json()
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [Input.COACH_CAPACITY]
    with district.deps.uow() as uow:
        assert uow.people.get_by_user(TEAM, factories.coach_id(1)) is None


def test_a_forged_submission_from_a_teacher_changes_nothing(district: Running) -> None:
    teacher = factories.teacher_id(1)
    reply = district.sender.post(
        factories.view_submission(Callback.ADMIN_COACH, _coach_values(teacher), user_id=teacher)
    )
    answer = reply.json()
    assert answer["response_action"] == "update"
    assert REFUSED_ADMIN in str(answer["view"])
    with district.deps.uow() as uow:
        assert uow.people.get_by_user(TEAM, teacher) is None


def test_an_admin_assigns_teachers_to_a_coach_school_and_plc(district: Running) -> None:
    coach = factories.coach_id(2)
    district.sender.post(
        factories.view_submission(Callback.ADMIN_COACH, _coach_values(coach), user_id=ADMIN_ID)
    )
    teachers = [factories.teacher_id(1), factories.teacher_id(2)]
    values = {
        Input.ASSIGN_TEACHERS: {
            Input.ASSIGN_TEACHERS: {"type": "multi_users_select", "selected_users": teachers}
        },
        Input.ASSIGN_COACH: {
            Input.ASSIGN_COACH: {"type": "static_select", "selected_option": {"value": coach}}
        },
        Input.ASSIGN_SCHOOL: {
            Input.ASSIGN_SCHOOL: {"type": "plain_text_input", "value": " Lincoln Elementary "}
        },
        Input.ASSIGN_TEAM: {Input.ASSIGN_TEAM: {"type": "plain_text_input", "value": None}},
        Input.ASSIGN_PLC: {
            Input.ASSIGN_PLC: {"type": "conversations_select", "selected_conversation": "C0PLC1"}
        },
    }
    reply = district.sender.post(
        factories.view_submission(Callback.ADMIN_ASSIGN, values, user_id=ADMIN_ID)
    )
    assert "Saved for 2 teachers" in str(reply.json()["view"])
    with district.deps.uow() as uow:
        coach_row = uow.people.get_by_user(TEAM, coach)
        for user_id in teachers:
            teacher = uow.people.get_by_user(TEAM, user_id)
            assert teacher is not None and coach_row is not None
            assert teacher.assigned_coach_id == coach_row.id
            assert teacher.school is not None and teacher.school.name == "Lincoln Elementary"
            assert teacher.plc_channel_id == "C0PLC1"
        assert [c.channel_id for c in uow.plc_channels.list_for_team(TEAM)] == ["C0PLC1"]


def _calendar_values(closures: str, *, days: tuple[str, ...] = ("6", "0", "1", "2", "3")) -> Any:
    return {
        Block.CALENDAR_SCHOOL: {
            Action.ADMIN_CALENDAR_SCHOOL: {
                "type": "static_select",
                "selected_option": {"value": "district"},
            }
        },
        Input.CALENDAR_WEEKDAYS: {
            Input.CALENDAR_WEEKDAYS: {
                "type": "checkboxes",
                "selected_options": [{"value": d} for d in days],
            }
        },
        Input.CALENDAR_START: {
            Input.CALENDAR_START: {"type": "timepicker", "selected_time": "07:30"}
        },
        Input.CALENDAR_END: {Input.CALENDAR_END: {"type": "timepicker", "selected_time": "16:00"}},
        Input.CALENDAR_CLOSURES: {
            Input.CALENDAR_CLOSURES: {"type": "plain_text_input", "value": closures}
        },
    }


def test_an_admin_sets_a_sunday_to_thursday_week_and_a_break(district: Running) -> None:
    values = _calendar_values("2026-12-21 to 2027-01-01 Winter break\n2026-11-26 Thanksgiving")
    reply = district.sender.post(
        factories.view_submission(
            Callback.ADMIN_CALENDAR, values, user_id=ADMIN_ID, private_metadata="district"
        )
    )
    text = str(reply.json()["view"])
    assert "Calendar saved for *the whole district*" in text
    assert "Sunday" in text and "07:30 to 16:00" in text
    with district.deps.uow() as uow:
        row = uow.districts.get_or_add(TEAM)
        closures = uow.districts.own_closures(TEAM, None)
        assert row.weekdays == "0,1,2,3,6"
        assert (row.day_start, row.day_end) == (time(7, 30), time(16, 0))
        assert [(c.first_day, c.last_day, c.reason) for c in closures] == [
            (date(2026, 11, 26), date(2026, 11, 26), "Thanksgiving"),
            (date(2026, 12, 21), date(2027, 1, 1), "Winter break"),
        ]


def test_a_bad_closure_line_is_shown_and_nothing_is_saved(district: Running) -> None:
    values = _calendar_values("2026-02-30 Leap day that is not")
    reply = district.sender.post(
        factories.view_submission(
            Callback.ADMIN_CALENDAR, values, user_id=ADMIN_ID, private_metadata="district"
        )
    )
    answer = reply.json()
    assert answer["response_action"] == "errors"
    assert "Line 1" in answer["errors"][Input.CALENDAR_CLOSURES]
    with district.deps.uow() as uow:
        assert uow.districts.own_closures(TEAM, None) == []


def test_the_menu_buttons_push_their_forms(district: Running) -> None:
    for action in (Action.ADMIN_OPEN_COACH, Action.ADMIN_OPEN_ASSIGN, Action.ADMIN_OPEN_CALENDAR):
        menu = {"callback_id": Callback.ADMIN_MENU, "type": "modal"}
        reply = district.sender.post(factories.block_action(action, user_id=ADMIN_ID, view=menu))
        assert reply.status == 200
    pushed = district.slack.wait_for("views.push", count=3)
    assert sorted(c.args["view"]["callback_id"] for c in pushed) == sorted(
        [Callback.ADMIN_COACH, Callback.ADMIN_ASSIGN, Callback.ADMIN_CALENDAR]
    )


def test_a_menu_button_pressed_by_a_non_admin_explains(district: Running) -> None:
    menu = {"callback_id": Callback.ADMIN_MENU, "type": "modal"}
    district.sender.post(
        factories.block_action(Action.ADMIN_OPEN_COACH, user_id=factories.teacher_id(1), view=menu)
    )
    [call] = district.slack.wait_for("views.push")
    assert REFUSED_ADMIN in str(call.args["view"])


def test_a_teacher_turns_reflection_prompts_off_and_on(district: Running) -> None:
    teacher = factories.teacher_id(1)
    with district.deps.uow() as uow:
        from storage.models import Person

        uow.people.add(Person(team_id=TEAM, user_id=teacher, display_name="T1"))
        uow.commit()
    off = district.sender.post(factories.slash_command("/coachbot", "prompts off", user_id=teacher))
    assert "no more reflection prompts" in off.json()["text"]
    with district.deps.uow() as uow:
        person = uow.people.get_by_user(TEAM, teacher)
        assert person is not None and person.prompts_stopped is True
    on = district.sender.post(factories.slash_command("/coachbot", "Prompts  ON", user_id=teacher))
    assert "back on" in on.json()["text"]
    with district.deps.uow() as uow:
        person = uow.people.get_by_user(TEAM, teacher)
        assert person is not None and person.prompts_stopped is False
