"""Nudges: the right person, at a school moment, at most twice, within the weekly cap."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select

from bot.app.deps import Deps
from bot.demo.block_kit import check_blocks
from bot.ids import Action
from bot.reads.nudges import KIND, plan_nudges, still_wanted
from bot.rules.calendar import When
from bot.rules.cycles import NoteInput, close_goal, save_note, schedule_debrief
from bot.rules.domain import Role, SupportType, VisitStatus
from bot.rules.policy import Actor
from bot.rules.visits import accept
from bot.views.invite import VisitCard, build_coach_invitation
from bot.views.nudges import (
    build_answer_nudge,
    build_check_back_nudge,
    build_debrief_nudge,
    build_quiet_goal_nudge,
)
from storage.enums import StepAnswer
from storage.models import (
    Closure,
    Debrief,
    DebriefNote,
    Goal,
    NextStepAnswer,
    OutboxMessage,
    Person,
    Visit,
)

TEAM = "T0COACH"
NY = ZoneInfo("America/New_York")
LA = ZoneInfo("America/Los_Angeles")
TEACHER, COACH = "U0TEACHER1", "U0COACH001"
# The invited time: Tuesday 2027-01-12, well after everything these tests plan.
VISIT_AT = datetime(2027, 1, 12, 10, 0, tzinfo=NY)


def ny(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    """A New York wall-clock moment (2026-11-30 is a Monday)."""
    return datetime(year, month, day, hour, minute, tzinfo=NY)


@dataclass(frozen=True)
class Nudge:
    """A planned nudge as the person will see it."""

    key: str
    person_id: int
    ref: str | None
    due_at: datetime
    text: str
    blocks: list[dict[str, Any]]

    def buttons(self) -> list[tuple[str, str | None]]:
        return [
            (element["action_id"], element.get("value"))
            for block in self.blocks
            if block["type"] == "actions"
            for element in block["elements"]
        ]


@dataclass(frozen=True)
class Pair:
    teacher: int
    coach: int


def _people(deps: Deps, *, teacher_tz: str = "America/New_York", **teacher: Any) -> Pair:
    with deps.uow() as uow:
        t = uow.people.add(
            Person(
                team_id=TEAM, user_id=TEACHER, display_name="Tess", timezone=teacher_tz, **teacher
            )
        )
        c = uow.people.add(
            Person(
                team_id=TEAM,
                user_id=COACH,
                display_name="Cole",
                role="coach",
                timezone="America/New_York",
            )
        )
        result = Pair(t.id, c.id)
        uow.commit()
        return result


def _invitation(
    deps: Deps,
    pair: Pair,
    *,
    at: datetime,
    proposed_by: str | None = None,
    starts_at: datetime = VISIT_AT,
) -> int:
    with deps.uow() as uow:
        visit = Visit(
            team_id=TEAM,
            teacher_id=pair.teacher,
            coach_id=pair.coach,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=45),
            class_name="Period 3 Algebra",
            support_type=SupportType.OBSERVE.value,
            focus="Small-group talk",
            status=VisitStatus.PROPOSED.value if proposed_by else VisitStatus.PENDING.value,
            proposed_by=proposed_by,
            proposed_starts_at=starts_at + timedelta(days=1) if proposed_by else None,
            proposed_ends_at=starts_at + timedelta(days=1, minutes=45) if proposed_by else None,
            created_at=at,
            updated_at=at,
            version=2 if proposed_by else 1,
        )
        uow.session.add(visit)
        uow.session.flush()
        uow.commit()
        return visit.id


def _happened_visit(
    deps: Deps, pair: Pair, *, at: datetime, goal_id: int | None = None, team: str = TEAM
) -> int:
    with deps.uow() as uow:
        visit = Visit(
            team_id=team,
            teacher_id=pair.teacher,
            coach_id=pair.coach,
            starts_at=at,
            ends_at=at + timedelta(minutes=45),
            class_name="Period 3 Algebra",
            support_type=SupportType.OBSERVE.value,
            status=VisitStatus.ACCEPTED.value,
            outcome="happened",
            goal_id=goal_id,
            created_at=at - timedelta(days=7),
            updated_at=at,
            version=3,
        )
        uow.session.add(visit)
        uow.session.flush()
        uow.commit()
        return visit.id


def _check_back_note(
    deps: Deps,
    pair: Pair,
    *,
    on: date,
    step: str = "Try think-pair-share with exit tickets",
    goal_id: int | None = None,
    team: str = TEAM,
) -> tuple[int, int]:
    """A visit, its debrief and the coach's note with a next step; (debrief id, note id)."""
    visit_id = _happened_visit(deps, pair, at=ny(11, 30, 10), goal_id=goal_id, team=team)
    with deps.uow() as uow:
        debrief = Debrief(
            team_id=team,
            visit_id=visit_id,
            teacher_id=pair.teacher,
            coach_id=pair.coach,
            starts_at=ny(12, 1, 15),
            ends_at=ny(12, 1, 15, 30),
            created_at=ny(11, 30, 12),
        )
        uow.session.add(debrief)
        uow.session.flush()
        note = DebriefNote(
            debrief_id=debrief.id,
            author_id=pair.coach,
            strengths="Clear routines",
            next_step=step,
            check_back_on=on,
            created_at=ny(12, 1, 16),
            updated_at=ny(12, 1, 16),
        )
        uow.session.add(note)
        uow.session.flush()
        result = debrief.id, note.id
        uow.commit()
        return result


