"""The invitation's rules, against a unit of work in memory: whose turn, what changes, what is
refused and in which words. No database, no Slack: the whole file runs in a fraction of a second.

The same rules run through the real app, on SQLite and PostgreSQL, in tests/handlers and
tests/security (where the database's version check decides races).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.rules import visits
from bot.rules.domain import Role, SupportType, VisitStatus
from bot.rules.policy import Actor
from bot.rules.visits import NewVisit, VisitRefused
from storage.models import Person, Visit
from tests.fakes import FakeUnitOfWork

TEAM = "T0FAKE"
NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
NINE = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)


def _person(user_id: str, role: str) -> Person:
    return Person(team_id=TEAM, user_id=user_id, display_name=user_id, role=role)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    fake = FakeUnitOfWork()
    for user_id, role in (
        ("U0TEACH", "teacher"),
        ("U0COACH", "coach"),
        ("U0OTHER", "teacher"),
        ("U0COACH2", "coach"),
    ):
        fake.people.add(_person(user_id, role))
    return fake


def _when(starts_at: datetime, ends_at: datetime) -> visits.TimeCheck:
    return visits.TimeCheck({}, [], starts_at, ends_at)


def actor(uow: FakeUnitOfWork, user_id: str) -> Actor:
    person = next(p for p in uow.people.rows if p.user_id == user_id)
    return Actor(TEAM, user_id, person.id, Role(person.role))


def invite(uow: FakeUnitOfWork, starts_at: datetime = NINE, **changes: object) -> Visit:
    teacher, coach = uow.people.get(1), uow.people.get(2)
    assert teacher is not None and coach is not None
    new = NewVisit(
        coach,
        starts_at,
        starts_at + timedelta(minutes=45),
        "P3",
        SupportType.OBSERVE,
        "Stems",
        None,
    )
    visit, created = visits.create_invitation(uow, teacher, new, NOW)
    assert created
    for name, value in changes.items():
        setattr(visit, name, value)
    return visit


def test_the_coach_accepts_and_the_version_moves(uow: FakeUnitOfWork) -> None:
    visit = invite(uow)
    accepted = visits.accept(uow, actor(uow, "U0COACH"), visit.id, 1, NOW)
    assert (accepted.status, accepted.version, accepted.updated_at) == (
        VisitStatus.ACCEPTED,
        2,
        NOW,
    )


@pytest.mark.parametrize(
    ("user_id", "status", "version", "told"),
    [
        ("U0TEACH", VisitStatus.PENDING, 1, "This one is waiting for the coach to answer."),
        ("U0COACH", VisitStatus.PENDING, 7, visits.STALE),
        ("U0COACH", VisitStatus.ACCEPTED, 1, "This visit is already accepted. Nothing more to do."),
        (
            "U0COACH",
            VisitStatus.DECLINED,
            1,
            "This invitation was declined, so it can't be changed now.",
        ),
        (
            "U0COACH",
            VisitStatus.CANCELLED,
            1,
            "This visit was cancelled, so there's nothing to answer.",
        ),
    ],
)
def test_an_answer_out_of_turn_is_refused_and_changes_nothing(
    uow: FakeUnitOfWork, user_id: str, status: VisitStatus, version: int, told: str
) -> None:
    visit = invite(uow, status=status)
    with pytest.raises(VisitRefused) as refused:
        visits.accept(uow, actor(uow, user_id), visit.id, version, NOW)
    assert refused.value.message == told
    assert (visit.status, visit.version) == (status, 1)


@pytest.mark.parametrize("user_id", ["U0OTHER", "U0COACH2"])
def test_someone_outside_the_visit_cannot_answer_or_cancel_it(
    uow: FakeUnitOfWork, user_id: str
) -> None:
    visit = invite(uow)
    for change in (
        lambda a: visits.accept(uow, a, visit.id, 1, NOW),
        lambda a: visits.decline(uow, a, visit.id, 1, "busy", NOW),
        lambda a: visits.cancel(uow, a, visit.id, 1, NOW),
    ):
        with pytest.raises(VisitRefused):
            change(actor(uow, user_id))
    assert (visit.status, visit.version) == (VisitStatus.PENDING, 1)


def test_a_visit_id_that_does_not_exist_is_refused_kindly(uow: FakeUnitOfWork) -> None:
    with pytest.raises(VisitRefused) as refused:
        visits.accept(uow, actor(uow, "U0COACH"), 999, 1, NOW)
    assert refused.value.message == "Sorry, that invitation no longer exists."


def test_the_coach_declines_with_a_reason_and_the_teacher_withdraws_a_suggestion(
    uow: FakeUnitOfWork,
) -> None:
    first = invite(uow)
    visits.decline(uow, actor(uow, "U0COACH"), first.id, 1, "Testing week", NOW)
    assert (first.status, first.decline_reason) == (VisitStatus.DECLINED, "Testing week")

    second = invite(uow, NINE + timedelta(days=1))
    visits.propose(
        uow,
        actor(uow, "U0COACH"),
        second.id,
        1,
        _when(NINE + timedelta(days=2), NINE + timedelta(days=2, minutes=45)),
        "Thursday works better",
        NOW,
    )
    assert (second.status, second.proposed_by) == (VisitStatus.PROPOSED, "coach")
    visits.decline(uow, actor(uow, "U0TEACH"), second.id, 2, None, NOW)
    assert second.status == VisitStatus.CANCELLED
    assert second.proposed_starts_at is None and second.proposal_note is None


def test_accepting_a_suggested_time_moves_the_visit_unless_the_coach_is_busy_then(
    uow: FakeUnitOfWork,
) -> None:
    later = NINE + timedelta(days=2)
    busy = invite(uow, later, status=VisitStatus.ACCEPTED)
    visit = invite(uow)
    suggestion = _when(later, later + timedelta(minutes=45))
    visits.propose(uow, actor(uow, "U0COACH"), visit.id, 1, suggestion, None, NOW)
    with pytest.raises(VisitRefused) as refused:
        visits.accept(uow, actor(uow, "U0TEACH"), visit.id, 2, NOW)
    assert refused.value.message.startswith("The coach already has another visit at that time")

    busy.status = VisitStatus.CANCELLED
    visits.accept(uow, actor(uow, "U0TEACH"), visit.id, 2, NOW)
    assert (visit.status, visit.starts_at, visit.version) == (VisitStatus.ACCEPTED, later, 3)


def test_a_teacher_moving_an_unanswered_invitation_just_moves_it(uow: FakeUnitOfWork) -> None:
    visit = invite(uow)
    moved = NINE + timedelta(hours=2)
    check = _when(moved, moved + timedelta(minutes=45))
    visits.propose(uow, actor(uow, "U0TEACH"), visit.id, 1, check, "After lunch", NOW)
    assert (visit.status, visit.starts_at, visit.proposal_note) == (
        VisitStatus.PENDING,
        moved,
        "After lunch",
    )


def test_only_the_teacher_cancels_and_an_old_message_cannot_cancel_an_accepted_visit(
    uow: FakeUnitOfWork,
) -> None:
    visit = invite(uow)
    with pytest.raises(VisitRefused) as refused:
        visits.cancel(uow, actor(uow, "U0COACH"), visit.id, 1, NOW)
    assert refused.value.message == "Only the teacher who sent the invitation can cancel it."
    visits.accept(uow, actor(uow, "U0COACH"), visit.id, 1, NOW)
    with pytest.raises(VisitRefused) as stale:
        visits.cancel(uow, actor(uow, "U0TEACH"), visit.id, 1, NOW)
    assert stale.value.message == visits.STALE
    visits.cancel(uow, actor(uow, "U0TEACH"), visit.id, 2, NOW)
    assert (visit.status, visit.version) == (VisitStatus.CANCELLED, 3)


def test_the_same_invitation_within_a_minute_is_stored_once(uow: FakeUnitOfWork) -> None:
    first = invite(uow)
    teacher, coach = uow.people.get(1), uow.people.get(2)
    assert teacher is not None and coach is not None
    again = NewVisit(
        coach, NINE, NINE + timedelta(minutes=45), "P3", SupportType.OBSERVE, "Stems", None
    )
    visit, created = visits.create_invitation(uow, teacher, again, NOW + timedelta(seconds=30))
    assert (visit, created) == (first, False)
    visit, created = visits.create_invitation(uow, teacher, again, NOW + timedelta(minutes=2))
    assert created and visit is not first
    assert len(uow.visits.rows) == 2


def test_co_planning_keeps_no_class(uow: FakeUnitOfWork) -> None:
    teacher, coach = uow.people.get(1), uow.people.get(2)
    assert teacher is not None and coach is not None
    new = NewVisit(coach, NINE, NINE + timedelta(minutes=30), "P3", SupportType.CO_PLAN, None, None)
    visit, _ = visits.create_invitation(uow, teacher, new, NOW)
    assert visit.class_name is None
