"""A district's whole school year: seed it once, then time what runs every minute and on requests.

One district, 40 schools, 250 coaches, 5,000 teachers and a June school day's clock, with a
year behind it: 150,000 visits, 75,000 debriefs, about 149,000 notes, 10,000 goals, 75,000
reflections and about 425,000 messages sent over the year (`--scale` shrinks all of it). The
rows are written with coachbot's own models, in bulk, as the daily retention job leaves them:
the outbox holds the last OUTBOX_DAYS of sent messages, without their Block Kit layout, and the
record of which nudge went to whom (`nudges_sent`) holds the year's nudges.

Printed, for the database given:
- each planner the scheduler wakes every minute, on its second pass (nothing newly due): time,
  SQL statements and the peak of Python memory it allocated;
- the Home tab for a teacher, a coach, a lead coach and an admin, and `/coach-goal @teacher`,
  through the app's real HTTP endpoint against the Slack stand-in (median of 5);
- `coachbot report` for the school year: time and peak memory;
- the database's size and the outbox's share of it.

Usage:
  uv run python bench/year.py [--database sqlite|postgresql+psycopg://...] [--scale 1.0]
                              [--keep PATH]   (reuse a seeded SQLite file between runs)

A database is seeded only when it has no schema yet: a PostgreSQL database seeded by an earlier
run is reused as it is, as a kept SQLite file is (each run adds the few rows its requests and
planners write).
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from contextlib import contextmanager
from datetime import UTC, date, datetime, time as clock_time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import ack  # bench/ack.py: the burst of commands, and the roster alone
from sqlalchemy import Engine, create_engine, event, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.app import jobs
from bot.app.factory import LISTENER_THREADS
from bot.app.runtime import Runtime
from bot.app.server import settle_the_heap
from bot.app.settings import Settings
from bot.demo.standin import SlackStandin
from bot.reads.report import run_report_command
from bot.rules.retention import RetentionPolicy
from bot.slack import payloads
from bot.slack.payloads import SlackSender
from storage import migrate
from storage.db import make_engine, make_session_factory
from storage.models import (
    Base,
    Closure,
    Debrief,
    DebriefNote,
    District,
    Goal,
    OutboxMessage,
    Person,
    Reflection,
    School,
    SentNudge,
    Visit,
)
from storage.uow import UnitOfWork

TEAM = payloads.TEAM_ID
TOKEN = "xoxb-0000000000-0000000000-benchtokenvalue"
SECRET = "0123456789abcdef0123456789abcdef"
ZONE = ZoneInfo("America/New_York")
FIRST_DAY = date(2026, 8, 24)
# Tuesday 2027-06-08, 10:30 in New York: a school day near the end of the year.
NOW = datetime(2027, 6, 8, 14, 30, tzinfo=UTC)
BREAKS = [
    (date(2026, 11, 25), date(2026, 11, 27), "Thanksgiving"),
    (date(2026, 12, 21), date(2027, 1, 1), "Winter break"),
    (date(2027, 3, 22), date(2027, 3, 26), "Spring break"),
]
KINDS = ["observe", "model", "co_teach", "co_plan", "data_talk", "other"]
FULL = {
    "schools": 40,
    "coaches": 250,
    "teachers": 5000,
    "visits": 150_000,
    "outbox": 425_000,
}
BATCH = 5000
OUTBOX_DAYS = RetentionPolicy().outbox_days  # sent rows older than this are deleted daily


# ----------------------------------------------------------------------------- seeding


def school_days(until: date) -> list[date]:
    days, day = [], FIRST_DAY
    while day < until:
        closed = any(first <= day <= last for first, last, _ in BREAKS)
        if day.weekday() < 5 and not closed:
            days.append(day)
        day += timedelta(days=1)
    return days


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, clock_time(hour, minute), ZONE).astimezone(UTC)


def _insert(uow: UnitOfWork, model: type[Base], rows: list[dict[str, Any]]) -> None:
    columns = set(model.__table__.columns.keys())
    for start in range(0, len(rows), BATCH):
        chunk = [
            {k: v for k, v in row.items() if k in columns} for row in rows[start : start + BATCH]
        ]
        uow.session.execute(insert(model), chunk)


def _person(
    n: int, user_id: str, role: str, school: int | None, coach: int | None
) -> dict[str, Any]:
    return {
        "id": n,
        "team_id": TEAM,
        "user_id": user_id,
        "display_name": f"{role.replace('_', ' ').title()} {user_id[4:]}",
        "email": f"{user_id.lower()}@year.example.org",
        "timezone": ZONE.key,
        "role": role,
        "active": True,
        "synced_at": NOW - timedelta(hours=1),
        "school_id": school,
        "assigned_coach_id": coach,
        "weekly_capacity": 8,
        "daily_list_when_empty": True,
        "prompts_stopped": False,
        "share_wins": "ask",
    }


class Year:
    """The rows of one school year, built in memory and written in bulk."""

    def __init__(self, scale: float) -> None:
        self.rng = random.Random(2027)
        self.n = {name: max(2, round(full * scale)) for name, full in FULL.items()}
        self.today = NOW.astimezone(ZONE).date()
        self.days = school_days(self.today + timedelta(days=15))
        self.rows: dict[type[Base], list[dict[str, Any]]] = {
            model: [] for model in (School, Closure, Person, Goal, Visit, Debrief, DebriefNote)
        }
        self.rows[Reflection] = []
        self.coaches: list[int] = []
        self.coach_of: dict[int, int] = {}
        self.teachers: list[int] = []
        self.goal_of: dict[tuple[int, bool], int] = {}

    def add(self, model: type[Base], row: dict[str, Any]) -> int:
        rows = self.rows[model]
        row["id"] = len(rows) + 1
        rows.append(row)
        return int(row["id"])

    def build(self) -> None:
        for s in range(self.n["schools"]):
            self.add(School, {"team_id": TEAM, "name": f"School {s + 1:02d}"})
        for first, last, why in BREAKS:
            self.add(
                Closure, {"team_id": TEAM, "first_day": first, "last_day": last, "reason": why}
            )
        self._people()
        self._goals()
        for v in range(self.n["visits"]):
            self._visit(self.days[v * len(self.days) // self.n["visits"]])

    def _people(self) -> None:
        schools = self.n["schools"]
        people = self.rows[Person]
        for c in range(self.n["coaches"]):
            n = len(people) + 1
            people.append(_person(n, f"U0YC{c:05d}", "coach", c % schools + 1, None))
            self.coaches.append(n)
        for user_id, role in [(f"U0YL{n:05d}", "lead_coach") for n in range(4)] + [
            (f"U0Y{kind}{n:05d}", role)
            for n in range(2)
            for kind, role in (("A", "admin"), ("P", "leader"))
        ]:
            people.append(
                _person(len(people) + 1, user_id, role, 1 if role != "admin" else None, None)
            )
        by_school: dict[int, list[int]] = {}
        for coach in self.coaches:
            by_school.setdefault(people[coach - 1]["school_id"], []).append(coach)
        for t in range(self.n["teachers"]):
            school = t % schools + 1
            coach = self.rng.choice(by_school.get(school) or self.coaches)
            n = len(people) + 1
            people.append(_person(n, f"U0YT{t:05d}", "teacher", school, coach))
            self.coach_of[n] = coach
            self.teachers.append(n)

    def _goals(self) -> None:
        """Two goals a teacher: one met in the fall, one active since January."""
        for teacher, coach in self.coach_of.items():
            for spring in (False, True):
                started = at(date(2027, 1, 11) if spring else date(2026, 9, 14), 15)
                self.goal_of[(teacher, spring)] = self.add(
                    Goal,
                    {
                        "team_id": TEAM,
                        "teacher_id": teacher,
                        "coach_id": coach,
                        "question": "How might more students explain their thinking in writing?",
                        "focus_area": "student_discourse",
                        "status": "active" if spring else "met",
                        "created_at": started,
                        "updated_at": started,
                        "closed_at": None if spring else at(date(2026, 12, 18), 15),
                        "version": 1,
                    },
                )

    def _visit(self, day: date) -> None:
        rng = self.rng
        teacher = rng.choice(self.teachers)
        coach = self.coach_of[teacher]
        starts = at(day, rng.randint(8, 14), rng.choice((0, 15, 30, 45)))
        roll = rng.random()
        if starts < NOW:
            status = "accepted" if roll < 0.86 else "declined" if roll < 0.93 else "cancelled"
        else:
            status = "pending" if roll < 0.3 else "accepted"
        logged = status == "accepted" and starts < NOW - timedelta(hours=3)
        outcome = ("happened" if rng.random() < 0.9 else "rescheduled") if logged else None
        kind = rng.choice(KINDS)
        visit = self.add(
            Visit,
            {
                "team_id": TEAM,
                "teacher_id": teacher,
                "coach_id": coach,
                "starts_at": starts,
                "ends_at": starts + timedelta(minutes=45),
                "class_name": "Period 3",
                "support_type": kind,
                "focus": "Turn and talk during the mini-lesson",
                "status": status,
                "coach_channel": f"D{coach:09d}",
                "coach_ts": f"{int(starts.timestamp())}.000100",
                "teacher_channel": f"D{teacher:09d}",
                "teacher_ts": f"{int(starts.timestamp())}.000200",
                "created_at": starts - timedelta(days=5),
                "updated_at": starts - timedelta(days=4),
                "version": 2,
                "goal_id": self.goal_of[(teacher, day >= date(2027, 1, 11))],
                "log_prompted_at": starts + timedelta(minutes=50) if outcome else None,
                "outcome": outcome,
                "logged_support_type": kind if outcome else None,
                "logged_at": starts + timedelta(hours=2) if outcome else None,
            },
        )
        if outcome != "happened":
            return
        half = self.n["visits"] // 2
        debriefed = len(self.rows[Debrief]) < half and day < self.today
        if debriefed:
            self._debrief(visit, teacher, coach, starts + timedelta(days=1))
        # The last week's visits all have their prompt, as the planner would have made them.
        if starts >= NOW - timedelta(days=8) or (
            not debriefed and len(self.rows[Reflection]) < half
        ):
            self._reflection(teacher, coach, starts, visit=visit)

    def _debrief(self, visit: int, teacher: int, coach: int, met: datetime) -> None:
        debrief = self.add(
            Debrief,
            {
                "team_id": TEAM,
                "visit_id": visit,
                "teacher_id": teacher,
                "coach_id": coach,
                "starts_at": met,
                "ends_at": met + timedelta(minutes=30),
                "place": "Room 204",
                "created_at": met - timedelta(hours=20),
                "version": 1,
            },
        )
        for author in (teacher, coach):
            if self.rng.random() < 0.007:
                continue  # one side never wrote theirs
            self.add(
                DebriefNote,
                {
                    "debrief_id": debrief,
                    "author_id": author,
                    "strengths": "Students used the sentence stems without prompting.",
                    "try_next": "Cold call after think time.",
                    "next_step": "Try it in period 5" if author == coach else None,
                    "check_back_on": met.date() + timedelta(days=14) if author == coach else None,
                    "created_at": met + timedelta(hours=1),
                    "updated_at": met + timedelta(hours=1),
                    "version": 1,
                },
            )
        self._reflection(teacher, coach, met, debrief=debrief)

    def _reflection(
        self,
        teacher: int,
        coach: int,
        after: datetime,
        *,
        visit: int | None = None,
        debrief: int | None = None,
    ) -> None:
        answered = self.rng.random() < 0.6
        self.add(
            Reflection,
            {
                "team_id": TEAM,
                "teacher_id": teacher,
                "coach_id": coach,
                "visit_id": visit,
                "debrief_id": debrief,
                "question": "What did you notice about your students today?",
                "answer": "More of them wrote a full sentence." if answered else None,
                "shared_with_coach": answered and self.rng.random() < 0.3,
                "created_at": after + timedelta(hours=4),
                "answered_at": after + timedelta(hours=6) if answered else None,
                "version": 1,
            },
        )


LIST_BLOCKS = json.dumps([{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 180}}] * 6)
SMALL_BLOCKS = json.dumps([{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 180}}] * 2)
Sent = tuple[str, int, str, datetime, "str | None", str]  # key, person, kind, when, ref, blocks


def _daily_lists(year: Year) -> Iterator[Sent]:
    for day in (d for d in year.days if d < year.today):
        for coach in year.coaches:
            key = f"daily-list:{coach}:{day.isoformat()}"
            yield key, coach, "daily_list", at(day, 7), None, LIST_BLOCKS


def _prompts(year: Year) -> Iterator[Sent]:
    for v in year.rows[Visit]:
        if v["log_prompted_at"] is not None:
            ref = f"visit:{v['id']}"
            yield (
                f"visit_log:{v['id']}",
                v["coach_id"],
                "visit_log",
                v["log_prompted_at"],
                ref,
                SMALL_BLOCKS,
            )
    for r in year.rows[Reflection]:
        yield (
            f"reflection:{r['id']}",
            r["teacher_id"],
            "reflection",
            r["created_at"],
            None,
            SMALL_BLOCKS,
        )


def _nudges(year: Year) -> Iterator[Sent]:
    """The nudges a year of planning sent, under the keys and refs the planner gives them."""

    def nudge(rule: str, item: str, ref: str, n: int, person: int, when: datetime) -> Sent:
        return f"nudge:{rule}:{item}:{n}:{person}", person, "nudge", when, ref, SMALL_BLOCKS

    for v in year.rows[Visit]:
        if v["outcome"] == "happened":
            ref, when = f"visit:{v['id']}:debrief", v["ends_at"] + timedelta(days=2)
            yield nudge("debrief", str(v["id"]), ref, 1, v["coach_id"], when)
            yield nudge("debrief", str(v["id"]), ref, 1, v["teacher_id"], when)
        elif v["status"] == "accepted" and v["starts_at"] < NOW:
            item, ref = f"{v['id']}v1", f"visit:{v['id']}:answer:1"
            yield nudge("answer", item, ref, 1, v["coach_id"], v["created_at"] + timedelta(days=1))
    teacher_of = {d["id"]: d["teacher_id"] for d in year.rows[Debrief]}
    for note in year.rows[DebriefNote]:
        day = note["check_back_on"]
        if day is not None and note["next_step"]:
            item, ref = f"{note['id']}@{day.isoformat()}", f"note:{note['id']}:check-back"
            for n in (1, 2):
                when = at(day, 8) + timedelta(days=3 * n - 3)
                yield nudge("check-back", item, ref, n, teacher_of[note["debrief_id"]], when)
    for goal in year.rows[Goal]:
        when = goal["created_at"] + timedelta(days=30)
        item = f"{goal['id']}@{int(goal['created_at'].timestamp())}"
        yield nudge("quiet", item, f"goal:{goal['id']}:quiet", 1, goal["teacher_id"], when)


def _outbox_rows(year: Year) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Sent rows as a year of planning leaves them (daily lists, prompts, then nudges), after
    the daily retention job: the outbox's rows of the last OUTBOX_DAYS, and every nudge's
    record."""
    rows: list[dict[str, Any]] = []
    record: list[dict[str, Any]] = []
    sent = 0
    kept_from = NOW - timedelta(days=OUTBOX_DAYS)
    for key, person, kind, when, ref, _blocks in (
        *_daily_lists(year),
        *_prompts(year),
        *_nudges(year),
    ):
        if sent >= year.n["outbox"]:
            break
        if when >= NOW:
            continue
        sent += 1
        if kind == "nudge":
            record.append({"key": key, "person_id": person, "ref": ref, "due_at": when})
        if when + timedelta(seconds=2) < kept_from:
            continue
        rows.append(
            {
                "id": len(rows) + 1,
                "key": key,
                "team_id": TEAM,
                "person_id": person,
                "channel": f"D{person:09d}",
                "kind": kind,
                "ref": ref,
                "text": "A message from coachbot",
                "blocks": None,  # sent: the layout is in Slack
                "due_at": when,
                "available_at": when,
                "status": "sent",
                "attempts": 1,
                "failures": 0,
                "maybe_sent": False,
                "slack_channel": f"D{person:09d}",
                "slack_ts": f"{int(when.timestamp())}.{len(rows) % 1000000:06d}",
                "sent_at": when + timedelta(seconds=2),
                "created_at": when - timedelta(minutes=1),
            }
        )
    return rows, record