def _goal(deps: Deps, pair: Pair, *, at: datetime, team: str = TEAM) -> int:
    with deps.uow() as uow:
        goal = Goal(
            team_id=team,
            teacher_id=pair.teacher,
            coach_id=pair.coach,
            question="How can more of my students explain their thinking?",
            focus_area="math",
            status="active",
            created_at=at,
            updated_at=at,
        )
        uow.session.add(goal)
        uow.session.flush()
        uow.commit()
        return goal.id


def _plan(deps: Deps, now: datetime) -> int:
    with deps.uow() as uow:
        result = plan_nudges(uow, now)
        uow.commit()
        return result


def _nudges(deps: Deps) -> list[Nudge]:
    """Every planned nudge; each one's blocks must be ones Slack accepts."""
    with deps.uow() as uow:
        rows = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == KIND).order_by(OutboxMessage.id)
        ).all()
        found = [
            Nudge(r.key, r.person_id or 0, r.ref, r.due_at, r.text, json.loads(r.blocks or "[]"))
            for r in rows
        ]
    for nudge in found:
        assert check_blocks(nudge.blocks, surface="message") == []
    return found


def _wanted(deps: Deps, ref: str) -> list[bool]:
    with deps.uow() as uow:
        rows = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.ref == ref).order_by(OutboxMessage.id)
        ).all()
        return [still_wanted(uow, row) for row in rows]


def _actor(pair: Pair, who: str) -> Actor:
    if who == "coach":
        return Actor(TEAM, COACH, pair.coach, Role.COACH)
    return Actor(TEAM, TEACHER, pair.teacher, Role.TEACHER)


# --------------------------------------------------------------------------- the four rules


