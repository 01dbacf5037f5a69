"""The Home tab per role, from realistic data: within Slack's limits, and nobody else's business.

A coach with 40 teachers, 12 visits this week and 6 invitations; a teacher whose Home must never
show another teacher's goal, focus or notes; admins and leaders who see aggregates only.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from bot.app.deps import Deps
from bot.demo.block_kit import check_view
from bot.ids import Action, Block, Callback, Input
from bot.reads import home
from bot.rules import cycles
from bot.rules.domain import CycleState, Role
from bot.rules.people import actor_for
from bot.views.home import (
    MAX_CASELOAD_ON_HOME,
    NO_REPORT_YET,
    CaseloadLine,
    CoachSettings,
    HomeData,
    SchoolHours,
    TeacherPart,
    TeacherSettings,
    build_caseload_modal,
    build_home,
    build_home_view,
    build_settings_modal,
    parse_settings_form,
)
from storage.models import (
    Debrief,
    DebriefNote,
    Goal,
    NextStepAnswer,
    OutboxMessage,
    Person,
    Reflection,
    Visit,
)
from storage.uow import UnitOfWork

TEAM = "T0COACH"
NY = "America/New_York"
# Monday 2026-11-30, 09:00 in New York.
NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
TODAY = date(2026, 11, 30)
COACH = "U0COACH001"
LEAD = "U0LEAD0001"
ADMIN = "U0ADMIN001"
LEADER = "U0LEADER01"
TEACHER = "U0TEACH001"
OTHER = "U0TEACH002"

MY_QUESTION = "How do I get quieter students into whole-class discussion?"
MY_STEP = "Try think-pair-share before each discussion question"
THEIR_QUESTION = "SECRET-QUESTION how can I stop losing the last ten minutes of class?"
THEIR_FOCUS = "SECRET-FOCUS transitions after lunch"
THEIR_NOTE = "SECRET-NOTE strong routines for materials"
THEIR_STEP = "SECRET-STEP timer on the board"
THEIR_REFLECTION = "SECRET-REFLECTION what did the timer change?"
THEIR_CLASS = "SECRET-CLASS Period 6 Biology"
DEAD_TEXT = "SECRET-TEXT Good morning! Here is your day"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in New York in late November or December 2026 (EST, UTC-5), as UTC."""
    month = 11 if day >= 20 else 12
    return datetime(2026, month, day, hour + 5, minute, tzinfo=UTC)


# --------------------------------------------------------------------------- data


def _person(uow: UnitOfWork, user_id: str, name: str, *, role: str = "teacher", **f: Any) -> Person:
    return uow.people.add(
        Person(
            team_id=TEAM,
            user_id=user_id,
            display_name=name,
            timezone=NY,
            role=role,
            synced_at=NOW,
            **f,
        )
    )


def _visit(
    uow: UnitOfWork,
    teacher: Person,
    coach: Person,
    starts_at: datetime,
    *,
    status: str = "accepted",
    outcome: str | None = None,
    **f: Any,
) -> Visit:
    f.setdefault("support_type", "observe")
    visit = Visit(
        team_id=TEAM,
        teacher_id=teacher.id,
        coach_id=coach.id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=45),
        status=status,
        outcome=outcome,
        created_at=NOW - timedelta(days=10),
        updated_at=NOW - timedelta(days=10),
        **f,
    )
    uow.session.add(visit)
    uow.session.flush()
    return visit


def _goal(uow: UnitOfWork, teacher: Person, coach: Person | None, question: str, **f: Any) -> Goal:
    f.setdefault("focus_area", "student engagement")
    goal = Goal(
        team_id=TEAM,
        teacher_id=teacher.id,
        coach_id=coach.id if coach else None,
        question=question,
        status="active",
        created_at=NOW - timedelta(days=20),
        updated_at=NOW - timedelta(days=20),
        **f,
    )
    uow.session.add(goal)
    uow.session.flush()
    return goal


