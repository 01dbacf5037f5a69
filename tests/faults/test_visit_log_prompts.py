"""Case 5: "How did your visit go?" goes through the outbox like every scheduled message.

It was once sent straight from the job and marked as asked before it was posted: 16 of 30
were lost while Slack answered 503, a refused connection crashed the job, and prompts went
out on a holiday and outside school hours.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.app import jobs
from bot.app.deps import Deps
from bot.rules import school_calendar
from bot.rules.calendar import Closure
from storage.enums import VisitStatus
from storage.models import Person, Visit
from tests.faults.conftest import TEAM, Cluster, VirtualTime

# Tuesday 2026-12-01, 10:00 in New York: a visit that began at 09:00 has just ended.
TUESDAY_TEN = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def _visits(deps: Deps, coaches: list[Person], ends_at: datetime) -> list[int]:
    with deps.uow() as uow:
        teacher = uow.people.add(Person(team_id=TEAM, user_id="U0TEACHER", display_name="Tina"))
        uow.session.flush()
        visits = [
            uow.visits.add(
                Visit(
                    team_id=TEAM,
                    teacher_id=teacher.id,
                    coach_id=coach.id,
                    starts_at=ends_at - timedelta(minutes=45),
                    ends_at=ends_at,
                    support_type="observe",
                    status=VisitStatus.ACCEPTED,
                    created_at=ends_at - timedelta(days=7),
                    updated_at=ends_at - timedelta(days=7),
                    version=1,
                )
            )
            for coach in coaches
        ]
        uow.commit()
        return [visit.id for visit in visits]


def _jump(clock: VirtualTime, to: datetime) -> None:
    clock.sleep((to - clock.now()).total_seconds())


def _ask(cluster: Cluster) -> int:
    """The job's run, as the scheduler makes it; a wait for a slot of the budget passes on the
    cluster's clock, not the test's."""
    replica = cluster.replicas[0]
    return jobs.prompt_visit_logs(
        replica.deps,
        None,
        replica.sender,
        budget=cluster.budget,
        worker=replica.name,
        sleep=cluster.time.sleep,
    )


def test_no_prompt_is_lost_while_slack_answers_503_and_each_is_asked_once(
    make_cluster: type[Cluster],
) -> None:
    cluster = make_cluster()
    coaches = cluster.add_people(30)
    visit_ids = _visits(cluster.deps, coaches, TUESDAY_TEN)
    _jump(cluster.time, TUESDAY_TEN + timedelta(minutes=1))
    cluster.slack.outage(503)

    assert _ask(cluster) == 0  # the job runs every minute; Slack is down
    _jump(cluster.time, TUESDAY_TEN + timedelta(minutes=2))
    assert _ask(cluster) == 0  # planned once: nothing new to plan, nothing sent
    cluster.slack.outage(None)
    cluster.run(TUESDAY_TEN + timedelta(minutes=15))

    cluster.assert_each_delivered_once()
    prompts = [call for call in cluster.posts() if call.status == 200]
    assert all("How did your visit" in call.args["text"] for call in prompts)
    with cluster.deps.uow() as uow:
        for visit_id in visit_ids:
            visit = uow.visits.get(visit_id)
            assert visit is not None and visit.coach_ts  # the answer will update the question


def test_a_refused_connection_does_not_crash_the_job_and_loses_nothing(
    make_cluster: type[Cluster],
) -> None:
    cluster = make_cluster()
    coaches = cluster.add_people(3)
    _visits(cluster.deps, coaches, TUESDAY_TEN)
    _jump(cluster.time, TUESDAY_TEN + timedelta(minutes=1))
    cluster.slack.refuse_connections()

    assert _ask(cluster) == 0

    cluster.slack.accept_connections()
    cluster.run(TUESDAY_TEN + timedelta(minutes=15))
    cluster.assert_each_delivered_once()


def test_a_prompt_waits_for_the_coachs_next_school_hour_past_a_holiday(
    make_cluster: type[Cluster],
) -> None:
    cluster = make_cluster()
    [honolulu] = cluster.add_people(1, zone="Pacific/Honolulu")
    [new_york] = cluster.add_people(1, zone="America/New_York")
    with cluster.deps.uow() as uow:
        # Monday 7 December is a holiday.
        school_calendar.save_calendar(
            uow,
            TEAM,
            None,
            weekdays=frozenset(range(5)),
            day_start=time(7, 0),
            day_end=time(17, 0),
            closures=[Closure(date(2026, 12, 7), date(2026, 12, 7), "Holiday")],
        )
        uow.commit()
    # Friday 4 December: both visits end at 16:45 local; the job next runs at 17:15 local.
    friday_honolulu = datetime(2026, 12, 5, 2, 45, tzinfo=UTC)
    friday_new_york = datetime(2026, 12, 4, 21, 45, tzinfo=UTC)
    _visits(cluster.deps, [new_york], friday_new_york)
    with cluster.deps.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, "U0TEACHER")
        assert teacher is not None
        uow.visits.add(
            Visit(
                team_id=TEAM,
                teacher_id=teacher.id,
                coach_id=honolulu.id,
                starts_at=friday_honolulu - timedelta(minutes=45),
                ends_at=friday_honolulu,
                support_type="observe",
                status=VisitStatus.ACCEPTED,
                created_at=friday_honolulu - timedelta(days=7),
                updated_at=friday_honolulu - timedelta(days=7),
                version=1,
            )
        )
        uow.commit()

    _jump(cluster.time, friday_new_york + timedelta(minutes=30))  # 17:15 in New York
    assert _ask(cluster) == 0
    _jump(cluster.time, friday_honolulu + timedelta(minutes=30))  # 17:15 in Honolulu
    assert _ask(cluster) == 0
    replica = cluster.replicas[0]
    for moment in (
        datetime(2026, 12, 5, 16, 0, tzinfo=UTC),  # Saturday
        datetime(2026, 12, 7, 12, 0, tzinfo=UTC),  # Monday, the holiday, 07:00 in New York
        datetime(2026, 12, 7, 17, 0, tzinfo=UTC),  # the holiday, 07:00 in Honolulu
        datetime(2026, 12, 8, 11, 59, tzinfo=UTC),  # Tuesday 06:59 in New York
    ):
        _jump(cluster.time, moment)
        replica.deliver(cluster.budget)
        assert cluster.posts() == []
    _jump(cluster.time, datetime(2026, 12, 8, 12, 0, tzinfo=UTC))  # Tuesday 07:00 in New York
    replica.deliver(cluster.budget)
    _jump(cluster.time, datetime(2026, 12, 8, 16, 59, tzinfo=UTC))  # 06:59 in Honolulu
    replica.deliver(cluster.budget)
    assert len(cluster.posts()) == 1
    _jump(cluster.time, datetime(2026, 12, 8, 17, 0, tzinfo=UTC))  # 07:00 in Honolulu
    replica.deliver(cluster.budget)

    cluster.assert_each_delivered_once()
    sent = {row.person_id: row.sent_at for row in cluster.rows()}
    assert sent[new_york.id] == datetime(2026, 12, 8, 12, 0, tzinfo=UTC)
    assert sent[honolulu.id] == datetime(2026, 12, 8, 17, 0, tzinfo=UTC)