def test_an_unanswered_invitation_nudges_the_coach_after_a_school_day(deps: Deps) -> None:
    pair = _people(deps)
    visit_id = _invitation(deps, pair, at=ny(11, 30, 9))  # Monday 09:00

    assert _plan(deps, ny(12, 1, 8, 59)) == 0
    assert _plan(deps, ny(12, 1, 9)) == 1  # Tuesday 09:00: one school day later

    [nudge] = _nudges(deps)
    assert nudge.person_id == pair.coach
    assert nudge.ref == f"visit:{visit_id}:answer:1"
    assert nudge.due_at == ny(12, 1, 9)
    assert f"<@{TEACHER}> invited you to visit Period 3 Algebra" in nudge.text
    assert not nudge.text.startswith("Last reminder")
    # The same buttons, with the same values, as the invitation itself.
    with deps.uow() as uow:
        visit = uow.session.get_one(Visit, visit_id)
        card = VisitCard(
            visit_id=visit.id,
            version=visit.version,
            teacher_user_id=TEACHER,
            coach_user_id=COACH,
            starts_at=visit.starts_at,
            ends_at=visit.ends_at,
            tz="America/New_York",
            class_name=visit.class_name,
            support=SupportType.OBSERVE,
            focus=visit.focus,
            note=None,
            status=VisitStatus.PENDING,
        )
    invitation = build_coach_invitation(card)
    expected = Nudge("", 0, None, nudge.due_at, "", invitation["blocks"]).buttons()
    assert nudge.buttons() == expected
    assert [action for action, _ in expected] == [
        Action.INVITE_ACCEPT,
        Action.INVITE_SUGGEST,
        Action.INVITE_DECLINE,
    ]
    assert {value for _, value in expected} == {f"{visit_id}:1"}


@pytest.mark.parametrize(("proposed_by", "owes"), [("coach", "teacher"), ("teacher", "coach")])
def test_a_suggested_time_nudges_whoever_did_not_suggest_it(
    deps: Deps, proposed_by: str, owes: str
) -> None:
    pair = _people(deps)
    visit_id = _invitation(deps, pair, at=ny(11, 30, 9), proposed_by=proposed_by)

    assert _plan(deps, ny(12, 1, 9)) == 1

    [nudge] = _nudges(deps)
    assert nudge.person_id == (pair.teacher if owes == "teacher" else pair.coach)
    proposer = COACH if proposed_by == "coach" else TEACHER
    assert f"<@{proposer}> suggested another time" in nudge.text
    assert nudge.ref == f"visit:{visit_id}:answer:2"
    assert {value for _, value in nudge.buttons()} == {f"{visit_id}:2"}


def test_an_invitation_whose_time_has_passed_gets_no_nudge(deps: Deps) -> None:
    pair = _people(deps)
    _invitation(deps, pair, at=ny(11, 30, 9), starts_at=ny(12, 1, 10))

    assert _plan(deps, ny(12, 2, 9)) == 0
    assert _nudges(deps) == []


def test_a_visit_without_a_debrief_nudges_coach_and_teacher_once_each(deps: Deps) -> None:
    pair = _people(deps)
    with deps.uow() as uow:
        uow.people.add(Person(team_id=TEAM, user_id="U0OTHER01", timezone="America/New_York"))
        uow.commit()
    visit_id = _happened_visit(deps, pair, at=ny(12, 3, 10))  # Thursday

    assert _plan(deps, ny(12, 4, 16)) == 0  # Friday: only one school day later
    assert _plan(deps, ny(12, 7, 7)) == 2  # Monday: the second school day

    nudges = _nudges(deps)
    assert {n.person_id for n in nudges} == {pair.teacher, pair.coach}
    for nudge in nudges:
        assert nudge.ref == f"visit:{visit_id}:debrief"
        assert nudge.buttons() == [(Action.DEBRIEF_SCHEDULE, str(visit_id))]
    coach_nudge = next(n for n in nudges if n.person_id == pair.coach)
    assert f"<@{TEACHER}>" in coach_nudge.text

    # Once each, however long the debrief waits.
    assert _plan(deps, ny(12, 8, 9)) == 0
    assert _plan(deps, ny(12, 17, 9)) == 0
    assert len(_nudges(deps)) == 2


def test_a_check_back_day_nudges_the_teacher_not_the_coach(deps: Deps) -> None:
    pair = _people(deps)
    _debrief_id, note_id = _check_back_note(deps, pair, on=date(2026, 12, 8))

    assert _plan(deps, ny(12, 7, 16)) == 0
    assert _plan(deps, ny(12, 8, 8)) == 1

    [nudge] = _nudges(deps)
    assert nudge.person_id == pair.teacher
    assert nudge.ref == f"note:{note_id}:check-back"
    assert "How is it going with your next step" in nudge.text
    assert "think-pair-share" in nudge.text
    assert f"<@{COACH}>" in nudge.text


