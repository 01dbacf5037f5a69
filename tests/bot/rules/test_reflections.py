"""Reflection prompts: when they come, to whom, who may read an answer, and the teacher's say."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.app.deps import Deps
from bot.demo.block_kit import check_blocks, check_view
from bot.ids import Action, Callback, Input
from bot.rules import reflections
from bot.rules.cards import PromptCard
from bot.rules.domain import Role, SupportType
from bot.rules.outbox import SENT, enqueue
from bot.rules.people import actor_for
from bot.rules.policy import Actor
from bot.rules.reflections import (
    DEBRIEF_QUESTION,
    QUESTIONS,
    ReflectionRefused,
    plan_reflection_prompts,
    still_wanted,
    visible_reflections,
)
from bot.views import reflections as views
from storage.models import Debrief, OutboxMessage, Person, Reflection, Visit

TEAM = "T0COACH"
TEACHER, OTHER_TEACHER, COACH, OTHER_COACH = "U0TEACH001", "U0TEACH002", "U0COACH001", "U0COACH002"
LEADER, ADMIN = "U0LEADER01", "U0ADMIN001"
NY = "America/New_York"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A December 2026 moment on New York's clock (EST, UTC-5), as UTC."""
    return datetime(2026, 12, day, hour + 5, minute, tzinfo=UTC)


# Tuesday 2026-12-01 and Friday 2026-12-04.
TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, MONDAY = 1, 2, 3, 4, 7


@pytest.fixture
def people(deps: Deps) -> Deps:
    with deps.uow() as uow:
        coach = uow.people.add(
            Person(team_id=TEAM, user_id=COACH, display_name="Jordan", role="coach", timezone=NY)
        )
        uow.people.add(Person(team_id=TEAM, user_id=OTHER_COACH, role="coach", timezone=NY))
        for user_id in (TEACHER, OTHER_TEACHER):
            uow.people.add(
                Person(team_id=TEAM, user_id=user_id, timezone=NY, assigned_coach_id=coach.id)
            )
        uow.people.add(Person(team_id=TEAM, user_id=LEADER, role="leader", timezone=NY))
        uow.people.add(Person(team_id=TEAM, user_id=ADMIN, role="admin", timezone=NY))
        uow.commit()
    return deps


def person(deps: Deps, user_id: str) -> Person:
    with deps.uow() as uow:
        found = uow.people.get_by_user(TEAM, user_id)
        assert found is not None
        uow.session.expunge(found)
        return found


def actor(deps: Deps, user_id: str) -> Actor:
    with deps.uow() as uow:
        return actor_for(uow, TEAM, user_id)


def add_visit(
    deps: Deps,
    ends_at: datetime,
    *,
    support: str = "observe",
    logged: str | None = None,
    outcome: str | None = "happened",
    teacher: str = TEACHER,
) -> int:
    with deps.uow() as uow:
        teacher_row = uow.people.get_by_user(TEAM, teacher)
        coach = uow.people.get_by_user(TEAM, COACH)
        assert teacher_row and coach
        visit = Visit(
            team_id=TEAM,
            teacher_id=teacher_row.id,
            coach_id=coach.id,
            starts_at=ends_at - timedelta(minutes=45),
            ends_at=ends_at,
            class_name="Period 3",
            support_type=support,
            status="accepted",
            outcome=outcome,
            logged_support_type=logged,
            created_at=ends_at - timedelta(days=3),
            updated_at=ends_at,
        )
        uow.session.add(visit)
        uow.session.flush()
        uow.commit()
        return visit.id


def add_debrief(deps: Deps, visit_id: int, ends_at: datetime) -> int:
    with deps.uow() as uow:
        visit = uow.session.get_one(Visit, visit_id)
        debrief = Debrief(
            team_id=TEAM,
            visit_id=visit.id,
            teacher_id=visit.teacher_id,
            coach_id=visit.coach_id,
            starts_at=ends_at - timedelta(minutes=30),
            ends_at=ends_at,
            created_at=ends_at - timedelta(days=1),
        )
        uow.session.add(debrief)
        uow.session.flush()
        uow.commit()
        return debrief.id


