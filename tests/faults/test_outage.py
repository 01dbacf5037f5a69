"""Case 3: an outage of hours is waited out, not counted.

With Slack answering 503 (or refusing connections) from 06:55 to 08:55, every daily list was
once dead by 08:09 and nothing went out when Slack came back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.demo.standin import SlackStandin
from tests.conftest import POSTGRES_URL
from tests.faults.conftest import MORNING, Cluster

BACK = MORNING + timedelta(hours=2)  # 08:55 in New York


def _answer_503(slack: SlackStandin) -> Callable[[], None]:
    slack.outage(503)
    return lambda: slack.outage(None)


def _refuse(slack: SlackStandin) -> Callable[[], None]:
    slack.refuse_connections()
    return slack.accept_connections


# Both kinds of outage on SQLite; on PostgreSQL the 503s alone. What the database does in an
# outage (two replicas claiming, backing off, claiming again) is the same whichever way Slack
# fails, and the way it fails reaches only the Slack client, which is the same on either.
OUTAGES = [
    pytest.param("sqlite", _answer_503, id="sqlite-503"),
    pytest.param("sqlite", _refuse, id="sqlite-refused"),
    *([pytest.param("postgresql", _answer_503, id="postgresql-503")] if POSTGRES_URL else []),
]


@pytest.mark.parametrize(("database_url", "outage"), OUTAGES, indirect=["database_url"])
def test_thirty_daily_lists_go_out_once_within_minutes_of_slack_coming_back(
    make_cluster: type[Cluster], outage: Callable[[SlackStandin], Callable[[], None]]
) -> None:
    cluster = make_cluster()
    people = cluster.add_people(30)
    cluster.plan_daily_lists(people, MORNING + timedelta(minutes=5))  # due at 07:00
    end_outage = outage(cluster.slack)

    def come_back_at_08_55() -> None:
        if cluster.time.now() >= BACK:
            end_outage()

    # The replicas wake every 30 s; the outage ends at the first wake-up after 08:55.
    cluster.run(BACK + timedelta(minutes=30), each=come_back_at_08_55, every=30)

    cluster.assert_each_delivered_once()
    rows = cluster.rows()
    assert all(BACK <= row.sent_at <= BACK + timedelta(minutes=6) for row in rows)
    new_york = ZoneInfo("America/New_York")
    assert all(7 <= row.sent_at.astimezone(new_york).hour < 17 for row in rows)
    reports = [r for replica in cluster.replicas for r in replica.reports]
    assert sum(r.dead for r in reports) == 0
    # Waited out, not hammered: past three failures in a row every replica backs off, so two
    # hours of outage cost a few dozen calls, not one a message every few seconds.
    assert max(row.attempts for row in rows) <= 30
    assert len(cluster.slack.calls) <= 30 * 3 + 60