def seed(engine: Engine, scale: float) -> dict[str, int]:
    """Write the year; returns how many rows of each kind."""
    year = Year(scale)
    year.build()
    outbox, record = _outbox_rows(year)
    with UnitOfWork(make_session_factory(engine)) as uow:
        uow.session.add(District(team_id=TEAM, name="Year District", timezone=ZONE.key))
        for model, rows in year.rows.items():
            _insert(uow, model, rows)
        _insert(uow, OutboxMessage, outbox)
        _insert(uow, SentNudge, record)
        uow.commit()
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            for model in [*year.rows, OutboxMessage]:
                table = model.__tablename__
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
            connection.execute(text("ANALYZE"))
    counts = {model.__tablename__: len(rows) for model, rows in year.rows.items()}
    return {**counts, "outbox": len(outbox), "nudges_sent": len(record)}


# ----------------------------------------------------------------------------- measuring


@contextmanager
def counting(engine: Engine) -> Iterator[list[int]]:
    seen = [0]

    def count(*_args: Any) -> None:
        seen[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def planners() -> list[tuple[str, Callable[[UnitOfWork, datetime], int]]]:
    found = [(p.__name__, p) for p in jobs.PLANNERS]
    if hasattr(jobs, "plan_visit_logs") and jobs.plan_visit_logs not in jobs.PLANNERS:
        found.append(("plan_visit_logs", jobs.plan_visit_logs))
    return found


def measure_planners(engine: Engine, now: datetime) -> None:
    factory = make_session_factory(engine)
    for name, planner in planners():
        with UnitOfWork(factory) as uow:  # the first pass plans what is due, and keeps it
            first = planner(uow, now)
            uow.commit()
        with counting(engine) as statements, UnitOfWork(factory) as uow:
            started = time.perf_counter()
            again = planner(uow, now + timedelta(minutes=1))
            elapsed = time.perf_counter() - started
        tracemalloc.start()
        with UnitOfWork(factory) as uow:
            planner(uow, now + timedelta(minutes=1))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"  {name:<24} {elapsed * 1000:8.1f} ms  {statements[0]:6d} statements  "
            f"{peak / 2**20:7.1f} MB peak  (planned {first}, then {again})"
        )


