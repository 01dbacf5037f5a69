"""The coach's daily visit list: when it is planned, what it says, and what planning costs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import event, insert, select

from bot.app.deps import Deps
from bot.demo.block_kit import check_blocks
from bot.reads.daily import NOT_SEEN_DAYS, plan_daily_lists
from bot.rules.calendar import Closure
from bot.rules.domain import SupportType
from bot.rules.school_calendar import save_calendar
from bot.views.daily import (
    EMPTY_DAY,
    ListCheckBack,
    ListDebrief,
    ListTeacher,
    ListVisit,
    build_daily_list,
)
from bot.views.visits import WaitingInvitation
from storage.models import (
    CoachingLog,
    CoachingLogTeacher,
    Debrief,
    DebriefNote,
    Goal,
    OutboxMessage,
    Person,
    Visit,
)
from storage.uow import UnitOfWork

TEAM = "T0COACH"
NEW_YORK = "America/New_York"
LOS_ANGELES = "America/Los_Angeles"
# Tuesday 2026-12-01: winter, so New York is UTC-5 and Los Angeles UTC-8.
TUESDAY = date(2026, 12, 1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --------------------------------------------------------------------------- helpers


def _person(uow: UnitOfWork, user_id: str, *, role: str = "teacher", **fields: Any) -> Person:
    fields.setdefault("timezone", NEW_YORK)
    return uow.people.add(
        Person(team_id=TEAM, user_id=user_id, display_name=user_id, role=role, **fields)
    )


def _coach(deps: Deps, user_id: str = "U0COACH", *, teacher: bool = True, **fields: Any) -> int:
    """A coach; with one assigned teacher unless `teacher` is False (a coach with no teachers
    gets no list on an empty day)."""
    with deps.uow() as uow:
        result = _person(uow, user_id, role="coach", **fields).id
        if teacher:
            _person(uow, f"{user_id}T", assigned_coach_id=result)
        uow.commit()
        return result


def _visit(
    uow: UnitOfWork,
    teacher: Person,
    coach_id: int,
    starts_at: datetime,
    *,
    minutes: int = 45,
    status: str = "accepted",
    outcome: str | None = None,
    **fields: Any,
) -> Visit:
    fields.setdefault("support_type", "observe")
    visit = Visit(
        team_id=TEAM,
        teacher_id=teacher.id,
        coach_id=coach_id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        status=status,
        outcome=outcome,
        created_at=starts_at - timedelta(days=7),
        updated_at=starts_at - timedelta(days=7),
        **fields,
    )
    uow.session.add(visit)
    uow.session.flush()
    return visit


def _plan(deps: Deps, now: datetime) -> int:
    with deps.uow() as uow:
        result = plan_daily_lists(uow, now)
        uow.commit()
        return result


def _lists(deps: Deps) -> list[OutboxMessage]:
    """Every planned list, checked against Slack's Block Kit rules on the way."""
    with deps.uow() as uow:
        rows = list(
            uow.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind == "daily_list")
                .order_by(OutboxMessage.id)
            )
        )
    for row in rows:
        assert row.blocks is not None
        assert check_blocks(json.loads(row.blocks), surface="message") == []
    return rows


def _sections(row: OutboxMessage) -> list[str]:
    """The texts a coach reads, block by block."""
    assert row.blocks is not None
    texts: list[str] = []
    for block in json.loads(row.blocks):
        if "text" in block:
            texts.append(block["text"]["text"])
        texts.extend(element["text"] for element in block.get("elements", []))
    return texts


def _words(row: OutboxMessage) -> str:
    return "\n".join(_sections(row))


def _the_list(deps: Deps) -> OutboxMessage:
    [row] = _lists(deps)
    return row


# --------------------------------------------------------------------------- when