def _debrief(uow: UnitOfWork, visit: Visit, starts_at: datetime) -> Debrief:
    debrief = Debrief(
        team_id=TEAM,
        visit_id=visit.id,
        teacher_id=visit.teacher_id,
        coach_id=visit.coach_id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
        place="Room 112",
        created_at=NOW - timedelta(days=5),
    )
    uow.session.add(debrief)
    uow.session.flush()
    return debrief


def _note(uow: UnitOfWork, debrief: Debrief, author: Person, **f: Any) -> None:
    uow.session.add(
        DebriefNote(
            debrief_id=debrief.id,
            author_id=author.id,
            created_at=debrief.ends_at,
            updated_at=debrief.ends_at,
            **f,
        )
    )
    uow.session.flush()


def _reflection(uow: UnitOfWork, teacher: Person, coach: Person, question: str) -> None:
    uow.session.add(
        Reflection(
            team_id=TEAM,
            teacher_id=teacher.id,
            coach_id=coach.id,
            question=question,
            created_at=NOW - timedelta(days=1),
        )
    )
    uow.session.flush()


def _district(deps: Deps, *, teachers: int = 40, coach_role: str = "coach") -> None:
    """A coach with `teachers` teachers: 12 visits this week, 6 invitations, cycles under way.

    TEACHER (teacher 1) and OTHER (teacher 2) are both hers; OTHER's goal, focus, notes and
    reflection are planted so a test can show they never reach TEACHER's Home.
    """
    with deps.uow() as uow:
        coach = _person(uow, COACH, "Jordan", role=coach_role)
        people = [
            _person(
                uow,
                TEACHER if n == 1 else OTHER if n == 2 else f"U0T{n:07d}",
                f"Teacher {n:02d}",
                assigned_coach_id=coach.id,
            )
            for n in range(1, teachers + 1)
        ]
        me, other = people[0], people[1]
        # Seen over the last weeks: teacher n last seen n days ago, for the first 20.
        for n, teacher in enumerate(people[:20], start=1):
            _visit(uow, teacher, coach, at(30, 10) - timedelta(days=n + 1), outcome="happened")
        # 12 accepted visits this week (Monday to Friday), 3 of them today.
        for n in range(12):
            teacher = people[2 + n]
            day = 30 if n < 3 else min(1 + (n - 3) // 2, 4)
            _visit(uow, teacher, coach, at(day, 8 + n % 6), class_name=f"Period {n % 7 + 1}")
        # 6 invitations waiting for the coach.
        for n in range(6):
            _visit(uow, people[20 + n], coach, at(7, 9 + n), status="pending", support_type="model")
        # My cycle: a goal, a visit that happened, a debrief with a next step, a reflection.
        mine = _goal(uow, me, coach, MY_QUESTION)
        my_visit = _visit(uow, me, coach, at(24, 10), outcome="happened", goal_id=mine.id)
        my_debrief = _debrief(uow, my_visit, at(25, 14))
        _note(uow, my_debrief, coach, strengths="Clear routines", next_step=MY_STEP)
        _reflection(uow, me, coach, "What did you notice about your students?")
        _visit(uow, me, coach, at(2, 11), class_name="Period 3 Algebra")
        # The other teacher's cycle, full of things only she and the coach may read.
        theirs = _goal(uow, other, coach, THEIR_QUESTION, evidence="SECRET-EVIDENCE")
        their_visit = _visit(
            uow,
            other,
            coach,
            at(23, 10),
            outcome="happened",
            goal_id=theirs.id,
            focus=THEIR_FOCUS,
            class_name=THEIR_CLASS,
        )
        their_debrief = _debrief(uow, their_visit, at(2, 14))
        _note(uow, their_debrief, coach, strengths=THEIR_NOTE, next_step=THEIR_STEP)
        _reflection(uow, other, coach, THEIR_REFLECTION)
        _visit(uow, other, coach, at(3, 13), focus=THEIR_FOCUS, class_name=THEIR_CLASS)
        uow.commit()


def _home_of(
    deps: Deps, user_id: str, report: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    with deps.uow() as uow:
        person = uow.people.get_by_user(TEAM, user_id)
        actor = actor_for(uow, TEAM, user_id, frozenset({ADMIN}))
        data = home.home_data(uow, actor, person, NOW)
    view = build_home(data, report_blocks=report or ())
    assert check_view(view) == []
    assert len(view["blocks"]) <= 100
    return view


def words(view: dict[str, Any]) -> str:
    return json.dumps(view)


REPORT = [
    {"type": "header", "text": {"type": "plain_text", "text": "Coaching, November 2026"}},
    {"type": "section", "text": {"type": "mrkdwn", "text": "212 visits with 140 teachers"}},
]


# --------------------------------------------------------------------------- coach


def test_a_coach_with_40_teachers_sees_their_day_week_invitations_and_caseload(
    deps: Deps,
) -> None:
    _district(deps)
    view = _home_of(deps, COACH)
    text = words(view)
    assert "Today, Monday, November 30" in text
    assert "Later this week" in text
    assert "Invitations to answer (6)" in text
    assert "Your teachers (40)" in text
    assert "and 30 more" in text
    # Not seen longest first: those never visited, then teacher 20 (seen 21 days ago).
    caseload = next(b for b in view["blocks"] if "Your teachers (40)" in json.dumps(b))
    assert caseload["accessory"]["action_id"] == Action.HOME_CASELOAD
    assert caseload["text"]["text"].count("<@") == MAX_CASELOAD_ON_HOME
    assert "not visited yet" in caseload["text"]["text"]
    # Every visit this week is there: 3 today, 9 later.
    assert text.count("Period ") >= 12
    assert "Observe and give feedback" in text
    assert "Your time in November" in text
    # 22 visits that happened in November, 45 minutes each.
    assert "Observe and give feedback: 16 hours 30 minutes" in text
    assert "Your daily visit list comes at 7:00 AM" in text
    # A coach's Home shows no notes, reflections or focus: those live in each teacher's story.
    for secret in (THEIR_NOTE, THEIR_REFLECTION, THEIR_FOCUS, THEIR_STEP):
        assert secret not in text
    # Nor anything of an admin.
    assert "Roster and reports" not in text


def test_the_caseload_knows_last_seen_and_cycle_state(deps: Deps) -> None:
    _district(deps)
    with deps.uow() as uow:
        coach = uow.people.get_by_user(TEAM, COACH)
        assert coach is not None
        actor = actor_for(uow, TEAM, COACH)
        lines = {line.user_id: line for line in home.caseload(uow, actor, coach, NOW)}
        assert len(lines) == 40
        assert lines[TEACHER].state is CycleState.TRYING
        assert lines["U0T0000030"].state is None and lines["U0T0000030"].last_seen is None
        assert lines["U0T0000005"].last_seen == TODAY - timedelta(days=6)
        # Another coach, or a teacher, gets no caseload of hers.
        teacher_actor = actor_for(uow, TEAM, TEACHER)
        assert home.caseload(uow, teacher_actor, coach, NOW) == []


def test_the_caseload_modal_lists_everyone_within_slack_limits() -> None:
    lines = [
        CaseloadLine(
            user_id=f"U0T{n:07d}",
            name=f"Teacher {n}",
            last_seen=None if n % 3 else TODAY - timedelta(days=n),
            state=CycleState.VISITING if n % 2 else None,
        )
        for n in range(40)
    ]
    view = build_caseload_modal(lines, today=TODAY)
    assert check_view(view) == []
    assert view["callback_id"] == Callback.CASELOAD
    assert all(f"<@{line.user_id}>" in words(view) for line in lines)
    huge = build_caseload_modal(lines * 250, today=TODAY)
    assert check_view(huge) == []
    assert "more" in json.dumps(huge["blocks"][-1])


def test_a_coachs_home_costs_the_same_queries_for_10_or_40_teachers(deps: Deps) -> None:
    def queries(teachers: int) -> int:
        statements: list[str] = []

        def seen(*args: Any) -> None:
            statements.append(str(args[2]))

        with deps.uow() as uow:
            coach = uow.people.get_by_user(TEAM, COACH)
            actor = actor_for(uow, TEAM, COACH)
            with _listening(deps, seen):
                home.home_data(uow, actor, coach, NOW)
        return len(statements)

    _district(deps, teachers=40)
    many = queries(40)
    with deps.uow() as uow:
        coach = uow.people.get_by_user(TEAM, COACH)
        assert coach is not None
        for n in range(41, 61):
            teacher = _person(uow, f"U0T{n:07d}", f"Teacher {n}", assigned_coach_id=coach.id)
            goal = _goal(uow, teacher, coach, f"Question {n}")
            visit = _visit(uow, teacher, coach, at(20, 10), outcome="happened", goal_id=goal.id)
            _note(uow, _debrief(uow, visit, at(20, 14)), coach, next_step="a step")
        uow.commit()
    assert queries(60) == many
    assert many <= 13


def test_the_home_and_the_goal_story_agree_on_every_cycle(deps: Deps) -> None:
    """The Home reads cycles in bulk and the story one teacher at a time: for a coach's
    caseload and each teacher's own Home, every state and next step must be the story's."""
    rng = random.Random(11)
    with deps.uow() as uow:
        coach = _person(uow, COACH, "Jordan", role="coach")
        before = _person(uow, "U0COACH002", "Sam", role="coach")  # the goals' coach before
        teachers = [
            _person(uow, f"U0T{n:07d}", f"Teacher {n}", assigned_coach_id=coach.id)
            for n in range(40)
        ]
        for n, teacher in enumerate(teachers):
            goal = _goal(uow, teacher, coach, f"Question {n}")
            for v in range(rng.randint(0, 6)):
                visit = _visit(
                    uow,
                    teacher,
                    rng.choice((coach, coach, before)),
                    NOW + timedelta(days=rng.randint(-20, 6), hours=rng.choice((-2, 0, 3))),
                    status=rng.choice(("accepted", "accepted", "declined", "cancelled")),
                    outcome=rng.choice((None, "happened", "happened", "rescheduled")),
                    goal_id=goal.id,
                )
                if rng.random() < 0.6:
                    # Some debriefs share their time; some are still ahead.
                    debrief = _debrief(uow, visit, at(20 + v % 3, 14) + timedelta(days=n % 7))
                    if rng.random() < 0.8:
                        _note(uow, debrief, teacher, strengths="Calm start")
                    if rng.random() < 0.8:
                        step = rng.choice(("", f"Step {n}.{v}", f"Step {n}.{v}b"))
                        _note(uow, debrief, coach, next_step=step)
        for note in uow.session.scalars(select(DebriefNote).where(DebriefNote.next_step != "")):
            if rng.random() < 0.5:
                uow.session.add(
                    NextStepAnswer(
                        note_id=note.id,
                        teacher_id=teachers[0].id,
                        kind=rng.choice(("tried", "not_yet")),
                        asked_on=TODAY,
                        answered_at=NOW - timedelta(hours=1),
                    )
                )
        uow.commit()

    with deps.uow() as uow:
        coach = uow.people.get_by_user(TEAM, COACH)
        assert coach is not None
        as_coach = actor_for(uow, TEAM, COACH)
        caseload = {line.user_id: line.state for line in home.caseload(uow, as_coach, coach, NOW)}
        states: set[CycleState] = set()
        for teacher in uow.people.list_for_team(TEAM):
            if teacher.role != "teacher":
                continue
            [story] = cycles.cycles_of(uow, as_coach, teacher, NOW)
            assert caseload[teacher.user_id] is story.state
            as_teacher = actor_for(uow, TEAM, teacher.user_id)
            [own] = cycles.cycles_of(uow, as_teacher, teacher, NOW)
            [line] = home.home_data(uow, as_teacher, teacher, NOW).teacher.goals  # type: ignore[union-attr]
            started = {d.id: d.starts_at for d in own.debriefs}
            latest = max(
                (n for n in own.notes if n.next_step),
                key=lambda n: (started[n.debrief_id], n.updated_at),
                default=None,
            )
            assert (line.state, line.next_step) == (
                own.state,
                latest.next_step if latest is not None else None,
            )
            states.add(own.state)
    # The data is varied enough to reach most states.
    assert states >= {CycleState.PLANNING, CycleState.VISITING, CycleState.TRIED}
    assert len(states) >= 5


def test_a_teachers_goal_story_costs_the_same_queries_for_one_debrief_or_twelve(
    deps: Deps,
) -> None:
    def queries() -> int:
        statements: list[str] = []
        with deps.uow() as uow:
            teacher = uow.people.get_by_user(TEAM, TEACHER)
            assert teacher is not None
            actor = actor_for(uow, TEAM, COACH)
            with _listening(deps, lambda *args: statements.append(str(args[2]))):
                stories = cycles.cycles_of(uow, actor, teacher, NOW)
        assert stories
        return len(statements)

    _district(deps)
    few = queries()
    with deps.uow() as uow:
        coach = uow.people.get_by_user(TEAM, COACH)
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        assert coach is not None and teacher is not None
        for n in range(3):
            goal = _goal(uow, teacher, coach, f"Question {n}")
            for day in (20, 21, 22, 23):
                visit = _visit(uow, teacher, coach, at(day, 9 + n), outcome="happened")
                visit.goal_id = goal.id
                debrief = _debrief(uow, visit, at(day, 15))
                _note(uow, debrief, teacher, strengths="Calm start")
                _note(uow, debrief, coach, next_step="a step")
        uow.commit()
    assert queries() == few


@contextmanager
def _listening(deps: Deps, callback: Any) -> Iterator[None]:
    event.listen(deps.engine, "before_cursor_execute", callback)
    try:
        yield
    finally:
        event.remove(deps.engine, "before_cursor_execute", callback)


def test_a_lead_coach_sees_coach_and_admin_sections_and_the_report_within_100_blocks(
    deps: Deps,
) -> None:
    _district(deps, coach_role="lead_coach")
    long_report = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"Row {n}"}} for n in range(120)
    ]
    view = _home_of(deps, COACH, long_report)
    text = words(view)
    assert "Your teachers (40)" in text and "Invitations to answer (6)" in text
    assert "Roster and reports" in text and "Row 0" in text
    assert any(b.get("accessory", {}).get("action_id") == Action.HOME_ADMIN for b in view["blocks"])
    assert "doesn't fit on Home" in text
    assert len(view["blocks"]) == 100


