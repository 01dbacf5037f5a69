"""The outbox: once, on time, never lost, never doubled, and waiting as long as Slack says."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot import metrics
from bot.app.deps import Deps
from bot.demo.standin import SlackStandin
from bot.rules import outbox
from bot.slack.messaging import SlackSender
from storage.models import OutboxMessage, Person
from tests.conftest import BOT_TOKEN

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def sender(slack: SlackStandin) -> SlackSender:
    return SlackSender(WebClient(token=BOT_TOKEN, base_url=slack.url, retry_handlers=[]))


def _people(deps: Deps, count: int) -> list[Person]:
    with deps.uow() as uow:
        people = [
            uow.people.add(Person(team_id="T0COACH", user_id=f"U0P{n:05d}", display_name=f"P{n}"))
            for n in range(count)
        ]
        uow.commit()
        return people


def _plan(deps: Deps, people: list[Person], *, due: datetime = NOW) -> None:
    with deps.uow() as uow:
        for person in people:
            outbox.enqueue(
                uow,
                key=f"test:{person.user_id}",
                person=person,
                kind="test",
                message={"text": f"Good morning {person.display_name}"},
                due_at=due,
                now=due,
            )
        uow.commit()


def _rows(deps: Deps) -> list[OutboxMessage]:
    with deps.uow() as uow:
        return list(uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _counted(name: str) -> float:
    """A counter of /metrics, as Prometheus reads it (process-wide: compare before and after)."""
    return metrics.REGISTRY.get_sample_value(name) or 0.0


def test_planning_the_same_key_twice_plans_once(deps: Deps) -> None:
    people = _people(deps, 1)
    _plan(deps, people)
    _plan(deps, people)
    assert len(_rows(deps)) == 1


def test_due_messages_are_sent_once_with_the_slack_ts(
    deps: Deps, sender: SlackSender, slack: SlackStandin
) -> None:
    people = _people(deps, 3)
    _plan(deps, people)
    _plan(deps, people[:1], due=NOW + timedelta(hours=1))  # a later one, not due yet
    counted = _counted("coachbot_outbox_sent_total")
    report = outbox.deliver_due(deps.uow, sender, NOW, worker="w1")
    assert report.sent == 3
    assert _counted("coachbot_outbox_sent_total") - counted == 3
    assert outbox.deliver_due(deps.uow, sender, NOW, worker="w1").sent == 0
    for person in people:
        [message] = slack.messages_in(person.user_id)
        assert message["text"] == f"Good morning {person.display_name}"
    assert {r.status for r in _rows(deps)} == {"sent"}
    assert all(r.slack_ts for r in _rows(deps))


def test_429_then_500s_every_message_arrives_once_after_waiting_as_told(
    deps: Deps, sender: SlackSender, slack: SlackStandin
) -> None:
    people = _people(deps, 3)
    _plan(deps, people)
    slack.rate_limit_next("chat.postMessage", retry_after=30)
    slack.server_error_next("chat.postMessage", status=500, times=2)

    first = outbox.deliver_due(deps.uow, sender, NOW, worker="w1")
    # The 429 pauses the whole batch: the two messages not tried yet wait with the first.
    assert (first.sent, first.retried, first.released, first.waits) == (0, 1, 2, [30.0])
    # Ten seconds later nothing is due: the rate-limited message waits the 30 s Slack asked for.
    assert outbox.deliver_due(deps.uow, sender, NOW + timedelta(seconds=10), worker="w1").sent == 0
    second = outbox.deliver_due(deps.uow, sender, NOW + timedelta(seconds=31), worker="w1")
    assert (second.sent, second.retried) == (1, 2)
    # A 500 may have posted the message: the next attempt looks for it first, then posts.
    third = outbox.deliver_due(deps.uow, sender, NOW + timedelta(seconds=40), worker="w1")
    assert (third.sent, third.recovered) == (2, 0)
    for person in people:
        assert len(slack.messages_in(person.user_id)) == 1
    statuses = [c.status for c in slack.calls_to("chat.postMessage")]
    assert statuses == [429, 500, 500, 200, 200, 200]
    assert len(slack.calls_to("conversations.history")) == 2
    assert {r.status for r in _rows(deps)} == {"sent"}


def test_a_crash_between_claim_and_send_loses_nothing(
    deps: Deps, sender: SlackSender, slack: SlackStandin
) -> None:
    people = _people(deps, 2)
    _plan(deps, people)
    with deps.uow() as uow:
        assert len(outbox.claim_due(uow, NOW, "crashed-worker", 10)) == 2  # then the process dies
        uow.commit()
    # While the lease holds, nobody else sends them; once it lapses, another worker does.
    assert outbox.deliver_due(deps.uow, sender, NOW + timedelta(seconds=30), worker="w2").sent == 0
    later = NOW + outbox.LEASE + timedelta(seconds=1)
    assert outbox.deliver_due(deps.uow, sender, later, worker="w2").sent == 2
    for person in people:
        assert len(slack.messages_in(person.user_id)) == 1


def test_a_crash_after_slack_accepted_is_not_sent_twice(
    deps: Deps, sender: SlackSender, slack: SlackStandin
) -> None:
    [person] = _people(deps, 1)
    _plan(deps, [person])
    with deps.uow() as uow:
        [row] = outbox.claim_due(uow, NOW, "crashed-worker", 10)
        key, text = row.key, row.text
        uow.commit()
    sender.post(person.user_id, text, None, key)  # Slack has it; the process dies before recording
    later = NOW + outbox.LEASE + timedelta(seconds=1)
    report = outbox.deliver_due(deps.uow, sender, later, worker="w2")
    assert (report.sent, report.recovered) == (0, 1)
    assert len(slack.messages_in(person.user_id)) == 1
    assert _rows(deps)[0].status == "sent"


def test_a_permanent_error_ends_as_dead_with_its_reason_and_can_be_retried(
    deps: Deps, sender: SlackSender, slack: SlackStandin
) -> None:
    [person] = _people(deps, 1)
    slack.add_user(person.user_id, name="Gone", deleted=True)
    _plan(deps, [person])
    counted = _counted("coachbot_outbox_dead_total")
    report = outbox.deliver_due(deps.uow, sender, NOW, worker="w1")
    assert report.dead == 1
    assert _counted("coachbot_outbox_dead_total") - counted == 1
    [row] = _rows(deps)
    assert (row.status, row.last_error) == ("dead", "channel_not_found")
    with deps.uow() as uow:
        assert outbox.summary(uow, NOW)["dead"] == 1
        assert outbox.retry_dead(uow, NOW) == 1
        uow.commit()
    assert _rows(deps)[0].status == "pending"


def test_a_message_whose_item_was_settled_is_never_sent(
    deps: Deps, sender: SlackSender, slack: SlackStandin
) -> None:
    [person] = _people(deps, 1)
    _plan(deps, [person])
    report = outbox.deliver_due(
        deps.uow, sender, NOW, worker="w1", still_wanted={"test": lambda uow, row: False}
    )
    assert report.dropped == 1
    assert slack.calls_to("chat.postMessage") == []


def test_two_delivery_loops_send_every_message_exactly_once(
    deps: Deps, sender: SlackSender, slack: SlackStandin
) -> None:
    # Forty small batches: as many claims racing between the two loops as a thousand messages
    # in batches of 25 would make, at a fifth of the sending.
    count, batch = 200, 5
    people = _people(deps, count)
    _plan(deps, people)
    reports: list[outbox.DeliveryReport] = []

    def loop(name: str) -> None:
        total = outbox.DeliveryReport()
        while True:
            report = outbox.deliver_due(deps.uow, sender, NOW, worker=name, batch=batch)
            total.add(report)
            with deps.uow() as uow:
                if outbox.summary(uow, NOW)["due"] == 0:
                    break
        reports.append(total)

    workers = [threading.Thread(target=loop, args=(f"replica-{n}",)) for n in (1, 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    posted = [c.args["channel"] for c in slack.calls_to("chat.postMessage")]
    assert len(posted) == count and len(set(posted)) == count
    assert sum(r.sent for r in reports) == count
    assert all(r.sent > 0 for r in reports), "both loops should have taken a share"
    assert {r.status for r in _rows(deps)} == {"sent"}


def test_a_message_that_came_due_outside_school_hours_waits_for_the_next_morning(
    deps: Deps, sender: SlackSender, slack: SlackStandin
) -> None:
    from bot.app import jobs

    with deps.uow() as uow:
        person = uow.people.add(
            Person(team_id="T0COACH", user_id="U0LATE", timezone="America/New_York")
        )
        uow.commit()
    friday_afternoon = datetime(2026, 12, 4, 21, 30, tzinfo=UTC)  # 16:30 in New York
    _plan(deps, [person], due=friday_afternoon)
    saturday = datetime(2026, 12, 5, 14, 0, tzinfo=UTC)
    report = outbox.deliver_due(deps.uow, sender, saturday, worker="w1", gate=jobs.school_hours)
    assert (report.sent, report.postponed) == (0, 1)
    assert slack.calls_to("chat.postMessage") == []
    monday_seven = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    assert _rows(deps)[0].available_at == monday_seven
    assert (
        outbox.deliver_due(deps.uow, sender, monday_seven, worker="w1", gate=jobs.school_hours).sent
        == 1
    )


def test_a_daily_list_that_missed_its_day_is_dropped(deps: Deps) -> None:
    from bot.app import jobs

    with deps.uow() as uow:
        person = uow.people.add(
            Person(team_id="T0COACH", user_id="U0LIST", timezone="America/New_York")
        )
        row = OutboxMessage(
            key=f"daily-list:{person.id}:2026-12-04",
            team_id="T0COACH",
            person_id=person.id,
            channel="U0LIST",
            kind="daily_list",
            text="Your day",
            due_at=NOW,
            created_at=NOW,
            available_at=datetime(2026, 12, 4, 12, 0, tzinfo=UTC),
        )
        uow.session.add(row)
        uow.session.flush()
        assert jobs.daily_list_still_today(uow, row) is True
        row.available_at = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
        assert jobs.daily_list_still_today(uow, row) is False
        uow.commit()


def test_only_the_holder_of_the_lease_records_an_outcome(deps: Deps) -> None:
    people = _people(deps, 1)
    _plan(deps, people)
    with deps.uow() as uow:
        [row] = uow.outbox.claim_due(NOW, "slow:1", 10, outbox.LEASE)
        uow.commit()
    later = NOW + outbox.LEASE + timedelta(seconds=1)
    with deps.uow() as uow:
        [taken] = uow.outbox.claim_due(later, "quick:2", 10, outbox.LEASE)
        # The lease lapsed with no outcome recorded: the new holder must look in Slack first.
        assert taken.maybe_sent is True
        assert uow.outbox.finish(row.id, "slow:1", {"status": "sent"}) is False
        assert uow.outbox.renew("slow:1", later + outbox.LEASE) == 0
        assert uow.outbox.finish(row.id, "quick:2", {"status": "sent"}) is True
        uow.commit()
    assert _rows(deps)[0].status == "sent"


def test_the_shared_budget_gives_each_slot_once_and_a_pause_holds_everyone(deps: Deps) -> None:
    budget = outbox.Budget(per_minute=120)
    start = int(NOW.timestamp() * 1000)
    with deps.uow() as uow:
        slots = [
            uow.outbox.take_slot(budget.name, start, budget.interval_ms, 5000) for _ in range(3)
        ]
        assert slots == [start, start + 500, start + 1000]
        uow.outbox.hold_budget(budget.name, start + 30_000)  # a 429 with Retry-After: 30
        assert uow.outbox.take_slot(budget.name, start, budget.interval_ms, 5000) is None
        assert uow.outbox.next_slot(budget.name) == start + 30_000
        later = start + 30_000
        assert uow.outbox.take_slot(budget.name, later, budget.interval_ms, 5000) == later
        uow.commit()


def test_backoff_grows_to_five_minutes_and_never_below_half() -> None:
    assert outbox.backoff(1, 0.0) == timedelta(seconds=2.5)
    assert outbox.backoff(1, 1.0) == timedelta(seconds=5)
    assert outbox.backoff(3, 1.0) == timedelta(seconds=20)
    assert outbox.backoff(30, 1.0) == timedelta(minutes=5)