def test_each_coach_gets_the_list_at_seven_in_their_own_zone(deps: Deps) -> None:
    east = _coach(deps, "U0EAST", timezone=NEW_YORK)
    west = _coach(deps, "U0WEST", timezone=LOS_ANGELES)

    assert _plan(deps, utc(2026, 12, 1, 11, 49)) == 0  # 06:49 in New York
    assert _plan(deps, utc(2026, 12, 1, 11, 50)) == 1  # 06:50: planned, due at 07:00
    assert _plan(deps, utc(2026, 12, 1, 14, 49)) == 0  # 06:49 in Los Angeles
    assert _plan(deps, utc(2026, 12, 1, 14, 50)) == 1

    first, second = _lists(deps)
    assert (first.person_id, first.due_at) == (east, utc(2026, 12, 1, 12, 0))
    assert (second.person_id, second.due_at) == (west, utc(2026, 12, 1, 15, 0))
    assert first.key == f"daily-list:{east}:2026-12-01"
    assert first.channel == "U0EAST"


def test_a_list_not_planned_before_the_school_day_ended_is_not_sent_that_evening(
    deps: Deps,
) -> None:
    _coach(deps)
    assert _plan(deps, utc(2026, 12, 1, 22, 0)) == 0  # 17:00 in New York: the day is over
    assert _plan(deps, utc(2026, 12, 1, 21, 59)) == 1  # a late start still sends today's list
    assert _the_list(deps).due_at == utc(2026, 12, 1, 12, 0)


def test_the_list_stays_at_seven_local_across_the_spring_clock_change(deps: Deps) -> None:
    coach = _coach(deps)
    # Friday 2026-03-06 is still EST (UTC-5); the clocks go forward on Sunday 2026-03-08.
    assert _plan(deps, utc(2026, 3, 6, 11, 50)) == 1
    # Monday 2026-03-09 is EDT (UTC-4): 06:49 local is 10:49 UTC.
    assert _plan(deps, utc(2026, 3, 9, 10, 49)) == 0
    assert _plan(deps, utc(2026, 3, 9, 10, 50)) == 1

    friday, monday = _lists(deps)
    assert friday.key == f"daily-list:{coach}:2026-03-06"
    assert friday.due_at == utc(2026, 3, 6, 12, 0)
    assert monday.key == f"daily-list:{coach}:2026-03-09"
    assert monday.due_at == utc(2026, 3, 9, 11, 0)
    assert "Monday, March 9" in _words(monday)


def test_no_list_on_a_weekend(deps: Deps) -> None:
    _coach(deps)
    saturday, sunday = utc(2026, 3, 7, 12, 0), utc(2026, 3, 8, 12, 0)
    for moment in (saturday, sunday, saturday + timedelta(hours=4)):
        assert _plan(deps, moment) == 0
    assert _lists(deps) == []


def test_no_list_on_a_district_closure(deps: Deps) -> None:
    _coach(deps)
    with deps.uow() as uow:
        save_calendar(
            uow,
            TEAM,
            None,
            weekdays=frozenset({0, 1, 2, 3, 4}),
            day_start=time(7, 0),
            day_end=time(17, 0),
            closures=[Closure(TUESDAY, TUESDAY, "Staff development day")],
        )
        uow.commit()
    assert _plan(deps, utc(2026, 12, 1, 12, 0)) == 0
    assert _lists(deps) == []
    assert _plan(deps, utc(2026, 12, 2, 12, 0)) == 1  # Wednesday is a school day again
    assert "Wednesday, December 2" in _words(_the_list(deps))


def test_planning_twice_plans_once(deps: Deps) -> None:
    _coach(deps)
    assert _plan(deps, utc(2026, 12, 1, 11, 55)) == 1
    assert _plan(deps, utc(2026, 12, 1, 11, 58)) == 0
    assert _plan(deps, utc(2026, 12, 1, 15, 0)) == 0
    assert len(_lists(deps)) == 1


def test_a_coach_who_chose_half_past_six_gets_the_list_then(deps: Deps) -> None:
    _coach(deps, daily_list_at=time(6, 30))
    assert _plan(deps, utc(2026, 12, 1, 11, 19)) == 0  # 06:19 local
    assert _plan(deps, utc(2026, 12, 1, 11, 20)) == 1
    assert _the_list(deps).due_at == utc(2026, 12, 1, 11, 30)


