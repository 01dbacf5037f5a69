"""The write-side repositories, on SQLite and on PostgreSQL: what each query finds and changes."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from bot.app.deps import Deps
from storage.enums import (
    CelebrationStatus,
    GoalStatus,
    OutboxStatus,
    VisitOutcome,
    VisitStatus,
    happened,
    went_ahead,
)
from storage.models import (
    Celebration,
    Debrief,
    DebriefNote,
    District,
    Goal,
    Person,
    Reflection,
    Visit,
)
from storage.repositories import (
    VISIT_ACCEPTED,
    VISIT_AWAITING_ANSWER,
    VISIT_HAPPENED,
    VISIT_OPEN,
    VISIT_WENT_AHEAD,
    visit_seen_by,
)
from storage.uow import UnitOfWork

TEAM = "T0COACH"
NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


class Refused(Exception):
    """What a rule's check raises in these tests."""


def _people(uow: UnitOfWork) -> tuple[Person, Person]:
    teacher = uow.people.add(Person(team_id=TEAM, user_id="U0TEACH001"))
    coach = uow.people.add(Person(team_id=TEAM, user_id="U0COACH001", role="coach"))
    return teacher, coach


def _visit(
    uow: UnitOfWork,
    teacher: Person,
    coach: Person,
    starts_at: datetime,
    status: VisitStatus = VisitStatus.ACCEPTED,
    outcome: VisitOutcome | None = None,
) -> Visit:
    return uow.visits.add(
        Visit(
            team_id=TEAM,
            teacher_id=teacher.id,
            coach_id=coach.id,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=45),
            support_type="observe",
            status=status,
            outcome=outcome,
            created_at=NOW - timedelta(days=30),
            updated_at=NOW - timedelta(days=30),
            version=1,
        )
    )


def test_each_word_means_the_same_in_sql_and_for_a_loaded_visit(deps: Deps) -> None:
    outcomes: list[VisitOutcome | None] = [None, *VisitOutcome]
    with deps.uow() as uow:
        teacher, coach = _people(uow)
        made = {
            _visit(uow, teacher, coach, NOW - HOUR * (2 * n + 1), status, outcome).id: (
                status,
                outcome,
                NOW - HOUR * (2 * n + 1) + timedelta(minutes=45),
            )
            for n, (status, outcome) in enumerate(itertools.product(VisitStatus, outcomes))
        }
        # A visit still going on at NOW: not yet seen unless it was logged.
        ongoing = _visit(uow, teacher, coach, NOW - timedelta(minutes=10))
        made[ongoing.id] = (VisitStatus.ACCEPTED, None, ongoing.ends_at)
        uow.commit()

    def where(condition: object) -> set[int]:
        with deps.uow() as uow:
            return set(uow.session.scalars(select(Visit.id).where(condition)))  # type: ignore[arg-type]

    def python(word: object) -> set[int]:
        return {i for i, facts in made.items() if word(*facts)}  # type: ignore[operator]

    assert where(VISIT_OPEN) == python(lambda s, o, e: s.open)
    assert where(VISIT_AWAITING_ANSWER) == python(lambda s, o, e: not s.settled)
    assert where(VISIT_ACCEPTED) == python(lambda s, o, e: s is VisitStatus.ACCEPTED)
    assert where(VISIT_HAPPENED) == python(lambda s, o, e: happened(o))
    assert where(VISIT_WENT_AHEAD) == python(lambda s, o, e: went_ahead(s, o))
    assert where(visit_seen_by(NOW)) == python(
        lambda s, o, e: happened(o) or (s is VisitStatus.ACCEPTED and o is None and e <= NOW)
    )
    assert ongoing.id not in where(visit_seen_by(NOW))
    assert len(where(VISIT_OPEN)) == 3 * len(outcomes) + 1


