"""Slack's requests through the real HTTP endpoint: signatures, freshness, retries, health."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from storage.models import SlackEvent
from tests import factories
from tests.conftest import Running
from tests.signing import sign


def _event_rows(running: Running) -> int:
    with running.deps.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(SlackEvent)) or 0)


def test_healthz_answers_ok_with_the_database(running: Running) -> None:
    reply = running.sender.get("/healthz")
    assert reply.status == 200
    assert reply.json() == {"status": "ok", "database": "ok"}


def test_unknown_path_is_not_found(running: Running) -> None:
    assert running.sender.get("/admin").status == 404


def test_unsigned_request_is_refused_and_changes_nothing(running: Running) -> None:
    payload = factories.event_callback(factories.app_home_opened())
    reply = running.sender.post(payload, signed=False)
    assert reply.status == 401
    assert _event_rows(running) == 0
    assert running.slack.calls == []


def test_wrongly_signed_request_is_refused_and_changes_nothing(running: Running) -> None:
    payload = factories.event_callback(factories.app_home_opened())
    forged = sign("not-the-real-secret-0000000000000", int(time.time()), payload[0])
    reply = running.sender.post(payload, signature=forged)
    assert reply.status == 401
    assert _event_rows(running) == 0
    assert running.slack.calls == []


def test_request_signed_over_five_minutes_ago_is_refused(running: Running) -> None:
    payload = factories.event_callback(factories.app_home_opened())
    reply = running.sender.post(payload, timestamp=int(time.time()) - 6 * 60)
    assert reply.status == 401
    assert _event_rows(running) == 0
    assert running.slack.calls == []


def test_a_body_changed_after_signing_is_refused(running: Running) -> None:
    body, content_type = factories.event_callback(factories.app_home_opened("U0TEACHER1"))
    ts = int(time.time())
    signature = sign(running.sender.secret, ts, body)
    tampered = (body.replace("U0TEACHER1", "U0OTHERUSR"), content_type)
    assert running.sender.post(tampered, timestamp=ts, signature=signature).status == 401


def test_url_verification_challenge_is_answered(running: Running) -> None:
    reply = running.sender.post(factories.url_verification("abc123"))
    assert reply.status == 200
    assert "abc123" in reply.text


def test_event_redelivered_by_slack_is_handled_once(running: Running) -> None:
    payload = factories.event_callback(
        factories.app_home_opened("U0TEACHER1"), event_id="Ev0REPEAT"
    )
    # Slack signs each retry afresh, so the signature differs and the event_id decides.
    now = int(time.time())
    assert running.sender.post(payload, timestamp=now - 2).status == 200
    assert running.sender.post(payload, timestamp=now - 1, retry_num=1).status == 200
    assert running.sender.post(payload, timestamp=now, retry_num=2).status == 200
    running.settle()
    published_to = [call.args["user_id"] for call in running.slack.calls_to("views.publish")]
    assert published_to == ["U0TEACHER1"]
    assert _event_rows(running) == 1
