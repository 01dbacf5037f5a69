"""A goal moved from one coach to another: the new coach sees the goal, not the old coach's visits.

The teacher sets a goal with coach C1, who co-teaches, models a lesson and holds a debrief in
the library annex. The teacher then moves the goal to coach C2. From then on:

- C2 reads the goal and the visits and debriefs C2 took part in, nothing of C1's: not when
  they were, what kind of support they were, or where the debrief was (and never the notes).
- The teacher still reads every visit and debrief of their goal, with either coach.
- C1 no longer reads the goal (it is the teacher's and C2's now), so C1's `/coach-goal @teacher`
  shows no cycle for it. What C1 and the teacher said to each other stays theirs: C1 can still
  open the notes on their own debrief, as bot/rules/policy.py allows the two people in a
  conversation.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.demo.standin import Call
from bot.ids import Action, Callback
from bot.views.invite import format_when
from storage.models import Debrief, DebriefNote, Goal, Visit
from tests import factories
from tests.conftest import Running
from tests.handlers.test_cycle_flow import goal_values
from tests.handlers.test_invite_flow import (
    COACH as C1,
    COACH2 as C2,
    TEACHER,
    TEAM,
    school,  # noqa: F401 - the fixture
)

QUESTION = "How can my students lead their own lab discussions?"
ANNEX = "Library annex B"
C1_NOTE = "C1-PRIVATE students argued from evidence"
NEW_YORK = "America/New_York"


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026, given as New York wall-clock time (UTC-5 then)."""
    return datetime(2026, 11, day, hour + 5, minute, tzinfo=UTC)


@pytest.fixture
def moved(school: Running) -> dict[str, Any]:  # noqa: F811
    """The goal's history with C1, then the teacher moves it to C2 through the goal form."""
    running = school
    now = running.clock.now
    with running.deps.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        c1 = uow.people.get_by_user(TEAM, C1)
        c2 = uow.people.get_by_user(TEAM, C2)
        assert teacher and c1 and c2
        goal = Goal(
            team_id=TEAM,
            teacher_id=teacher.id,
            coach_id=c1.id,
            question=QUESTION,
            focus_area="math",
            status="active",
            created_at=now - timedelta(days=20),
            updated_at=now - timedelta(days=20),
        )
        uow.session.add(goal)
        uow.session.flush()

        def visit(coach_id: int, start: datetime, support: str, class_name: str) -> Visit:
            row = Visit(
                team_id=TEAM,
                teacher_id=teacher.id,
                coach_id=coach_id,
                goal_id=goal.id,
                starts_at=start,
                ends_at=start + timedelta(minutes=45),
                class_name=class_name,
                support_type=support,
                status="accepted",
                outcome="happened",
                created_at=start - timedelta(days=3),
                updated_at=start,
            )
            uow.session.add(row)
            return row

        c1_visits = [
            visit(c1.id, _at(16, 13, 15), "co_teach", "Period 6 Chemistry"),
            visit(c1.id, _at(18, 8, 5), "model", "Period 1 Chemistry"),
        ]
        c2_visit = visit(c2.id, _at(27, 10, 30), "observe", "Period 2 Biology")
        uow.session.flush()
        debrief = Debrief(
            team_id=TEAM,
            visit_id=c1_visits[1].id,
            teacher_id=teacher.id,
            coach_id=c1.id,
            starts_at=_at(19, 15, 40),
            ends_at=_at(19, 16, 10),
            place=ANNEX,
            created_at=_at(18, 9),
        )
        uow.session.add(debrief)
        uow.session.flush()
        uow.session.add(
            DebriefNote(
                debrief_id=debrief.id,
                author_id=c1.id,
                strengths=C1_NOTE,
                created_at=_at(19, 16),
                updated_at=_at(19, 16),
            )
        )
        goal_id = goal.id
        c1_when = [format_when(v.starts_at, v.ends_at, NEW_YORK) for v in c1_visits]
        c1_when.append(format_when(debrief.starts_at, debrief.ends_at, NEW_YORK))
        c2_when = format_when(c2_visit.starts_at, c2_visit.ends_at, NEW_YORK)
        debrief_id = debrief.id
        uow.commit()

    # The teacher moves the goal to C2, through the form as Slack sends it.
    reply = running.sender.post(
        factories.view_submission(
            Callback.GOAL,
            goal_values(QUESTION, coach=C2),
            user_id=TEACHER,
            private_metadata=str(goal_id),
        )
    )
    assert reply.status == 200 and reply.json()["response_action"] == "update"
    running.settle()
    with running.deps.uow() as uow:
        assert uow.session.get_one(Goal, goal_id).coach_id == c2.id
    return {
        "running": running,
        "c1_when": c1_when,
        "c2_when": c2_when,
        "debrief_id": debrief_id,
    }


def story_for(running: Running, user: str, text: str) -> str:
    """What `/coach-goal <text>` opens for `user`: the whole modal, as Slack received it."""
    before = len(running.slack.calls_to("views.open"))
    reply = running.sender.post(factories.slash_command("/coach-goal", text, user_id=user))
    assert reply.status == 200
    running.settle()
    opened = running.slack.calls_to("views.open")
    assert len(opened) == before + 1, "the command opened no view"
    return str(opened[-1].args["view"])


def test_after_a_goal_moves_each_coach_sees_only_their_own_part_and_the_teacher_all(
    moved: dict[str, Any],
) -> None:
    running = moved["running"]

    # The new coach: the goal and their own visit, nothing of the earlier coach's.
    story = story_for(running, C2, f"<@{TEACHER}|ms.alvarez>")
    assert QUESTION in story
    assert moved["c2_when"] in story and "Observe" in story
    for when in moved["c1_when"]:
        assert when not in story
    # C1's visits were a co-teach and a model lesson; C2's view names neither, nor C1's
    # classes, nor where C1's debrief was, nor anything C1 wrote.
    for words in ("Co-teach", "Model a lesson", "Chemistry", ANNEX, C1_NOTE):
        assert words not in story
    assert f"'value': '{moved['debrief_id']}'" not in story  # no "Write notes" on it either
    assert "1 visit, 0 debriefs" in story

    # The teacher: every visit and debrief of their goal, with either coach.
    story = story_for(running, TEACHER, "")
    assert QUESTION in story
    for when in [*moved["c1_when"], moved["c2_when"]]:
        assert when in story
    assert "Co-teach" in story and "Model a lesson" in story and ANNEX in story
    assert C1_NOTE in story  # what was written in the teacher's own debrief
    assert "3 visits, 1 debrief" in story

    # The earlier coach: the goal is no longer theirs to read, so no cycle of it shows...
    story = story_for(running, C1, f"<@{TEACHER}>")
    assert QUESTION not in story
    assert moved["c2_when"] not in story and "Observe" not in story
    assert "No goals yet" in story
    # ...but the conversation they had with the teacher is still theirs: the notes on their
    # own debrief open for them, with what they wrote.
    reply = running.sender.post(
        factories.block_action(Action.DEBRIEF_NOTES, user_id=C1, value=str(moved["debrief_id"]))
    )
    assert reply.status == 200
    running.settle()
    notes_form: Call = running.slack.calls_to("views.open")[-1]
    assert notes_form.args["view"]["callback_id"] == Callback.NOTES
    assert C1_NOTE in str(notes_form.args["view"])
