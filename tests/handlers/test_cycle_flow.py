"""A whole coaching cycle through signed requests, and notes that stay between teacher and coach."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import jobs
from bot.ids import Action, Callback, Input
from bot.rules.policy import REFUSED_CHANGE
from storage.models import Debrief, DebriefNote, Goal, Person, Visit
from tests import factories
from tests.conftest import ADMIN_ID, Running
from tests.handlers.test_invite_flow import (
    COACH,
    COACH2,
    OTHER_TEACHER,
    TEACHER,
    TEAM,
    click,
    dms_to,
    ephemerals_to,
    school,  # noqa: F401 - the fixture
    submit_invite,
    words,
)

LEADER = "U0LEADER01"
QUESTION = "How can I get more of my students explaining their reasoning out loud?"


def one(block: str, state: dict[str, Any]) -> dict[str, Any]:
    return {block: {block: state}}


def goal_values(question: str = QUESTION, coach: str = COACH) -> dict[str, Any]:
    return {
        **one(Input.GOAL_QUESTION, {"type": "plain_text_input", "value": question}),
        **one(Input.GOAL_FOCUS, {"type": "static_select", "selected_option": {"value": "math"}}),
        **one(
            Input.GOAL_EVIDENCE,
            {"type": "plain_text_input", "value": "Half the class explains a step"},
        ),
        **one(Input.GOAL_TARGET, {"type": "datepicker", "selected_date": "2027-02-01"}),
        **one(Input.GOAL_COACH, {"type": "users_select", "selected_user": coach}),
    }


def post(running: Running, payload: tuple[str, str]) -> Any:
    reply = running.sender.post(payload)
    assert reply.status == 200
    running.settle()
    return reply.json() if reply.body else None


def select_option(
    running: Running, user: str, message: Any, action: str, value_suffix: str
) -> None:
    """Choose an option from a select in a message, as Slack reports it."""
    for block in message.args["blocks"]:
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == action:
            option = next(o for o in accessory["options"] if o["value"].endswith(value_suffix))
            break
    else:
        raise AssertionError(f"no {action} select in the message")
    post(
        running,
        factories.block_action(
            action,
            user_id=user,
            selected_option=option,
            message=(message.response["channel"], message.response["ts"]),
        ),
    )


def test_a_whole_cycle(school: Running) -> None:  # noqa: F811
    running = school
    # 1. The teacher sets a goal with her coach.
    answer = post(running, factories.view_submission(Callback.GOAL, goal_values(), user_id=TEACHER))
    assert answer["response_action"] == "update"
    assert QUESTION in str(answer["view"]) and "Planning" in str(answer["view"])
    assert f"<@{TEACHER}> set a coaching goal with you" in dms_to(running, COACH)[-1].args["text"]
    with running.deps.uow() as uow:
        [goal] = uow.session.scalars(select(Goal)).all()
        goal_id = goal.id

    # 2. She invites him, linked to that goal, and he accepts.
    reply = running.sender.post(factories.slash_command("/invite-coach", "", user_id=TEACHER))
    assert reply.status == 200
    [form] = running.slack.wait_for("views.open")
    goal_block = next(
        b for b in form.args["view"]["blocks"] if b.get("block_id") == Input.INVITE_GOAL
    )
    assert goal_block["element"]["initial_option"]["value"] == str(goal_id)
    values = {
        **one(
            Input.INVITE_GOAL, {"type": "static_select", "selected_option": {"value": str(goal_id)}}
        )
    }
    reply = running.sender.post(
        factories.view_submission(
            Callback.INVITE,
            {**_invite(), **values},
            user_id=TEACHER,
        )
    )
    running.settle()
    invitation = dms_to(running, COACH)[-1]
    click(running, COACH, invitation, Action.INVITE_ACCEPT)

    # 3. After the visit ends the coach is asked, once, what it was; he logs "model a lesson".
    running.clock.now = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # 11:00 in New York
    assert jobs.prompt_visit_logs(running.deps, running.app.client) == 1
    assert jobs.prompt_visit_logs(running.deps, running.app.client) == 0
    prompt = dms_to(running, COACH)[-1]
    assert f"How did your visit with <@{TEACHER}> go?" in prompt.args["text"]
    select_option(running, COACH, prompt, Action.VISIT_LOG_HAPPENED, ":model")
    with running.deps.uow() as uow:
        visit = uow.session.scalars(select(Visit)).one()
        assert (visit.outcome, visit.logged_support_type, visit.goal_id) == (
            "happened",
            "model",
            goal_id,
        )
    logged = running.slack.calls_to("chat.update")[-1]
    assert "Logged as Model a lesson" in words(logged)
    # Not quite: it was co-teaching. The thank-you message changes it; the old question cannot.
    select_option(running, COACH, logged, Action.VISIT_LOG_HAPPENED, ":co_teach")
    assert "Logged as Co-teach" in words(running.slack.calls_to("chat.update")[-1])
    select_option(running, COACH, prompt, Action.VISIT_LOG_HAPPENED, ":observe")
    with running.deps.uow() as uow:
        assert uow.session.scalars(select(Visit.logged_support_type)).one() == "co_teach"

    # 4. A debrief is scheduled; both hear about it.
    debrief_values = {
        **one(
            Input.DEBRIEF_VISIT,
            {"type": "static_select", "selected_option": {"value": str(visit.id)}},
        ),
        **one(Input.DEBRIEF_DATE, {"type": "datepicker", "selected_date": "2026-12-02"}),
        **one(Input.DEBRIEF_TIME, {"type": "timepicker", "selected_time": "14:00"}),
        **one(Input.DEBRIEF_LENGTH, {"type": "static_select", "selected_option": {"value": "30"}}),
        **one(Input.DEBRIEF_PLACE, {"type": "plain_text_input", "value": "Room 112"}),
    }
    assert (
        post(running, factories.view_submission(Callback.DEBRIEF, debrief_values, user_id=COACH))
        is None
    )
    to_teacher, to_coach = dms_to(running, TEACHER)[-1], dms_to(running, COACH)[-1]
    assert "Debrief with" in to_teacher.args["text"] and "Room 112" in words(to_teacher)
    assert "Debrief with" in to_coach.args["text"]
    with running.deps.uow() as uow:
        debrief = uow.session.scalars(select(Debrief)).one()
        assert debrief.starts_at == datetime(2026, 12, 2, 19, 0, tzinfo=UTC)

    # 5. Notes: the coach starts with strengths; both agree a next step.
    running.clock.now = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)
    notes = {
        **one(
            Input.NOTE_STRENGTHS,
            {"type": "plain_text_input", "value": "Students built on each other's ideas"},
        ),
        **one(
            Input.NOTE_TRY_NEXT,
            {"type": "plain_text_input", "value": "Sentence stems for explaining"},
        ),
        **one(
            Input.NOTE_NEXT_STEP,
            {"type": "plain_text_input", "value": "Try stems in period 3 for a week"},
        ),
        **one(Input.NOTE_CHECK_BACK, {"type": "datepicker", "selected_date": "2026-12-09"}),
    }
    for author in (COACH, TEACHER):
        answer = post(
            running,
            factories.view_submission(
                Callback.NOTES, notes, user_id=author, private_metadata=str(debrief.id)
            ),
        )
        assert answer is None
    with running.deps.uow() as uow:
        assert uow.session.query(DebriefNote).count() == 2

    # The story shows the state and the notes to the teacher.
    running.sender.post(factories.slash_command("/coach-goal", "", user_id=TEACHER))
    running.settle()
    opened = running.slack.calls_to("views.open")[-1]
    story = str(opened.args["view"])
    assert "Trying the next step" in story
    assert "Students built on each other" in story and "Try stems in period 3" in story

    # 6. The goal is met; the coach hears.
    post(
        running,
        factories.block_action(
            Action.GOAL_MET,
            user_id=TEACHER,
            value=str(goal_id),
            view={
                "id": opened.response["view"]["id"],
                "external_id": opened.response["view"]["external_id"],
                "callback_id": Callback.GOALS,
            },
        ),
    )
    with running.deps.uow() as uow:
        assert uow.session.get_one(Goal, goal_id).status == "met"
    assert f"<@{TEACHER}> met their goal" in dms_to(running, COACH)[-1].args["text"]
    [refreshed] = running.slack.calls_to("views.update")
    assert "Goal met" in str(refreshed.args["view"])


def _invite() -> dict[str, Any]:
    from tests.handlers.test_invite_flow import invite_values

    return invite_values()


# --------------------------------------------------------------------------- privacy


@pytest.fixture
def noted(school: Running) -> tuple[Running, int]:  # noqa: F811
    """A debrief between the teacher and her coach with a private note on it."""
    running = school
    running.slack.add_user(LEADER, name="Principal Lee", tz="America/New_York")
    running.slack.add_user(ADMIN_ID, name="Dana Admin", tz="America/New_York")
    now = running.clock.now
    with running.deps.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        coach = uow.people.get_by_user(TEAM, COACH)
        assert teacher and coach
        uow.people.add(
            Person(
                team_id=TEAM,
                user_id=LEADER,
                display_name="Principal Lee",
                role="leader",
                synced_at=now,
            )
        )
        uow.people.add(
            Person(
                team_id=TEAM,
                user_id=ADMIN_ID,
                display_name="Dana Admin",
                role="admin",
                synced_at=now,
            )
        )
        goal = Goal(
            team_id=TEAM,
            teacher_id=teacher.id,
            coach_id=coach.id,
            question=QUESTION,
            focus_area="math",
            status="active",
            created_at=now,
            updated_at=now,
        )
        uow.session.add(goal)
        uow.session.flush()
        visit = Visit(
            team_id=TEAM,
            teacher_id=teacher.id,
            coach_id=coach.id,
            goal_id=goal.id,
            starts_at=now - timedelta(days=1),
            ends_at=now - timedelta(days=1, minutes=-45),
            class_name="Period 3",
            support_type="observe",
            status="accepted",
            outcome="happened",
            created_at=now,
            updated_at=now,
        )
        uow.session.add(visit)
        uow.session.flush()
        debrief = Debrief(
            team_id=TEAM,
            visit_id=visit.id,
            teacher_id=teacher.id,
            coach_id=coach.id,
            starts_at=now - timedelta(hours=2),
            ends_at=now - timedelta(hours=1),
            created_at=now,
        )
        uow.session.add(debrief)
        uow.session.flush()
        uow.session.add(
            DebriefNote(
                debrief_id=debrief.id,
                author_id=coach.id,
                strengths="SECRET-STRENGTH she waits for every hand",
                created_at=now,
                updated_at=now,
            )
        )
        result = running, debrief.id
        uow.commit()
        return result


OUTSIDERS = [LEADER, ADMIN_ID, COACH2, OTHER_TEACHER]


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_nobody_else_can_open_the_notes_with_a_forged_button(
    noted: tuple[Running, int], outsider: str
) -> None:
    running, debrief_id = noted
    post(
        running,
        factories.block_action(Action.DEBRIEF_NOTES, user_id=outsider, value=str(debrief_id)),
    )
    assert running.slack.calls_to("views.open") == []
    assert ephemerals_to(running, outsider) == [REFUSED_CHANGE]
    assert "SECRET-STRENGTH" not in str(running.slack.calls)


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_nobody_else_can_read_the_notes_by_command(
    noted: tuple[Running, int], outsider: str
) -> None:
    running, _ = noted
    running.sender.post(
        factories.slash_command("/coach-goal", f"<@{TEACHER}|alvarez>", user_id=outsider)
    )
    running.settle()
    assert "SECRET-STRENGTH" not in str(running.slack.calls)
    assert QUESTION not in str(running.slack.calls)


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_nobody_else_sees_notes_on_their_home_tab(
    noted: tuple[Running, int], outsider: str
) -> None:
    running, _ = noted
    running.sender.post(factories.event_callback(factories.app_home_opened(outsider)))
    running.settle()
    assert running.slack.calls_to("views.publish")
    assert "SECRET-STRENGTH" not in str(running.slack.calls)


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_nobody_else_can_write_notes_with_a_forged_submission(
    noted: tuple[Running, int], outsider: str
) -> None:
    running, debrief_id = noted
    values = one(Input.NOTE_STRENGTHS, {"type": "plain_text_input", "value": "planted"})
    answer = post(
        running,
        factories.view_submission(
            Callback.NOTES, values, user_id=outsider, private_metadata=str(debrief_id)
        ),
    )
    assert answer["response_action"] == "errors"
    with running.deps.uow() as uow:
        assert uow.session.query(DebriefNote).count() == 1


def test_the_coach_reads_the_notes_through_the_teachers_story(noted: tuple[Running, int]) -> None:
    running, _ = noted
    running.sender.post(
        factories.slash_command("/coach-goal", f"<@{TEACHER}|alvarez>", user_id=COACH)
    )
    running.settle()
    assert "SECRET-STRENGTH" in str(running.slack.calls_to("views.open")[-1].args["view"])


def test_a_visit_that_did_not_happen_never_counts(school: Running) -> None:  # noqa: F811
    from bot.rules.cycles import coaching_minutes

    running = school
    submit_invite(running)
    click(running, COACH, dms_to(running, COACH)[-1], Action.INVITE_ACCEPT)
    running.clock.now = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    jobs.prompt_visit_logs(running.deps, running.app.client)
    prompt = dms_to(running, COACH)[-1]
    select_option(running, COACH, prompt, Action.VISIT_LOG_MISSED, ":teacher_absent")
    offered = dms_to(running, TEACHER)[-1]
    assert "didn't happen" in offered.args["text"]
    assert (Action.INVITE_OTHER_COACH, COACH) in [
        (e["action_id"], e.get("value"))
        for b in offered.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    with running.deps.uow() as uow:
        coach = uow.people.get_by_user(TEAM, COACH)
        assert coach is not None
        week = datetime(2026, 11, 30, tzinfo=UTC)
        assert coaching_minutes(uow, coach, week, week + timedelta(days=7)) == {}


def test_a_goal_without_a_coach_tells_the_teacher_that_no_coach_knows(
    school: Running,  # noqa: F811
) -> None:
    values = goal_values()
    values[Input.GOAL_COACH] = {Input.GOAL_COACH: {"type": "users_select", "selected_user": None}}
    before = len(school.slack.calls_to("chat.postMessage"))
    reply = post(school, factories.view_submission(Callback.GOAL, values, user_id=TEACHER))
    assert reply["response_action"] == "update"
    sent = school.slack.calls_to("chat.postMessage")[before:]
    assert [call.args["channel"] for call in sent] == [TEACHER]
    assert "No coach has been told about it yet" in sent[0].args["text"]
