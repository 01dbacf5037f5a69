"""Next steps that close, through signed requests: "Tried it" and its form, "Need help" and the
invitation it offers, "Not yet" and the nudge a week later; double presses, forged notes and
other people's buttons change nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import jobs
from bot.demo.standin import Call
from bot.ids import Action, Callback, Input
from bot.reads.nudges import plan_nudges
from bot.rules import outbox
from bot.rules.next_steps import ALREADY, GONE, MOVED, NOT_YOURS
from bot.rules.policy import REFUSED_CHANGE
from bot.slack.messaging import SlackSender
from storage.models import Closure, DebriefNote, Goal, NextStepAnswer
from tests import factories
from tests.bot.reads.test_nudges import Pair, _check_back_note, _goal
from tests.conftest import ADMIN_ID, Running
from tests.handlers.test_invite_flow import (
    COACH,
    COACH2,
    OTHER_TEACHER,
    TEACHER,
    TEAM,
    dms_to,
    ephemerals_to,
    school,  # noqa: F401 - the fixture
    words,
)
from tests.handlers.test_reflections import post, press

NY = ZoneInfo("America/New_York")
WEDNESDAY = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)  # 09:00 in New York
STEP = "Try sentence stems in Period 3 for a week"
LINE = "Pairs used the stems, and 20 of 28 explained a step"


@dataclass
class Asked:
    """A check-back nudge the teacher was sent about one note's next step."""

    running: Running
    note_id: int
    goal_id: int
    nudge: Call

    @property
    def value(self) -> str:
        return button_value(self.nudge, Action.NEXT_STEP_TRIED)


def button_value(message: Call, action: str) -> str:
    for block in message.args.get("blocks", []):
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element["action_id"] == action:
                return str(element.get("value", ""))
    raise AssertionError(f"no {action} button")


def told(running: Running, user: str) -> list[str]:
    """What a person was told privately: ephemeral answers and direct messages."""
    return ephemerals_to(running, user) + [c.args["text"] for c in dms_to(running, user)]


def deliver(running: Running, now: datetime) -> int:
    """Plan and send the nudges due at `now`; how many check-backs the teacher was sent."""
    before = len(dms_to(running, TEACHER))
    with running.deps.uow() as uow:
        plan_nudges(uow, now)
        uow.commit()
    sender = SlackSender(running.app.client)
    outbox.deliver_due(running.deps.uow, sender, now, worker="t", still_wanted=jobs.STILL_WANTED)
    sent = dms_to(running, TEACHER)[before:]
    return sum(1 for c in sent if "How is it going with your next step" in c.args["text"])


def ask(running: Running) -> Asked:
    """A goal, a visit, a debrief, the coach's note with a next step due today, and the
    check-back nudge the outbox delivered to the teacher."""
    now = running.clock.now
    with running.deps.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        coach = uow.people.get_by_user(TEAM, COACH)
        assert teacher and coach
        pair = Pair(teacher.id, coach.id)
    goal_id = _goal(running.deps, pair, at=now - timedelta(days=20), team=TEAM)
    with running.deps.uow() as uow:
        goal = uow.session.get_one(Goal, goal_id)
        goal.students_now, goal.students_aim = "12 of 28 explain a step", "20 of 28"
        uow.commit()
    today = now.astimezone(NY).date()
    _, note_id = _check_back_note(
        running.deps, pair, on=today, step=STEP, goal_id=goal_id, team=TEAM
    )
    assert deliver(running, now) == 1
    nudge = dms_to(running, TEACHER)[-1]
    return Asked(running, note_id, goal_id, nudge)


@pytest.fixture
def asked(school: Running) -> Asked:  # noqa: F811
    school.clock.now = WEDNESDAY  # the debrief was on Tuesday
    return ask(school)


def answers(running: Running) -> list[tuple[str, date, str | None, date | None]]:
    with running.deps.uow() as uow:
        return [
            (a.kind.value, a.asked_on, a.line, a.remind_on)
            for a in uow.session.scalars(select(NextStepAnswer).order_by(NextStepAnswer.id))
        ]


def check_back_on(running: Running, note_id: int) -> date | None:
    with running.deps.uow() as uow:
        return uow.session.get_one(DebriefNote, note_id).check_back_on


