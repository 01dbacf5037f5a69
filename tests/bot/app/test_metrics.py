"""GET /metrics: Prometheus' text format, with what an operator pages on.

The counters are process-wide (one registry per process, bot/metrics.py), so each test reads
how much a value moved, never its absolute count.
"""

from __future__ import annotations

import threading
import weakref
from datetime import timedelta
from types import SimpleNamespace

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from slack_bolt import BoltRequest
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot import metrics
from bot.app.deps import Deps
from bot.app.runtime import count_job_event
from bot.app.settings import Settings
from storage.db import make_session_factory
from storage.models import OutboxMessage
from tests import factories
from tests.conftest import BOT_TOKEN, Running


def _scrape(running: Running) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    reply = running.sender.get("/metrics")
    assert reply.status == 200
    samples = {}
    for family in text_string_to_metric_families(reply.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def _value(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


def test_requests_acks_and_slack_calls_are_counted(running: Running) -> None:
    before = _value("coachbot_requests_total", kind="event", outcome="ok")
    acks = _value("coachbot_ack_seconds_count", kind="event")
    publishes = _value("coachbot_slack_api_seconds_count", method="views.publish", outcome="ok")
    refused = _value("coachbot_requests_total", kind="unknown", outcome="refused_401")

    reply = running.sender.post(factories.event_callback(factories.app_home_opened("U0TEACHER9")))
    assert reply.status == 200
    running.settle()
    assert running.sender.post(factories.event_callback(factories.app_home_opened()), signed=False)

    samples = _scrape(running)
    assert (
        samples[("coachbot_requests_total", (("kind", "event"), ("outcome", "ok")))] == before + 1
    )
    assert samples[("coachbot_ack_seconds_count", (("kind", "event"),))] == acks + 1
    assert (
        samples[
            ("coachbot_slack_api_seconds_count", (("method", "views.publish"), ("outcome", "ok")))
        ]
        == publishes + 1
    )
    assert (
        samples[("coachbot_requests_total", (("kind", "unknown"), ("outcome", "refused_401")))]
        == refused + 1
    )


def test_outbox_depth_and_the_oldest_due_message_are_read_at_scrape_time(
    running: Running,
) -> None:
    now = running.clock()
    with running.deps.uow() as uow:
        for n, waited in enumerate((20, 5)):
            uow.session.add(
                OutboxMessage(
                    key=f"test:{n}",
                    team_id="T0DISTRICT",
                    channel="U0TEACHER9",
                    kind="nudge",
                    text="hello",
                    due_at=now - timedelta(minutes=waited),
                    available_at=now - timedelta(minutes=waited),
                    created_at=now - timedelta(minutes=30),
                )
            )
        uow.commit()
    samples = _scrape(running)
    assert samples[("coachbot_outbox_messages", (("state", "due"),))] == 2
    assert samples[("coachbot_outbox_messages", (("state", "dead"),))] == 0
    assert samples[("coachbot_outbox_oldest_due_seconds", ())] == 20 * 60
    assert samples[("coachbot_database_up", ())] == 1
    # The counters the delivery loop adds to are there from the start.
    text = running.sender.get("/metrics").text
    for name in ("coachbot_outbox_sent", "coachbot_slack_rate_limited", "coachbot_outbox_dead"):
        assert f"\n{name}_total " in text


def test_scheduler_runs_and_misses_are_counted() -> None:
    runs = _value("coachbot_scheduler_job_runs_total", job="outbox:plan", outcome="ok")
    errors = _value("coachbot_scheduler_job_runs_total", job="outbox:plan", outcome="error")
    misses = _value("coachbot_scheduler_job_misses_total", job="outbox:plan")
    count_job_event(SimpleNamespace(code=EVENT_JOB_EXECUTED, job_id="outbox:plan", exception=None))
    count_job_event(
        SimpleNamespace(code=EVENT_JOB_ERROR, job_id="outbox:plan", exception=ValueError())
    )
    count_job_event(SimpleNamespace(code=EVENT_JOB_MISSED, job_id="outbox:plan"))
    assert _value("coachbot_scheduler_job_runs_total", job="outbox:plan", outcome="ok") == runs + 1
    assert (
        _value("coachbot_scheduler_job_runs_total", job="outbox:plan", outcome="error")
        == errors + 1
    )
    assert _value("coachbot_scheduler_job_misses_total", job="outbox:plan") == misses + 1


def test_a_failing_listener_is_counted(running: Running) -> None:
    before = _value("coachbot_listener_errors_total")

    @running.app.event("reaction_added")
    def explode() -> None:
        raise RuntimeError("a bug")

    event = factories.event_callback({"type": "reaction_added", "user": "U0TEACHER9"})
    assert running.sender.post(event).status == 200
    running.settle()
    assert _value("coachbot_listener_errors_total") == before + 1


def test_socket_mode_requests_are_counted_and_their_listeners_carry_a_request_id(
    settings: Settings, engine: Engine
) -> None:
    from bot.app.factory import create_app
    from bot.app.logs import REQUEST_ID

    socket_settings = settings.model_copy(
        update={"slack_app_token": SecretStr("xapp-1-A0COACH-1234567890-abcdef")}
    )
    app = create_app(
        socket_settings, Deps(engine=engine, session_factory=make_session_factory(engine))
    )
    seen: list[str | None] = []
    listened = threading.Event()

    @app.event("reaction_added")
    def probe() -> None:
        seen.append(REQUEST_ID.get())
        listened.set()

    before = _value("coachbot_requests_total", kind="event", outcome="ok")
    acks = _value("coachbot_ack_seconds_count", kind="event")
    # As the Socket Mode adapter hands each request to Bolt: unsigned, through dispatch.
    body, _ = factories.event_callback({"type": "reaction_added", "user": "U0TEACHER9"})
    answer = app.dispatch(BoltRequest(body=body, mode="socket_mode"))
    assert answer.status == 200, answer.body
    assert listened.wait(10)
    # The listener ran in the pool, after every middleware had returned, with the request's id.
    assert seen[0] is not None and REQUEST_ID.get() is None
    assert _value("coachbot_requests_total", kind="event", outcome="ok") == before + 1
    assert _value("coachbot_ack_seconds_count", kind="event") == acks + 1


def test_a_timed_client_is_freed_when_its_request_ends(running: Running) -> None:
    from bot.app.factory import timed

    client = timed(WebClient(token=BOT_TOKEN, base_url=running.slack.url))
    assert client.auth_test()["ok"]
    before = _value("coachbot_slack_api_seconds_count", method="auth.test", outcome="ok")
    assert client.auth_test()["ok"]
    assert (
        _value("coachbot_slack_api_seconds_count", method="auth.test", outcome="ok") == before + 1
    )
    # Bolt makes a client for every request: timing it must not keep it alive in a cycle
    # that only Python's garbage collector would find.
    kept = weakref.ref(client)
    del client
    assert kept() is None
