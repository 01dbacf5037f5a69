"""What people type never reaches the logs, at any level: goals, notes, reflections, a late
or unsigned submission, and a database error while saving."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from sqlalchemy import select

from bot.demo.standin import Call
from bot.ids import Callback, Input
from storage.models import DebriefNote, Goal, Reflection
from tests import factories
from tests.conftest import Running
from tests.handlers.test_cycle_flow import goal_values, noted, one  # noqa: F401 - a fixture
from tests.handlers.test_invite_flow import COACH, TEACHER, school  # noqa: F401 - a fixture
from tests.handlers.test_reflections import prompted, submit_answer  # noqa: F401 - a fixture

# One distinctive word per thing a person typed, so any trace of it in a log is found.
GOAL_WORD = "Quokkaquestion"
NOTE_WORD = "Narwhalnote"
REFLECTION_WORD = "Ocelotreflection"
LATE_WORD = "Pangolinlate"
UNSIGNED_WORD = "Tapirunsigned"
FAILED_WORD = "Axolotlfailed"
WORDS = (GOAL_WORD, NOTE_WORD, REFLECTION_WORD, LATE_WORD, UNSIGNED_WORD, FAILED_WORD)


def notes(strengths: str) -> dict[str, Any]:
    return {
        **one(Input.NOTE_STRENGTHS, {"type": "plain_text_input", "value": strengths}),
        **one(Input.NOTE_TRY_NEXT, {"type": "plain_text_input", "value": "Wait time"}),
        **one(Input.NOTE_NEXT_STEP, {"type": "plain_text_input", "value": "Count to five"}),
        **one(Input.NOTE_CHECK_BACK, {"type": "datepicker", "selected_date": "2026-12-09"}),
    }


def traces(records: list[logging.LogRecord]) -> str:
    """Everything a handler could write for these records."""
    return "\n".join(
        f"{r.getMessage()}\n{r.args!r}\n{r.exc_text or ''}\n{r.stack_info or ''}" for r in records
    )


def test_typed_words_never_reach_the_logs_at_debug(
    prompted: tuple[Running, int, Call],  # noqa: F811 - before `noted`: it plans one prompt
    noted: tuple[Running, int],  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    running, reflection_id, _ = prompted
    _, debrief_id = noted
    with caplog.at_level(logging.DEBUG):
        # A goal, a debrief note and a reflection, each saved.
        goal = factories.view_submission(
            Callback.GOAL, goal_values(f"How do {GOAL_WORD} moments help?"), user_id=TEACHER
        )
        assert running.sender.post(goal).json()["response_action"] == "update"
        note = factories.view_submission(
            Callback.NOTES,
            notes(f"{NOTE_WORD} wait time"),
            user_id=COACH,
            private_metadata=str(debrief_id),
        )
        assert running.sender.post(note).status == 200
        submit_answer(running, TEACHER, reflection_id, f"I tried {REFLECTION_WORD} today")

        # A notes submission signed six minutes ago, and one not signed at all.
        late = factories.view_submission(
            Callback.NOTES,
            notes(f"{LATE_WORD} late"),
            user_id=COACH,
            private_metadata=str(debrief_id),
        )
        assert running.sender.post(late, timestamp=int(time.time()) - 6 * 60).status == 401
        unsigned = factories.view_submission(
            Callback.NOTES,
            notes(f"{UNSIGNED_WORD} forged"),
            user_id=COACH,
            private_metadata=str(debrief_id),
        )
        assert running.sender.post(unsigned, signed=False).status == 401

        # A goal the database refuses to save.
        with running.deps.engine.begin() as connection:
            connection.exec_driver_sql(
                "CREATE TRIGGER refuse_goals BEFORE INSERT ON goals "
                "BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        failed = factories.view_submission(
            Callback.GOAL, goal_values(f"Can {FAILED_WORD} work?"), user_id=TEACHER
        )
        running.sender.post(failed)
        running.settle()

    # What was typed was handled: it is in the database, where it belongs.
    with running.deps.uow() as uow:
        assert GOAL_WORD in uow.session.scalars(select(Goal.question)).all()[-1]
        assert any(
            NOTE_WORD in (n.strengths or "") for n in uow.session.scalars(select(DebriefNote))
        )
        assert REFLECTION_WORD in (uow.session.get_one(Reflection, reflection_id).answer or "")
    # The logs saw all of it happen: the refusals and the failure are there...
    said = [record.getMessage() for record in caplog.records]
    assert sum("refused a Slack request" in line for line in said) == 2
    assert any(
        r.name == "handlers.errors" and "IntegrityError" in r.getMessage() for r in caplog.records
    )
    # ...and none of the words, in any record, at any level.
    written = traces(caplog.records) + caplog.text
    assert [word for word in WORDS if word in written] == []