def story(running: Running, user: str) -> str:
    """The teacher's cycles, as `user` (the teacher, or a coach asking for hers) reads them."""
    whose = "" if user == TEACHER else f"<@{TEACHER}>"
    post(running, factories.slash_command("/coach-goal", whose, user_id=user))
    return str(running.slack.calls_to("views.open")[-1].args["view"])


def tried_values(line: str | None) -> dict[str, Any]:
    return {
        Input.NEXT_STEP_LINE: {Input.NEXT_STEP_LINE: {"type": "plain_text_input", "value": line}}
    }


def submit_tried(running: Running, value: str, line: str | None, user: str = TEACHER) -> Any:
    return post(
        running,
        factories.view_submission(
            Callback.NEXT_STEP_TRIED, tried_values(line), user_id=user, private_metadata=value
        ),
    )


# --------------------------------------------------------------------------- the three answers


def test_tried_it_asks_how_it_went_records_the_line_and_tells_the_coach(asked: Asked) -> None:
    running = asked.running
    for label in ("Tried it", "Need help", "Not yet (remind me in a week)"):
        assert label in words(asked.nudge)

    press(running, TEACHER, Action.NEXT_STEP_TRIED, asked.value, asked.nudge)
    [form] = running.slack.calls_to("views.open")
    view = form.args["view"]
    assert view["callback_id"] == Callback.NEXT_STEP_TRIED
    assert "How did it go?" in str(view) and STEP in str(view)
    assert answers(running) == []  # nothing is recorded until the form is sent

    reply = submit_tried(running, view["private_metadata"], LINE)
    assert reply["response_action"] == "update"
    assert "Recorded: you tried it" in str(reply["view"])
    day = running.clock.now.astimezone(NY).date()
    assert answers(running) == [("tried", day, LINE, None)]
    # The nudge itself now says so, with no buttons left to press.
    [updated] = running.slack.calls_to("chat.update")
    assert (updated.args["channel"], updated.args["ts"]) == (
        asked.nudge.response["channel"],
        asked.nudge.response["ts"],
    )
    assert "Recorded: you tried it" in words(updated) and LINE in words(updated)
    assert Action.NEXT_STEP_TRIED not in words(updated)
    # The coach hears in one line, with her words.
    [to_coach] = [c for c in dms_to(running, COACH) if "tried the next step" in c.args["text"]]
    assert f"<@{TEACHER}> tried the next step" in to_coach.args["text"]
    assert LINE in to_coach.args["text"]
    # The story shows the answer and the goal's student measures; the cycle moved on.
    shown = story(running, TEACHER)
    assert f"Tried the next step: “{LINE}”" in shown
    assert "Students now: 12 of 28 explain a step. Aim: 20 of 28." in shown
    assert "Next step tried" in shown


def test_tried_it_without_a_line_is_fine(asked: Asked) -> None:
    running = asked.running
    press(running, TEACHER, Action.NEXT_STEP_TRIED, asked.value, asked.nudge)
    submit_tried(running, asked.value, None)
    assert [kind for kind, *_ in answers(running)] == ["tried"]
    assert any(
        c.args["text"].endswith(f"tried the next step _{STEP}_") for c in dms_to(running, COACH)
    )
    shown = story(running, COACH)
    assert "Tried the next step" in shown and "Tried the next step:" not in shown