class Listeners(ThreadPoolExecutor):
    def __init__(self, threads: int = 8) -> None:
        super().__init__(max_workers=threads, thread_name_prefix="listener")
        self.futures: list[Future[Any]] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        self.futures.append(future)
        return future

    def settle(self) -> None:
        wait(list(self.futures), timeout=60)
        self.futures.clear()


def _settings(url: str, slack: SlackStandin) -> Settings:
    """The app's settings for this database, talking to this Slack stand-in."""
    return Settings(
        slack_bot_token=TOKEN,  # type: ignore[arg-type]
        slack_signing_secret=SECRET,  # type: ignore[arg-type]
        slack_api_url=slack.url,
        database_url=url,  # type: ignore[arg-type]
        public_url="https://coachbot.example.org",
        port=0,
        _env_file=None,  # type: ignore[call-arg]
    )


def measure_requests(url: str, engine: Engine) -> None:
    with SlackStandin(bot_token=TOKEN) as slack:
        settings = _settings(url, slack)
        listeners = Listeners()
        runtime = Runtime(settings, engine, host="127.0.0.1", executor=listeners, clock=lambda: NOW)
        server = threading.Thread(target=runtime.http.serve_forever, daemon=True)
        server.start()
        sender = SlackSender("127.0.0.1", runtime.http.port, SECRET)
        try:
            for label, user in (
                ("Home, teacher", "U0YT00042"),
                ("Home, coach", "U0YC00007"),
                ("Home, lead coach", "U0YL00001"),
                ("Home, admin", "U0YA00000"),
                ("Home, leader", "U0YP00000"),
            ):
                _timed(
                    label,
                    lambda u=user: sender.post(_home_opened(u)),
                    listeners,
                    slack,
                    "views.publish",
                )
            teacher = "U0YT00042"
            with engine.connect() as connection:
                coach_id = connection.execute(
                    select(Person.assigned_coach_id).where(Person.user_id == teacher)
                ).scalar_one()
                coach = connection.execute(
                    select(Person.user_id).where(Person.id == coach_id)
                ).scalar_one()
            _timed(
                "/coach-goal @teacher",
                lambda: sender.post(
                    payloads.slash_command("/coach-goal", f"<@{teacher}>", user_id=coach)
                ),
                listeners,
                slack,
                "views.open",
            )
        finally:
            runtime.http.stop()
            server.join(15)
            listeners.shutdown(wait=True)


