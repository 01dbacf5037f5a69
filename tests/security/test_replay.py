"""A signed request replayed within Slack's five minutes is dropped, on every replica."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app.server import HttpServer
from bot.app.web import make_wsgi_app
from bot.clock import utc_now
from bot.slack.payloads import Reply, SlackSender
from storage.models import RequestSignature
from tests import factories
from tests.conftest import SIGNING_SECRET, Running
from tests.handlers.test_invite_flow import TEACHER, TEAM, school  # noqa: F401 - the fixture


def prompts_stopped(running: Running) -> bool:
    with running.deps.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        assert teacher is not None
        return teacher.prompts_stopped


def coachbot(sender: SlackSender, text: str, *, timestamp: int) -> tuple[tuple[str, str], Reply]:
    payload = factories.slash_command("/coachbot", text, user_id=TEACHER)
    return payload, sender.post(payload, timestamp=timestamp)


@pytest.fixture
def replica(school: Running) -> Iterator[SlackSender]:  # noqa: F811
    """A second server in front of the same database, as a second replica would be."""
    wsgi = make_wsgi_app(school.app, school.deps, signing_secret=SIGNING_SECRET)
    server = HttpServer(wsgi, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.serve_forever, name="replica", daemon=True)
    thread.start()
    try:
        yield SlackSender("127.0.0.1", server.port, SIGNING_SECRET)
    finally:
        server.stop()
        thread.join(timeout=15)


def test_a_replayed_command_cannot_undo_a_later_choice(
    school: Running,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    running = school
    now = int(time.time())
    off, reply = coachbot(running.sender, "prompts off", timestamp=now - 60)
    assert "no more reflection prompts" in reply.json()["text"]
    _, reply = coachbot(running.sender, "prompts on", timestamp=now - 30)
    assert "back on" in reply.json()["text"]

    with caplog.at_level(logging.DEBUG):
        replay = running.sender.post(off, timestamp=now - 60)
    running.settle()
    assert (replay.status, replay.body) == (200, b"")
    assert prompts_stopped(running) is False
    [line] = [record.getMessage() for record in caplog.records]
    assert "repeated" in line and len(line) <= 300


def test_a_replay_sent_to_another_replica_is_dropped_too(
    school: Running,  # noqa: F811
    replica: SlackSender,
) -> None:
    running = school
    now = int(time.time())
    off, _ = coachbot(running.sender, "prompts off", timestamp=now - 60)
    coachbot(running.sender, "prompts on", timestamp=now - 30)
    replay = replica.post(off, timestamp=now - 60)
    running.settle()
    assert (replay.status, replay.body) == (200, b"")
    assert prompts_stopped(running) is False
    # The replica itself takes new requests as usual.
    _, reply = coachbot(replica, "prompts off", timestamp=now)
    assert "no more reflection prompts" in reply.json()["text"]
    assert prompts_stopped(running) is True


def test_copies_of_one_request_sent_at_once_are_taken_once(school: Running) -> None:  # noqa: F811
    running = school
    now = int(time.time())
    off = factories.slash_command("/coachbot", "prompts off", user_id=TEACHER)
    coachbot(running.sender, "prompts on", timestamp=now - 90)
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda _: running.sender.post(off, timestamp=now), range(8)))
    running.settle()
    assert [reply.status for reply in replies] == [200] * 8
    answered = [reply.json()["text"] for reply in replies if reply.body]
    assert len(answered) == 1 and "no more reflection prompts" in answered[0]
    assert prompts_stopped(running) is True


def test_signatures_older_than_five_minutes_are_forgotten(school: Running) -> None:  # noqa: F811
    running = school
    long_ago = utc_now() - timedelta(minutes=10)
    with running.deps.uow() as uow:
        assert uow.request_signatures.claim("v0=" + "0" * 64, long_ago)
        uow.commit()
    reply = running.sender.post(factories.slash_command("/coachbot", "help", user_id=TEACHER))
    assert reply.status == 200
    with running.deps.uow() as uow:
        kept = uow.session.scalars(select(RequestSignature)).all()
    [fresh] = kept
    assert fresh.signature != "v0=" + "0" * 64
    assert fresh.signed_at > utc_now() - timedelta(minutes=1)