def test_need_help_tells_the_coach_and_offers_an_invitation_with_the_step(asked: Asked) -> None:
    running = asked.running
    press(running, TEACHER, Action.NEXT_STEP_HELP, asked.value, asked.nudge)

    assert [kind for kind, *_ in answers(running)] == ["need_help"]
    assert any("would like some help with the next step" in t for t in told(running, COACH))
    [updated] = running.slack.calls_to("chat.update")
    assert "Recorded: you'd like some help with it" in words(updated)
    invite = button_value(updated, Action.NEXT_STEP_INVITE)
    assert invite == str(asked.note_id)

    with running.deps.uow() as uow:  # the coach keeps office hours, every weekday 9 to 3
        coach = uow.people.get_by_user(TEAM, COACH)
        assert coach is not None
        windows = [(day, time(9), time(15)) for day in range(5)]
        uow.office_hours.replace(TEAM, coach.id, 30, windows, running.clock.now)
        uow.commit()
    press(running, TEACHER, Action.NEXT_STEP_INVITE, invite, updated)
    [form] = running.slack.calls_to("views.open")
    view = form.args["view"]
    assert view["callback_id"] == Callback.INVITE
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks[Input.INVITE_COACH]["element"]["initial_user"] == COACH
    # The coach's open times, offered as on /invite-coach.
    assert blocks[Input.INVITE_SLOT]["element"]["options"]
    assert blocks[Input.INVITE_FOCUS]["element"]["initial_value"] == (
        f"Help with my next step: {STEP}"
    )
    goal = blocks[Input.INVITE_GOAL]["element"]["initial_option"]["value"]
    assert goal == str(asked.goal_id)
    assert "Asked for help with the next step" in story(running, TEACHER)


def test_not_yet_asks_again_a_week_later_and_only_then(asked: Asked) -> None:
    running = asked.running  # Wednesday December 2
    press(running, TEACHER, Action.NEXT_STEP_NOT_YET, asked.value, asked.nudge)

    week_later = date(2026, 12, 9)
    assert answers(running) == [("not_yet", date(2026, 12, 2), None, week_later)]
    assert check_back_on(running, asked.note_id) == week_later
    [updated] = running.slack.calls_to("chat.update")
    assert "I'll ask again on Wednesday, December 9." in words(updated)
    assert not [t for t in told(running, COACH) if "next step" in t]  # no noise for the coach
    assert "Not yet, reminder on Wednesday, December 9" in story(running, TEACHER)

    # No second reminder about the answered day, all week.
    for day in (3, 4, 7, 8):
        assert deliver(running, datetime(2026, 12, day, 14, 0, tzinfo=UTC)) == 0
    before = len(dms_to(running, TEACHER))
    # On the new day, one new nudge, with buttons for the new day.
    assert deliver(running, datetime(2026, 12, 9, 14, 0, tzinfo=UTC)) == 1
    [again] = [
        c
        for c in dms_to(running, TEACHER)[before:]
        if "How is it going with your next step" in c.args["text"]
    ]
    assert not again.args["text"].startswith("Last reminder")
    new_value = f"{asked.note_id}:2026-12-09"
    assert button_value(again, Action.NEXT_STEP_TRIED) == new_value
    running.clock.now = datetime(2026, 12, 9, 15, 0, tzinfo=UTC)
    press(running, TEACHER, Action.NEXT_STEP_TRIED, new_value, again)
    submit_tried(running, new_value, "Better this week")
    assert [kind for kind, *_ in answers(running)] == ["not_yet", "tried"]
    assert deliver(running, datetime(2026, 12, 10, 14, 0, tzinfo=UTC)) == 0


def test_not_yet_skips_a_day_without_school(asked: Asked) -> None:
    running = asked.running
    with running.deps.uow() as uow:
        uow.session.add(
            Closure(
                team_id=TEAM,
                first_day=date(2026, 12, 9),
                last_day=date(2026, 12, 9),
                reason="Winter concert",
            )
        )
        uow.commit()
    press(running, TEACHER, Action.NEXT_STEP_NOT_YET, asked.value, asked.nudge)
    # A week on is a day without school: the next school day is Thursday.
    assert check_back_on(running, asked.note_id) == date(2026, 12, 10)
    said = words(running.slack.calls_to("chat.update")[-1])
    assert "I'll ask again on Thursday, December 10." in said


# --------------------------------------------------------------------------- crowd and attacker


@pytest.mark.parametrize("action", [Action.NEXT_STEP_HELP, Action.NEXT_STEP_NOT_YET])
def test_a_second_press_changes_nothing_and_says_it_is_recorded(
    asked: Asked, action: Action
) -> None:
    running = asked.running
    press(running, TEACHER, action, asked.value, asked.nudge)
    recorded, moved = answers(running), check_back_on(running, asked.note_id)
    coach_heard = len(dms_to(running, COACH))

    for again in (action, Action.NEXT_STEP_HELP, Action.NEXT_STEP_NOT_YET, Action.NEXT_STEP_TRIED):
        press(running, TEACHER, again, asked.value, asked.nudge)
    assert answers(running) == recorded
    assert check_back_on(running, asked.note_id) == moved
    assert len(dms_to(running, COACH)) == coach_heard
    assert running.slack.calls_to("views.open") == []  # no form for an answered check-back
    assert told(running, TEACHER).count(ALREADY) == 4


