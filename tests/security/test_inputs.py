"""Text, dates and numbers a crafted request can carry: saved clean or refused kindly, never a 500.

Every test posts signed requests to the real app, once on SQLite and once on PostgreSQL (when
COACHBOT_TEST_POSTGRES_URL is set): the `settings` fixture below points the app at each database.

- Control characters Slack never shows (NUL and the other C0 controls but tab and newline, DEL,
  the C1 controls, halves of surrogate pairs) are dropped where forms and slash commands are
  read, so what is saved and what anyone reads back is clean. PostgreSQL refuses NUL in text
  and no database can store half a surrogate pair, so they once turned a save into a 500.
- Dates outside this school year and the next, numbers with absurd digits, and calendar links
  of absurd length get a kind message beside their field (or a 404), where they once overflowed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.app.settings import Settings
from bot.ids import Action, Callback, Input
from storage.models import Celebration, Debrief, DebriefNote, Goal, Reflection, Visit
from tests import factories
from tests.conftest import ADMIN_ID, Running
from tests.handlers.test_celebrations import (
    PLC,
    celebrating,  # noqa: F401 - the fixture
    channel_posts,
    form_values,
    offered,
    open_editor,
)
from tests.handlers.test_cycle_flow import QUESTION, goal_values, noted  # noqa: F401
from tests.handlers.test_invite_flow import (
    COACH,
    TEACHER,
    TEAM,
    dms_to,
    invite_values,
    propose_values,
    school,  # noqa: F401 - the fixture
)


@pytest.fixture
def settings(settings: Settings, database_url: str) -> Settings:
    """The app's settings, on each database the tests run against."""
    return settings.model_copy(update={"database_url": SecretStr(database_url)})


# --------------------------------------------------------------------------- helpers

# What Slack never shows: C0 controls, DEL, C1 controls, and a low then a high surrogate
# (the wrong order, so JSON can't pair them into one character).
CONTROLS = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x80\x85\x9b\x9f\udfff\ud800"
UNSHOWN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def dirty(text: str) -> str:
    """`text` with every character in CONTROLS after each space and at the very start."""
    return CONTROLS + text.replace(" ", " " + CONTROLS)


def unshown(found: Any) -> list[str]:
    """Every string in `found` (dicts and lists walked) holding a character Slack never shows."""
    if isinstance(found, str):
        return [found] if UNSHOWN.search(found) else []
    if isinstance(found, dict):
        return [s for key, value in found.items() for s in unshown(key) + unshown(value)]
    if isinstance(found, list | tuple):
        return [s for value in found for s in unshown(value)]
    return []


def everything_sent(running: Running) -> list[Any]:
    """The arguments of every call the app made to Slack."""
    return [call.args for call in running.slack.calls]


def one(block: str, state: dict[str, Any]) -> dict[str, Any]:
    return {block: {block: state}}


def post(running: Running, payload: tuple[str, str]) -> Any:
    """Post signed; the app must answer 200, and the JSON it acked with (None when empty)."""
    reply = running.sender.post(payload)
    assert reply.status == 200, reply.text
    running.settle()
    return reply.json() if reply.body else None


def answer_of(running: Running, callback: str, user: str, values: Any, metadata: str = "") -> Any:
    return post(
        running,
        factories.view_submission(callback, values, user_id=user, private_metadata=metadata),
    )


def the_rows(running: Running, model: Any) -> list[Any]:
    with running.deps.uow() as uow:
        rows = list(uow.session.scalars(select(model)))
        for row in rows:
            uow.session.expunge(row)
        return rows


# --------------------------------------------------------------------------- control characters

EVIDENCE = "Half the class explains a step\nout loud, in their own words"
FOCUS = "How my students explain\ttheir thinking in small groups"
STRENGTHS = "Students argued from evidence\n\tand listened to each other"
ANSWER = "I waited longer after each question\nand more hands went up"
WIN = "Period 3 explains their reasoning now!\nThank you, team"


