"""Scheduled job bodies: thin functions of deps; the database holds the state."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk import WebClient

from bot import cycles
from bot.deps import Deps
from bot.messaging import send_dm
from bot.views.cycle import build_visit_log_prompt
from storage.models import Visit

logger = logging.getLogger(__name__)

# Slack retries an event for about an hour; a day leaves a wide margin.
EVENT_MEMORY = timedelta(days=1)


def forget_old_events(deps: Deps) -> int:
    with deps.uow() as uow:
        removed = uow.events.purge_received_before(deps.now() - EVENT_MEMORY)
    if removed:
        logger.info("forgot %d event deliveries older than %s", removed, EVENT_MEMORY)
    return removed


def prompt_visit_logs(deps: Deps, client: WebClient) -> int:
    """Ask each coach, once, how a visit that just ended went. Returns how many were asked."""
    now = deps.now()
    with deps.uow() as uow:
        due = [v.id for v in cycles.due_visit_logs(uow, now)]
    asked = 0
    for visit_id in due:
        with deps.uow() as uow:
            # Claimed in its own transaction, so two replicas never ask twice.
            if not cycles.claim_log_prompt(uow, visit_id, now):
                continue
            visit = uow.session.get_one(Visit, visit_id)
            message = build_visit_log_prompt(cycles.log_card(visit, visit.coach))
            coach = visit.coach
        if send_dm(client, coach, message) is not None:
            asked += 1
    return asked