# --------------------------------------------------------------------------- teacher


def test_a_teachers_home_shows_her_own_coaching_and_never_another_teachers(deps: Deps) -> None:
    _district(deps)
    text = words(_home_of(deps, TEACHER))
    assert MY_QUESTION in text
    assert MY_STEP in text
    assert "Trying the next step" in text
    assert "What did you notice about your students?" in text
    assert "Period 3 Algebra" in text and f"<@{COACH}>" in text
    assert "Coming up" in text
    for action in (Action.HOME_INVITE, Action.HOME_GOALS, Action.HOME_DEBRIEF):
        assert action.value in text
    assert Action.REFLECT_OPEN.value in text
    for secret in (
        THEIR_QUESTION,
        THEIR_FOCUS,
        THEIR_NOTE,
        THEIR_STEP,
        THEIR_REFLECTION,
        THEIR_CLASS,
        "SECRET",
        f"<@{OTHER}>",
    ):
        assert secret not in text
    assert "Your teachers" not in text and "Roster and reports" not in text


def test_a_teacher_with_nothing_yet_is_welcomed(deps: Deps) -> None:
    with deps.uow() as uow:
        _person(uow, TEACHER, "Ms. Alvarez")
        uow.commit()
    text = words(_home_of(deps, TEACHER))
    assert "Welcome to coachbot" in text
    assert "support, never evaluation" in text
    assert "/invite-coach" in text
    assert "Reflection prompts: on" in text
    welcome = build_home_view(TEACHER, date(2026, 11, 30))
    assert check_view(welcome) == []
    assert "Welcome to coachbot" in words(welcome)