def test_states_read_back_as_enums_and_are_stored_as_the_same_words(deps: Deps) -> None:
    with deps.uow() as uow:
        teacher, coach = _people(uow)
        visit = _visit(uow, teacher, coach, NOW, VisitStatus.PROPOSED, VisitOutcome.HAPPENED)
        goal = uow.goals.add(
            Goal(
                team_id=TEAM,
                teacher_id=teacher.id,
                question="How do I get more students talking?",
                focus_area="math",
                status=GoalStatus.SET_ASIDE,
                created_at=NOW,
                updated_at=NOW,
            )
        )
        ids = visit.id, goal.id
        uow.commit()
    with deps.uow() as uow:
        stored = uow.session.execute(
            text("SELECT status, outcome FROM visits WHERE id = :id"), {"id": ids[0]}
        ).one()
        assert tuple(stored) == ("proposed", "happened")
        assert uow.session.scalar(
            text("SELECT status FROM goals WHERE id = :id"), {"id": ids[1]}
        ) == ("set_aside")
        loaded = uow.visits.get(ids[0])
        assert loaded is not None
        assert loaded.status is VisitStatus.PROPOSED
        assert loaded.outcome is VisitOutcome.HAPPENED


def test_a_loader_hands_a_row_out_only_once_the_check_lets_it_through(deps: Deps) -> None:
    with deps.uow() as uow:
        teacher, coach = _people(uow)
        visit_id = _visit(uow, teacher, coach, NOW).id
        uow.commit()
    asked: list[int] = []

    def refuse(visit: Visit) -> None:
        asked.append(visit.id)
        raise Refused("not yours")

    with deps.uow() as uow:
        with pytest.raises(Refused):
            uow.visits.get_for(visit_id, refuse)
        assert asked == [visit_id]
        found = uow.visits.get_for(visit_id, lambda visit: None)
        assert found is not None and found.id == visit_id
        assert uow.visits.get_for(visit_id + 1000, refuse) is None
        assert uow.goals.get_for(0, lambda goal: asked.append(goal.id)) is None
        assert asked == [visit_id]  # nothing to check when there is no row


def test_a_clash_and_the_weeks_count_leave_out_the_visit_being_moved(deps: Deps) -> None:
    with deps.uow() as uow:
        teacher, coach = _people(uow)
        accepted = _visit(uow, teacher, coach, NOW)
        _visit(uow, teacher, coach, NOW + HOUR, VisitStatus.PENDING)
        _visit(uow, teacher, coach, NOW + 2 * HOUR, VisitStatus.DECLINED)
        visits = uow.visits
        clash = visits.get_accepted_overlap(
            coach.id, NOW + timedelta(minutes=30), NOW + HOUR, other_than=None
        )
        assert clash is not None and clash.id == accepted.id
        assert (
            visits.get_accepted_overlap(coach.id, NOW, NOW + HOUR, other_than=accepted.id) is None
        )
        week = NOW - timedelta(days=1), NOW + timedelta(days=6)
        assert visits.count_open_for_coach(coach.id, *week, other_than=None) == 2
        assert visits.count_open_for_coach(coach.id, *week, other_than=accepted.id) == 1


def test_a_repeat_invitation_is_found_only_while_open_and_recent(deps: Deps) -> None:
    with deps.uow() as uow:
        teacher, coach = _people(uow)
        first = _visit(uow, teacher, coach, NOW + HOUR, VisitStatus.PENDING)
        since = NOW - timedelta(days=31)
        found = uow.visits.get_open_repeat(teacher.id, coach.id, NOW + HOUR, since)
        assert found is not None and found.id == first.id
        assert uow.visits.get_open_repeat(teacher.id, coach.id, NOW + HOUR, NOW) is None
        first.status = VisitStatus.CANCELLED
        uow.session.flush()
        assert uow.visits.get_open_repeat(teacher.id, coach.id, NOW + HOUR, since) is None


def test_a_visit_log_prompt_is_due_once_and_claimed_once(deps: Deps) -> None:
    with deps.uow() as uow:
        teacher, coach = _people(uow)
        ended = _visit(uow, teacher, coach, NOW - 2 * HOUR)
        _visit(uow, teacher, coach, NOW + HOUR)  # not over yet
        _visit(uow, teacher, coach, NOW - 3 * HOUR, outcome=VisitOutcome.HAPPENED)  # logged
        assert [v.id for v in uow.visits.list_due_log_prompts(NOW, limit=10)] == [ended.id]
        assert uow.visits.claim_log_prompt(ended.id, NOW) is True
        assert uow.visits.claim_log_prompt(ended.id, NOW) is False
        uow.session.expire_all()
        assert uow.visits.list_due_log_prompts(NOW, limit=10) == []


