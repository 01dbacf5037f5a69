"""A payload's `container`, `channel` and `view` are claims: coachbot writes only where it stored
that it posted (or opened a modal for that person), whatever a signed click says.

Each attack points a real button at a post in a PLC channel, or at another person's modal, and
checks that the post and the modal are left alone, that the visit's focus shows up only in the
DMs coachbot keeps, and that the right messages are still updated.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.app import jobs
from bot.app.deps import Deps
from bot.demo.standin import Call
from bot.ids import Action, Callback
from bot.rules import outbox
from bot.views import celebrations as celebration_views
from storage.models import Person
from tests import factories
from tests.conftest import ADMIN_ID, BOT_TOKEN, SCHOOL_MORNING, Running
from tests.handlers.test_celebrations import (  # noqa: F401 - a fixture among them
    celebrating,
    form_values,
    offered,
)
from tests.handlers.test_cycle_flow import goal_values
from tests.handlers.test_invite_flow import (
    COACH,
    OTHER_TEACHER,
    TEACHER,
    click,
    dms_to,
    ephemerals_to,
    school,  # noqa: F401 - the fixture
    submit_invite,
    the_visit,
    words,
)
from tests.handlers.test_reflections import QUESTION, prompted  # noqa: F401 - the fixture

PLC = "C0PLCMATH1"
PLC_WORDS = "Shout-out to the grade 3 team for a wonderful family math night!"
FOCUS = "How my students explain their math thinking in small groups"
DMS = {COACH, TEACHER, f"D{COACH}", f"D{TEACHER}"}


# --------------------------------------------------------------------------- helpers


def plc_post(running: Running) -> tuple[str, str]:
    """A post in a PLC channel coachbot is in: the message an attacker points a click at."""
    running.slack.add_channel(PLC, name="plc-math", is_member=True)
    client = WebClient(token=BOT_TOKEN, base_url=running.slack.url)
    posted = client.chat_postMessage(channel=PLC, text=PLC_WORDS)
    return str(posted["channel"]), str(posted["ts"])


def assert_left_alone(running: Running, post: tuple[str, str]) -> None:
    """Nothing was updated, deleted or said in the PLC channel; the post reads as it did."""
    channel, ts = post
    touched = [
        (c.method, c.args.get("ts"))
        for c in running.slack.calls
        if c.args.get("channel") == channel and c.method != "chat.postMessage"
    ]
    assert touched == []
    first = running.slack.messages_in(channel)[0]
    assert (first["ts"], first["text"], "edited" in first) == (ts, PLC_WORDS, False)


def places_showing(running: Running, text: str) -> set[str]:
    """Every conversation a chat.* call carried `text` to."""
    return {
        str(c.args.get("channel"))
        for c in running.slack.calls
        if c.method.startswith("chat.") and text in str(c.args)
    }


def updates_of(running: Running, message: Call) -> list[Call]:
    return [
        c
        for c in running.slack.calls_to("chat.update")
        if (c.args["channel"], c.args["ts"])
        == (message.response["channel"], message.response["ts"])
    ]


def press(
    running: Running,
    user: str,
    action: str,
    *,
    where: tuple[str, str],
    value: str | None = None,
    option: dict[str, Any] | None = None,
) -> None:
    """A signed click whose `container` says it came from `where`."""
    reply = running.sender.post(
        factories.block_action(
            action, user_id=user, value=value, selected_option=option, message=where
        )
    )
    assert reply.status == 200
    running.settle()


def button_value(message: Call, action: str) -> str:
    return next(
        str(e.get("value", ""))
        for b in message.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action
    )


def the_log_line(caplog: pytest.LogCaptureFixture, *ids: str) -> str:
    [line] = [r.getMessage() for r in caplog.records if all(i in r.getMessage() for i in ids)]
    assert "\n" not in line
    return line


# --------------------------------------------------------------------------- visits


def test_a_coach_accepting_from_a_plc_post_updates_only_the_invitation(
    school: Running,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    submit_invite(school)
    [invitation] = dms_to(school, COACH)
    post = plc_post(school)

    value = button_value(invitation, Action.INVITE_ACCEPT)
    press(school, COACH, Action.INVITE_ACCEPT, value=value, where=post)

    assert the_visit(school).status == "accepted"
    assert_left_alone(school, post)
    [restated] = updates_of(school, invitation)
    assert "You accepted" in words(restated)
    assert places_showing(school, FOCUS) <= DMS
    visit_id = str(the_visit(school).id)
    assert f"visit {visit_id}" in the_log_line(caplog, COACH, post[0], post[1])


@pytest.mark.parametrize(
    ("action", "answer"),
    [(Action.INVITE_SUGGEST, "out of date"), (Action.INVITE_DECLINE, "already accepted")],
)
def test_a_stale_suggest_or_decline_from_a_plc_post_is_answered_in_a_dm(
    school: Running,  # noqa: F811
    action: str,
    answer: str,
) -> None:
    """The kind answer to a stale click goes to the coach alone, never into the channel."""
    submit_invite(school)
    [invitation] = dms_to(school, COACH)
    click(school, COACH, invitation, Action.INVITE_ACCEPT)
    post = plc_post(school)

    press(school, COACH, action, value=button_value(invitation, action), where=post)

    assert_left_alone(school, post)
    assert ephemerals_to(school, COACH) == []
    assert answer in dms_to(school, COACH)[-1].args["text"]
    assert the_visit(school).status == "accepted"
    assert school.slack.calls_to("views.open") == []


def test_a_teacher_cancelling_from_a_plc_post_updates_only_the_stored_dms(
    school: Running,  # noqa: F811
) -> None:
    submit_invite(school)
    [invitation] = dms_to(school, COACH)
    [sent] = dms_to(school, TEACHER)
    post = plc_post(school)

    press(
        school,
        TEACHER,
        Action.INVITE_CANCEL,
        value=button_value(sent, Action.INVITE_CANCEL),
        where=post,
    )

    assert the_visit(school).status == "cancelled"
    assert_left_alone(school, post)
    assert "You cancelled this visit" in words(updates_of(school, sent)[-1])
    assert "cancelled this visit" in words(updates_of(school, invitation)[-1])
    assert places_showing(school, FOCUS) <= DMS


def test_a_visit_log_from_a_plc_post_updates_only_the_question(
    school: Running,  # noqa: F811
) -> None:
    submit_invite(school)
    click(school, COACH, dms_to(school, COACH)[0], Action.INVITE_ACCEPT)
    school.clock.now = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # the visit is over
    assert jobs.prompt_visit_logs(school.deps, school.app.client) == 1
    question = dms_to(school, COACH)[-1]
    assert "How did your visit" in question.args["text"]
    post = plc_post(school)

    select = next(
        b["accessory"]
        for b in question.args["blocks"]
        if (b.get("accessory") or {}).get("action_id") == Action.VISIT_LOG_HAPPENED
    )
    observed = next(o for o in select["options"] if o["value"].endswith(":observe"))
    press(school, COACH, Action.VISIT_LOG_HAPPENED, option=observed, where=post)

    visit = the_visit(school)
    assert (visit.outcome, visit.logged_support_type) == ("happened", "observe")
    assert_left_alone(school, post)
    assert "Logged as" in words(updates_of(school, question)[-1])


# --------------------------------------------------------------------------- reflections


@pytest.mark.parametrize(
    ("action", "shown"),
    [(Action.REFLECT_SNOOZE, "I'll ask again tomorrow"), (Action.REFLECT_STOP, "no more")],
)
def test_a_reflection_button_from_a_plc_post_updates_only_the_prompt(
    prompted: tuple[Running, int, Call],  # noqa: F811
    action: str,
    shown: str,
) -> None:
    running, reflection_id, delivered = prompted
    running.clock.now = datetime(2026, 11, 30, 20, 40, tzinfo=UTC)  # 15:40 in New York
    post = plc_post(running)

    press(running, TEACHER, action, value=str(reflection_id), where=post)

    assert_left_alone(running, post)
    [updated] = updates_of(running, delivered)
    assert shown in words(updated)
    assert places_showing(running, QUESTION) <= {TEACHER, f"D{TEACHER}"}


# --------------------------------------------------------------------------- celebrations


@pytest.mark.parametrize(
    ("action", "shown"),
    [
        (Action.CELEBRATE_POST, f"Posted in <#{PLC}>"),
        (Action.CELEBRATE_DECLINE, celebration_views.DECLINED_NOTE),
    ],
)
def test_a_celebration_button_from_a_plc_post_updates_only_the_offer(
    celebrating: Running,  # noqa: F811
    action: str,
    shown: str,
) -> None:
    running = celebrating
    offer = offered(running)
    post = plc_post(running)

    press(running, TEACHER, action, value=button_value(offer, action), where=post)

    first = running.slack.messages_in(PLC)[0]
    assert (first["ts"], first["text"], "edited" in first) == (post[1], PLC_WORDS, False)
    assert [c for c in running.slack.calls_to("chat.update") if c.args["channel"] == PLC] == []
    [updated] = updates_of(running, offer)
    assert shown in words(updated)
    assert all(b["type"] != "actions" for b in updated.args["blocks"])


def test_the_edit_modal_carries_no_place_and_updates_only_the_offer(
    celebrating: Running,  # noqa: F811
) -> None:
    running = celebrating
    offer = offered(running)
    post = plc_post(running)

    edit = button_value(offer, Action.CELEBRATE_EDIT)
    press(running, TEACHER, Action.CELEBRATE_EDIT, value=edit, where=post)
    [opened] = running.slack.calls_to("views.open")
    metadata = opened.args["view"]["private_metadata"]
    assert post[1] not in metadata and PLC not in metadata

    reply = running.sender.post(
        factories.view_submission(
            Callback.CELEBRATE,
            form_values("Our pairs explain their thinking now!", PLC),
            user_id=TEACHER,
            private_metadata=f"{metadata}:{post[0]}:{post[1]}",  # a place added by hand
        )
    )
    assert reply.status == 200
    running.settle()
    assert [c for c in running.slack.calls_to("chat.update") if c.args["channel"] == PLC] == []
    first = running.slack.messages_in(PLC)[0]
    assert (first["text"], "edited" in first) == (PLC_WORDS, False)
    assert f"Posted in <#{PLC}>" in words(updates_of(running, offer)[-1])


# --------------------------------------------------------------------------- modals


def _goals_view_of(running: Running, user: str) -> dict[str, Any]:
    before = len(running.slack.calls_to("views.open"))
    running.sender.post(factories.slash_command("/coach-goal", "", user_id=user))
    running.settle()
    opened = running.slack.calls_to("views.open")
    assert len(opened) == before + 1
    view: dict[str, Any] = opened[-1].response["view"]
    return view


def test_closing_a_goal_never_updates_another_persons_modal(
    school: Running,  # noqa: F811
) -> None:
    running = school
    reply = running.sender.post(
        factories.view_submission(Callback.GOAL, goal_values(), user_id=TEACHER)
    )
    assert reply.status == 200
    running.settle()
    mine = _goals_view_of(running, TEACHER)
    theirs = _goals_view_of(running, OTHER_TEACHER)
    goal_id = button_value_in_view(mine, Action.GOAL_MET)

    # Slack's views.update takes any view this app opened, for anyone: the id of the other
    # teacher's modal, with the teacher's own external_id beside it.
    forged = {
        "id": theirs["id"],
        "hash": theirs["hash"],
        "external_id": mine["external_id"],
        "callback_id": Callback.GOALS,
    }
    running.sender.post(
        factories.block_action(Action.GOAL_MET, user_id=TEACHER, value=goal_id, view=forged)
    )
    running.settle()
    # Someone else's external_id is refused outright.
    running.sender.post(
        factories.block_action(
            Action.GOAL_SET_ASIDE,
            user_id=TEACHER,
            value=goal_id,
            view={"id": theirs["id"], "external_id": theirs["external_id"]},
        )
    )
    running.settle()

    updates = running.slack.calls_to("views.update")
    assert [u.args.get("view_id") for u in updates] == [None]
    [refreshed] = updates
    assert refreshed.args["external_id"] == mine["external_id"]
    assert "Goal met" in str(refreshed.args["view"])
    assert refreshed.response["view"]["id"] == mine["id"]


def test_a_calendar_school_choice_never_updates_another_persons_modal(
    school: Running,  # noqa: F811
) -> None:
    running = school
    running.slack.add_user(ADMIN_ID, name="Dana Admin", tz="America/Chicago")
    theirs = _goals_view_of(running, OTHER_TEACHER)
    menu = {"callback_id": Callback.ADMIN_MENU, "type": "modal"}
    running.sender.post(
        factories.block_action(Action.ADMIN_OPEN_CALENDAR, user_id=ADMIN_ID, view=menu)
    )
    running.settle()
    [pushed] = running.slack.calls_to("views.push")
    calendar = pushed.response["view"]
    district = {"value": "district", "text": {"type": "plain_text", "text": "District"}}

    for view in (
        {"id": theirs["id"], "hash": theirs["hash"]},  # another person's modal
        {"id": calendar["id"], "hash": calendar["hash"], "external_id": calendar["external_id"]},
    ):
        running.sender.post(
            factories.block_action(
                Action.ADMIN_CALENDAR_SCHOOL,
                user_id=ADMIN_ID,
                selected_option=district,
                view={"callback_id": Callback.ADMIN_CALENDAR, **view},
            )
        )
        running.settle()

    [update] = running.slack.calls_to("views.update")
    assert update.args.get("view_id") is None
    assert update.args["external_id"] == calendar["external_id"]
    assert update.response["view"]["id"] == calendar["id"]


def button_value_in_view(view: dict[str, Any], action: str) -> str:
    return next(
        str(e.get("value", ""))
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action
    )


# --------------------------------------------------------------------------- what is stored


def test_where_coachbot_posted_is_found_by_person_and_item(deps: Deps) -> None:
    """On SQLite and PostgreSQL: the places recorded for one person and one item, newest
    first, and never another item's whose id merely starts the same way."""
    now = SCHOOL_MORNING
    with deps.uow() as uow:
        teacher = uow.people.add(Person(team_id=factories.TEAM_ID, user_id=TEACHER))
        other = uow.people.add(Person(team_id=factories.TEAM_ID, user_id=OTHER_TEACHER))
        for minutes, person, ref, ts in (
            (0, teacher, "visit:1:answer:2", "1.1"),
            (1, teacher, "visit:1:debrief", "1.2"),
            (2, teacher, "visit:12:answer:1", "1.3"),
            (3, other, "visit:1:answer:2", "1.4"),
            (4, teacher, "visit_1", "1.5"),
        ):
            assert outbox.record_sent(
                uow,
                key=f"test:{ts}",
                person=person,
                kind="test",
                ref=ref,
                where=(f"D{person.user_id}", ts),
                now=now + timedelta(minutes=minutes),
            )
        # Recorded once: the same key again changes nothing.
        assert not outbox.record_sent(
            uow,
            key="test:1.1",
            person=teacher,
            kind="test",
            ref="visit:1",
            where=("C0", "9"),
            now=now,
        )
        teacher_id = teacher.id
        uow.commit()
    with deps.uow() as uow:
        assert outbox.sent_about(uow, person_id=teacher_id, ref="visit:1") == [
            (f"D{TEACHER}", "1.2"),
            (f"D{TEACHER}", "1.1"),
        ]
        assert outbox.sent_about(uow, person_id=teacher_id, ref="visit:9") == []
