"""Case 2: a slow Slack never lets a batch outlive its lease, and a dead replica's rows come
back within a minute.

With Slack taking 3 s a post, a batch of 50 claimed for two minutes once outlived its lease
and an idle replica sent its last 10 rows a second time.
"""

from __future__ import annotations

from datetime import timedelta

from tests.faults.conftest import MORNING, Cluster, elapsed

SCHOOL_START = MORNING + timedelta(minutes=5)  # 07:00 in New York


def test_two_replicas_and_a_slack_taking_3_s_a_post_send_each_list_once(
    make_cluster: type[Cluster],
) -> None:
    cluster = make_cluster(latency=3.0)
    people = cluster.add_people(50)
    cluster.plan_daily_lists(people, SCHOOL_START)

    # The second replica wakes a second after the first claimed its batch, and then every 10 s.
    late = (SCHOOL_START - MORNING).total_seconds() + 1
    cluster.run(SCHOOL_START + timedelta(minutes=10), late={1: late})

    cluster.assert_each_delivered_once()
    assert len(cluster.posts()) == 50
    # Both replicas shared the work: 50 posts of 3 s took about half of 150 s.
    assert all(sum(r.sent for r in replica.reports) > 0 for replica in cluster.replicas)
    assert elapsed(SCHOOL_START, cluster.rows()) <= 100


def test_a_replica_killed_mid_batch_loses_nothing_and_doubles_nothing(
    make_cluster: type[Cluster],
) -> None:
    cluster = make_cluster(latency=3.0)
    first = cluster.replicas[0]
    people = cluster.add_people(20)
    cluster.plan_daily_lists(people, MORNING)
    first.sender.kill_after = 4  # dies right after Slack accepted its fourth post

    cluster.run(MORNING + timedelta(minutes=15))

    assert first.killed is not None
    cluster.assert_each_delivered_once()
    assert len(cluster.posts()) == 20
    # Its unsent rows were back in line within the lease, a minute, and sent soon after.
    assert elapsed(first.killed, cluster.rows()) <= 60 + 20 * 3