def test_visits_without_a_debrief_and_a_persons_visits_that_went_ahead(deps: Deps) -> None:
    with deps.uow() as uow:
        teacher, coach = _people(uow)
        talked = _visit(uow, teacher, coach, NOW - 5 * HOUR, outcome=VisitOutcome.HAPPENED)
        waiting = _visit(uow, teacher, coach, NOW - 3 * HOUR, outcome=VisitOutcome.HAPPENED)
        missed = _visit(uow, teacher, coach, NOW - 2 * HOUR, outcome=VisitOutcome.TEACHER_ABSENT)
        coming = _visit(uow, teacher, coach, NOW + HOUR)
        uow.debriefs.add(
            Debrief(
                team_id=TEAM,
                visit_id=talked.id,
                teacher_id=teacher.id,
                coach_id=coach.id,
                starts_at=NOW,
                ends_at=NOW + HOUR,
                created_at=NOW,
            )
        )
        undebriefed = uow.visits.list_happened_without_debrief(NOW - timedelta(days=1))
        assert [v.id for v in undebriefed] == [waiting.id]
        went = [v.id for v in uow.visits.list_went_ahead_for(coach.id, limit=10)]
        assert went == [coming.id, waiting.id, talked.id]  # newest first, never `missed`
        assert missed.id not in [v.id for v in uow.visits.list_went_ahead_for(teacher.id, 10)]
        assert [d.visit_id for d in uow.debriefs.list_for_visits([talked.id, waiting.id])] == [
            talked.id
        ]
        assert uow.debriefs.list_for_visits([]) == []


def test_repositories_flush_but_never_commit(deps: Deps) -> None:
    with deps.uow() as uow:
        teacher, _ = _people(uow)
        uow.commit()
        teacher_id = teacher.id
        goal = uow.goals.add(
            Goal(
                team_id=TEAM,
                teacher_id=teacher.id,
                question="How do I check for understanding?",
                focus_area="math",
                created_at=NOW,
                updated_at=NOW,
            )
        )
        assert goal.id is not None  # flushed: it has its id
        assert [g.id for g in uow.goals.list_active_for(teacher.id)] == [goal.id]
        uow.session.rollback()
    with deps.uow() as uow:
        assert uow.goals.list_for_teacher(teacher_id) == []


def test_a_debrief_note_is_found_by_its_author(deps: Deps) -> None:
    with deps.uow() as uow:
        teacher, coach = _people(uow)
        visit = _visit(uow, teacher, coach, NOW - HOUR)
        debrief = uow.debriefs.add(
            Debrief(
                team_id=TEAM,
                visit_id=visit.id,
                teacher_id=teacher.id,
                coach_id=coach.id,
                starts_at=NOW,
                ends_at=NOW + HOUR,
                created_at=NOW,
            )
        )
        for author, minute in ((coach, 2), (teacher, 1)):
            moment = NOW + timedelta(minutes=minute)
            uow.notes.add(
                DebriefNote(
                    debrief_id=debrief.id,
                    author_id=author.id,
                    strengths="Clear launch",
                    created_at=moment,
                    updated_at=moment,
                )
            )
        mine = uow.notes.get_by_author(debrief.id, teacher.id)
        assert mine is not None and mine.author_id == teacher.id
        assert [n.author_id for n in uow.notes.list_for_debriefs([debrief.id])] == [
            teacher.id,
            coach.id,
        ]
        assert uow.notes.get_by_author(debrief.id, teacher.id + coach.id + 1) is None


def test_a_coach_lists_only_the_reflections_shared_with_them(deps: Deps) -> None:
    with deps.uow() as uow:
        teacher, coach = _people(uow)
        for n, is_shared in enumerate((True, False, True)):
            uow.reflections.add(
                Reflection(
                    team_id=TEAM,
                    teacher_id=teacher.id,
                    coach_id=coach.id,
                    question=f"Question {n}",
                    shared_with_coach=is_shared,
                    created_at=NOW + timedelta(minutes=n),
                )
            )
        everything = uow.reflections.list_for_teacher(teacher.id)
        shared = uow.reflections.list_for_teacher(teacher.id, shared_with=coach.id)
        nobody = uow.reflections.list_for_teacher(teacher.id, shared_with=teacher.id + 99)
    assert [r.question for r in everything] == ["Question 2", "Question 1", "Question 0"]
    assert [r.question for r in shared] == ["Question 2", "Question 0"]
    assert nobody == []