def plan(deps: Deps, now: datetime) -> int:
    with deps.uow() as uow:
        result = plan_reflection_prompts(uow, now, views.build_reflection_prompt)
        uow.commit()
        return result


def prompts(deps: Deps) -> list[OutboxMessage]:
    with deps.uow() as uow:
        rows = list(uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        uow.session.expunge_all()
        return rows


def the_reflection(deps: Deps) -> Reflection:
    with deps.uow() as uow:
        [row] = uow.session.scalars(select(Reflection)).all()
        uow.session.expunge(row)
        return row


def set_person(deps: Deps, user_id: str, **changes: Any) -> None:
    with deps.uow() as uow:
        found = uow.people.get_by_user(TEAM, user_id)
        assert found is not None
        for name, value in changes.items():
            setattr(found, name, value)
        uow.commit()


# --------------------------------------------------------------------------- when prompts come


def test_a_visit_ending_at_two_is_prompted_two_hours_later(people: Deps) -> None:
    visit_id = add_visit(people, at(TUESDAY, 14))
    assert plan(people, at(TUESDAY, 14, 5)) == 1
    [row] = prompts(people)
    reflection = the_reflection(people)
    # The later of 16:00 (two hours after) and 15:30, inside school hours (07:00-17:00).
    assert row.due_at == at(TUESDAY, 16)
    assert (row.key, row.kind, row.ref) == (
        f"reflect:visit:{visit_id}",
        "reflection",
        f"reflection:{reflection.id}",
    )
    assert row.channel == TEACHER
    assert reflection.visit_id == visit_id and reflection.debrief_id is None
    assert reflection.question == QUESTIONS[SupportType.OBSERVE]
    assert reflection.answer is None and not reflection.shared_with_coach


@pytest.mark.sqlite_only
def test_a_morning_visit_is_prompted_at_half_past_three(people: Deps) -> None:
    add_visit(people, at(TUESDAY, 10))
    plan(people, at(TUESDAY, 11))
    assert [row.due_at for row in prompts(people)] == [at(TUESDAY, 15, 30)]


@pytest.mark.sqlite_only
def test_a_prompt_after_school_hours_waits_for_the_next_school_morning(people: Deps) -> None:
    add_visit(people, at(TUESDAY, 15, 30))  # 17:30 is after school ends at 17:00
    plan(people, at(TUESDAY, 15, 35))
    assert [row.due_at for row in prompts(people)] == [at(WEDNESDAY, 7)]


@pytest.mark.sqlite_only
def test_a_friday_afternoon_visit_waits_for_monday_morning(people: Deps) -> None:
    add_visit(people, at(FRIDAY, 15, 30))
    plan(people, at(FRIDAY, 15, 40))
    assert [row.due_at for row in prompts(people)] == [at(MONDAY, 7)]


@pytest.mark.sqlite_only
def test_a_visit_logged_late_is_prompted_that_afternoon(people: Deps) -> None:
    add_visit(people, at(TUESDAY, 10))
    plan(people, at(THURSDAY, 9))  # the coach logged it on Thursday morning
    assert [row.due_at for row in prompts(people)] == [at(THURSDAY, 15, 30)]


@pytest.mark.sqlite_only
def test_the_question_fits_the_visit(people: Deps) -> None:
    add_visit(people, at(TUESDAY, 10), support="observe", logged="model")
    plan(people, at(TUESDAY, 11))
    [row] = prompts(people)
    question = "What from the modeled lesson could you try with your class this week?"
    assert the_reflection(people).question == question
    assert row.text == f"A moment to reflect, just for you: {question}"
    blocks = json.loads(row.blocks or "[]")
    assert check_blocks(blocks, surface="message") == []
    words = json.dumps(blocks)
    assert "Only you can see your answer unless you choose to share it with your coach." in words
    assert f"After your visit with <@{COACH}> on Tuesday, December 1" in words


def test_every_kind_of_visit_has_an_open_question() -> None:
    for support in SupportType:
        question = reflections.question_for(support)
        assert question.startswith("What") and question.endswith("?")
    assert reflections.question_for(None) == DEBRIEF_QUESTION


def test_a_debrief_gets_its_own_prompt(people: Deps) -> None:
    visit_id = add_visit(people, at(TUESDAY, 10), outcome=None)  # not logged: no prompt of its own
    debrief_id = add_debrief(people, visit_id, at(TUESDAY, 14))
    assert plan(people, at(TUESDAY, 14, 1)) == 1
    [row] = prompts(people)
    assert row.key == f"reflect:debrief:{debrief_id}"
    assert row.due_at == at(TUESDAY, 16)
    reflection = the_reflection(people)
    assert reflection.question == DEBRIEF_QUESTION
    assert (reflection.debrief_id, reflection.visit_id) == (debrief_id, visit_id)
    assert "After your debrief with" in (row.blocks or "")


@pytest.mark.sqlite_only
def test_a_visit_and_its_debrief_on_one_day_make_one_prompt_a_day(people: Deps) -> None:
    visit_id = add_visit(people, at(TUESDAY, 10))
    add_debrief(people, visit_id, at(TUESDAY, 13))
    assert plan(people, at(TUESDAY, 13, 5)) == 2
    assert [(row.key.split(":")[1], row.due_at) for row in prompts(people)] == [
        ("visit", at(TUESDAY, 15, 30)),
        ("debrief", at(WEDNESDAY, 15, 30)),
    ]


@pytest.mark.sqlite_only
def test_nothing_before_the_visit_ends_or_when_it_did_not_happen(people: Deps) -> None:
    add_visit(people, at(TUESDAY, 14))
    add_visit(people, at(TUESDAY, 10), outcome="teacher_absent", teacher=OTHER_TEACHER)
    assert plan(people, at(TUESDAY, 13)) == 0
    assert plan(people, at(TUESDAY, 14)) == 1
    assert len(prompts(people)) == 1


def test_a_visit_long_past_gets_no_prompt(people: Deps) -> None:
    add_visit(people, at(TUESDAY, 10))
    assert plan(people, at(TUESDAY, 10) + timedelta(days=8)) == 0
    assert prompts(people) == []


def test_planning_twice_plans_once(people: Deps) -> None:
    visit_id = add_visit(people, at(TUESDAY, 14))
    add_debrief(people, visit_id, at(WEDNESDAY, 14))
    assert plan(people, at(WEDNESDAY, 14, 30)) == 2
    assert plan(people, at(WEDNESDAY, 14, 31)) == 0
    assert plan(people, at(THURSDAY, 9)) == 0
    with people.uow() as uow:
        assert uow.session.query(Reflection).count() == 2
    assert len(prompts(people)) == 2


def test_a_prompt_planned_elsewhere_first_leaves_no_second_reflection(people: Deps) -> None:
    visit_id = add_visit(people, at(TUESDAY, 14))
    teacher = person(people, TEACHER)
    with people.uow() as uow:
        # Another replica's row, committed while this one was planning.
        enqueue(
            uow,
            key=f"reflect:visit:{visit_id}",
            person=uow.session.get_one(Person, teacher.id),
            kind="reflection",
            message={"text": "planned elsewhere"},
            due_at=at(TUESDAY, 16),
            now=at(TUESDAY, 14),
        )
        uow.commit()
    assert plan(people, at(TUESDAY, 14, 5)) == 0
    with people.uow() as uow:
        assert uow.session.query(Reflection).count() == 0


@pytest.mark.sqlite_only
def test_a_teacher_who_stopped_prompts_gets_none(people: Deps) -> None:
    set_person(people, TEACHER, prompts_stopped=True)
    add_visit(people, at(TUESDAY, 14))
    assert plan(people, at(TUESDAY, 14, 5)) == 0
    assert prompts(people) == []


@pytest.mark.sqlite_only
def test_a_deactivated_teacher_gets_none(people: Deps) -> None:
    set_person(people, TEACHER, active=False)
    add_visit(people, at(TUESDAY, 14))
    assert plan(people, at(TUESDAY, 14, 5)) == 0


def test_a_paused_teacher_gets_none_until_the_pause_ends(people: Deps) -> None:
    """Skipped while paused; a recent visit is prompted the first afternoon after the pause."""
    set_person(people, TEACHER, prompts_paused_until=date(2026, 12, 3))
    add_visit(people, at(TUESDAY, 14))
    assert plan(people, at(TUESDAY, 14, 5)) == 0
    assert plan(people, at(WEDNESDAY, 16)) == 0  # the last day of the pause
    assert prompts(people) == []
    with people.uow() as uow:
        assert uow.session.query(Reflection).count() == 0
    assert plan(people, at(THURSDAY, 7)) == 1
    assert [row.due_at for row in prompts(people)] == [at(THURSDAY, 15, 30)]


@pytest.mark.sqlite_only
def test_a_pause_until_the_due_day_does_not_hold_a_prompt(people: Deps) -> None:
    set_person(people, TEACHER, prompts_paused_until=date(2026, 12, 1))
    add_visit(people, at(TUESDAY, 14))
    assert plan(people, at(TUESDAY, 14, 5)) == 1


# --------------------------------------------------------------------------- still wanted


@pytest.fixture
def planned(people: Deps) -> tuple[Deps, int]:
    add_visit(people, at(TUESDAY, 14))
    plan(people, at(TUESDAY, 14, 5))
    return people, the_reflection(people).id


def is_wanted(deps: Deps, now: datetime | None = None) -> bool:
    with deps.uow() as uow:
        row = uow.session.scalars(select(OutboxMessage)).first()
        assert row is not None
        return still_wanted(uow, row, now)


def test_a_planned_prompt_is_wanted(planned: tuple[Deps, int]) -> None:
    deps, _ = planned
    assert is_wanted(deps)
    assert is_wanted(deps, at(TUESDAY, 16))


@pytest.mark.sqlite_only
def test_no_prompt_after_the_teacher_answered(planned: tuple[Deps, int]) -> None:
    deps, reflection_id = planned
    with deps.uow() as uow:
        row = uow.session.scalars(select(OutboxMessage)).one()
        row.status = SENT  # sent already: answering must not touch it
        uow.commit()
    with deps.uow() as uow:
        reflections.answer(
            uow, actor(deps, TEACHER), reflection_id, "They argued kindly.", False, at(TUESDAY, 17)
        )
        uow.commit()
    assert not is_wanted(deps)
    assert [row.status for row in prompts(deps)] == ["sent"]


@pytest.mark.sqlite_only
def test_answering_drops_a_prompt_still_waiting(planned: tuple[Deps, int]) -> None:
    deps, reflection_id = planned
    with deps.uow() as uow:
        reflections.answer(
            uow, actor(deps, TEACHER), reflection_id, "Early answer", False, at(TUESDAY, 15)
        )
        uow.commit()
    assert [row.status for row in prompts(deps)] == ["dropped"]


@pytest.mark.sqlite_only
def test_no_prompt_after_the_teacher_stopped_them(planned: tuple[Deps, int]) -> None:
    deps, reflection_id = planned
    with deps.uow() as uow:
        reflections.stop(uow, actor(deps, TEACHER), at(TUESDAY, 15), reflection_id=reflection_id)
        uow.commit()
    assert not is_wanted(deps)
    with deps.uow() as uow:
        reflections.resume(uow, actor(deps, TEACHER), at(TUESDAY, 15))
        uow.commit()
    assert is_wanted(deps)


@pytest.mark.sqlite_only
def test_no_prompt_while_the_teacher_is_paused_at_send_time(planned: tuple[Deps, int]) -> None:
    deps, _ = planned
    with deps.uow() as uow:
        reflections.pause_until(uow, actor(deps, TEACHER), date(2026, 12, 2), at(TUESDAY, 15))
        uow.commit()
    assert not is_wanted(deps)
    assert is_wanted(deps, at(WEDNESDAY, 7))


@pytest.mark.sqlite_only
def test_other_kinds_are_not_this_modules_business(planned: tuple[Deps, int]) -> None:
    deps, _ = planned
    with deps.uow() as uow:
        row = uow.session.scalars(select(OutboxMessage)).one()
        row.kind = "daily_list"
        assert still_wanted(uow, row)
        uow.commit()


# --------------------------------------------------------------------------- answering and reading


def answer_as(
    deps: Deps, user_id: str, reflection_id: int, text: str, share: bool = False
) -> reflections.Answered:
    with deps.uow() as uow:
        result = reflections.answer(uow, actor(deps, user_id), reflection_id, text, share, at(2, 8))
        uow.commit()
        return result


@pytest.mark.sqlite_only
@pytest.mark.parametrize("intruder", [COACH, OTHER_COACH, OTHER_TEACHER, LEADER, ADMIN])
def test_only_the_teacher_answers(planned: tuple[Deps, int], intruder: str) -> None:
    deps, reflection_id = planned
    with pytest.raises(ReflectionRefused) as refused:
        answer_as(deps, intruder, reflection_id, "planted")
    assert refused.value.message == reflections.NOT_YOURS
    assert the_reflection(deps).answer is None


@pytest.mark.sqlite_only
def test_the_teacher_answers_privately(planned: tuple[Deps, int]) -> None:
    deps, reflection_id = planned
    saved = answer_as(deps, TEACHER, reflection_id, "  Pairs explained their steps.  ")
    assert saved.tell_coach is None
    reflection = the_reflection(deps)
    assert reflection.answer == "Pairs explained their steps."
    assert not reflection.shared_with_coach
    assert reflection.answered_at == at(2, 8)


def test_sharing_tells_the_coach_once_and_again_only_when_the_words_change(
    planned: tuple[Deps, int],
) -> None:
    deps, reflection_id = planned
    first = answer_as(deps, TEACHER, reflection_id, "Pairs explained.", share=True)
    assert first.tell_coach is not None and first.tell_coach.user_id == COACH
    assert not first.updated
    assert (
        answer_as(deps, TEACHER, reflection_id, "Pairs explained.", share=True).tell_coach is None
    )
    again = answer_as(deps, TEACHER, reflection_id, "Pairs explained well.", share=True)
    assert again.tell_coach is not None and again.updated
    assert the_reflection(deps).shared_with_coach


@pytest.mark.sqlite_only
def test_sharing_without_a_coach_is_refused_on_the_share_box(planned: tuple[Deps, int]) -> None:
    deps, reflection_id = planned
    set_person(deps, COACH, active=False)
    with pytest.raises(ReflectionRefused) as refused:
        answer_as(deps, TEACHER, reflection_id, "Words", share=True)
    assert refused.value.field == "share"
    assert the_reflection(deps).answer is None


@pytest.mark.sqlite_only
def test_an_empty_or_long_answer_is_refused(planned: tuple[Deps, int]) -> None:
    deps, reflection_id = planned
    for text in ("   ", "x" * 3001):
        with pytest.raises(ReflectionRefused):
            answer_as(deps, TEACHER, reflection_id, text)


def readers(deps: Deps) -> dict[str, list[str | None]]:
    teacher = person(deps, TEACHER)
    seen = {}
    for user_id in (TEACHER, COACH, OTHER_COACH, OTHER_TEACHER, LEADER, ADMIN):
        with deps.uow() as uow:
            seen[user_id] = [
                r.answer for r in visible_reflections(uow, actor(deps, user_id), teacher)
            ]
    return seen


def test_what_each_person_may_read(people: Deps) -> None:
    add_visit(people, at(TUESDAY, 10))
    add_visit(people, at(WEDNESDAY, 10))
    plan(people, at(TUESDAY, 11))
    plan(people, at(WEDNESDAY, 11))
    with people.uow() as uow:
        first, second = uow.session.scalars(select(Reflection.id).order_by(Reflection.id)).all()
    answer_as(people, TEACHER, first, "private words")
    answer_as(people, TEACHER, second, "shared words", share=True)
    assert readers(people) == {
        TEACHER: ["shared words", "private words"],
        COACH: ["shared words"],
        OTHER_COACH: [],
        OTHER_TEACHER: [],
        LEADER: [],
        ADMIN: [],
    }
    # Unsharing takes it back from the coach.
    answer_as(people, TEACHER, second, "shared words", share=False)
    assert readers(people)[COACH] == []


@pytest.mark.sqlite_only
def test_a_coach_who_is_no_longer_a_coach_reads_nothing(people: Deps) -> None:
    add_visit(people, at(TUESDAY, 10))
    plan(people, at(TUESDAY, 11))
    answer_as(people, TEACHER, the_reflection(people).id, "shared words", share=True)
    set_person(people, COACH, role=Role.TEACHER.value)
    assert readers(people)[COACH] == []


# --------------------------------------------------------------------------- snooze, pause, stop


def snooze_as(deps: Deps, user_id: str, reflection_id: int, now: datetime) -> datetime:
    with deps.uow() as uow:
        result = reflections.snooze(
            uow, actor(deps, user_id), reflection_id, now, views.build_reflection_prompt
        )
        uow.commit()
        return result


def test_tomorrow_asks_again_the_next_afternoon_once(planned: tuple[Deps, int]) -> None:
    deps, reflection_id = planned
    assert snooze_as(deps, TEACHER, reflection_id, at(TUESDAY, 16, 1)) == at(WEDNESDAY, 15, 30)
    assert snooze_as(deps, TEACHER, reflection_id, at(TUESDAY, 16, 2)) == at(WEDNESDAY, 15, 30)
    first, again = prompts(deps)
    assert again.key == f"{first.key}:snooze:2026-12-02"
    assert (again.due_at, again.ref, again.kind) == (at(WEDNESDAY, 15, 30), first.ref, first.kind)
    assert again.text == first.text


@pytest.mark.sqlite_only
def test_tomorrow_on_a_friday_means_monday(people: Deps) -> None:
    add_visit(people, at(FRIDAY, 10))
    plan(people, at(FRIDAY, 11))
    reflection_id = the_reflection(people).id
    assert snooze_as(people, TEACHER, reflection_id, at(FRIDAY, 15, 31)) == at(MONDAY, 15, 30)
    assert prompts(people)[-1].key.endswith(":snooze:2026-12-07")


@pytest.mark.sqlite_only
def test_a_second_snooze_is_one_reminder_too_many(planned: tuple[Deps, int]) -> None:
    deps, reflection_id = planned
    snooze_as(deps, TEACHER, reflection_id, at(TUESDAY, 16, 1))
    with pytest.raises(ReflectionRefused) as refused:
        snooze_as(deps, TEACHER, reflection_id, at(WEDNESDAY, 15, 31))
    assert refused.value.message == reflections.LAST_REMINDER
    assert len(prompts(deps)) == 2


@pytest.mark.sqlite_only
def test_nothing_to_snooze_once_answered(planned: tuple[Deps, int]) -> None:
    deps, reflection_id = planned
    answer_as(deps, TEACHER, reflection_id, "Done")
    with pytest.raises(ReflectionRefused, match="already reflected"):
        snooze_as(deps, TEACHER, reflection_id, at(TUESDAY, 16, 1))


@pytest.mark.sqlite_only
@pytest.mark.parametrize("intruder", [COACH, OTHER_TEACHER, ADMIN])
def test_only_the_teacher_snoozes_pauses_or_stops(planned: tuple[Deps, int], intruder: str) -> None:
    deps, reflection_id = planned
    who = actor(deps, intruder)
    now = at(TUESDAY, 16, 1)
    with deps.uow() as uow:
        for change in (
            lambda: reflections.snooze(uow, who, reflection_id, now, views.build_reflection_prompt),
            lambda: reflections.pause_until(
                uow, who, date(2026, 12, 9), now, reflection_id=reflection_id
            ),
            lambda: reflections.stop(uow, who, now, reflection_id=reflection_id),
            lambda: reflections.resume(uow, who, now, reflection_id=reflection_id),
        ):
            with pytest.raises(ReflectionRefused):
                change()
    teacher = person(deps, TEACHER)
    assert (teacher.prompts_stopped, teacher.prompts_paused_until) == (False, None)
    assert len(prompts(deps)) == 1


def test_pause_until_a_day_and_stop_and_resume(people: Deps) -> None:
    teacher = actor(people, TEACHER)
    now = at(TUESDAY, 16)
    with people.uow() as uow:
        reflections.pause_until(uow, teacher, date(2026, 12, 11), now)
        uow.commit()
    assert person(people, TEACHER).prompts_paused_until == date(2026, 12, 11)
    with people.uow() as uow:
        reflections.stop(uow, teacher, now)
        uow.commit()
    assert person(people, TEACHER).prompts_stopped
    with people.uow() as uow:
        reflections.resume(uow, teacher, now)
        uow.commit()
    found = person(people, TEACHER)
    assert (found.prompts_stopped, found.prompts_paused_until) == (False, None)


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("day", "why"),
    [(date(2026, 12, 1), "after today"), (date(2027, 12, 31), "within a year")],
)
def test_a_pause_must_end_between_tomorrow_and_a_year_from_now(
    people: Deps, day: date, why: str
) -> None:
    with people.uow() as uow, pytest.raises(ReflectionRefused, match=why) as refused:
        reflections.pause_until(uow, actor(people, TEACHER), day, at(TUESDAY, 16))
    assert refused.value.field == "until"
    assert person(people, TEACHER).prompts_paused_until is None