BURST = 400, 50  # signed /invite-coach, this many at once, as bench/ack.py sends them


def measure_acks(url: str, engine: Engine) -> None:
    """The burst of bench/ack.py answered by the app in this process (its scheduler's
    process, as `coachbot serve --role all` runs): on the year's database at rest, and while
    every planner runs pass after pass in a thread of its own; beside the same burst on a
    database holding only the district's roster, on the same server. The requests are sent from a
    process of their own, so their sending does not take this process's interpreter lock."""
    year_rest = _ack_p99s(url, engine, planning=False)
    year_planning = _ack_p99s(url, engine, planning=True)
    rows = [("year, at rest", year_rest), ("year, planners running", year_planning)]
    with _roster_only(url) as roster_url:
        ack.seed_roster(roster_url)
        roster = make_engine(roster_url)
        rows.insert(0, ("roster only, at rest", _ack_p99s(roster_url, roster, False)))
        roster.dispose()
    requests, concurrency = BURST
    for label, (p99, passes) in rows:
        during = f"  ({passes} planner passes during the bursts)" if passes else ""
        print(f"  ack p99, {label:<22} {p99 * 1000:8.1f} ms{during}")
    if len(rows) == 3:
        print(f"  ack p99 while planning / roster only = {year_planning[0] / rows[0][1][0]:.2f}")
    print(
        f"  ({requests} signed /invite-coach from {ack.TEACHERS} teachers, {concurrency} at once,"
    )
    print("   median of 3 bursts after a warm-up)")


