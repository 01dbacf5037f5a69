"""A misbehaving Slack and several replicas, on time the tests drive.

Each replica is a delivery worker with its own engine, as a `coachbot serve` process would
have, running in its own thread. They share `VirtualTime`: a replica that waits (for its next
poll, a slot of the rate budget, or Slack's slow answer) sleeps in it, and it moves on only
when every replica sleeps, straight to the earliest wake-up. Hours of an outage pass in a
second or two of real time, and no test sleeps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot.app import jobs
from bot.app.deps import Deps
from bot.demo.standin import SlackStandin
from bot.reads import daily
from bot.rules import outbox
from bot.slack.messaging import SlackSender
from storage.db import make_engine, make_session_factory
from storage.enums import OutboxStatus
from storage.models import OutboxMessage, Person
from tests.conftest import BOT_TOKEN

TEAM = "T0COACH"
# Tuesday 2026-12-01, 06:55 in New York: five minutes before the daily lists are due.
MORNING = datetime(2026, 12, 1, 11, 55, tzinfo=UTC)
POLL = 10.0  # the scheduler wakes the delivery loop every ten seconds


class VirtualTime:
    """A clock that moves only when every replica running in it sleeps."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._cond = threading.Condition()
        self._running: set[int] = set()
        self._waking: dict[int, datetime] = {}

    def now(self) -> datetime:
        with self._cond:
            return self._now

    def timestamp(self) -> float:
        """Seconds since the epoch, for the stand-in's record of when calls arrived."""
        return self.now().timestamp()

    @contextmanager
    def running(self) -> Iterator[None]:
        """The calling thread is a replica: time waits for it."""
        me = threading.get_ident()
        with self._cond:
            self._running.add(me)
        try:
            yield
        finally:
            with self._cond:
                self._running.discard(me)
                self._waking.pop(me, None)
                self._move_on()

    def sleep(self, seconds: float) -> None:
        me = threading.get_ident()
        with self._cond:
            wake = self._now + timedelta(seconds=max(seconds, 0.0))
            if me not in self._running:
                self._now = max(self._now, wake)  # the test itself, with no replica running
                self._cond.notify_all()
                return
            self._waking[me] = wake
            self._move_on()
            while self._now < wake:
                self._cond.wait()
            del self._waking[me]

    def _move_on(self) -> None:
        if self._running and all(ident in self._waking for ident in self._running):
            earliest = min(self._waking[ident] for ident in self._running)
            if earliest > self._now:
                self._now = earliest
            self._cond.notify_all()


class Killed(BaseException):
    """The process died (kill -9): nothing after this point runs, nothing is cleaned up."""


@dataclass
class Slow(outbox.Sender):
    """Slack as the replica sees it: each post takes `latency` seconds to answer (a lookup
    a tenth of a second), and the replica can be killed right after Slack accepted its
    `kill_after`-th post."""

    inner: outbox.Sender
    time: VirtualTime
    latency: float = 0.0
    kill_after: int | None = None
    posted: int = 0
    lookup_latency: float = 0.1

    def post(self, channel: str, text: str, blocks: list[Any] | None, key: str) -> tuple[str, str]:
        try:
            where = self.inner.post(channel, text, blocks, key)
        finally:
            self.time.sleep(self.latency)
        self.posted += 1
        if self.kill_after is not None and self.posted >= self.kill_after:
            raise Killed(f"killed after {self.posted} posts")
        return where

    def find(self, channel: str, key: str) -> tuple[str, str] | None:
        try:
            return self.inner.find(channel, key)
        finally:
            self.time.sleep(self.lookup_latency)


@dataclass
class Replica:
    """One coachbot process's delivery loop: its own engine, its own Slack client."""

    name: str
    deps: Deps
    sender: Slow
    time: VirtualTime
    reports: list[outbox.DeliveryReport] = field(default_factory=list)
    errors: list[SQLAlchemyError] = field(default_factory=list)
    killed: datetime | None = None

    def deliver(
        self, budget: outbox.Budget | None, gate: outbox.Gate | None = None
    ) -> outbox.DeliveryReport:
        """One wake-up of the delivery job."""
        report = jobs.deliver_outbox(
            self.deps,
            self.sender,
            worker=self.name,
            still_wanted=jobs.STILL_WANTED,
            budget=budget,
            sleep=self.time.sleep,
            gate=gate,
        )
        self.reports.append(report)
        return report

    def run(
        self,
        until: datetime,
        *,
        budget: outbox.Budget | None,
        gate: outbox.Gate | None = None,
        start_after: float = 0.0,
        every: float = POLL,
        each: Callable[[], None] | None = None,
        together: threading.Barrier | None = None,
    ) -> None:
        """Wake every `every` seconds until `until` or nothing is left to send; a replica
        killed mid-batch stops there. With `together`, time starts only once every replica
        sharing the barrier runs in it."""
        with self.time.running():
            if together is not None:
                # A thread the machine starts late must not find the others' first minutes
                # gone: until it is counted as running, time moves for the others alone.
                together.wait(60)
            self.time.sleep(start_after)
            try:
                while self.time.now() < until and pending(self.deps):
                    try:
                        self.deliver(budget, gate)
                    except SQLAlchemyError as error:
                        # As the scheduler does: the job's run failed, the next one tries again.
                        self.errors.append(error)
                    if each is not None:
                        each()
                    self.time.sleep(every)
            except Killed:
                self.killed = self.time.now()