def test_inactive_people_and_teachers_get_no_list(deps: Deps) -> None:
    with deps.uow() as uow:
        _person(uow, "U0GONE", role="coach", active=False)
        _person(uow, "U0TEACH")
        _person(uow, "U0ADMIN", role="admin")
        uow.commit()
    assert _plan(deps, utc(2026, 12, 1, 12, 0)) == 0


# --------------------------------------------------------------------------- empty days


def test_an_empty_day_gets_a_short_warm_note(deps: Deps) -> None:
    _coach(deps)
    assert _plan(deps, utc(2026, 12, 1, 12, 0)) == 1
    row = _the_list(deps)
    assert _sections(row)[:2] == ["Your day: Tuesday, December 1", EMPTY_DAY]
    assert "<@U0COACHT>" in _words(row)  # the coach's teacher, not seen yet
    assert "Nothing on your calendar today." in row.text
    assert "A good day to drop in on someone you haven't seen lately." in row.text


def test_an_empty_day_sends_nothing_when_the_coach_turned_that_off(deps: Deps) -> None:
    quiet = _coach(deps, "U0QUIET", daily_list_when_empty=False)
    busy = _coach(deps, "U0BUSY", daily_list_when_empty=False)
    with deps.uow() as uow:
        teacher = _person(uow, "U0ANA")
        _visit(uow, teacher, busy, utc(2026, 12, 1, 14, 0))
        # A teacher not seen lately is not "something today" on its own.
        _person(uow, "U0LONG", assigned_coach_id=quiet)
        uow.commit()
    assert _plan(deps, utc(2026, 12, 1, 12, 0)) == 1
    [row] = _lists(deps)
    assert row.person_id == busy
    assert "<@U0ANA>" in _words(row)


# --------------------------------------------------------------------------- what it says


def _full_day(deps: Deps) -> None:
    """A New York coach's Tuesday with one item in every group."""
    coach = _coach(deps, teacher=False)
    with deps.uow() as uow:
        ana = _person(uow, "U0ANA", assigned_coach_id=coach)
        ben = _person(uow, "U0BEN", assigned_coach_id=coach)
        cara = _person(uow, "U0CARA")
        dev = _person(uow, "U0DEV", assigned_coach_id=coach)
        eva = _person(uow, "U0EVA", assigned_coach_id=coach)
        goal = Goal(
            team_id=TEAM,
            teacher_id=ana.id,
            coach_id=coach,
            question="How can my students talk more about math?",
            focus_area="math",
            created_at=utc(2026, 11, 1),
            updated_at=utc(2026, 11, 1),
        )
        uow.session.add(goal)
        uow.session.flush()
        # 9:00-9:45 AM in New York.
        _visit(
            uow,
            ana,
            coach,
            utc(2026, 12, 1, 14, 0),
            class_name="Period 3 Algebra",
            support_type="model",
            focus="How students explain their thinking",
            goal_id=goal.id,
        )
        # Ben was seen yesterday; his debrief is this afternoon, 3:15-3:45 PM.
        seen = _visit(uow, ben, coach, utc(2026, 11, 30, 15, 0), outcome="happened")
        uow.session.add(
            Debrief(
                team_id=TEAM,
                visit_id=seen.id,
                teacher_id=ben.id,
                coach_id=coach,
                starts_at=utc(2026, 12, 1, 20, 15),
                ends_at=utc(2026, 12, 1, 20, 45),
                place="Room 12",
                created_at=utc(2026, 11, 30),
            )
        )
        # Cara invited the coach for Wednesday 10:00-10:45 AM; no answer yet.
        _visit(
            uow,
            cara,
            coach,
            utc(2026, 12, 2, 15, 0),
            status="pending",
            class_name="Period 5 Biology",
        )
        # Dev and the coach agreed a next step twelve days ago, to check back on today.
        earlier = _visit(uow, dev, coach, utc(2026, 11, 19, 15, 0), outcome="happened")
        debrief = Debrief(
            team_id=TEAM,
            visit_id=earlier.id,
            teacher_id=dev.id,
            coach_id=coach,
            starts_at=utc(2026, 11, 20, 20, 0),
            ends_at=utc(2026, 11, 20, 20, 30),
            created_at=utc(2026, 11, 19),
        )
        uow.session.add(debrief)
        uow.session.flush()
        uow.session.add(
            DebriefNote(
                debrief_id=debrief.id,
                author_id=coach,
                strengths="Clear launch",
                next_step="Try turn-and-talk in the warm-up",
                check_back_on=TUESDAY,
                created_at=utc(2026, 11, 20, 21),
                updated_at=utc(2026, 11, 20, 21),
            )
        )
        # Eva's last visit was 22 days ago.
        _visit(uow, eva, coach, utc(2026, 11, 9, 15, 0), outcome="happened")
        uow.commit()


