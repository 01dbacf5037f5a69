"""The Home tab through signed requests: each role's Home, its buttons and the settings modal."""

from __future__ import annotations

from datetime import time
from typing import Any

from bot.demo.block_kit import check_blocks, check_view
from bot.demo.standin import Call
from bot.ids import Action, Block, Callback, Input
from handlers.publish import refresh_home
from storage.models import Person
from tests import factories
from tests.conftest import ADMIN_ID, BOT_TOKEN, Running
from tests.handlers.test_invite_flow import (
    COACH,
    OTHER_TEACHER,
    TEACHER,
    TEAM,
    school,  # noqa: F401 - the fixture
)

HOME_VIEW = {"type": "home", "id": "V0HOME"}


def _all_text(view: dict[str, Any]) -> str:
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                parts.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(view)
    return "\n".join(parts)


def post(running: Running, payload: tuple[str, str]) -> Any:
    reply = running.sender.post(payload)
    assert reply.status == 200
    running.settle()
    return reply.json() if reply.body else None


def open_home(running: Running, user_id: str) -> dict[str, Any]:
    post(running, factories.event_callback(factories.app_home_opened(user_id)))
    call = [c for c in running.slack.calls_to("views.publish") if c.args["user_id"] == user_id][-1]
    view: dict[str, Any] = call.args["view"]
    assert check_view(view) == []
    return view


def click(running: Running, user_id: str, action: Action) -> Call:
    """Press a Home button; returns the modal it opened."""
    before = len(running.slack.calls_to("views.open"))
    post(running, factories.block_action(action, user_id=user_id, value=action, view=HOME_VIEW))
    opened = running.slack.calls_to("views.open")
    assert len(opened) == before + 1, f"{action} opened no modal"
    assert check_view(opened[-1].args["view"]) == []
    return opened[-1]


def one(block: Block, state: dict[str, Any]) -> dict[str, Any]:
    return {block.value: {block.value: state}}


def radio(value: str) -> dict[str, Any]:
    return {"type": "radio_buttons", "selected_option": {"value": value}}


def teacher_values(
    *, prompts: str = "off", cap: str = "2", share: str = "never", pause: str | None = None
) -> dict[str, Any]:
    return {
        **one(Input.SETTINGS_PROMPTS, radio(prompts)),
        **one(Input.SETTINGS_PAUSE_UNTIL, {"type": "datepicker", "selected_date": pause}),
        **one(Input.SETTINGS_NUDGE_CAP, {"type": "number_input", "value": cap}),
        **one(Input.SETTINGS_SHARE_WINS, radio(share)),
    }


def person(running: Running, user_id: str) -> Person:
    with running.deps.uow() as uow:
        found = uow.people.get_by_user(TEAM, user_id)
        assert found is not None
        uow.session.expunge(found)
        return found


# --------------------------------------------------------------------------- opening Home


def test_opening_home_publishes_the_welcome(running: Running) -> None:
    reply = running.sender.post(factories.event_callback(factories.app_home_opened("U0TEACHER1")))
    assert reply.status == 200

    [call] = running.slack.wait_for("views.publish")
    assert call.token == BOT_TOKEN
    assert call.args["user_id"] == "U0TEACHER1"
    view = call.args["view"]
    assert view["type"] == "home"
    words = _all_text(view)
    assert "Welcome to coachbot" in words
    assert "support, never evaluation" in words
    assert "stays between the two of you" in words
    assert "/invite-coach" in words
    assert "<@U0TEACHER1>" in words
    assert check_blocks(view["blocks"], surface="home") == []


def test_opening_the_messages_tab_publishes_nothing(running: Running) -> None:
    reply = running.sender.post(factories.event_callback(factories.app_home_opened(tab="messages")))
    assert reply.status == 200
    running.settle()
    assert running.slack.calls_to("views.publish") == []


def test_each_role_opens_their_own_home(school: Running) -> None:  # noqa: F811
    running = school
    teacher = _all_text(open_home(running, TEACHER))
    assert "Welcome to coachbot" in teacher and "support, never evaluation" in teacher
    assert "Invite a coach" in teacher and "Reflection prompts: on" in teacher
    assert "Your teachers" not in teacher and "Roster and reports" not in teacher

    coach = _all_text(open_home(running, COACH))
    assert "Your coaching" in coach and "Your teachers (2)" in coach
    assert f"<@{TEACHER}>" in coach and f"<@{OTHER_TEACHER}>" in coach
    assert "Your daily visit list comes at 7:00 AM" in coach
    assert "Invite a coach" not in coach and "Welcome to coachbot" not in coach

    running.slack.add_user(ADMIN_ID, name="Dana", tz="America/New_York")
    admin = _all_text(open_home(running, ADMIN_ID))
    assert "Roster and reports" in admin and "2 coaches" in admin


# --------------------------------------------------------------------------- settings


def test_the_settings_modal_saves_a_teachers_choices(school: Running) -> None:  # noqa: F811
    running = school
    form = click(running, TEACHER, Action.HOME_SETTINGS).args["view"]
    assert form["callback_id"] == Callback.SETTINGS
    blocks = {b.get("block_id") for b in form["blocks"]}
    assert Input.SETTINGS_NUDGE_CAP in blocks and Input.SETTINGS_LIST_TIME not in blocks

    answer = post(
        running, factories.view_submission(Callback.SETTINGS, teacher_values(), user_id=TEACHER)
    )
    assert answer is None  # the modal closes
    saved = person(running, TEACHER)
    assert (saved.prompts_stopped, saved.weekly_nudge_cap, saved.share_wins) == (True, 2, "never")
    # Her Home is refreshed with what she chose.
    home = running.slack.home_of(TEACHER)
    assert home is not None
    assert "Reflection prompts: off" in _all_text(home)
    assert "at most 2 a week" in _all_text(home)


