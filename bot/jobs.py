"""Scheduled job bodies: thin functions of deps; the database holds the state."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.deps import Deps

logger = logging.getLogger(__name__)

# Slack retries an event for about an hour; a day leaves a wide margin.
EVENT_MEMORY = timedelta(days=1)


def forget_old_events(deps: Deps) -> int:
    with deps.uow() as uow:
        removed = uow.events.purge_received_before(deps.now() - EVENT_MEMORY)
    if removed:
        logger.info("forgot %d event deliveries older than %s", removed, EVENT_MEMORY)
    return removed