def test_a_teachers_settings_line_follows_her_choices(deps: Deps) -> None:
    with deps.uow() as uow:
        _person(
            uow,
            TEACHER,
            "Ms. Alvarez",
            prompts_paused_until=date(2026, 12, 8),
            weekly_nudge_cap=0,
            share_wins="never",
        )
        uow.commit()
    text = words(_home_of(deps, TEACHER))
    assert "paused until Tuesday, December 8" in text
    assert "Reminders: none" in text
    assert "never offer" in text


# --------------------------------------------------------------------------- admin and leader


def test_an_admin_sees_the_roster_dead_messages_and_the_report_never_their_words(
    deps: Deps,
) -> None:
    _district(deps)
    with deps.uow() as uow:
        _person(uow, ADMIN, "Dana Admin", role="admin")
        coach = uow.people.get_by_user(TEAM, COACH)
        assert coach is not None
        for n in range(7):
            uow.session.add(
                OutboxMessage(
                    key=f"daily-list:{coach.id}:2026-11-{20 + n}",
                    team_id=TEAM,
                    person_id=coach.id,
                    channel=COACH,
                    kind="daily_list",
                    text=DEAD_TEXT,
                    blocks=json.dumps([{"type": "section", "text": DEAD_TEXT}]),
                    due_at=NOW - timedelta(days=n),
                    available_at=NOW,
                    status="dead",
                    last_error="channel_not_found",
                    created_at=NOW,
                )
            )
        uow.commit()
    view = _home_of(deps, ADMIN, REPORT)
    text = words(view)
    assert "Your roster:" in text and "40 teachers" in text
    assert "7 messages could not be sent" in text
    assert text.count("channel_not_found") == 5
    assert "daily_list" in text
    assert "212 visits with 140 teachers" in text
    assert DEAD_TEXT not in text and "SECRET" not in text
    assert "<@U0T" not in text and f"<@{TEACHER}>" not in text
    assert "Your teachers" not in text