def test_the_check_back_day_is_the_teachers_own_day(deps: Deps) -> None:
    pair = _people(deps, teacher_tz="America/Los_Angeles")
    _check_back_note(deps, pair, on=date(2026, 12, 8))

    # Tuesday in New York, still Monday evening in Los Angeles.
    assert _plan(deps, datetime(2026, 12, 8, 2, 0, tzinfo=NY)) == 0
    assert _plan(deps, datetime(2026, 12, 8, 8, 0, tzinfo=LA)) == 1
    [nudge] = _nudges(deps)
    assert nudge.due_at == datetime(2026, 12, 8, 8, 0, tzinfo=LA)


def test_a_quiet_goal_nudges_the_teacher_with_a_way_back_in(deps: Deps) -> None:
    pair = _people(deps)
    goal_id = _goal(deps, pair, at=ny(11, 2, 9))

    assert _plan(deps, ny(11, 16, 8, 59)) == 0
    assert _plan(deps, ny(11, 16, 9)) == 1  # fourteen days later

    [nudge] = _nudges(deps)
    assert nudge.person_id == pair.teacher
    assert nudge.ref == f"goal:{goal_id}:quiet"
    assert "/invite-coach" in nudge.text
    assert "explain their thinking" in nudge.text
    assert nudge.buttons() == [(Action.INVITE_OTHER_COACH, COACH)]


def test_a_goal_with_a_recent_visit_or_note_is_not_quiet(deps: Deps) -> None:
    pair = _people(deps)
    goal_id = _goal(deps, pair, at=ny(10, 1, 9))
    _happened_visit(deps, pair, at=ny(11, 12, 10), goal_id=goal_id)  # updated Nov 12

    quiet = f"goal:{goal_id}:quiet"
    _plan(deps, ny(11, 20, 9))
    assert quiet not in {n.ref for n in _nudges(deps)}
    # A note on a visit linked to no goal is coaching with this teacher too.
    _check_back_note(deps, pair, on=date(2027, 3, 1))  # note written December 1, 16:00
    _plan(deps, ny(12, 3, 9))
    _plan(deps, ny(12, 15, 9))
    assert quiet not in {n.ref for n in _nudges(deps)}
    _plan(deps, ny(12, 15, 16))
    assert [n.person_id for n in _nudges(deps) if n.ref == quiet] == [pair.teacher]


def test_an_answer_to_a_next_step_even_not_yet_keeps_a_goal_from_being_quiet(
    deps: Deps,
) -> None:
    pair = _people(deps)
    goal_id = _goal(deps, pair, at=ny(10, 1, 9))
    _debrief_id, note_id = _check_back_note(deps, pair, on=date(2026, 12, 2), goal_id=goal_id)
    with deps.uow() as uow:  # "Not yet (remind me in a week)", on the check-back day
        uow.session.add(
            NextStepAnswer(
                note_id=note_id,
                teacher_id=pair.teacher,
                kind=StepAnswer.NOT_YET,
                asked_on=date(2026, 12, 2),
                remind_on=date(2026, 12, 9),
                answered_at=ny(12, 2, 10),
            )
        )
        uow.commit()

    quiet = f"goal:{goal_id}:quiet"
    _plan(deps, ny(12, 15, 16))  # fourteen days after the note, thirteen after the answer
    assert quiet not in {n.ref for n in _nudges(deps)}
    _plan(deps, ny(12, 16, 10, 1))  # fourteen days after the answer
    assert [n.person_id for n in _nudges(deps) if n.ref == quiet] == [pair.teacher]