@pytest.mark.sqlite_only
def test_someone_coachbot_has_not_met_has_nothing_to_pause(people: Deps) -> None:
    with people.uow() as uow, pytest.raises(ReflectionRefused):
        reflections.stop(uow, actor(people, "U0STRANGER"), at(TUESDAY, 16))


# --------------------------------------------------------------------------- views


def test_the_prompt_offers_the_teachers_choices() -> None:
    card = PromptCard(7, "What did you notice?", "visit", COACH, date(2026, 12, 1))
    message = views.build_reflection_prompt(card)
    assert check_blocks(message["blocks"], surface="message") == []
    buttons = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [(b["action_id"], b["text"]["text"], b["value"]) for b in buttons] == [
        (Action.REFLECT_OPEN, "Reflect", "7"),
        (Action.REFLECT_SNOOZE, "Tomorrow", "7"),
        (Action.REFLECT_PAUSE, "Pause prompts", "7"),
        (Action.REFLECT_STOP, "Stop these", "7"),
    ]
    assert buttons[0]["style"] == "primary"
    assert "turn them back on" in buttons[3]["confirm"]["text"]["text"]
    after = views.build_reflection_prompt(card, note="Okay.", reflect_only=True)
    assert check_blocks(after["blocks"], surface="message") == []
    assert [
        e["action_id"] for b in after["blocks"] if b["type"] == "actions" for e in b["elements"]
    ] == [Action.REFLECT_OPEN]