def test_an_admin_without_a_report_yet_sees_where_it_will_be(deps: Deps) -> None:
    with deps.uow() as uow:
        _person(uow, ADMIN, "Dana Admin", role="admin")
        uow.commit()
    text = words(_home_of(deps, ADMIN))
    assert NO_REPORT_YET in text
    assert "None has failed" in text


def test_a_leaders_home_shows_only_aggregates(deps: Deps) -> None:
    _district(deps)
    with deps.uow() as uow:
        _person(uow, LEADER, "Principal Park", role="leader")
        uow.commit()
    view = _home_of(deps, LEADER, REPORT)
    text = words(view)
    assert "212 visits with 140 teachers" in text
    assert "aggregate counts only" in text
    assert "<@" not in text
    for name in ("Jordan", "Teacher 0", "Principal Park", MY_QUESTION, "SECRET"):
        assert name not in text
    assert "Roster and reports" not in text and Action.HOME_ADMIN.value not in text
    assert not any(b["type"] == "actions" for b in view["blocks"])


def test_report_blocks_never_reach_a_teacher_or_a_coach(deps: Deps) -> None:
    _district(deps)
    for user_id in (TEACHER, COACH):
        assert "212 visits" not in words(_home_of(deps, user_id, REPORT))


# --------------------------------------------------------------------------- settings