@contextmanager
def _roster_only(url: str) -> Iterator[str]:
    """A database of its own for the roster alone, on the same server as the year's; dropped
    afterwards."""
    if make_url(url).get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'roster.db'}"
        return
    name = f"coachbot_roster_{os.getpid()}"
    server = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def _ack_p99s(url: str, engine: Engine, planning: bool) -> tuple[float, int]:
    """The median of three bursts' ack p99, and how many planner passes ran meanwhile."""
    requests, concurrency = BURST
    users = [f"U0YT{n:05d}" for n in range(ack.TEACHERS)]
    with SlackStandin(bot_token=TOKEN) as slack:
        settings = _settings(url, slack)
        listeners = Listeners(LISTENER_THREADS)
        runtime = Runtime(settings, engine, host="127.0.0.1", executor=listeners, clock=lambda: NOW)
        settle_the_heap()  # as `coachbot serve` does before serving
        server = threading.Thread(target=runtime.http.serve_forever, daemon=True)
        server.start()
        stop = threading.Event()
        passes = [0]

        def plan_until_stopped() -> None:
            factory = make_session_factory(engine)
            minute = NOW
            while not stop.is_set():
                for _, planner in planners():
                    with UnitOfWork(factory) as uow:
                        planner(uow, minute)
                        uow.commit()
                passes[0] += 1
                minute += timedelta(minutes=1)

        p99s = []
        context = multiprocessing.get_context("spawn")
        try:
            with ProcessPoolExecutor(max_workers=1, mp_context=context) as sender:
                port = runtime.http.port
                sender.submit(ack.send_burst, port, concurrency, concurrency, users).result()
                listeners.settle()
                planner_thread = threading.Thread(target=plan_until_stopped, daemon=True)
                if planning:
                    planner_thread.start()
                for _ in range(3):
                    acks, _, failures = sender.submit(
                        ack.send_burst, port, requests, concurrency, users
                    ).result()
                    if failures:
                        raise SystemExit(f"{failures} of {requests} commands were not answered 200")
                    p99s.append(ack.percentile(acks, 0.99))
                    listeners.settle()  # every form is opened before the next burst leaves
        finally:
            stop.set()
            if planning:
                planner_thread.join(60)
            runtime.http.stop()
            server.join(15)
            listeners.shutdown(wait=True)
    return statistics.median(p99s), passes[0]