def test_a_full_day_reads_at_a_glance(deps: Deps) -> None:
    _full_day(deps)
    assert _plan(deps, utc(2026, 12, 1, 11, 55)) == 1
    row = _the_list(deps)
    header, visits, debriefs, invites, check_backs, not_seen, zone = _sections(row)

    assert header == "Your day: Tuesday, December 1"
    assert visits == (
        "*1 visit today*\n"
        "• 9:00–9:45 AM · <@U0ANA> · Period 3 Algebra · Model a lesson · "
        "_How students explain their thinking_\n"
        "      Goal: _How can my students talk more about math?_"
    )
    assert debriefs == "*1 debrief today*\n• 3:15–3:45 PM · <@U0BEN> · Room 12"
    assert invites == (
        "*1 invitation waiting for your answer*\n"
        "• <@U0CARA> · Wed Dec 2, 10:00–10:45 AM · Period 5 Biology · Observe and give feedback"
    )
    assert check_backs == (
        "*1 next step to check back on*\n• <@U0DEV> · _Try turn-and-talk in the warm-up_"
    )
    # Ana is seen today, Ben yesterday and Dev twelve days ago: only Eva is named.
    assert not_seen == (
        "*1 teacher you haven't visited in 3 weeks or more*\n• <@U0EVA> · last visit 22 days ago"
    )
    assert zone == "Times are in your time zone (EST)."
    assert row.text == (
        "Your day: Tuesday, December 1. 1 visit, 1 debrief, 1 invitation to answer "
        "and 1 next step to check back on."
    )
    # What the coach wrote about Dev's strengths stays in the debrief, not in the list.
    assert "Clear launch" not in _words(row)


def test_the_list_shows_times_in_the_coachs_own_zone(deps: Deps) -> None:
    coach = _coach(deps, timezone=LOS_ANGELES)
    with deps.uow() as uow:
        teacher = _person(uow, "U0ANA", timezone=NEW_YORK)
        # 12:00 noon in New York is 9:00 AM in Los Angeles.
        _visit(uow, teacher, coach, utc(2026, 12, 1, 17, 0), minutes=60, support_type="co_plan")
        uow.commit()
    assert _plan(deps, utc(2026, 12, 1, 15, 0)) == 1
    words = _words(_the_list(deps))
    assert "• 9:00–10:00 AM · <@U0ANA> · Co-plan" in words
    assert "(PST)" in words