@dataclass
class _Values:
    prompts: str = "on"
    pause: str | None = None
    cap: str | None = "5"
    share: str = "ask"
    list_time: str | None = "07:30"
    empty: str = "note"

    def state(self) -> dict[str, Any]:
        def one(block: Block, state: dict[str, Any]) -> dict[str, Any]:
            return {block.value: {block.value: state}}

        def radio(value: str) -> dict[str, Any]:
            return {"type": "radio_buttons", "selected_option": {"value": value}}

        return {
            **one(Input.SETTINGS_PROMPTS, radio(self.prompts)),
            **one(Input.SETTINGS_PAUSE_UNTIL, {"type": "datepicker", "selected_date": self.pause}),
            **one(Input.SETTINGS_NUDGE_CAP, {"type": "number_input", "value": self.cap}),
            **one(Input.SETTINGS_SHARE_WINS, radio(self.share)),
            **one(
                Input.SETTINGS_LIST_TIME, {"type": "timepicker", "selected_time": self.list_time}
            ),
            **one(Input.SETTINGS_LIST_EMPTY, radio(self.empty)),
        }


HOURS = SchoolHours(time(7, 30), time(15, 30))


def _parse(values: _Values, *, teacher: bool = True, coach: bool = False) -> Any:
    return parse_settings_form(
        values.state(), teacher=teacher, coach=coach, today=TODAY, hours=HOURS
    )


