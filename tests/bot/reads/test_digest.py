"""Friday digests: a coach's own week, and counts for admins that never identify anyone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.app.deps import Deps
from bot.reads.digest import aggregate_lines, plan_digests
from storage.models import CoachingLog, CoachingLogTeacher, OutboxMessage, Person, Visit

TEAM = "T0COACH"
# Friday 2026-12-04 at 14:00 in New York.
FRIDAY_TWO = datetime(2026, 12, 4, 19, 0, tzinfo=UTC)
MONDAY = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


def _district(deps: Deps, teachers: int) -> tuple[int, list[int]]:
    with deps.uow() as uow:
        coach = uow.people.add(
            Person(
                team_id=TEAM,
                user_id="U0C1",
                display_name="Jordan",
                role="coach",
                timezone="America/New_York",
            )
        )
        uow.people.add(
            Person(
                team_id=TEAM,
                user_id="U0A1",
                display_name="Dana",
                role="admin",
                timezone="America/New_York",
            )
        )
        ids = []
        for n in range(teachers):
            teacher = uow.people.add(
                Person(
                    team_id=TEAM,
                    user_id=f"U0T{n}",
                    assigned_coach_id=coach.id,
                    timezone="America/New_York",
                )
            )
            ids.append(teacher.id)
            kind = "model" if n < 5 else "co_teach"
            start = MONDAY + timedelta(hours=n % 6)
            uow.session.add(
                Visit(
                    team_id=TEAM,
                    teacher_id=teacher.id,
                    coach_id=coach.id,
                    starts_at=start,
                    ends_at=start + timedelta(minutes=45),
                    support_type=kind,
                    status="accepted",
                    outcome="happened",
                    created_at=MONDAY,
                    updated_at=MONDAY,
                )
            )
        result = coach.id, ids
        uow.commit()
        return result


def _texts(deps: Deps) -> dict[str, str]:
    with deps.uow() as uow:
        # In the order they were planned: without ORDER BY, PostgreSQL may return rows in
        # whatever order its pages hold them.
        rows = uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return {row.channel + row.key[-10:]: f"{row.text}\n{row.blocks}" for row in rows}


def test_coach_and_admin_digests_on_friday_afternoon(deps: Deps) -> None:
    _district(deps, teachers=9)
    with deps.uow() as uow:
        assert plan_digests(uow, FRIDAY_TWO - timedelta(minutes=1)) == 0
        assert plan_digests(uow, FRIDAY_TWO) == 2
        assert plan_digests(uow, FRIDAY_TWO + timedelta(minutes=5)) == 0
        uow.commit()
    texts = "\n".join(_texts(deps).values())
    assert "Your week in coaching: 9 visits." in texts
    assert "Model a lesson: 225 min" in texts and "Co-teach: 180 min" in texts
    assert "you've seen 9 of 9 teachers" in texts
    # The admin's: the week's totals only. Five model-a-lesson teachers beside the total
    # would give away the four co-teaching ones by subtraction, so no kind shows.
    admin = texts.split("This week's coaching")[-1]
    assert "*9 visits* with 9 teachers." in admin
    assert "Model a lesson" not in admin and "Co-teach" not in admin


def test_nothing_on_a_thursday(deps: Deps) -> None:
    _district(deps, teachers=5)
    with deps.uow() as uow:
        assert plan_digests(uow, FRIDAY_TWO - timedelta(days=1)) == 0


def _visits(kinds: list[tuple[str, int]]) -> list[Visit]:
    return [
        Visit(support_type=kind, teacher_id=teacher, outcome="happened") for kind, teacher in kinds
    ]


def test_a_group_of_four_is_hidden_and_a_group_of_five_shown() -> None:
    four = _visits([("observe", n) for n in range(4)])
    assert aggregate_lines(four) == [
        "Not enough visits this week to show without identifying anyone."
    ]
    five = _visits([("observe", n) for n in range(5)])
    assert aggregate_lines(five) == [
        "*5 visits* with 5 teachers.",
        "• Observe and give feedback: 5",
    ]


def test_kinds_show_only_when_none_can_be_worked_out_from_the_total() -> None:
    # Five observed teachers and one co-taught twice: the total minus "Observe" would be one
    # teacher's visits, so only the total shows.
    week = _visits([("observe", n) for n in range(5)] + [("co_teach", 5), ("co_teach", 5)])
    assert aggregate_lines(week) == ["*7 visits* with 6 teachers."]
    # Five and five, and a model lesson for two more: the two join the smaller kind as
    # "Other kinds together", which is then large enough to show.
    week = _visits(
        [("observe", n) for n in range(6)]
        + [("co_plan", n) for n in range(6, 11)]
        + [("model", 11), ("model", 12)]
    )
    assert aggregate_lines(week) == [
        "*13 visits* with 13 teachers.",
        "• Observe and give feedback: 6",
        "• Other kinds together: 7",
    ]


def test_the_coachs_week_counts_logged_coaching_and_who_it_was_with(deps: Deps) -> None:
    coach_id, teachers = _district(deps, teachers=6)
    with deps.uow() as uow:
        extra = uow.people.add(Person(team_id=TEAM, user_id="U0T9", assigned_coach_id=coach_id))
        # An hour's PLC with two teachers, one of them not visited this week: time counts
        # once, and both count as seen.
        uow.coaching_logs.add(
            CoachingLog(
                team_id=TEAM,
                coach_id=coach_id,
                support_type="other",
                on_day=date(2026, 12, 1),
                minutes=60,
                created_at=MONDAY,
                updated_at=MONDAY,
                teachers=[
                    CoachingLogTeacher(teacher_id=teachers[0]),
                    CoachingLogTeacher(teacher_id=extra.id),
                ],
            )
        )
        assert plan_digests(uow, FRIDAY_TWO) == 2
        uow.commit()
    texts = "\n".join(_texts(deps).values())
    assert "Your week in coaching: 6 visits and 1 logged activity." in texts
    assert "Something else: 60 min" in texts
    assert "you've seen 7 of 7 teachers" in texts


def test_a_coach_with_no_teachers_and_nothing_logged_gets_no_digest(deps: Deps) -> None:
    with deps.uow() as uow:
        for user_id, role in (("U0C2", "coach"), ("U0L2", "lead_coach")):
            uow.people.add(
                Person(team_id=TEAM, user_id=user_id, role=role, timezone="America/New_York")
            )
        # The lead coach still gets the week's counts, under their own key.
        assert plan_digests(uow, FRIDAY_TWO) == 1
        assert plan_digests(uow, FRIDAY_TWO + timedelta(minutes=5)) == 0
        uow.commit()
    texts = _texts(deps)
    assert list(texts) == ["U0L2:aggregate"]
    assert "Your week" not in "\n".join(texts.values())