def test_a_form_sent_twice_records_once(asked: Asked) -> None:
    running = asked.running
    press(running, TEACHER, Action.NEXT_STEP_TRIED, asked.value, asked.nudge)
    press(running, TEACHER, Action.NEXT_STEP_TRIED, asked.value, asked.nudge)
    assert len(running.slack.calls_to("views.open")) == 2  # both clicks open the form
    submit_tried(running, asked.value, LINE)
    reply = submit_tried(running, asked.value, "A second line")
    assert ALREADY in str(reply["view"])
    assert answers(running) == [("tried", date(2026, 12, 2), LINE, None)]
    assert len([c for c in dms_to(running, COACH) if "tried the next step" in c.args["text"]]) == 1


@pytest.mark.parametrize("intruder", [COACH, COACH2, OTHER_TEACHER, ADMIN_ID])
@pytest.mark.parametrize(
    "action", [Action.NEXT_STEP_TRIED, Action.NEXT_STEP_HELP, Action.NEXT_STEP_NOT_YET]
)
def test_someone_elses_button_is_refused_politely(
    asked: Asked, intruder: str, action: Action
) -> None:
    running = asked.running
    running.slack.add_user(ADMIN_ID, name="Dana Admin", tz="America/New_York")
    press(running, intruder, action, asked.value, asked.nudge)
    assert answers(running) == []
    assert check_back_on(running, asked.note_id) == date(2026, 12, 2)
    assert running.slack.calls_to("views.open") == []
    assert running.slack.calls_to("chat.update") == []
    said = told(running, intruder)
    assert said and any(t in (NOT_YOURS, REFUSED_CHANGE) for t in said)
    assert not [t for t in said if STEP in t]  # nothing of the note is shown to them


def test_a_forged_note_or_value_is_refused(asked: Asked) -> None:
    running = asked.running
    press(running, TEACHER, Action.NEXT_STEP_HELP, "999999:2026-11-30", asked.nudge)
    press(running, TEACHER, Action.NEXT_STEP_NOT_YET, "not-a-note", asked.nudge)
    submit_tried(running, "999999:2026-11-30", LINE)
    reply = submit_tried(running, asked.value, LINE, user=OTHER_TEACHER)
    assert REFUSED_CHANGE in str(reply["view"])
    press(running, OTHER_TEACHER, Action.NEXT_STEP_INVITE, str(asked.note_id), asked.nudge)
    assert answers(running) == []
    assert running.slack.calls_to("views.open") == []
    assert GONE in told(running, TEACHER)
    assert "This message is out of date, so nothing was recorded." in told(running, TEACHER)


def test_a_check_back_the_coach_moved_is_answered_on_its_newest_message(asked: Asked) -> None:
    running = asked.running
    with running.deps.uow() as uow:
        uow.session.get_one(DebriefNote, asked.note_id).check_back_on = date(2026, 12, 9)
        uow.commit()
    press(running, TEACHER, Action.NEXT_STEP_HELP, asked.value, asked.nudge)
    assert answers(running) == []
    assert MOVED in told(running, TEACHER)


def test_answers_are_between_the_teacher_and_the_coach(asked: Asked) -> None:
    running = asked.running
    press(running, TEACHER, Action.NEXT_STEP_TRIED, asked.value, asked.nudge)
    submit_tried(running, asked.value, LINE)
    assert LINE in story(running, COACH)
    # Another coach asking for her cycles never reads the answer, nor the step.
    post(running, factories.slash_command("/coach-goal", f"<@{TEACHER}>", user_id=COACH2))
    opened = str(running.slack.calls_to("views.open")[-1].args)
    assert LINE not in opened and STEP not in opened and "Tried the next step" not in opened