def test_a_cap_of_99_is_refused_beside_its_field(school: Running) -> None:  # noqa: F811
    running = school
    answer = post(
        running,
        factories.view_submission(Callback.SETTINGS, teacher_values(cap="99"), user_id=TEACHER),
    )
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [Input.SETTINGS_NUDGE_CAP]
    assert "0 to 20" in answer["errors"][Input.SETTINGS_NUDGE_CAP]
    saved = person(running, TEACHER)
    assert (saved.prompts_stopped, saved.weekly_nudge_cap, saved.share_wins) == (False, None, "ask")


def test_a_pause_in_the_past_is_refused(school: Running) -> None:  # noqa: F811
    running = school
    values = teacher_values(prompts="on", pause="2026-11-27")
    answer = post(running, factories.view_submission(Callback.SETTINGS, values, user_id=TEACHER))
    assert list(answer["errors"]) == [Input.SETTINGS_PAUSE_UNTIL]
    values = teacher_values(prompts="on", pause="2026-12-08")
    assert (
        post(running, factories.view_submission(Callback.SETTINGS, values, user_id=TEACHER)) is None
    )
    assert str(person(running, TEACHER).prompts_paused_until) == "2026-12-08"


def test_a_coach_sets_the_daily_list_within_school_hours(school: Running) -> None:  # noqa: F811
    running = school
    form = click(running, COACH, Action.HOME_SETTINGS).args["view"]
    blocks = {b.get("block_id") for b in form["blocks"]}
    assert Input.SETTINGS_LIST_TIME in blocks and Input.SETTINGS_NUDGE_CAP not in blocks

    def values(at: str) -> dict[str, Any]:
        return {
            **one(Input.SETTINGS_LIST_TIME, {"type": "timepicker", "selected_time": at}),
            **one(Input.SETTINGS_LIST_EMPTY, radio("skip")),
        }

    answer = post(
        running, factories.view_submission(Callback.SETTINGS, values("06:00"), user_id=COACH)
    )
    assert list(answer["errors"]) == [Input.SETTINGS_LIST_TIME]
    assert "7:00 AM" in answer["errors"][Input.SETTINGS_LIST_TIME]
    assert (
        post(running, factories.view_submission(Callback.SETTINGS, values("07:30"), user_id=COACH))
        is None
    )
    saved = person(running, COACH)
    assert (saved.daily_list_at, saved.daily_list_when_empty) == (time(7, 30), False)


def test_a_form_sent_after_a_role_change_is_replaced(school: Running) -> None:  # noqa: F811
    running = school
    with running.deps.uow() as uow:
        found = uow.people.get_by_user(TEAM, TEACHER)
        assert found is not None
        found.role = "coach"
        uow.commit()
    answer = post(
        running, factories.view_submission(Callback.SETTINGS, teacher_values(), user_id=TEACHER)
    )
    assert answer["response_action"] == "update"
    assert Input.SETTINGS_LIST_TIME in str(answer["view"])
    assert person(running, TEACHER).prompts_stopped is False


# --------------------------------------------------------------------------- buttons


def test_invite_a_coach_opens_the_invite_form_with_her_coach(school: Running) -> None:  # noqa: F811
    running = school
    view = click(running, TEACHER, Action.HOME_INVITE).args["view"]
    assert view["callback_id"] == Callback.INVITE
    coach = next(b for b in view["blocks"] if b.get("block_id") == Input.INVITE_COACH)
    assert coach["element"]["initial_user"] == COACH


def test_goals_and_debrief_buttons_open_their_forms(school: Running) -> None:  # noqa: F811
    running = school
    assert click(running, TEACHER, Action.HOME_GOALS).args["view"]["callback_id"] == Callback.GOALS
    debrief = click(running, TEACHER, Action.HOME_DEBRIEF).args["view"]
    assert debrief["callback_id"] == Callback.DEBRIEF
    assert "no visit to debrief yet" in _all_text(debrief)


def test_the_caseload_is_for_coaches(school: Running) -> None:  # noqa: F811
    running = school
    caseload = click(running, COACH, Action.HOME_CASELOAD).args["view"]
    assert caseload["callback_id"] == Callback.CASELOAD
    assert f"<@{TEACHER}>" in _all_text(caseload)
    refused = click(running, TEACHER, Action.HOME_CASELOAD).args["view"]
    assert "for coaches" in _all_text(refused)
    assert f"<@{OTHER_TEACHER}>" not in _all_text(refused)


def test_the_admin_menu_is_for_admins(school: Running) -> None:  # noqa: F811
    running = school
    refused = click(running, TEACHER, Action.HOME_ADMIN).args["view"]
    assert "only coachbot admins" in _all_text(refused)
    running.slack.add_user(ADMIN_ID, name="Dana", tz="America/New_York")
    menu = click(running, ADMIN_ID, Action.HOME_ADMIN).args["view"]
    assert menu["callback_id"] == Callback.ADMIN_MENU


def test_refresh_home_publishes_for_each_person_once(school: Running) -> None:  # noqa: F811
    running = school
    ids = [person(running, TEACHER).id, person(running, COACH).id]
    refresh_home(running.app.client, running.deps, ids + ids + [999_999])
    published = [c.args["user_id"] for c in running.slack.calls_to("views.publish")]
    assert sorted(published) == sorted([TEACHER, COACH])
    for user_id in (TEACHER, COACH):
        home = running.slack.home_of(user_id)
        assert home is not None and check_view(home) == []