def test_a_goal_question_with_control_characters_is_saved_clean(school: Running) -> None:  # noqa: F811
    running = school
    values = goal_values(dirty(QUESTION))
    values |= one(Input.GOAL_EVIDENCE, {"type": "plain_text_input", "value": dirty(EVIDENCE)})
    answer = answer_of(running, Callback.GOAL, TEACHER, values)
    assert answer["response_action"] == "update"
    [goal] = the_rows(running, Goal)
    assert (goal.question, goal.evidence) == (QUESTION, EVIDENCE)
    # The teacher's story and the coach's note both read the question as she meant it.
    assert QUESTION in str(answer["view"]) and unshown(answer) == []
    assert QUESTION in dms_to(running, COACH)[-1].args["text"]
    assert unshown(everything_sent(running)) == []


def test_an_invitation_focus_with_control_characters_is_saved_clean(school: Running) -> None:  # noqa: F811
    running = school
    values = invite_values(focus=dirty(FOCUS), class_name=dirty("Period 3 Algebra"))
    assert answer_of(running, Callback.INVITE, TEACHER, values) is None
    [visit] = the_rows(running, Visit)
    assert (visit.focus, visit.class_name) == (FOCUS, "Period 3 Algebra")
    invitation = dms_to(running, COACH)[-1]
    assert "Period 3 Algebra" in str(invitation.args) and "small groups" in str(invitation.args)
    assert unshown(everything_sent(running)) == []


def test_debrief_notes_with_control_characters_are_saved_clean(
    noted: tuple[Running, int],  # noqa: F811
) -> None:
    running, debrief_id = noted
    values = one(Input.NOTE_STRENGTHS, {"type": "plain_text_input", "value": dirty(STRENGTHS)})
    values |= one(
        Input.NOTE_NEXT_STEP, {"type": "plain_text_input", "value": dirty("Try stems\tdaily")}
    )
    assert answer_of(running, Callback.NOTES, TEACHER, values, str(debrief_id)) is None
    with running.deps.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        assert teacher is not None
        note = uow.session.scalars(
            select(DebriefNote).where(DebriefNote.author_id == teacher.id)
        ).one()
        assert (note.strengths, note.next_step) == (STRENGTHS, "Try stems\tdaily")

    # Read back in the teacher's story of the cycle: the words, and nothing unshown.
    post(running, factories.slash_command("/coach-goal", "", user_id=TEACHER))
    story = running.slack.calls_to("views.open")[-1].args["view"]
    assert "Students argued from evidence" in str(story) and unshown(story) == []


def test_a_reflection_with_control_characters_is_saved_clean(school: Running) -> None:  # noqa: F811
    running = school
    with running.deps.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        coach = uow.people.get_by_user(TEAM, COACH)
        assert teacher and coach
        reflection = Reflection(
            team_id=TEAM,
            teacher_id=teacher.id,
            coach_id=coach.id,
            question="What did you notice about your students today?",
            created_at=running.clock.now - timedelta(hours=1),
        )
        uow.session.add(reflection)
        uow.session.flush()
        reflection_id = reflection.id
        uow.commit()
    values = one(Input.REFLECT_ANSWER, {"type": "plain_text_input", "value": dirty(ANSWER)})
    values[Input.REFLECT_SHARE] = {
        Input.REFLECT_SHARE: {"type": "checkboxes", "selected_options": [{"value": "share"}]}
    }
    answer = answer_of(running, Callback.REFLECT, TEACHER, values, str(reflection_id))
    assert answer["response_action"] == "update"
    [saved] = the_rows(running, Reflection)
    assert saved.answer == ANSWER and saved.shared_with_coach
    # She chose to share it: her coach reads it, clean.
    shared = dms_to(running, COACH)[-1]
    assert "I waited longer after each question" in str(shared.args)
    assert unshown(everything_sent(running)) == []


def test_a_celebration_draft_with_control_characters_is_posted_clean(
    celebrating: Running,  # noqa: F811
) -> None:
    running = celebrating
    offer = offered(running)
    view = open_editor(running, offer)
    answer = answer_of(
        running, Callback.CELEBRATE, TEACHER, form_values(dirty(WIN), PLC), view["private_metadata"]
    )
    assert answer["response_action"] == "update"
    [celebration] = the_rows(running, Celebration)
    assert celebration.text == WIN
    [posted] = channel_posts(running)
    assert "Period 3 explains their reasoning now!" in str(posted.args)
    assert unshown(everything_sent(running)) == []