def _home_opened(user: str) -> tuple[str, str]:
    """A new event id each time: a kept database remembers the events it has handled."""
    event = payloads.app_home_opened(user)
    return payloads.event_callback(event, event_id=f"Ev{uuid.uuid4().hex[:12].upper()}")


def _timed(
    label: str, send: Callable[[], Any], listeners: Listeners, slack: SlackStandin, method: str
) -> None:
    times = []
    for _ in range(6):
        before = len(slack.calls_to(method))
        started = time.perf_counter()
        reply = send()
        listeners.settle()
        times.append(time.perf_counter() - started)
        if reply.status != 200 or len(slack.calls_to(method)) != before + 1:
            raise SystemExit(f"{label}: answered {reply.status}, no {method} reached Slack")
    median = statistics.median(times[1:]) * 1000
    print(f"  {label:<24} {median:8.1f} ms (median of 5, after one warm-up)")


def measure_report(engine: Engine) -> None:
    """The year's report, timed on its own, then again under tracemalloc for its memory."""
    import io

    def run() -> float:
        started = time.perf_counter()
        with UnitOfWork(make_session_factory(engine)) as uow:
            out = io.StringIO()
            run_report_command(uow, TEAM, FIRST_DAY, NOW.astimezone(ZONE).date(), "csv", out)
        return time.perf_counter() - started

    elapsed = run()
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"  {'report, school year':<24} {elapsed * 1000:8.1f} ms  {peak / 2**20:7.1f} MB peak")


