"""Every query a planner runs each minute reads by an index, never a whole table that grows
with history (visits, debriefs, notes, reflections, goals, the outbox).

A school year of rows is seeded small (the plan, not the size, is what is checked), each
planner runs with every statement recorded, and SQLite's EXPLAIN QUERY PLAN of each must not
SCAN a growing table: every such query has an index it can use.

On PostgreSQL (when COACHBOT_TEST_POSTGRES_URL is set) the same seed is ANALYZEd and each
statement's EXPLAIN is read with `enable_seqscan` off: on tables this small PostgreSQL rightly
prefers reading the whole table, so its choice says nothing; with sequential scans priced out,
a Seq Scan left in a plan means no index can serve that query at all.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event

from bot.app import jobs
from bot.rules import office_hours
from storage.db import make_engine, make_session_factory
from storage.models import (
    Debrief,
    DebriefNote,
    District,
    Goal,
    OutboxMessage,
    Person,
    Reflection,
    School,
    Visit,
)
from storage.uow import UnitOfWork
from tests.conftest import _Emptier

GROWING = (
    "visits",
    "debriefs",
    "debrief_notes",
    "next_step_answers",
    "reflections",
    "goals",
    "outbox",
)
NOW = datetime(2027, 3, 9, 15, 30, tzinfo=UTC)  # a Tuesday, 10:30 in New York
TEAM = "T0PLANS"


def _seed(engine: Engine) -> None:
    rng = random.Random(7)
    with UnitOfWork(make_session_factory(engine)) as uow:
        session = uow.session
        session.add(District(team_id=TEAM, timezone="America/New_York"))
        schools = [School(team_id=TEAM, name=f"School {n}") for n in range(3)]
        session.add_all(schools)
        session.flush()
        coaches = [
            Person(team_id=TEAM, user_id=f"U0PC{n:03d}", role="coach", school_id=schools[n % 3].id)
            for n in range(6)
        ]
        session.add_all(coaches)
        session.flush()
        teachers = [
            Person(
                team_id=TEAM,
                user_id=f"U0PT{n:03d}",
                school_id=schools[n % 3].id,
                assigned_coach_id=coaches[n % 6].id,
            )
            for n in range(60)
        ]
        session.add_all(teachers)
        session.flush()
        goals = [
            Goal(
                team_id=TEAM,
                teacher_id=t.id,
                coach_id=t.assigned_coach_id,
                question="How might more students explain?",
                focus_area="discourse",
                created_at=NOW - timedelta(days=150),
                updated_at=NOW - timedelta(days=150),
            )
            for t in teachers
        ]
        session.add_all(goals)
        session.flush()
        # Ids given here rather than read back after each row: the rows of a table go in
        # as one batch (visits and debriefs first, then what refers to them), which makes
        # seeding the year several times quicker.
        debrief_ids = iter(range(1, 601))
        later: list[DebriefNote | Reflection | OutboxMessage] = []
        for n in range(600):
            teacher = rng.choice(teachers)
            starts = NOW - timedelta(days=rng.randint(-10, 180), hours=rng.randint(0, 5))
            past = starts < NOW
            visit = Visit(
                id=n + 1,
                team_id=TEAM,
                teacher_id=teacher.id,
                coach_id=teacher.assigned_coach_id,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=45),
                support_type="observe",
                status="accepted" if past or n % 3 else "pending",
                outcome="happened" if past else None,
                log_prompted_at=starts + timedelta(hours=1) if past else None,
                created_at=starts - timedelta(days=3),
                updated_at=starts - timedelta(days=3),
                goal_id=goals[teachers.index(teacher)].id,
            )
            session.add(visit)
            if past and n % 2:
                debrief = Debrief(
                    id=next(debrief_ids),
                    team_id=TEAM,
                    visit_id=visit.id,
                    teacher_id=visit.teacher_id,
                    coach_id=visit.coach_id,
                    starts_at=starts + timedelta(days=1),
                    ends_at=starts + timedelta(days=1, minutes=30),
                    created_at=starts,
                )
                session.add(debrief)
                later.append(
                    DebriefNote(
                        debrief_id=debrief.id,
                        author_id=visit.coach_id,
                        next_step="Cold call after think time",
                        check_back_on=(starts + timedelta(days=14)).date(),
                        created_at=starts + timedelta(days=1),
                        updated_at=starts + timedelta(days=1),
                    )
                )
                later.append(
                    Reflection(
                        team_id=TEAM,
                        teacher_id=visit.teacher_id,
                        debrief_id=debrief.id,
                        question="What did you notice?",
                        created_at=starts + timedelta(days=1),
                    )
                )
            later.append(
                OutboxMessage(
                    key=f"daily-list:{visit.coach_id}:{n}",
                    team_id=TEAM,
                    person_id=visit.coach_id,
                    channel="D0",
                    kind="daily_list",
                    text="x",
                    due_at=starts,
                    available_at=starts,
                    status="sent",
                    sent_at=starts,
                    created_at=starts,
                )
            )
        session.flush()
        session.add_all(later)
        uow.commit()


@pytest.fixture
def seeded(sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_url)
    _seed(engine)
    yield engine
    engine.dispose()


def _scans(engine: Engine, statement: str, parameters: Any) -> list[str]:
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        plan = raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
    found = []
    for row in plan:
        detail = str(row[-1])
        scanned = re.match(r"SCAN (\w+)", detail)
        if scanned and scanned.group(1) in GROWING:  # SCAN reads all rows, by index or not
            found.append(detail)
    return found


PLANNERS = [*jobs.PLANNERS, jobs.plan_visit_logs]


def test_no_planner_scans_a_table_that_grows_with_history(seeded: Engine) -> None:
    # Every planner in one test: seeding the year is most of the time, and is done once.
    assert _scanning(seeded, _scans) == {}


@pytest.fixture
def seeded_postgres(
    postgres_database: str | None, postgres_emptier: _Emptier | None
) -> Iterator[Engine]:
    if postgres_database is None or postgres_emptier is None:
        pytest.skip("COACHBOT_TEST_POSTGRES_URL is not set")
    engine = make_engine(postgres_database)
    try:
        _seed(engine)
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
        yield engine
    finally:
        engine.dispose()
        postgres_emptier.empty()


def _seq_scans(engine: Engine, statement: str, parameters: Any) -> list[str]:
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {statement}", parameters)
        [[plan]] = cursor.fetchall()
        raw.rollback()
    found = []
    nodes = [plan[0]["Plan"]]
    while nodes:
        node = nodes.pop()
        nodes += node.get("Plans", [])
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in GROWING:
            found.append(f"Seq Scan on {node['Relation Name']}")
    return found


def test_no_planner_scans_a_table_that_grows_with_history_on_postgresql(
    seeded_postgres: Engine,
) -> None:
    assert _scanning(seeded_postgres, _seq_scans) == {}


def _scanning(engine: Engine, scans: Callable[[Engine, str, Any], list[str]]) -> dict[str, Any]:
    """Each planner's statements whose plan scans a growing table, by planner name."""
    found: dict[str, Any] = {}
    for planner in PLANNERS:
        statements = _statements(engine, planner)
        scanning = {s: plan for s, p in statements if (plan := scans(engine, s, p))}
        if scanning:
            found[planner.__name__] = scanning
    return found


def _statements(engine: Engine, planner: Any) -> list[tuple[str, Any]]:
    """Every SELECT the planner runs on its own, with its parameters."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with UnitOfWork(make_session_factory(engine)) as uow:
            planner(uow, NOW)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert statements, "the planner read nothing"
    return statements


def test_the_open_slots_read_the_ten_days_by_index(seeded: Engine) -> None:
    """/invite-coach works out a coach's open times before the form opens: what holds the
    coach's time is read for the ten school days only, by an index."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    with UnitOfWork(make_session_factory(seeded)) as uow:
        coach = uow.people.get_by_user(TEAM, "U0PC000")
        teacher = uow.people.get_by_user(TEAM, "U0PT000")
        assert coach is not None and teacher is not None
        uow.office_hours.replace(TEAM, coach.id, 30, _WINDOWS, NOW)
        uow.commit()
        event.listen(seeded, "before_cursor_execute", record)
        try:
            assert office_hours.slots_for(uow, coach, teacher, NOW)
        finally:
            event.remove(seeded, "before_cursor_execute", record)
    scans = {s: found for s, p in statements if (found := _scans(seeded, s, p))}
    assert scans == {}


_WINDOWS = [(day, time(9), time(15)) for day in range(5)]