def test_slash_command_text_is_read_without_control_characters(school: Running) -> None:  # noqa: F811
    running = school
    reply = running.sender.post(
        factories.slash_command("/coachbot", "\x00prompts\x07 \x1boff\x85", user_id=TEACHER)
    )
    assert reply.status == 200
    assert "no more reflection prompts" in reply.json()["text"]
    with running.deps.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        assert teacher is not None and teacher.prompts_stopped is True


# --------------------------------------------------------------------------- far-away dates

WINDOW = "July 1, 2026 to June 30, 2028"  # this school year and the next, from Nov 30, 2026
FAR_DAYS = ["9999-12-31", "2028-07-03", "0001-01-01"]


def _nothing_sent(running: Running) -> None:
    assert running.slack.calls_to("chat.postMessage") == []


@pytest.mark.parametrize("day", FAR_DAYS)
def test_an_invitation_far_away_is_refused_beside_its_date(school: Running, day: str) -> None:  # noqa: F811
    running = school
    answer = answer_of(running, Callback.INVITE, TEACHER, invite_values(day=day, start="23:30"))
    assert answer["response_action"] == "errors"
    assert WINDOW in answer["errors"][Input.INVITE_DATE]
    assert the_rows(running, Visit) == []
    _nothing_sent(running)


def test_a_new_time_far_away_is_refused_beside_its_date(school: Running) -> None:  # noqa: F811
    running = school
    assert answer_of(running, Callback.INVITE, TEACHER, invite_values()) is None
    [visit] = the_rows(running, Visit)
    sent = len(running.slack.calls_to("chat.postMessage"))
    answer = answer_of(
        running,
        Callback.PROPOSE,
        COACH,
        propose_values("9999-12-31", "23:30"),
        f"{visit.id}:{visit.version}",
    )
    assert answer["response_action"] == "errors"
    assert WINDOW in answer["errors"][Input.PROPOSE_DATE]
    [unchanged] = the_rows(running, Visit)
    assert (unchanged.status, unchanged.starts_at) == ("pending", visit.starts_at)
    assert len(running.slack.calls_to("chat.postMessage")) == sent


@pytest.fixture
def visited(noted: tuple[Running, int]) -> tuple[Running, int]:  # noqa: F811
    """The noted visit, ready to get a (second) debrief; (running, visit id)."""
    running, _debrief_id = noted
    [visit] = the_rows(running, Visit)
    return running, visit.id


def debrief_values(visit_id: int, day: str, start: str, minutes: str = "30") -> dict[str, Any]:
    return {
        **one(
            Input.DEBRIEF_VISIT,
            {"type": "static_select", "selected_option": {"value": str(visit_id)}},
        ),
        **one(Input.DEBRIEF_DATE, {"type": "datepicker", "selected_date": day}),
        **one(Input.DEBRIEF_TIME, {"type": "timepicker", "selected_time": start}),
        **one(
            Input.DEBRIEF_LENGTH, {"type": "static_select", "selected_option": {"value": minutes}}
        ),
        **one(Input.DEBRIEF_PLACE, {"type": "plain_text_input", "value": "Room 112"}),
    }


@pytest.mark.parametrize(
    ("day", "start", "block", "words"),
    [
        ("9999-12-31", "23:30", Input.DEBRIEF_DATE, WINDOW),
        ("2028-07-03", "14:00", Input.DEBRIEF_DATE, WINDOW),
        # Saturday, and Thursday's staff development day: the invitation's words, for a debrief.
        ("2026-12-05", "14:00", Input.DEBRIEF_DATE, "There's no school on Saturday, December 5"),
        ("2026-12-03", "14:00", Input.DEBRIEF_DATE, "(Staff development day)"),
        # 03:00 on a school day, and a debrief running past the end of it.
        ("2026-12-01", "03:00", Input.DEBRIEF_TIME, "School hours are 7:00 AM to 5:00 PM"),
        ("2026-12-01", "16:45", Input.DEBRIEF_TIME, "School hours are 7:00 AM to 5:00 PM"),
    ],
)
def test_a_debrief_at_a_time_no_one_can_meet_is_refused_beside_its_field(
    visited: tuple[Running, int], day: str, start: str, block: str, words: str
) -> None:
    running, visit_id = visited
    answer = answer_of(running, Callback.DEBRIEF, COACH, debrief_values(visit_id, day, start))
    assert answer["response_action"] == "errors"
    assert words in answer["errors"][block]
    assert len(the_rows(running, Debrief)) == 1  # only the one from before
    _nothing_sent(running)