def test_the_answer_form_is_private_and_sharing_is_a_choice() -> None:
    view = views.build_answer_form(
        reflection_id=7, question="What did you notice?", can_share=True, initial_answer="x" * 4000
    )
    assert check_view(view) == []
    assert (view["callback_id"], view["private_metadata"]) == (Callback.REFLECT, "7")
    answer = next(b for b in view["blocks"] if b.get("block_id") == Input.REFLECT_ANSWER)
    assert answer["element"]["multiline"] and answer["element"]["max_length"] == 3000
    share = next(b for b in view["blocks"] if b.get("block_id") == Input.REFLECT_SHARE)
    assert share["element"]["options"][0]["text"]["text"] == "Share with my coach"
    assert "initial_options" not in share["element"]
    alone = views.build_answer_form(reflection_id=7, question="Q?", can_share=False)
    assert check_view(alone) == []
    assert Input.REFLECT_SHARE not in str(alone)
    shared = views.build_answer_form(
        reflection_id=7, question="Q?", can_share=True, initial_shared=True
    )
    assert next(b for b in shared["blocks"] if b.get("block_id") == Input.REFLECT_SHARE)["element"][
        "initial_options"
    ]


def answer_values(text: str | None, share: bool) -> dict[str, Any]:
    options = [{"value": "share"}] if share else []
    return {
        Input.REFLECT_ANSWER: {Input.REFLECT_ANSWER: {"type": "plain_text_input", "value": text}},
        Input.REFLECT_SHARE: {
            Input.REFLECT_SHARE: {"type": "checkboxes", "selected_options": options}
        },
    }


