"""Who has seen a teacher's record: every read the policy allows someone else is logged, once,
in the read's own transaction, and only the teacher is shown it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete

from bot.app.deps import Deps
from bot.rules.access import Path, lines_for, watching
from bot.rules.cycles import cycles_of
from bot.rules.people import actor_for
from bot.rules.policy import Kind, Record, may_read
from bot.rules.reflections import visible_reflections
from storage.models import Goal, Person
from tests.privacy.seed import TEAM, seed

NOW = datetime(2026, 12, 1, 15, 4, tzinfo=UTC)


def _seeded(deps: Deps) -> tuple[int, int, int]:
    with deps.uow() as uow:
        district = seed(uow, weeks=1)
        uow.commit()
    return district.teacher_id, district.coach_id, district.admin_id


def test_a_coach_reading_a_teachers_cycles_is_logged_for_the_teacher(deps: Deps) -> None:
    teacher_id, coach_id, _ = _seeded(deps)
    with deps.uow() as uow:
        coach = actor_for(uow, TEAM, "U0PCOACH01")
        teacher = uow.session.get_one(Person, teacher_id)
        with watching(uow, Path.GOAL_STORY, NOW):
            assert cycles_of(uow, coach, teacher, NOW)
        uow.commit()
    with deps.uow() as uow:
        entries = uow.access.list_for_teacher(teacher_id)
        assert {(e.viewer_id, e.kind, e.path) for e in entries} == {
            (coach_id, "goal", "goal story"),
            (coach_id, "note", "goal story"),
        }
        lines = lines_for(uow, uow.session.get_one(Person, teacher_id))
        assert {line.who for line in lines} == {"Coach Number 1"}
        assert {line.role for line in lines} == {"your coach"}
        # Each line names the cycle it was about (the goal's focus area).
        assert "opened your cycle on literacy" in {line.what for line in lines}
        assert {line.path for line in lines} == {"in your goals' story"}


def test_the_same_read_within_the_hour_is_logged_once(deps: Deps) -> None:
    teacher_id, _, _ = _seeded(deps)
    for minutes in (0, 10, 59, 61):
        with deps.uow() as uow:
            coach = actor_for(uow, TEAM, "U0PCOACH01")
            teacher = uow.session.get_one(Person, teacher_id)
            with watching(uow, Path.GOAL_STORY, NOW + timedelta(minutes=minutes)):
                cycles_of(uow, coach, teacher, NOW)
            uow.commit()
    with deps.uow() as uow:
        goal_reads = [e for e in uow.access.list_for_teacher(teacher_id) if e.kind == "goal"]
        assert [e.at for e in goal_reads] == [NOW + timedelta(minutes=61), NOW]


def test_the_teachers_own_reads_and_counts_are_not_logged(deps: Deps) -> None:
    teacher_id, _, _ = _seeded(deps)
    with deps.uow() as uow:
        teacher_actor = actor_for(uow, TEAM, "U0PTEACH01")
        admin = actor_for(uow, TEAM, "U0PADMIN01")
        teacher = uow.session.get_one(Person, teacher_id)
        with watching(uow, Path.GOAL_STORY, NOW):
            assert cycles_of(uow, teacher_actor, teacher, NOW)
        with watching(uow, Path.HOME, NOW):
            assert may_read(admin, Record(Kind.AGGREGATE, TEAM, group_size=20))
            assert cycles_of(uow, admin, teacher, NOW) == []
        uow.commit()
    with deps.uow() as uow:
        assert uow.access.list_for_teacher(teacher_id) == []


def test_a_read_that_fails_or_is_not_saved_leaves_no_entry(deps: Deps) -> None:
    teacher_id, _, _ = _seeded(deps)
    with deps.uow() as uow:
        coach = actor_for(uow, TEAM, "U0PCOACH01")
        teacher = uow.session.get_one(Person, teacher_id)
        with pytest.raises(RuntimeError), watching(uow, Path.GOAL_STORY, NOW):
            cycles_of(uow, coach, teacher, NOW)
            raise RuntimeError("the view could not be built")
        uow.commit()
    with deps.uow() as uow:
        coach = actor_for(uow, TEAM, "U0PCOACH01")
        with watching(uow, Path.GOAL_STORY, NOW):
            cycles_of(uow, coach, uow.session.get_one(Person, teacher_id), NOW)
        # not committed: the read's transaction is rolled back, and its entries with it
    with deps.uow() as uow:
        assert uow.access.list_for_teacher(teacher_id) == []


def test_visible_reflections_read_by_the_coach_are_logged(deps: Deps) -> None:
    teacher_id, coach_id, _ = _seeded(deps)
    with deps.uow() as uow:
        coach = actor_for(uow, TEAM, "U0PCOACH01")
        teacher = uow.session.get_one(Person, teacher_id)
        with watching(uow, Path.REFLECTIONS, NOW):
            shown = visible_reflections(uow, coach, teacher)
        uow.commit()
    assert shown and all(r.shared_with_coach for r in shown)
    with deps.uow() as uow:
        [entry] = uow.access.list_for_teacher(teacher_id)
        assert (entry.viewer_id, entry.kind) == (coach_id, "reflection")


def test_a_read_of_one_cycle_names_it_and_outlives_it(deps: Deps) -> None:
    with deps.uow() as uow:
        district = seed(uow, weeks=1)
        coach = actor_for(uow, TEAM, "U0PCOACH01")
        with watching(uow, Path.GOAL_STORY, NOW):
            record = Record(
                Kind.GOAL,
                TEAM,
                district.teacher_id,
                district.coach_id,
                goal_id=district.teacher_goal_ids[0],
            )
            assert may_read(coach, record)
        uow.commit()
    with deps.uow() as uow:
        teacher = uow.session.get_one(Person, district.teacher_id)
        [line] = lines_for(uow, teacher)
        assert line.what == "opened your cycle on literacy"
        uow.session.execute(delete(Goal).where(Goal.id == district.teacher_goal_ids[0]))
        uow.commit()
    with deps.uow() as uow:
        [line] = lines_for(uow, uow.session.get_one(Person, district.teacher_id))
        assert line.what == "opened your goals"


def test_a_home_built_for_the_coach_says_saw(deps: Deps) -> None:
    teacher_id, _, _ = _seeded(deps)
    with deps.uow() as uow:
        coach = actor_for(uow, TEAM, "U0PCOACH01")
        with watching(uow, Path.HOME, NOW):
            cycles_of(uow, coach, uow.session.get_one(Person, teacher_id), NOW)
        uow.commit()
    with deps.uow() as uow:
        lines = lines_for(uow, uow.session.get_one(Person, teacher_id))
    assert {(line.what, line.path) for line in lines} == {
        ("saw your cycle on literacy", "on their Home"),
        ("saw the debrief notes of your cycle on literacy", "on their Home"),
    }