def test_the_settings_modals_are_valid_views() -> None:
    teacher = TeacherSettings(False, date(2026, 12, 8), 3, "never")
    coach = CoachSettings(time(7, 30), False)
    for view in (
        build_settings_modal(teacher=teacher, coach=None, today=TODAY),
        build_settings_modal(teacher=None, coach=coach, today=TODAY, hours=HOURS),
        build_settings_modal(teacher=None, coach=None, today=TODAY),
    ):
        assert check_view(view) == []
        assert view["callback_id"] == Callback.SETTINGS
    shown = build_settings_modal(teacher=teacher, coach=None, today=TODAY)
    assert "2026-12-08" in words(shown) and '"initial_value": "3"' in words(shown)
    stale = build_settings_modal(
        teacher=TeacherSettings(True, date(2026, 11, 1), 5, "ask"), coach=None, today=TODAY
    )
    assert "2026-11-01" not in words(stale)


def test_teacher_settings_are_parsed_and_checked() -> None:
    change, errors = _parse(_Values(prompts="off", cap="2", share="never", pause="2026-12-08"))
    assert errors == {}
    assert change.teacher == TeacherSettings(False, None, 2, "never")
    assert change.coach is None
    change, _ = _parse(_Values(pause="2026-12-08", cap="0"))
    assert change.teacher == TeacherSettings(True, date(2026, 12, 8), 0, "ask")

    for bad, block in (
        (_Values(cap="99"), Input.SETTINGS_NUDGE_CAP),
        (_Values(cap="-1"), Input.SETTINGS_NUDGE_CAP),
        (_Values(cap="2.5"), Input.SETTINGS_NUDGE_CAP),
        (_Values(cap=None), Input.SETTINGS_NUDGE_CAP),
        (_Values(pause="2026-11-29"), Input.SETTINGS_PAUSE_UNTIL),
        (_Values(pause="2028-01-01"), Input.SETTINGS_PAUSE_UNTIL),
        (_Values(pause="soon"), Input.SETTINGS_PAUSE_UNTIL),
        (_Values(share="always"), Input.SETTINGS_SHARE_WINS),
        (_Values(prompts="maybe"), Input.SETTINGS_PROMPTS),
    ):
        change, errors = _parse(bad)
        assert change is None
        assert list(errors) == [block.value], bad


@pytest.mark.parametrize(
    ("list_time", "ok"),
    [("07:30", True), ("15:29", True), ("07:00", False), ("15:30", False), ("", False)],
)
def test_a_coachs_list_time_must_be_within_school_hours(list_time: str, ok: bool) -> None:
    change, errors = _parse(_Values(list_time=list_time, empty="skip"), teacher=False, coach=True)
    if ok:
        assert change.coach == CoachSettings(time.fromisoformat(list_time), False)
        assert change.teacher is None
    else:
        assert change is None and list(errors) == [Input.SETTINGS_LIST_TIME.value]
        if list_time:
            assert "7:30 AM" in errors[Input.SETTINGS_LIST_TIME.value]