def test_the_list_holds_only_the_coachs_own_today(deps: Deps) -> None:
    coach = _coach(deps)
    other = _coach(deps, "U0OTHER")
    with deps.uow() as uow:
        teacher = _person(uow, "U0ANA")
        _visit(uow, teacher, coach, utc(2026, 12, 2, 14, 0), class_name="Tomorrow's class")
        _visit(uow, teacher, coach, utc(2026, 12, 1, 16, 0), status="declined", class_name="No")
        _visit(uow, teacher, other, utc(2026, 12, 1, 15, 0), class_name="Someone else's")
        # The coach suggested a new time: the teacher answers, not the coach.
        _visit(
            uow,
            teacher,
            coach,
            utc(2026, 12, 3, 15, 0),
            status="proposed",
            proposed_by="coach",
            proposed_starts_at=utc(2026, 12, 4, 15, 0),
            proposed_ends_at=utc(2026, 12, 4, 15, 45),
            class_name="Waiting on the teacher",
        )
        # An invitation whose time has passed is no longer there to answer.
        _visit(uow, teacher, coach, utc(2026, 11, 30, 15, 0), status="pending", class_name="Old")
        uow.commit()
    assert _plan(deps, utc(2026, 12, 1, 12, 0)) == 2
    mine = next(row for row in _lists(deps) if row.channel == "U0COACH")
    assert _sections(mine)[1:] == [
        EMPTY_DAY,
        "*1 teacher you haven't visited in 3 weeks or more*\n• <@U0COACHT> · no visits yet",
    ]


def test_a_new_time_the_teacher_suggested_waits_for_the_coach(deps: Deps) -> None:
    coach = _coach(deps)
    with deps.uow() as uow:
        teacher = _person(uow, "U0ANA")
        _visit(
            uow,
            teacher,
            coach,
            utc(2026, 12, 2, 15, 0),
            status="proposed",
            proposed_by="teacher",
            proposed_starts_at=utc(2026, 12, 3, 19, 0),
            proposed_ends_at=utc(2026, 12, 3, 19, 30),
            class_name="Period 6",
            support_type="co_teach",
        )
        uow.commit()
    assert _plan(deps, utc(2026, 12, 1, 12, 0)) == 1
    assert (
        "• <@U0ANA> · Thu Dec 3, 2:00–2:30 PM · Period 6 · Co-teach · _suggested a new time_"
        in _words(_the_list(deps))
    )


def test_who_has_not_been_seen_lately(deps: Deps) -> None:
    coach = _coach(deps, teacher=False)
    other = _coach(deps, "U0OTHER", teacher=False)
    with deps.uow() as uow:
        never = _person(uow, "U0NEVER", assigned_coach_id=coach)
        old = _person(uow, "U0OLD", assigned_coach_id=coach)
        absent = _person(uow, "U0ABSENT", assigned_coach_id=coach)
        edge = _person(uow, "U0EDGE", assigned_coach_id=coach)
        recent = _person(uow, "U0RECENT", assigned_coach_id=coach)
        unlogged = _person(uow, "U0UNLOGGED", assigned_coach_id=coach)
        _person(uow, "U0LEFT", assigned_coach_id=coach, active=False)
        _person(uow, "U0NOTMINE", assigned_coach_id=other)
        _visit(uow, never, other, utc(2026, 11, 30, 15, 0), outcome="happened")
        _visit(uow, old, coach, utc(2026, 10, 27, 15, 0), outcome="happened")  # 35 days
        _visit(uow, absent, coach, utc(2026, 11, 6, 15, 0), outcome="happened")  # 25 days
        _visit(uow, absent, coach, utc(2026, 11, 30, 15, 0), outcome="teacher_absent")
        _visit(uow, edge, coach, utc(2026, 11, 10, 15, 0), outcome="happened")  # 21 days
        _visit(uow, recent, coach, utc(2026, 11, 11, 15, 0), outcome="happened")  # 20 days
        _visit(uow, unlogged, coach, utc(2026, 11, 30, 15, 0))  # accepted, over, not logged
        uow.commit()
    assert _plan(deps, utc(2026, 12, 1, 12, 0)) == 2
    mine = next(row for row in _lists(deps) if row.channel == "U0COACH")
    assert _sections(mine) == [
        "Your day: Tuesday, December 1",
        EMPTY_DAY,
        "*4 teachers you haven't visited in 3 weeks or more*\n"
        "• <@U0NEVER> · no visits yet\n"
        "• <@U0OLD> · last visit 35 days ago\n"
        "• <@U0ABSENT> · last visit 25 days ago\n"
        f"• <@U0EDGE> · last visit {NOT_SEEN_DAYS} days ago",
    ]


