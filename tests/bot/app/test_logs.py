"""Log lines never carry a Slack token or what a person typed, and each is one short line."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.app.logs import LIBRARY_FLOORS, MAX_LINE, RedactSecrets, configure_logging


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
    names = [*LIBRARY_FLOORS, "coachbot.test"]
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