def test_settings_are_saved_only_to_their_owner(deps: Deps) -> None:
    _district(deps)
    with deps.uow() as uow:
        me = uow.people.get_by_user(TEAM, TEACHER)
        other = uow.people.get_by_user(TEAM, OTHER)
        assert me is not None and other is not None
        change, _ = _parse(_Values(prompts="off", cap="2", share="never"))
        home.save_settings(uow, actor_for(uow, TEAM, TEACHER), me, change)
        with pytest.raises(home.SettingsRefused):
            home.save_settings(uow, actor_for(uow, TEAM, TEACHER), other, change)
        uow.commit()
    with deps.uow() as uow:
        me = uow.people.get_by_user(TEAM, TEACHER)
        other = uow.people.get_by_user(TEAM, OTHER)
        assert me is not None and other is not None
        assert (me.prompts_stopped, me.weekly_nudge_cap, me.share_wins) == (True, 2, "never")
        assert (other.prompts_stopped, other.weekly_nudge_cap, other.share_wins) == (
            False,
            None,
            "ask",
        )


def test_own_settings_follow_the_role(deps: Deps) -> None:
    _district(deps)
    with deps.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        coach = uow.people.get_by_user(TEAM, COACH)
        assert teacher is not None and coach is not None
        mine = home.own_settings(uow, teacher)
        assert mine.teacher is not None and mine.coach is None
        theirs = home.own_settings(uow, coach)
        assert theirs.teacher is None and theirs.coach == CoachSettings(time(7, 0), True)
        assert theirs.hours == SchoolHours(time(7, 0), time(17, 0))
        uow.commit()


def test_every_role_of_an_empty_workspace_gets_a_valid_home() -> None:
    for role in Role:
        data = HomeData(
            user_id="U0SOMEONE1",
            role=role,
            tz=NY,
            today=TODAY,
            teacher=TeacherPart() if role is Role.TEACHER else None,
            reports=role in (Role.ADMIN, Role.LEADER),
        )
        view = build_home(data)
        assert check_view(view) == [], role
        assert view["blocks"], role


def test_long_words_are_clipped_and_escaped(deps: Deps) -> None:
    with deps.uow() as uow:
        coach = _person(uow, COACH, "Jordan", role="coach")
        me = _person(uow, TEACHER, "Ms. Alvarez", assigned_coach_id=coach.id)
        for n in range(3):
            goal = _goal(uow, me, coach, f"<!channel> {n} " + "why " * 400)
            visit = _visit(uow, me, coach, at(1, 10 + n), goal_id=goal.id, class_name="x" * 100)
            debrief = _debrief(uow, visit, at(2, 10 + n))
            _note(uow, debrief, coach, next_step="<@U0EVIL> " + "step " * 500)
        for n in range(30):
            _reflection(uow, me, coach, f"Question {n} " + "long " * 300)
        uow.commit()
    view = _home_of(deps, TEACHER)
    text = words(view)
    assert "<!channel>" not in text and "<@U0EVIL>" not in text
    assert "&lt;!channel&gt;" in text
    assert "25 earlier prompts" in text


def test_a_coach_home_late_in_the_week_looks_ahead(deps: Deps) -> None:
    _district(deps)
    friday = datetime(2026, 12, 4, 14, 0, tzinfo=UTC)
    with deps.uow() as uow:
        coach = uow.people.get_by_user(TEAM, COACH)
        actor = actor_for(uow, TEAM, COACH)
        data = home.home_data(uow, actor, coach, friday)
    assert data.coach is not None
    assert data.coach.week_label == "This week and next"
    # A new month: November's visits are November's.
    assert data.coach.month_label == "December" and data.coach.minutes == {}
    assert data.coach.today and all(
        a.starts_at >= friday - timedelta(hours=10) for a in data.coach.today
    )