def test_typed_text_cannot_mention_or_link_anyone(deps: Deps) -> None:
    coach = _coach(deps, teacher=False)
    with deps.uow() as uow:
        teacher = _person(uow, "U0ANA")
        _visit(
            uow,
            teacher,
            coach,
            utc(2026, 12, 1, 14, 0),
            class_name="<!channel>",
            focus="Ask <@U0BOSS> & see\n<https://evil.example|here>",
        )
        uow.commit()
    assert _plan(deps, utc(2026, 12, 1, 12, 0)) == 1
    words = _words(_the_list(deps))
    assert "&lt;!channel&gt;" in words
    assert "_Ask &lt;@U0BOSS&gt; &amp; see &lt;https://evil.example|here&gt;_" in words
    assert "<!channel>" not in words
    assert "<@U0BOSS>" not in words


def test_a_crowded_day_stays_within_slacks_limits(deps: Deps) -> None:
    coach = _coach(deps, teacher=False)
    with deps.uow() as uow:
        for n in range(40):
            _person(uow, f"U0FAR{n:03d}", assigned_coach_id=coach)
        busy = _person(uow, "U0BUSY")
        for n in range(12):
            _visit(
                uow,
                busy,
                coach,
                utc(2026, 12, 1, 13, 0) + timedelta(minutes=30 * n),
                minutes=25,
                class_name="C" * 100,
                focus="focus " * 100,
                support_type="co_teach",
            )
        uow.commit()
    assert _plan(deps, utc(2026, 12, 1, 12, 0)) == 1
    row = _the_list(deps)  # checked against Block Kit on the way
    sections = _sections(row)
    assert all(len(text) <= 3000 for text in sections)
    visits = sections[1]
    assert visits.startswith("*12 visits today*\n• 8:00–8:25 AM · <@U0BUSY>")
    shown = visits.count("<@U0BUSY>")
    assert 0 < shown < 12
    assert visits.endswith(f"_and {12 - shown} more_")
    not_seen = sections[2]
    assert not_seen.startswith("*40 teachers you haven't visited in 3 weeks or more*")
    assert not_seen.count("no visits yet") == 10
    assert not_seen.endswith("_and 30 more_")


def test_every_built_list_passes_block_kit_checks() -> None:
    now = utc(2026, 12, 1, 14, 0)
    long = "word " * 700
    cases = [
        build_daily_list("Tuesday, December 1", NEW_YORK, [], [], [], [], [], 0),
        build_daily_list(
            "Tuesday, December 1",
            NEW_YORK,
            [ListVisit(f"U{n}", now, now, long, SupportType.MODEL, long, long) for n in range(200)],
            [ListDebrief(f"U{n}", now, now, long) for n in range(200)],
            [
                WaitingInvitation(f"U{n}", now, now, long, SupportType.OTHER, True)
                for n in range(200)
            ],
            [ListCheckBack(f"U{n}", long) for n in range(200)],
            [ListTeacher(f"U{n}", n) for n in range(10)],
            5000,
        ),
        build_daily_list("Tuesday, December 1", "Not/AZone", [], [], [], [], [], 40),
    ]
    for message in cases:
        assert check_blocks(message["blocks"], surface="message") == []
        assert message["text"]
    assert "_and 5000 more_" in cases[1]["blocks"][-2]["text"]["text"]


# --------------------------------------------------------------------------- cost


