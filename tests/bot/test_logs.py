"""Log lines never carry a Slack token, whoever wrote them."""

from __future__ import annotations

import logging

import pytest

from bot.logs import RedactSecrets


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