def test_a_debrief_moved_from_3am_to_the_afternoon_is_scheduled(
    visited: tuple[Running, int],
) -> None:
    running, visit_id = visited
    at_three = answer_of(
        running, Callback.DEBRIEF, COACH, debrief_values(visit_id, "2026-12-01", "03:00")
    )
    assert list(at_three["errors"]) == [Input.DEBRIEF_TIME]
    values = debrief_values(visit_id, "2026-12-01", "14:00")
    assert answer_of(running, Callback.DEBRIEF, COACH, values) is None
    assert len(the_rows(running, Debrief)) == 2
    told = [c.args["channel"] for c in running.slack.calls_to("chat.postMessage")]
    assert sorted(told) == sorted([TEACHER, COACH])


def test_a_goal_target_far_away_is_refused_beside_it(school: Running) -> None:  # noqa: F811
    running = school
    values = goal_values() | one(
        Input.GOAL_TARGET, {"type": "datepicker", "selected_date": "9999-12-31"}
    )
    answer = answer_of(running, Callback.GOAL, TEACHER, values)
    assert answer["response_action"] == "errors"
    assert WINDOW in answer["errors"][Input.GOAL_TARGET]
    assert the_rows(running, Goal) == []


def test_a_check_back_day_far_away_is_refused_beside_it(noted: tuple[Running, int]) -> None:  # noqa: F811
    running, debrief_id = noted
    values = one(Input.NOTE_NEXT_STEP, {"type": "plain_text_input", "value": "Try stems"})
    values |= one(Input.NOTE_CHECK_BACK, {"type": "datepicker", "selected_date": "9999-12-31"})
    answer = answer_of(running, Callback.NOTES, TEACHER, values, str(debrief_id))
    assert answer["response_action"] == "errors"
    assert WINDOW in answer["errors"][Input.NOTE_CHECK_BACK]
    assert len(the_rows(running, DebriefNote)) == 1  # the coach's, from before