def test_a_celebration_is_claimed_for_posting_once_until_the_claim_goes_stale(
    deps: Deps,
) -> None:
    with deps.uow() as uow:
        teacher, _ = _people(uow)
        celebration = uow.celebrations.add(
            Celebration(
                team_id=TEAM,
                author_id=teacher.id,
                text="We did it",
                status=CelebrationStatus.DRAFT,
                created_at=NOW,
            )
        )
        stale_before = NOW - timedelta(minutes=2)
        assert uow.celebrations.claim_for_posting(celebration, NOW, stale_before) is True
        assert celebration.status is CelebrationStatus.POSTING
        assert uow.celebrations.claim_for_posting(celebration, NOW, stale_before) is False
        later = NOW + timedelta(minutes=5)
        taken_over = uow.celebrations.claim_for_posting(
            celebration, later, later - timedelta(minutes=2)
        )
        assert taken_over is True
        assert celebration.posted_at == later


def _message(person: Person, key: str, **values: object) -> dict[str, object]:
    return {
        "key": key,
        "team_id": TEAM,
        "person_id": person.id,
        "channel": person.user_id,
        "kind": "reflection",
        "ref": "reflection:1",
        "text": "How did it go?",
        "due_at": NOW,
        "available_at": NOW,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "created_at": NOW,
        **values,
    }


def test_the_outbox_plans_a_key_once_leases_a_row_once_and_counts_by_state(deps: Deps) -> None:
    with deps.uow() as uow:
        teacher, _ = _people(uow)
        assert uow.outbox.add_if_absent(_message(teacher, "reflect:visit:1")) is True
        assert uow.outbox.add_if_absent(_message(teacher, "reflect:visit:1")) is False
        later = _message(teacher, "reflect:visit:2", due_at=NOW + HOUR, available_at=NOW + HOUR)
        assert uow.outbox.add_if_absent(later) is True
        uow.commit()
    with deps.uow() as uow:
        [leased] = uow.outbox.claim_due(NOW, "worker-1", 10, timedelta(minutes=2))
        assert (leased.key, leased.leased_by, leased.attempts) == ("reflect:visit:1", "worker-1", 1)
        uow.commit()
    with deps.uow() as uow:
        assert uow.outbox.claim_due(NOW, "worker-2", 10, timedelta(minutes=2)) == []
        assert uow.outbox.count_due(NOW) == 1
        assert uow.outbox.count_sent_or_due("reflection", "reflection:1") == 2
        assert uow.outbox.count_for_person(teacher.id, ["reflection"], NOW, NOW + HOUR) == 1
        assert sorted(d for _, d in uow.outbox.list_due_times("reflection", [teacher.id], NOW)) == [
            NOW,
            NOW + HOUR,
        ]
        assert uow.outbox.drop("reflection:1") == 2
        assert uow.outbox.count_by_status() == {OutboxStatus.DROPPED: 2}
        found = uow.outbox.get_by_key("reflect:visit:2")
        assert found is not None and found.status is OutboxStatus.DROPPED


def test_the_outbox_finds_where_it_told_a_person_about_an_item(deps: Deps) -> None:
    with deps.uow() as uow:
        teacher, _ = _people(uow)
        for n, ref in enumerate(("visit:12", "visit:12:answer:3", "visit:120")):
            sent = _message(
                teacher,
                f"k{n}",
                ref=ref,
                status=OutboxStatus.SENT,
                slack_channel="D0TEACH001",
                slack_ts=f"1.{n}",
                sent_at=NOW + timedelta(minutes=n),
            )
            uow.outbox.add_if_absent(sent)
        assert uow.outbox.list_sent_about(teacher.id, "visit:12") == [
            ("D0TEACH001", "1.1"),
            ("D0TEACH001", "1.0"),
        ]


def test_two_replicas_adding_a_workspace_district_at_once_share_one_row(deps: Deps) -> None:
    errors: list[BaseException] = []
    for n in range(10):
        team = f"T0RACE{n:03d}"
        gate = threading.Barrier(2)

        def add(team: str = team, gate: threading.Barrier = gate) -> None:
            try:
                with deps.uow() as uow:
                    gate.wait()
                    uow.districts.get_or_add(team)
                    uow.commit()
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=add) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    assert errors == []
    with deps.uow() as uow:
        teams = uow.session.scalars(select(District.team_id)).all()
    assert sorted(t for t in teams if t.startswith("T0RACE")) == [
        f"T0RACE{n:03d}" for n in range(10)
    ]