def test_a_check_back_or_quiet_spell_older_than_the_window_is_history(deps: Deps) -> None:
    """Each rule reads only the last weeks: what fell due long ago (say, while coachbot was
    not running) is not nudged about weeks late."""
    pair = _people(deps)
    _check_back_note(deps, pair, on=date(2026, 12, 8))
    _goal(deps, pair, at=ny(11, 2, 9))
    # December 30: the check-back day is 22 days past, the goal quiet for eight weeks.
    assert _plan(deps, ny(12, 30, 9)) == 0
    assert _nudges(deps) == []


def test_after_retention_forgets_sent_nudges_nothing_is_nudged_again(deps: Deps) -> None:
    """Sent rows leave the outbox after 90 days (bot/rules/retention.py); every rule's window
    is shorter, so the outbox need not remember old nudges for them to stay sent."""
    _nudge_then_empty_the_outbox(deps)
    assert _plan(deps, ny(3, 10, 9, year=2027)) == 0
    assert _nudges(deps) == []


def test_a_nudge_whose_outbox_row_was_deleted_is_not_planned_again(deps: Deps) -> None:
    """Which nudge went to whom is recorded apart from the outbox (`nudges_sent`): its sent row
    may go the next day and the rule, still in its window, plans neither it nor an extra one."""
    _nudge_then_empty_the_outbox(deps)
    assert _plan(deps, ny(12, 8, 11)) == 0
    # The last word still comes a school day after the first, and only once.
    assert _plan(deps, ny(12, 9, 10)) == 1
    assert _plan(deps, ny(12, 10, 10)) == 0
    assert [n.key.split(":")[-2] for n in _nudges(deps)] == ["2"]


def _nudge_then_empty_the_outbox(deps: Deps) -> None:
    """A check-back nudge planned on its day, then every outbox row deleted."""
    pair = _people(deps)
    _check_back_note(deps, pair, on=date(2026, 12, 8))
    assert _plan(deps, ny(12, 8, 9)) == 1
    with deps.uow() as uow:
        uow.session.execute(delete(OutboxMessage))
        uow.commit()


# --------------------------------------------------------------------------- time


@pytest.mark.parametrize(
    ("asked", "found", "sent"),
    [
        # Asked Monday; found at 18:00 on Tuesday: waits for Wednesday 07:00.
        (ny(11, 30, 10), ny(12, 1, 18), ny(12, 2, 7)),
        # Asked Thursday; found at 18:00 on Friday: skips the weekend and Monday's closure.
        (ny(12, 3, 10), ny(12, 4, 18), ny(12, 8, 7)),
    ],
)
def test_a_nudge_found_after_school_waits_for_the_next_school_morning(
    deps: Deps, asked: datetime, found: datetime, sent: datetime
) -> None:
    pair = _people(deps)
    with deps.uow() as uow:
        uow.districts.get_or_add(TEAM)
        uow.session.add(
            Closure(
                team_id=TEAM,
                first_day=date(2026, 12, 7),
                last_day=date(2026, 12, 7),
                reason="Staff day",
            )
        )
        uow.commit()
    _invitation(deps, pair, at=asked)

    assert _plan(deps, found) == 1
    [nudge] = _nudges(deps)
    assert nudge.due_at == sent
    assert nudge.due_at.astimezone(NY).time() == time(7, 0)


# --------------------------------------------------------------------------- noise


def test_at_most_two_reminders_the_second_a_school_day_later_and_marked_last(deps: Deps) -> None:
    pair = _people(deps)
    visit_id = _invitation(deps, pair, at=ny(11, 30, 9))

    assert _plan(deps, ny(12, 1, 9)) == 1
    assert _plan(deps, ny(12, 1, 16)) == 0
    assert _plan(deps, ny(12, 2, 8, 59)) == 0
    assert _plan(deps, ny(12, 2, 9)) == 1
    assert _plan(deps, ny(12, 3, 9)) == 0
    assert _plan(deps, ny(1, 5, 9, year=2027)) == 0  # weeks later, still unanswered

    first, second = _nudges(deps)
    assert first.person_id == second.person_id == pair.coach
    assert first.ref == second.ref == f"visit:{visit_id}:answer:1"
    assert not first.text.startswith("Last reminder")
    assert second.text.startswith("Last reminder: ")
    assert second.buttons() == first.buttons()


