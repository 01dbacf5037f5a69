"""Logging set-up, with a filter that keeps Slack tokens and secrets out of every line."""

from __future__ import annotations

import logging
import re

_SECRET = re.compile(r"\b(xox[abposr]|xapp)-[A-Za-z0-9-]+")


class RedactSecrets(logging.Filter):
    """Masks anything shaped like a Slack token, whatever logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _SECRET.sub(lambda m: m.group(1) + "-[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