def measure_size(engine: Engine, path: Path | None) -> None:
    with engine.connect() as connection:
        outbox_rows = connection.execute(
            select(func.count()).select_from(OutboxMessage)
        ).scalar_one()
        if engine.dialect.name == "postgresql":
            total = connection.execute(
                text("SELECT pg_database_size(current_database())")
            ).scalar_one()
            share = connection.execute(text("SELECT pg_total_relation_size('outbox')")).scalar_one()
        else:
            total = path.stat().st_size if path else 0
            try:
                share = (
                    connection.execute(
                        text(
                            "SELECT sum(pgsize) FROM dbstat "
                            "WHERE name = 'outbox' OR name LIKE 'ix_outbox%'"
                        )
                    ).scalar_one()
                    or 0
                )
            except OperationalError:  # dbstat is an optional part of SQLite
                share = 0
    share_text = f", outbox {share / total:.0%}" if share and total else ""
    print(
        f"  {'database size':<24} {total / 2**20:8.1f} MB{share_text} ({outbox_rows} outbox rows)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database",
        default="sqlite",
        help="sqlite, or a PostgreSQL URL (an empty database is seeded, a seeded one reused)",
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--keep", type=Path, help="a SQLite file to seed once and reuse")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    path: Path | None = None
    if args.database == "sqlite":
        path = args.keep or Path(tempfile.mkdtemp()) / "year.db"
        url = f"sqlite:///{path}"
    else:
        url = args.database
    engine = make_engine(url)
    fresh = migrate.current_revision(engine) is None
    migrate.upgrade_if_behind(engine)
    if fresh:
        started = time.perf_counter()
        counts = seed(engine, args.scale)
        print(
            f"seeded in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        )
    print(f"{engine.dialect.name}, clock {NOW.astimezone(ZONE):%a %Y-%m-%d %H:%M %Z}")
    print("planners, second pass (nothing newly due):")
    measure_planners(engine, NOW)
    print("requests through the HTTP endpoint:")
    measure_requests(url, engine)
    print("acknowledging a burst of commands:")
    measure_acks(url, engine)
    print("reports and size:")
    measure_report(engine)
    measure_size(engine, path)
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