def test_a_teacher_gets_at_most_five_nudges_a_week(deps: Deps) -> None:
    pair = _people(deps)
    notes = [
        _check_back_note(deps, pair, on=date(2026, 12, 1) + timedelta(days=i))[1] for i in range(6)
    ]

    assert _plan(deps, ny(12, 7, 9)) == 5  # Monday
    assert _plan(deps, ny(12, 10, 9)) == 0  # Thursday: second reminders would be due

    week_one = _nudges(deps)
    assert len(week_one) == 5
    assert all(n.person_id == pair.teacher for n in week_one)
    waiting = {f"note:{note}:check-back" for note in notes} - {n.ref for n in week_one}
    assert len(waiting) == 1

    assert _plan(deps, ny(12, 14, 9)) == 5  # next Monday
    week_two = _nudges(deps)[5:]
    assert len(week_two) == 5
    [sixth] = [n for n in week_two if n.ref in waiting]
    assert not sixth.text.startswith("Last reminder")  # its first, ahead of last reminders
    assert all(n.due_at >= ny(12, 14, 0) for n in week_two)


def test_a_teacher_who_chose_two_a_week_gets_two(deps: Deps) -> None:
    pair = _people(deps, weekly_nudge_cap=2)
    for i in range(4):
        _check_back_note(deps, pair, on=date(2026, 12, 1) + timedelta(days=i))

    assert _plan(deps, ny(12, 7, 9)) == 2
    assert _plan(deps, ny(12, 11, 9)) == 0
    assert len(_nudges(deps)) == 2


@pytest.mark.parametrize(
    "settings",
    [
        {"prompts_stopped": True},
        {"prompts_paused_until": date(2026, 12, 8)},  # paused past today (Monday December 7)
        {"active": False},
    ],
)
def test_a_teacher_who_stopped_or_paused_or_left_gets_none(
    deps: Deps, settings: dict[str, Any]
) -> None:
    pair = _people(deps, **settings)
    _check_back_note(deps, pair, on=date(2026, 12, 7))

    assert _plan(deps, ny(12, 7, 9)) == 0
    assert _nudges(deps) == []


def test_a_pause_that_ended_today_lets_nudges_through(deps: Deps) -> None:
    pair = _people(deps, prompts_paused_until=date(2026, 12, 7))
    _check_back_note(deps, pair, on=date(2026, 12, 7))

    assert _plan(deps, ny(12, 7, 9)) == 1
    assert [n.person_id for n in _nudges(deps)] == [pair.teacher]


def test_an_inactive_coach_gets_no_nudge(deps: Deps) -> None:
    pair = _people(deps)
    with deps.uow() as uow:
        uow.session.get_one(Person, pair.coach).active = False
        uow.commit()
    _invitation(deps, pair, at=ny(11, 30, 9))

    assert _plan(deps, ny(12, 1, 9)) == 0
    assert _nudges(deps) == []


def test_planning_twice_plans_once(deps: Deps) -> None:
    pair = _people(deps)
    _invitation(deps, pair, at=ny(11, 30, 9))
    _happened_visit(deps, pair, at=ny(12, 3, 10))
    _check_back_note(deps, pair, on=date(2026, 12, 7))
    _goal(deps, pair, at=ny(10, 1, 9))

    first = _plan(deps, ny(12, 7, 9))
    assert first == 4  # the coach's answer and debrief, the teacher's debrief and check-back
    assert _plan(deps, ny(12, 7, 9)) == 0
    assert _plan(deps, ny(12, 7, 9, 5)) == 0
    nudges = _nudges(deps)
    assert len(nudges) == first
    assert len({n.key for n in nudges}) == first


# --------------------------------------------------------------------------- settled items