@contextmanager
def _statements(deps: Deps) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])  # (connection, cursor, statement, parameters, context, many)

    event.listen(deps.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(deps.engine, "before_cursor_execute", record)


def test_planning_a_district_takes_a_bounded_number_of_queries(deps: Deps) -> None:
    coaches, per_coach = 250, 20
    created = utc(2026, 9, 1)
    with deps.uow() as uow:
        uow.session.execute(
            insert(Person),
            [
                {
                    "team_id": TEAM,
                    "user_id": f"U0C{c:04d}",
                    "role": "coach",
                    "timezone": (NEW_YORK, LOS_ANGELES)[c % 2],
                }
                for c in range(coaches)
            ],
        )
        coach_ids = list(uow.session.scalars(select(Person.id).where(Person.role == "coach")))
        uow.session.execute(
            insert(Person),
            [
                {"team_id": TEAM, "user_id": f"U0T{c:04d}{t:02d}", "assigned_coach_id": coach}
                for c, coach in enumerate(coach_ids)
                for t in range(per_coach)
            ],
        )
        teachers = uow.session.execute(
            select(Person.id, Person.assigned_coach_id).where(Person.role == "teacher")
        ).all()
        visits = []
        for n, (teacher, coach) in enumerate(teachers):
            # Each teacher seen some time ago (some long ago); every tenth visited today.
            start = utc(2026, 11, 30, 15, 0) - timedelta(days=n % 40)
            if n % 10 == 0:
                start = utc(2026, 12, 1, 19, 0)
            visits.append(
                {
                    "team_id": TEAM,
                    "teacher_id": teacher,
                    "coach_id": coach,
                    "starts_at": start,
                    "ends_at": start + timedelta(minutes=45),
                    "class_name": "Period 2",
                    "support_type": "observe",
                    "status": "accepted",
                    "outcome": None if n % 10 == 0 else "happened",
                    "created_at": created,
                    "updated_at": created,
                }
            )
        uow.session.execute(insert(Visit), visits)
        uow.commit()

    with _statements(deps) as seen:
        assert _plan(deps, utc(2026, 12, 1, 15, 0)) == coaches  # 07:00 in Los Angeles
    outbox_inserts = [s for s in seen if s.lstrip().upper().startswith("INSERT INTO OUTBOX")]
    queries = [s for s in seen if s not in outbox_inserts]
    # enqueue writes each list in its own INSERT ... ON CONFLICT; everything else is bulk.
    assert len(outbox_inserts) == coaches
    assert len(queries) < 30, queries

    rows = _lists(deps)
    assert len(rows) == coaches
    assert "*2 visits today*" in _words(rows[0])

    # Later runs that day find every list planned and stop after a few queries.
    with _statements(deps) as again:
        assert _plan(deps, utc(2026, 12, 1, 16, 0)) == 0
    assert len(again) < 30, again


def test_a_coach_with_no_teachers_gets_no_empty_list_but_does_get_a_busy_one(
    deps: Deps,
) -> None:
    """A lead coach or a coach not assigned yet would read "Nothing on your calendar" every
    school day; with something on their calendar they get their list like anyone."""
    with deps.uow() as uow:
        _person(uow, "U0LEAD", role="lead_coach")
        uow.commit()
    newcomer = _coach(deps, "U0NEW", teacher=False)
    assert _plan(deps, utc(2026, 12, 1, 12, 0)) == 0
    assert _lists(deps) == []
    with deps.uow() as uow:
        _visit(uow, _person(uow, "U0ANA"), newcomer, utc(2026, 12, 2, 15, 0))
        uow.commit()
    assert _plan(deps, utc(2026, 12, 2, 12, 0)) == 1
    [row] = _lists(deps)
    assert row.channel == "U0NEW" and "<@U0ANA>" in _words(row)


def test_coaching_the_coach_logged_counts_as_seeing_the_teacher(deps: Deps) -> None:
    coach = _coach(deps, teacher=False)
    with deps.uow() as uow:
        planned = _person(uow, "U0PLANNED", assigned_coach_id=coach)
        _person(uow, "U0WAITING", assigned_coach_id=coach)
        log = CoachingLog(
            team_id=TEAM,
            coach_id=coach,
            support_type="plan",
            on_day=date(2026, 11, 24),
            minutes=40,
            created_at=utc(2026, 11, 24, 20, 0),
            updated_at=utc(2026, 11, 24, 20, 0),
        )
        log.teachers = [CoachingLogTeacher(teacher_id=planned.id)]
        uow.session.add(log)
        uow.commit()
    assert _plan(deps, utc(2026, 12, 1, 12, 0)) == 1
    words = _words(_the_list(deps))
    assert "<@U0WAITING> · no visits yet" in words
    assert "U0PLANNED" not in words
