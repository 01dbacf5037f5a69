"""Case 1: when a send's outcome is unknown, the next attempt looks before it posts again.

Slack accepts a post and answers after the client gave up, or posts and answers 500, or the
replica dies right after Slack accepted: each message still arrives exactly once.
"""

from __future__ import annotations

from datetime import timedelta

from tests.faults.conftest import MORNING, Cluster, Killed

SOON = MORNING + timedelta(minutes=15)


def test_a_post_answered_after_the_client_gave_up_is_found_not_sent_again(
    make_cluster: type[Cluster],
) -> None:
    cluster = make_cluster(timeout=0.1)  # the client gives up after 0.1 s of real time
    people = cluster.add_people(5)
    cluster.plan_daily_lists(people, MORNING)
    cluster.slack.delay_next("chat.postMessage", 3.0, times=5)

    cluster.run(SOON)

    cluster.assert_each_delivered_once()
    recovered = sum(r.recovered for replica in cluster.replicas for r in replica.reports)
    assert recovered == 5
    assert len(cluster.posts()) == 5


def test_a_post_slack_made_before_answering_500_is_found_not_sent_again(
    make_cluster: type[Cluster],
) -> None:
    cluster = make_cluster()
    people = cluster.add_people(5)
    cluster.plan_daily_lists(people, MORNING)
    cluster.slack.server_error_next("chat.postMessage", 500, times=5, after_accepting=True)

    cluster.run(SOON)

    cluster.assert_each_delivered_once()
    assert [c.status for c in cluster.posts()] == [500] * 5


def test_a_replica_killed_after_slack_accepted_a_retry_leaves_no_duplicate(
    make_cluster: type[Cluster],
) -> None:
    cluster = make_cluster()
    first, second = cluster.replicas
    people = cluster.add_people(5)
    cluster.plan_daily_lists(people, MORNING)
    # The first attempt at each fails without posting; the retry of the first message reaches
    # Slack, and the replica dies before it can record that.
    cluster.slack.server_error_next("chat.postMessage", 503, times=5)
    first.sender.kill_after = 1
    first.run(SOON, budget=cluster.budget)
    assert first.killed is not None
    assert len(cluster.posts()) == 6

    second.run(SOON, budget=cluster.budget)

    cluster.assert_each_delivered_once()
    # The dead replica's rows came back within a minute of its death.
    assert max(row.sent_at for row in cluster.rows()) <= first.killed + timedelta(seconds=75)
    with cluster.deps.uow() as uow:
        assert (uow.outbox.count_by_status()) == {"sent": 5}
    sent_by_second = sum(r.sent + r.recovered for r in second.reports)
    assert sent_by_second == 5


def test_killed_is_not_an_exception_delivery_could_swallow() -> None:
    assert not issubclass(Killed, Exception)