def test_an_accepted_invitation_is_never_nudged_about(deps: Deps) -> None:
    pair = _people(deps)
    visit_id = _invitation(deps, pair, at=ny(11, 30, 9))
    _plan(deps, ny(12, 1, 18))  # due Wednesday morning
    ref = f"visit:{visit_id}:answer:1"
    assert _wanted(deps, ref) == [True]

    with deps.uow() as uow:
        accept(uow, _actor(pair, "coach"), visit_id, 1, ny(12, 1, 19))
        uow.commit()

    assert _wanted(deps, ref) == [False]
    assert _plan(deps, ny(12, 2, 9)) == 0


def test_a_moved_invitation_settles_the_old_nudge(deps: Deps) -> None:
    pair = _people(deps)
    visit_id = _invitation(deps, pair, at=ny(11, 30, 9))
    _plan(deps, ny(12, 1, 18))
    with deps.uow() as uow:
        visit = uow.session.get_one(Visit, visit_id)
        visit.version += 1
        visit.updated_at = ny(12, 1, 19)
        uow.commit()

    assert _wanted(deps, f"visit:{visit_id}:answer:1") == [False]


def test_a_scheduled_debrief_settles_both_nudges(deps: Deps) -> None:
    pair = _people(deps)
    visit_id = _happened_visit(deps, pair, at=ny(12, 3, 10))
    _plan(deps, ny(12, 7, 7))
    ref = f"visit:{visit_id}:debrief"
    assert _wanted(deps, ref) == [True, True]

    with deps.uow() as uow:
        schedule_debrief(
            uow,
            _actor(pair, "teacher"),
            visit_id,
            When(day=date(2026, 12, 8), start=time(15), minutes=30),
            None,
            ny(12, 7, 7, 30),
        )
        uow.commit()

    assert _wanted(deps, ref) == [False, False]


def test_a_changed_check_back_note_settles_its_nudge(deps: Deps) -> None:
    pair = _people(deps)
    debrief_id, note_id = _check_back_note(deps, pair, on=date(2026, 12, 7))
    _plan(deps, ny(12, 7, 18))  # Monday 18:00: due Tuesday morning
    ref = f"note:{note_id}:check-back"
    assert _wanted(deps, ref) == [True]

    with deps.uow() as uow:
        save_note(
            uow,
            _actor(pair, "coach"),
            debrief_id,
            NoteInput("Clear routines", None, "Exit tickets on Fridays", date(2026, 12, 14)),
            ny(12, 7, 19),
        )
        uow.commit()

    assert _wanted(deps, ref) == [False]
    # The new check-back day gets its own nudge, a first one.
    assert _plan(deps, ny(12, 14, 9)) == 1
    newest = _nudges(deps)[-1]
    assert "Exit tickets on Fridays" in newest.text
    assert not newest.text.startswith("Last reminder")


def test_a_rewritten_next_step_on_the_same_day_settles_its_nudge(deps: Deps) -> None:
    pair = _people(deps)
    debrief_id, note_id = _check_back_note(deps, pair, on=date(2026, 12, 7))
    _plan(deps, ny(12, 7, 18))
    with deps.uow() as uow:
        save_note(
            uow,
            _actor(pair, "coach"),
            debrief_id,
            NoteInput("Clear routines", None, "Turn and talk before writing", date(2026, 12, 7)),
            ny(12, 7, 19),
        )
        uow.commit()

    assert _wanted(deps, f"note:{note_id}:check-back") == [False]


def test_a_closed_or_revived_goal_is_never_nudged_about(deps: Deps) -> None:
    pair = _people(deps)
    closed = _goal(deps, pair, at=ny(11, 2, 9))
    _plan(deps, ny(11, 20, 18))
    assert _wanted(deps, f"goal:{closed}:quiet") == [True]
    with deps.uow() as uow:
        close_goal(uow, _actor(pair, "teacher"), closed, met=True, now=ny(11, 20, 19))
        uow.commit()
    assert _wanted(deps, f"goal:{closed}:quiet") == [False]

    revived = _goal(deps, pair, at=ny(11, 2, 9))
    _plan(deps, ny(11, 23, 18))
    assert _wanted(deps, f"goal:{revived}:quiet") == [True]
    _invitation(deps, pair, at=ny(11, 23, 20))  # the teacher invites the coach that evening
    assert _wanted(deps, f"goal:{revived}:quiet") == [False]


