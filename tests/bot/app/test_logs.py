"""Log lines never carry a Slack token or what a person typed, and each is one short line."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest

from bot.app.factory import make_listener_executor
from bot.app.logs import (
    CHATTY,
    LIBRARY_FLOORS,
    MAX_LINE,
    SLACK_CHECK_LOGGER,
    SOCKET_MODE_LOGGER,
    RedactSecrets,
    configure_logging,
    request_context,
    request_id_from,
)
from tests import factories
from tests.conftest import Running


def test_tokens_are_masked_in_messages_and_arguments(caplog: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("coachbot.test")
    log.addFilter(RedactSecrets())
    try:
        with caplog.at_level(logging.INFO):
            log.info("calling with %s", "xoxb-1111-2222-secretpart")
            log.info("app token xapp-1-A1-2-zzzsecret in text")
    finally:
        log.filters.clear()
    text = caplog.text
    assert "secretpart" not in text and "zzzsecret" not in text
    assert "xoxb-[redacted]" in text and "xapp-[redacted]" in text


@pytest.fixture
def configured() -> Iterator[io.StringIO]:
    """configure_logging writing to a buffer; the logging set-up is restored afterwards."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    names = [*LIBRARY_FLOORS, *CHATTY, SOCKET_MODE_LOGGER, SLACK_CHECK_LOGGER, "coachbot.test"]
    levels = {name: logging.getLogger(name).level for name in names}
    stream = io.StringIO()
    try:
        yield stream
    finally:
        root.handlers[:], root.level = saved
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def test_every_record_becomes_one_short_line(configured: io.StringIO) -> None:
    configure_logging("DEBUG", configured)
    logging.getLogger("coachbot.test").warning("first line\nsecond line %s", "x" * 5000)
    [line] = configured.getvalue().splitlines()
    assert len(line) <= MAX_LINE
    assert "first line second line xxx" in line and line.endswith("…")


def test_an_exception_is_logged_by_name_and_place_never_by_its_message(
    configured: io.StringIO,
) -> None:
    configure_logging("INFO", configured)
    try:
        int("what the teacher typed")
    except ValueError:
        logging.getLogger("coachbot.test").exception("saving failed")
    [line] = configured.getvalue().splitlines()
    assert "saving failed [ValueError at tests/bot/app/test_logs.py:" in line
    assert "what the teacher typed" not in line and "Traceback" not in line


def test_libraries_that_log_bodies_are_held_above_debug(configured: io.StringIO) -> None:
    configure_logging("DEBUG", configured)
    assert logging.getLogger("slack_sdk.web.base_client").getEffectiveLevel() == logging.INFO
    assert logging.getLogger("sqlalchemy.engine.Engine").getEffectiveLevel() == logging.WARNING
    assert (
        logging.getLogger("slack_bolt.RequestVerification").getEffectiveLevel() >= logging.WARNING
    )
    assert logging.getLogger("coachbot.bolt").getEffectiveLevel() == logging.WARNING
    # A quieter choice is kept: the floors never make a library louder than asked.
    configure_logging("ERROR", configured)
    assert logging.getLogger("slack_sdk").getEffectiveLevel() == logging.ERROR


def test_bolt_warnings_keep_their_kind_and_lose_the_request(configured: io.StringIO) -> None:
    configure_logging("INFO", configured)
    logging.getLogger("coachbot.bolt").warning(
        "Unhandled request (%s)", {"type": "dialog_submission", "submission": "private words"}
    )
    line = configured.getvalue()
    assert "Unhandled request (" in line and "private words" not in line


def test_json_lines_for_log_collectors(configured: io.StringIO) -> None:
    configure_logging("INFO", configured, log_format="json")
    with request_context("req-7"):
        logging.getLogger("coachbot.test").warning("sent %d messages", 3)
    try:
        int("what the teacher typed")
    except ValueError:
        logging.getLogger("coachbot.test").exception("saving failed")
    first, second = (json.loads(line) for line in configured.getvalue().splitlines())
    assert first["message"] == "sent 3 messages"
    assert first["level"] == "WARNING" and first["logger"] == "coachbot.test"
    assert first["request_id"] == "req-7"
    assert first["time"].endswith("+00:00")
    assert "request_id" not in second
    assert second["error"].startswith("ValueError at tests/bot/app/test_logs.py:")
    assert "what the teacher typed" not in configured.getvalue()


def test_a_request_id_follows_the_request_into_its_listeners(configured: io.StringIO) -> None:
    configure_logging("INFO", configured)
    log = logging.getLogger("coachbot.test")
    with make_listener_executor() as pool, request_context("abc123"):
        log.info("acknowledged")
        pool.submit(log.info, "listener finished").result(5)
    log.info("between requests")
    lines = configured.getvalue().splitlines()
    assert [line.split(" req=")[1].split(":")[0] for line in lines[:2]] == ["abc123"] * 2
    assert " req=" not in lines[2]


def test_a_proxy_request_id_is_kept_only_when_it_is_a_plain_token() -> None:
    assert request_id_from("3f2a-77") == "3f2a-77"
    made = request_id_from("<script>\n")
    assert len(made) == 12 and made.isalnum()


def test_one_line_per_slack_request_with_its_id(configured: io.StringIO, running: Running) -> None:
    configure_logging("INFO", configured)
    reply = running.sender.post(factories.event_callback(factories.app_home_opened("U0TEACHER9")))
    assert reply.status == 200
    running.settle()
    lines = [line for line in configured.getvalue().splitlines() if "bot.app.web" in line]
    assert len(lines) == 1
    assert re.search(r"INFO bot\.app\.web req=[0-9a-f]{12}: event answered 200 in \d+ ms", lines[0])


def test_scheduler_chatter_only_at_debug(configured: io.StringIO) -> None:
    configure_logging("INFO", configured)
    logging.getLogger("apscheduler.executors.default").info('Running job "outbox:deliver"')
    logging.getLogger("alembic.runtime.migration").info("Context impl SQLiteImpl.")
    assert configured.getvalue() == ""
    configure_logging("DEBUG", configured)
    logging.getLogger("apscheduler.executors.default").info('Running job "outbox:deliver"')
    assert "Running job" in configured.getvalue()


def test_a_request_leaves_coachbots_own_log_level_alone(
    configured: io.StringIO, running: Running
) -> None:
    configure_logging("INFO", configured)
    reply = running.sender.post(factories.event_callback(factories.app_home_opened("U0TEACHER9")))
    assert reply.status == 200
    running.settle()
    logging.getLogger("coachbot").info("coachbot stopped")
    assert "INFO coachbot: coachbot stopped" in configured.getvalue()
