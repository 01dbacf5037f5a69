"""Reflection prompts through signed requests: private answers, sharing, and the teacher's say."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

import handlers.common
import handlers.reflections
from bot.app.jobs import plan_reflection_prompts
from bot.demo.standin import Call
from bot.ids import Action, Callback, Input
from bot.rules import outbox, reflections
from bot.rules.domain import SupportType
from bot.slack.messaging import SlackSender
from storage.models import OutboxMessage, Person, Reflection, Visit
from tests import factories
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

QUESTION = reflections.QUESTIONS[SupportType.OBSERVE]
SECRET = "SECRET-ANSWER I finally waited long enough for every hand"
INTRUDERS = [COACH, COACH2, OTHER_TEACHER, ADMIN_ID]


def registered(running: Running) -> None:
    """Listen for reflections, unless handlers/__init__.py already does."""
    listeners = running.app._listeners
    if not any(
        getattr(listener, "ack_function", None) is handlers.reflections.handle_reflect_open
        for listener in listeners
    ):
        handlers.common.add_routes(running.app, handlers.reflections.ROUTES)


@pytest.fixture
def prompted(school: Running) -> tuple[Running, int, Call]:  # noqa: F811
    """A visit that happened this morning, its prompt planned and delivered to the teacher."""
    running = school
    registered(running)
    now = running.clock.now  # Monday 09:00 in New York
    with running.deps.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        coach = uow.people.get_by_user(TEAM, COACH)
        assert teacher and coach
        uow.session.add(
            Visit(
                team_id=TEAM,
                teacher_id=teacher.id,
                coach_id=coach.id,
                starts_at=now - timedelta(hours=1),
                ends_at=now - timedelta(minutes=15),
                class_name="Period 1",
                support_type="observe",
                status="accepted",
                outcome="happened",
                created_at=now - timedelta(days=2),
                updated_at=now,
            )
        )
        uow.commit()
    with running.deps.uow() as uow:
        assert plan_reflection_prompts(uow, now) == 1
        reflection_id = uow.session.scalars(select(Reflection.id)).one()
        due = uow.session.scalars(select(OutboxMessage.due_at)).one()
        uow.commit()
    # Delivered by the outbox, which records where the prompt is in Slack.
    sent = outbox.deliver_due(running.deps.uow, SlackSender(running.app.client), due, worker="t")
    assert sent.sent == 1
    [delivered] = dms_to(running, TEACHER)
    return running, reflection_id, delivered


def post(running: Running, payload: tuple[str, str]) -> Any:
    reply = running.sender.post(payload)
    assert reply.status == 200
    running.settle()
    return reply.json() if reply.body else None


def press(running: Running, user: str, action: str, value: str, message: Call | None) -> None:
    where = (message.response["channel"], message.response["ts"]) if message else None
    post(running, factories.block_action(action, user_id=user, value=value, message=where))


def answer_values(text: str, *, share: bool = False) -> dict[str, Any]:
    return {
        Input.REFLECT_ANSWER: {Input.REFLECT_ANSWER: {"type": "plain_text_input", "value": text}},
        Input.REFLECT_SHARE: {
            Input.REFLECT_SHARE: {
                "type": "checkboxes",
                "selected_options": [{"value": "share"}] if share else [],
            }
        },
    }


def submit_answer(
    running: Running, user: str, reflection_id: int, text: str, *, share: bool = False
) -> Any:
    return post(
        running,
        factories.view_submission(
            Callback.REFLECT,
            answer_values(text, share=share),
            user_id=user,
            private_metadata=str(reflection_id),
        ),
    )


def stored(running: Running) -> Reflection:
    with running.deps.uow() as uow:
        row = uow.session.scalars(select(Reflection)).one()
        uow.session.expunge(row)
        return row


def teacher_row(running: Running) -> Person:
    with running.deps.uow() as uow:
        row = uow.people.get_by_user(TEAM, TEACHER)
        assert row is not None
        uow.session.expunge(row)
        return row


def buttons_of(call: Call) -> list[str]:
    return [
        element["action_id"]
        for block in call.args["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


# --------------------------------------------------------------------------- answering


def test_the_teacher_reads_the_prompt_opens_it_and_answers_privately(
    prompted: tuple[Running, int, Call],
) -> None:
    running, reflection_id, delivered = prompted
    assert delivered.args["text"] == f"A moment to reflect, just for you: {QUESTION}"
    assert "Only you can see your answer" in words(delivered)
    assert buttons_of(delivered) == [
        Action.REFLECT_OPEN,
        Action.REFLECT_SNOOZE,
        Action.REFLECT_PAUSE,
        Action.REFLECT_STOP,
    ]

    press(running, TEACHER, Action.REFLECT_OPEN, str(reflection_id), delivered)
    [opened] = running.slack.calls_to("views.open")
    assert opened.response["ok"]
    view = opened.args["view"]
    assert (view["callback_id"], view["private_metadata"]) == (Callback.REFLECT, str(reflection_id))
    assert QUESTION in str(view["blocks"])

    answer = submit_answer(running, TEACHER, reflection_id, SECRET)
    assert answer["response_action"] == "update"
    assert "Saved just for you" in str(answer["view"])
    reflection = stored(running)
    assert (reflection.answer, reflection.shared_with_coach) == (SECRET, False)
    assert dms_to(running, COACH) == []
    assert SECRET not in str([c.args for c in running.slack.calls])

    # Opened again, the form holds what she wrote, to change it.
    press(running, TEACHER, Action.REFLECT_OPEN, str(reflection_id), delivered)
    assert SECRET in str(running.slack.calls_to("views.open")[-1].args["view"])


def test_sharing_sends_the_coach_the_words(prompted: tuple[Running, int, Call]) -> None:
    running, reflection_id, _ = prompted
    answer = submit_answer(running, TEACHER, reflection_id, SECRET, share=True)
    assert "shared with your coach" in str(answer["view"])
    assert stored(running).shared_with_coach
    [to_coach] = dms_to(running, COACH)
    assert to_coach.response["ok"]
    assert to_coach.args["text"].startswith(f"<@{TEACHER}> shared a reflection with you")
    assert SECRET in words(to_coach) and QUESTION in words(to_coach)
    # Saving the same words again tells the coach nothing new.
    submit_answer(running, TEACHER, reflection_id, SECRET, share=True)
    assert len(dms_to(running, COACH)) == 1


def test_an_empty_answer_is_shown_in_the_modal(prompted: tuple[Running, int, Call]) -> None:
    running, reflection_id, _ = prompted
    answer = submit_answer(running, TEACHER, reflection_id, "   ")
    assert answer == {
        "response_action": "errors",
        "errors": {Input.REFLECT_ANSWER: "Write a few words, or close this without saving."},
    }
    assert stored(running).answer is None


@pytest.fixture
def answered(prompted: tuple[Running, int, Call]) -> tuple[Running, int, Call]:
    running, reflection_id, delivered = prompted
    submit_answer(running, TEACHER, reflection_id, SECRET)
    return running, reflection_id, delivered


def calls_after(running: Running, count: int) -> str:
    return str([(c.method, c.args) for c in running.slack.calls[count:]])


@pytest.mark.parametrize("intruder", INTRUDERS)
def test_nobody_else_can_open_a_reflection_with_a_forged_button(
    answered: tuple[Running, int, Call], intruder: str
) -> None:
    running, reflection_id, _ = answered
    before = len(running.slack.calls)
    press(running, intruder, Action.REFLECT_OPEN, str(reflection_id), None)
    assert running.slack.calls_to("views.open") == []
    assert ephemerals_to(running, intruder) == [reflections.NOT_YOURS]
    seen = calls_after(running, before)
    assert SECRET not in seen and QUESTION not in seen


@pytest.mark.parametrize("intruder", INTRUDERS)
def test_nobody_else_can_write_a_reflection_with_a_forged_submission(
    answered: tuple[Running, int, Call], intruder: str
) -> None:
    running, reflection_id, _ = answered
    before = len(running.slack.calls)
    answer = submit_answer(running, intruder, reflection_id, "planted", share=True)
    assert answer == {
        "response_action": "errors",
        "errors": {Input.REFLECT_ANSWER: reflections.NOT_YOURS},
    }
    reflection = stored(running)
    assert (reflection.answer, reflection.shared_with_coach) == (SECRET, False)
    assert SECRET not in calls_after(running, before)


def test_a_stale_id_gets_a_kind_word(prompted: tuple[Running, int, Call]) -> None:
    running, _, _ = prompted
    press(running, TEACHER, Action.REFLECT_OPEN, "99999", None)
    assert ephemerals_to(running, TEACHER) == [reflections.GONE]
    assert running.slack.calls_to("views.open") == []


# --------------------------------------------------------------------------- snooze, pause, stop


def test_tomorrow_plans_one_more_prompt_and_says_when(
    prompted: tuple[Running, int, Call],
) -> None:
    running, reflection_id, delivered = prompted
    running.clock.now = datetime(2026, 11, 30, 20, 40, tzinfo=UTC)  # 15:40 in New York
    press(running, TEACHER, Action.REFLECT_SNOOZE, str(reflection_id), delivered)
    with running.deps.uow() as uow:
        first, again = uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        assert again.key == f"{first.key}:snooze:2026-12-01"
        assert (again.ref, again.kind, again.channel) == (first.ref, "reflection", TEACHER)
        assert again.due_at == datetime(2026, 12, 1, 20, 30, tzinfo=UTC)  # 15:30 tomorrow
    [updated] = running.slack.calls_to("chat.update")
    assert updated.response["ok"]
    assert "I'll ask again tomorrow" in words(updated)
    assert buttons_of(updated) == [Action.REFLECT_OPEN]


def test_pause_opens_a_date_and_saves_it(prompted: tuple[Running, int, Call]) -> None:
    running, reflection_id, delivered = prompted
    press(running, TEACHER, Action.REFLECT_PAUSE, str(reflection_id), delivered)
    [opened] = running.slack.calls_to("views.open")
    assert opened.response["ok"]
    view = opened.args["view"]
    assert (view["callback_id"], view["private_metadata"]) == (Callback.PAUSE, str(reflection_id))

    def submit(day: str) -> Any:
        values: dict[str, Any] = {
            Input.PAUSE_UNTIL: {Input.PAUSE_UNTIL: {"type": "datepicker", "selected_date": day}}
        }
        return post(
            running,
            factories.view_submission(
                Callback.PAUSE, values, user_id=TEACHER, private_metadata=str(reflection_id)
            ),
        )

    past = submit("2026-11-27")
    assert past["response_action"] == "errors" and Input.PAUSE_UNTIL in past["errors"]
    assert teacher_row(running).prompts_paused_until is None

    answer = submit("2026-12-11")
    assert answer["response_action"] == "update"
    assert "paused until Friday, December 11" in str(answer["view"])
    assert teacher_row(running).prompts_paused_until == date(2026, 12, 11)


def test_stop_turns_prompts_off_and_keeps_this_one_answerable(
    prompted: tuple[Running, int, Call],
) -> None:
    running, reflection_id, delivered = prompted
    stop = next(
        e
        for b in delivered.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.REFLECT_STOP
    )
    assert "turn them back on" in stop["confirm"]["text"]["text"]
    press(running, TEACHER, Action.REFLECT_STOP, str(reflection_id), delivered)
    assert teacher_row(running).prompts_stopped
    [updated] = running.slack.calls_to("chat.update")
    assert "no more reflection prompts" in words(updated)
    assert buttons_of(updated) == [Action.REFLECT_OPEN]


@pytest.mark.parametrize("intruder", INTRUDERS)
@pytest.mark.parametrize(
    "action", [Action.REFLECT_SNOOZE, Action.REFLECT_STOP, Action.REFLECT_PAUSE]
)
def test_nobody_else_can_snooze_pause_or_stop_a_teachers_prompts(
    prompted: tuple[Running, int, Call], intruder: str, action: Action
) -> None:
    running, reflection_id, _ = prompted
    press(running, intruder, action, str(reflection_id), None)
    assert ephemerals_to(running, intruder) == [reflections.NOT_YOURS]
    assert running.slack.calls_to("views.open") == []
    assert running.slack.calls_to("chat.update") == []
    teacher = teacher_row(running)
    assert (teacher.prompts_stopped, teacher.prompts_paused_until) == (False, None)
    with running.deps.uow() as uow:
        assert uow.session.query(OutboxMessage).count() == 1
        intruder_row = uow.people.get_by_user(TEAM, intruder)
        assert intruder_row is None or not intruder_row.prompts_stopped


@pytest.mark.parametrize("intruder", INTRUDERS)
def test_nobody_else_can_pause_with_a_forged_submission(
    prompted: tuple[Running, int, Call], intruder: str
) -> None:
    running, reflection_id, _ = prompted
    values: dict[str, Any] = {
        Input.PAUSE_UNTIL: {
            Input.PAUSE_UNTIL: {"type": "datepicker", "selected_date": "2026-12-11"}
        }
    }
    answer = post(
        running,
        factories.view_submission(
            Callback.PAUSE, values, user_id=intruder, private_metadata=str(reflection_id)
        ),
    )
    assert answer == {
        "response_action": "errors",
        "errors": {Input.PAUSE_UNTIL: reflections.NOT_YOURS},
    }
    assert teacher_row(running).prompts_paused_until is None