def test_a_teacher_who_pauses_after_planning_is_not_sent_it(deps: Deps) -> None:
    pair = _people(deps)
    _, note_id = _check_back_note(deps, pair, on=date(2026, 12, 7))
    _plan(deps, ny(12, 7, 18))
    with deps.uow() as uow:
        uow.session.get_one(Person, pair.teacher).prompts_paused_until = date(2026, 12, 21)
        uow.commit()

    assert _wanted(deps, f"note:{note_id}:check-back") == [False]


# --------------------------------------------------------------------------- messages

HOSTILE = "<!channel> & <@U0EVIL> " + "x" * 5000


def _card(**changes: Any) -> VisitCard:
    values: dict[str, Any] = {
        "visit_id": 7,
        "version": 3,
        "teacher_user_id": TEACHER,
        "coach_user_id": COACH,
        "starts_at": VISIT_AT,
        "ends_at": VISIT_AT + timedelta(minutes=45),
        "tz": "America/Chicago",
        "class_name": HOSTILE,
        "support": SupportType.OBSERVE,
        "focus": HOSTILE,
        "note": HOSTILE,
        "status": VisitStatus.PENDING,
    }
    values.update(changes)
    return VisitCard(**values)


def _messages(last: bool) -> list[dict[str, Any]]:
    proposed = {
        "status": VisitStatus.PROPOSED,
        "proposed_starts_at": VISIT_AT + timedelta(days=1),
        "proposed_ends_at": VISIT_AT + timedelta(days=1, hours=1),
    }
    return [
        build_answer_nudge(_card(), to="coach", last=last),
        build_answer_nudge(
            _card(support=SupportType.CO_PLAN, class_name=None), to="coach", last=last
        ),
        build_answer_nudge(_card(**proposed, proposed_by="coach"), to="teacher", last=last),
        build_answer_nudge(_card(**proposed, proposed_by="teacher"), to="coach", last=last),
        *(
            build_debrief_nudge(
                visit_id=7,
                viewer=viewer,
                other_user_id=COACH,
                starts_at=VISIT_AT,
                ends_at=VISIT_AT + timedelta(minutes=45),
                tz="America/Denver",
                support=support,
                class_name=HOSTILE,
                last=last,
            )
            for viewer in ("coach", "teacher")
            for support in (SupportType.OBSERVE, SupportType.CO_PLAN)
        ),
        build_check_back_nudge(next_step=HOSTILE, coach_user_id=COACH, last=last),
        build_check_back_nudge(next_step="   ", coach_user_id=None, last=last),
        build_quiet_goal_nudge(question=HOSTILE, coach_user_id=COACH, last=last),
        build_quiet_goal_nudge(question="Fractions", coach_user_id=None, last=last),
    ]


@pytest.mark.parametrize("last", [False, True])
def test_every_nudge_message_is_valid_kind_and_safe(last: bool) -> None:
    for message in _messages(last):
        assert check_blocks(message["blocks"], surface="message") == []
        assert message["text"]
        shown = message["text"] + json.dumps(message["blocks"])
        assert "<!channel>" not in shown
        assert "<@U0EVIL>" not in shown
        for unkind in ("overdue", "forgot", "failed", "still haven't", "you must"):
            assert unkind not in shown.lower()
        assert message["text"].startswith("Last reminder: ") == last
        assert message["blocks"][0]["text"]["text"].startswith("Last reminder: ") == last


def test_a_pending_invitation_is_answered_by_the_coach_only() -> None:
    with pytest.raises(ValueError):
        build_answer_nudge(_card(), to="teacher")