def test_parse_the_answer() -> None:
    form, errors = views.parse_answer_form(answer_values("  Words  ", True))
    assert form == views.AnswerForm("Words", True) and errors == {}
    for text in (None, "   "):
        assert views.parse_answer_form(answer_values(text, False)) == (
            None,
            {Input.REFLECT_ANSWER: "Write a few words, or close this without saving."},
        )
    form, errors = views.parse_answer_form(answer_values("x" * 3001, False))
    assert form is None and "3000 characters" in errors[Input.REFLECT_ANSWER]


def test_the_pause_form_and_its_dates() -> None:
    today = date(2026, 12, 1)
    view = views.build_pause_form(today=today, reflection_id=7)
    assert check_view(view) == []
    assert (view["callback_id"], view["private_metadata"]) == (Callback.PAUSE, "7")
    picker = next(b for b in view["blocks"] if b.get("block_id") == Input.PAUSE_UNTIL)
    assert picker["label"]["text"] == "Pause until"
    assert picker["element"]["initial_date"] == "2026-12-08"

    def parse(value: str | None) -> tuple[date | None, dict[str, str]]:
        values: dict[str, Any] = {
            Input.PAUSE_UNTIL: {Input.PAUSE_UNTIL: {"type": "datepicker", "selected_date": value}}
        }
        return views.parse_pause_form(values, today=today)

    assert parse("2026-12-11") == (date(2026, 12, 11), {})
    assert parse("2026-12-02") == (date(2026, 12, 2), {})
    for bad in (None, "2026-12-01", "2026-11-30", "2027-12-02", "2026-13-01", "soon"):
        day, errors = parse(bad)
        assert day is None and set(errors) == {Input.PAUSE_UNTIL}


def test_the_coach_reads_what_was_shared_and_nothing_can_mention_anyone() -> None:
    message = views.build_shared_reflection(
        teacher_user_id=TEACHER, question="What did you notice?", answer="<!channel> & more\nline"
    )
    assert check_blocks(message["blocks"], surface="message") == []
    assert message["text"].startswith(f"<@{TEACHER}> shared a reflection with you")
    assert "<!channel>" not in json.dumps(message)
    long = views.build_shared_reflection(
        teacher_user_id=TEACHER, question="Q?", answer="&" * 3000, updated=True
    )
    assert check_blocks(long["blocks"], surface="message") == []
    assert "updated a reflection they shared with you" in long["text"]


def test_words_for_when_the_prompt_comes_back() -> None:
    today = date(2026, 12, 1)
    assert views.snoozed_note(date(2026, 12, 2), today).startswith("Okay, I'll ask again tomorrow.")
    assert "on Monday, December 7" in views.snoozed_note(date(2026, 12, 7), date(2026, 12, 4))
    assert "paused until Friday, December 11" in views.paused_text(date(2026, 12, 11))