def test_a_school_closure_far_away_is_refused_beside_it(school: Running) -> None:  # noqa: F811
    running = school
    running.slack.add_user(ADMIN_ID, name="Dana Admin", tz="America/New_York")
    closures = "2026-12-24 Winter break\n2026-12-28 to 9999-12-31 Closed for good"
    values = {
        Input.CALENDAR_WEEKDAYS: {
            Input.CALENDAR_WEEKDAYS: {
                "type": "checkboxes",
                "selected_options": [{"value": d} for d in "01234"],
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
    answer = answer_of(running, Callback.ADMIN_CALENDAR, ADMIN_ID, values, "district")
    assert answer["response_action"] == "errors"
    message = answer["errors"][Input.CALENDAR_CLOSURES]
    assert "Line 2" in message and WINDOW in message and "Line 1" not in message
    with running.deps.uow() as uow:
        # The school's own Thanksgiving closure from before is all there is.
        assert [c.reason for c in uow.districts.own_closures(TEAM, None)] == [
            "Staff development day"
        ]


# --------------------------------------------------------------------------- numbers and ids

LONG = "9" * 5000  # past the 4,300 digits Python reads as a number without refusing
DIGITS_30 = "1" * 30
DIGITS_12 = "9" * 12  # past PostgreSQL's integer, which its ids are


def test_an_invitation_length_of_5000_digits_is_refused(school: Running) -> None:  # noqa: F811
    running = school
    answer = answer_of(running, Callback.INVITE, TEACHER, invite_values(minutes=LONG))
    assert answer["response_action"] == "errors"
    assert "no longer on the list" in answer["errors"][Input.INVITE_LENGTH]
    assert the_rows(running, Visit) == []


@pytest.mark.parametrize("goal", ["\u00b2", LONG])
def test_an_invitation_for_a_goal_that_is_no_goal_is_refused(school: Running, goal: str) -> None:  # noqa: F811
    running = school
    values = invite_values() | one(
        Input.INVITE_GOAL, {"type": "static_select", "selected_option": {"value": goal}}
    )
    answer = answer_of(running, Callback.INVITE, TEACHER, values)
    assert answer["response_action"] == "errors"
    assert "no longer on the list" in answer["errors"][Input.INVITE_GOAL]
    assert the_rows(running, Visit) == []


def test_a_debrief_length_of_5000_digits_is_refused(visited: tuple[Running, int]) -> None:
    running, visit_id = visited
    values = debrief_values(visit_id, "2026-12-01", "14:00", minutes=LONG)
    answer = answer_of(running, Callback.DEBRIEF, COACH, values)
    assert answer["response_action"] == "errors"
    assert "no longer on the list" in answer["errors"][Input.DEBRIEF_LENGTH]
    assert len(the_rows(running, Debrief)) == 1


@pytest.mark.parametrize("debrief", [DIGITS_30, DIGITS_12, "\u00b2"])
def test_notes_on_a_debrief_that_is_no_debrief_are_refused(school: Running, debrief: str) -> None:  # noqa: F811
    running = school
    values = one(Input.NOTE_STRENGTHS, {"type": "plain_text_input", "value": "Good pacing"})
    answer = answer_of(running, Callback.NOTES, TEACHER, values, debrief)
    assert answer["response_action"] == "errors"
    assert "no longer exists" in answer["errors"][Input.NOTE_STRENGTHS]
    assert the_rows(running, DebriefNote) == []


def test_a_reflection_for_an_id_past_any_row_is_refused(school: Running) -> None:  # noqa: F811
    running = school
    values = one(Input.REFLECT_ANSWER, {"type": "plain_text_input", "value": "More wait time"})
    answer = answer_of(running, Callback.REFLECT, TEACHER, values, DIGITS_12)
    assert answer["response_action"] == "errors"
    assert Input.REFLECT_ANSWER in answer["errors"]
    assert the_rows(running, Reflection) == []


def test_a_weekly_capacity_of_5000_digits_is_refused(school: Running) -> None:  # noqa: F811
    running = school
    running.slack.add_user(ADMIN_ID, name="Dana Admin", tz="America/New_York")
    values = {
        Input.COACH_USER: {Input.COACH_USER: {"type": "users_select", "selected_user": TEACHER}},
        Input.COACH_ROLE: {
            Input.COACH_ROLE: {"type": "radio_buttons", "selected_option": {"value": "coach"}}
        },
        Input.COACH_AREAS: {
            Input.COACH_AREAS: {"type": "multi_static_select", "selected_options": []}
        },
        Input.COACH_CAPACITY: {Input.COACH_CAPACITY: {"type": "number_input", "value": LONG}},
    }
    answer = answer_of(running, Callback.ADMIN_COACH, ADMIN_ID, values)
    assert answer["response_action"] == "errors"
    assert "whole number from 1 to 40" in answer["errors"][Input.COACH_CAPACITY]
    with running.deps.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        assert teacher is not None and teacher.role == "teacher"


def test_a_visit_button_for_a_visit_id_past_any_row_changes_nothing(school: Running) -> None:  # noqa: F811
    running = school
    assert answer_of(running, Callback.INVITE, TEACHER, invite_values()) is None
    [visit] = the_rows(running, Visit)
    before = len(running.slack.calls)
    post(
        running,
        factories.block_action(
            Action.INVITE_ACCEPT, user_id=COACH, value=f"{DIGITS_12}:{visit.version}"
        ),
    )
    [unchanged] = the_rows(running, Visit)
    assert unchanged.status == "pending"
    # The coach is told, privately, that the button is out of date; nobody else hears a thing.
    told = [
        call
        for call in running.slack.calls[before:]
        if call.method in ("chat.postEphemeral", "chat.postMessage")
    ]
    assert len(told) == 1
    assert COACH in (told[0].args.get("user"), told[0].args.get("channel"))


# --------------------------------------------------------------------------- calendar links


@pytest.mark.parametrize(
    "token",
    [
        LONG,
        f"{LONG}-0123456789abcdef0123456789abcdef",
        "1-%C3%A9",  # not ASCII once the server has decoded the path
    ],
)
def test_a_calendar_link_nobody_issued_is_not_found(school: Running, token: str) -> None:  # noqa: F811
    reply = school.sender.get(f"/calendar/{token}.ics")
    assert reply.status == 404
    assert reply.json() == {"error": "not found"}


@pytest.fixture(autouse=True)
def _nothing_fails(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Whatever a test sends, nothing in the app fails: a failure is a 500 or a lost answer."""
    yield
    failed = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert failed == [], [f"{r.name}: {r.getMessage()[:200]}" for r in failed]
