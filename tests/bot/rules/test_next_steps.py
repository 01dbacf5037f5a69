"""Answers to a next step's check-back, on SQLite and PostgreSQL: once per check-back day, "not
yet" asks again a school week later, and a tried step moves the cycle on."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from bot.app.deps import Deps
from bot.clock import utc_now
from bot.reads.nudges import plan_nudges, still_wanted
from bot.rules import next_steps
from bot.rules.cycles import cycles_of
from bot.rules.domain import CycleState, Role, StepAnswer
from bot.rules.next_steps import AlreadyAnswered, StepRef, StepRefused, parse_step_ref
from bot.rules.policy import Actor
from storage.models import (
    Closure,
    Debrief,
    DebriefNote,
    NextStepAnswer,
    OutboxMessage,
    Person,
)
from tests.bot.reads.test_nudges import COACH, TEACHER, TEAM, _check_back_note, _goal, _people, ny


def _teacher(deps: Deps) -> Actor:
    with deps.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        assert teacher is not None
        return Actor(TEAM, TEACHER, teacher.id, Role.TEACHER)


def _check_backs(deps: Deps) -> list[OutboxMessage]:
    with deps.uow() as uow:
        return list(
            uow.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.ref.startswith("note:"))
                .order_by(OutboxMessage.id)
            )
        )


def test_a_value_names_a_note_and_a_day_or_nothing() -> None:
    assert parse_step_ref("12:2026-12-07") == StepRef(12, date(2026, 12, 7))
    assert StepRef(12, date(2026, 12, 7)).value == "12:2026-12-07"
    for bad in (
        "",
        "12",
        "x:2026-12-07",
        "0:2026-12-07",
        "12:2026-13-01",
        "1" * 12 + ":2026-12-07",
    ):
        assert parse_step_ref(bad) is None


def test_not_yet_asks_again_a_week_later_on_a_school_day(deps: Deps) -> None:
    pair = _people(deps)
    _, note_id = _check_back_note(deps, pair, on=date(2026, 12, 7))
    with deps.uow() as uow:
        # The coming Monday is a district holiday.
        uow.session.add(
            Closure(team_id=TEAM, first_day=date(2026, 12, 14), last_day=date(2026, 12, 14))
        )
        uow.commit()
    with freeze_time("2026-12-07 14:00:00"):  # Monday 09:00 in New York
        with deps.uow() as uow:
            assert plan_nudges(uow, utc_now()) == 1
            uow.commit()
        with deps.uow() as uow:
            answered = next_steps.answer_step(
                uow,
                _teacher(deps),
                StepRef(note_id, date(2026, 12, 7)),
                StepAnswer.NOT_YET,
                utc_now(),
            )
            uow.commit()
    assert answered.remind_on == date(2026, 12, 15)  # a week on, past the holiday
    with deps.uow() as uow:
        assert uow.session.get_one(DebriefNote, note_id).check_back_on == date(2026, 12, 15)
        # The first nudge, had it not been sent yet, would not be any more.
        [first] = _check_backs(deps)
        assert still_wanted(uow, first) is False

    # No second reminder about the answered day; one nudge on the new day, and only then.
    for moment in ("2026-12-08 14:00:00", "2026-12-11 14:00:00", "2026-12-14 14:00:00"):
        with freeze_time(moment), deps.uow() as uow:
            assert plan_nudges(uow, utc_now()) == 0
            uow.commit()
    with freeze_time("2026-12-15 14:00:00"), deps.uow() as uow:
        assert plan_nudges(uow, utc_now()) == 1
        uow.commit()
    second = _check_backs(deps)[-1]
    assert second.key.startswith(f"nudge:check-back:{note_id}@2026-12-15:1:")
    assert f'"{note_id}:2026-12-15"' in (second.blocks or "")


def test_a_check_back_answered_is_not_reminded_again(deps: Deps) -> None:
    pair = _people(deps)
    _, note_id = _check_back_note(deps, pair, on=date(2026, 12, 7))
    with freeze_time("2026-12-07 14:00:00"), deps.uow() as uow:
        plan_nudges(uow, utc_now())
        uow.commit()
    with deps.uow() as uow:
        next_steps.answer_step(
            uow,
            _teacher(deps),
            StepRef(note_id, date(2026, 12, 7)),
            StepAnswer.TRIED,
            ny(12, 7, 10),
            "  It went well \n",
        )
        uow.commit()
    with deps.uow() as uow:
        [first] = _check_backs(deps)
        assert still_wanted(uow, first) is False
        [row] = uow.session.scalars(select(NextStepAnswer)).all()
        assert (row.kind, row.line, row.remind_on) == (StepAnswer.TRIED, "It went well", None)
    with freeze_time("2026-12-09 14:00:00"), deps.uow() as uow:
        assert plan_nudges(uow, utc_now()) == 0  # no "Last reminder" after an answer


def test_the_database_records_one_answer_per_check_back_day(deps: Deps) -> None:
    pair = _people(deps)
    _, note_id = _check_back_note(deps, pair, on=date(2026, 12, 7))
    values = {
        "note_id": note_id,
        "teacher_id": pair.teacher,
        "kind": StepAnswer.NEED_HELP.value,
        "asked_on": date(2026, 12, 7),
        "line": None,
        "remind_on": None,
        "answered_at": ny(12, 7, 10),
    }
    with deps.uow() as uow:
        assert uow.next_steps.add_if_absent(values) is True
        # Two at once: the second finds the day answered, whatever it says.
        assert uow.next_steps.add_if_absent({**values, "kind": "tried"}) is False
        uow.commit()
    with deps.uow() as uow, pytest.raises(AlreadyAnswered):
        ref = StepRef(note_id, date(2026, 12, 7))
        next_steps.answer_step(uow, _teacher(deps), ref, StepAnswer.TRIED, ny(12, 7, 11))


def test_only_that_teacher_answers(deps: Deps) -> None:
    pair = _people(deps)
    _, note_id = _check_back_note(deps, pair, on=date(2026, 12, 7))
    ref = StepRef(note_id, date(2026, 12, 7))
    coach = Actor(TEAM, COACH, pair.coach, Role.COACH)
    with deps.uow() as uow:
        stranger = uow.people.add(Person(team_id=TEAM, user_id="U0STRANGE1"))
        uow.commit()
        outsider = Actor(TEAM, "U0STRANGE1", stranger.id, Role.TEACHER)
    for actor in (coach, outsider, Actor("T0OTHER", TEACHER, pair.teacher, Role.TEACHER)):
        with deps.uow() as uow, pytest.raises(StepRefused):
            next_steps.answer_step(uow, actor, ref, StepAnswer.TRIED, ny(12, 7, 10))
    with deps.uow() as uow:
        assert uow.session.scalars(select(NextStepAnswer)).all() == []


def test_a_tried_step_moves_the_cycle_on(deps: Deps) -> None:
    pair = _people(deps)
    debrief_id, note_id = _check_back_note(deps, pair, on=date(2026, 12, 7))
    goal_id = _goal(deps, pair, at=ny(11, 2, 9))
    with deps.uow() as uow:
        uow.session.get_one(Debrief, debrief_id).visit.goal_id = goal_id
        uow.commit()
    actor = _teacher(deps)

    def state() -> CycleState:
        with deps.uow() as uow:
            teacher = uow.session.get_one(Person, pair.teacher)
            [facts] = cycles_of(uow, actor, teacher, datetime(2026, 12, 7, 20, tzinfo=UTC))
            return facts.state

    assert state() is CycleState.TRYING
    with deps.uow() as uow:
        ref = StepRef(note_id, date(2026, 12, 7))
        next_steps.answer_step(uow, actor, ref, StepAnswer.NEED_HELP, ny(12, 7, 10))
        uow.commit()
    assert state() is CycleState.TRYING  # asking for help is still trying
    with deps.uow() as uow:
        uow.session.get_one(DebriefNote, note_id).check_back_on = date(2026, 12, 14)
        uow.commit()
    with deps.uow() as uow:
        ref = StepRef(note_id, date(2026, 12, 14))
        next_steps.answer_step(uow, actor, ref, StepAnswer.TRIED, ny(12, 7, 12))
        uow.commit()
    assert state() is CycleState.TRIED