@dataclass
class Cluster:
    """Replicas sharing one database and one Slack, on one VirtualTime."""

    slack: SlackStandin
    time: VirtualTime
    replicas: list[Replica]
    budget: outbox.Budget | None
    people: list[Person] = field(default_factory=list)

    @property
    def deps(self) -> Deps:
        return self.replicas[0].deps

    def run(self, until: datetime, *, late: dict[int, float] | None = None, **kwargs: Any) -> None:
        """Run every replica in its own thread until all are done; `late` starts some of them
        (by index) that many seconds after the others."""
        together = threading.Barrier(len(self.replicas))
        threads = [
            threading.Thread(
                target=replica.run,
                args=(until,),
                kwargs={
                    "budget": self.budget,
                    **kwargs,
                    "start_after": (late or {}).get(n, 0.0),
                    "together": together,
                },
                name=replica.name,
            )
            for n, replica in enumerate(self.replicas)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert not any(thread.is_alive() for thread in threads), "a replica never finished"

    def add_people(self, count: int, *, zone: str = "America/New_York") -> list[Person]:
        with self.deps.uow() as uow:
            # The district's calendar row exists before the replicas read it: the first read
            # adds it, and two replicas adding it at once is not what these tests are about.
            uow.districts.get_or_add(TEAM)
            added = [
                uow.people.add(
                    Person(
                        team_id=TEAM,
                        user_id=f"U0C{len(self.people) + n:05d}",
                        display_name=f"Coach {n}",
                        timezone=zone,
                    )
                )
                for n in range(count)
            ]
            uow.commit()
        self.people += added
        return added

    def plan_daily_lists(self, people: list[Person], due: datetime) -> None:
        """Each person's list for the day `due` falls on, keyed as the planner keys it."""
        with self.deps.uow() as uow:
            for person in people:
                day = due.astimezone(ZoneInfo(person.timezone)).date()
                outbox.enqueue(
                    uow,
                    key=f"daily-list:{person.id}:{day.isoformat()}",
                    person=person,
                    kind=daily.KIND,
                    message={"text": f"Your visits today, {person.display_name}"},
                    due_at=due,
                    now=due,
                )
            uow.commit()

    def rows(self) -> list[OutboxMessage]:
        with self.deps.uow() as uow:
            return list(uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))

    def posts(self) -> list[Any]:
        return self.slack.calls_to("chat.postMessage")

    def assert_each_delivered_once(self, people: list[Person] | None = None) -> None:
        """Every message in Slack exactly once, every row sent, nothing dead or left behind."""
        for person in people if people is not None else self.people:
            messages = self.slack.messages_in(person.user_id)
            assert len(messages) == 1, f"{person.user_id} got {len(messages)} messages"
        states = {row.key: row.status for row in self.rows()}
        assert set(states.values()) == {OutboxStatus.SENT}, {
            key: state for key, state in states.items() if state != OutboxStatus.SENT
        }
        for row in self.rows():
            assert row.slack_ts and row.sent_at is not None
        assert not [error for replica in self.replicas for error in replica.errors]


# Asked by every replica at every wake-up: one row is enough to say yes, so nothing is counted.
_ANY_PENDING = select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.PENDING).limit(1)


def pending(deps: Deps) -> bool:
    """Whether anything is still waiting to be sent."""
    with deps.uow() as uow:
        return uow.session.scalar(_ANY_PENDING) is not None


def elapsed(start: datetime, rows: list[OutboxMessage]) -> float:
    """Seconds from `start` to the last message sent."""
    return max((row.sent_at - start).total_seconds() for row in rows if row.sent_at is not None)


@pytest.fixture
def clock() -> VirtualTime:
    return VirtualTime(MORNING)


@pytest.fixture
def make_cluster(
    database_url: str, slack: SlackStandin, clock: VirtualTime
) -> Iterator[Callable[..., Cluster]]:
    """`make_cluster(replicas=2, latency=0.0, timeout=10, per_minute=300)`: replicas with their
    own engines, sharing a rate budget of `per_minute` posts (as `coachbot serve` does)."""
    engines = []
    slack.set_clock(clock.timestamp)

    def build(
        replicas: int = 2,
        *,
        latency: float = 0.0,
        timeout: float = 10,
        per_minute: float | None = 300,
    ) -> Cluster:
        members = []
        for n in range(replicas):
            engine = make_engine(database_url)
            engines.append(engine)
            deps = Deps(
                engine=engine, session_factory=make_session_factory(engine), clock=clock.now
            )
            client = WebClient(
                token=BOT_TOKEN, base_url=slack.url, timeout=timeout, retry_handlers=[]
            )
            sender = Slow(SlackSender(client), clock, latency)
            members.append(Replica(f"replica-{n + 1}", deps, sender, clock))
        budget = outbox.Budget(per_minute) if per_minute else None
        return Cluster(slack, clock, members, budget)

    yield build
    for engine in engines:
        engine.dispose()
