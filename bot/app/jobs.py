"""Scheduled job bodies: thin functions of deps; the database holds the state."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.app.deps import Deps
from bot.reads import daily, digest, nudges
from bot.rules import cycles, outbox, reflections, visits
from bot.rules.school_calendar import next_allowed_for
from bot.slack.messaging import send_dm
from bot.views.cycle import build_visit_log_prompt
from bot.views.reflections import build_reflection_prompt
from storage.models import OutboxMessage, Visit
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

# Slack retries an event for about an hour; a day leaves a wide margin.
EVENT_MEMORY = timedelta(days=1)


def forget_old_events(deps: Deps) -> int:
    with deps.uow() as uow:
        removed = uow.events.purge_received_before(deps.now() - EVENT_MEMORY)
        uow.commit()
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
            uow.commit()
            visit = uow.session.get_one(Visit, visit_id)
            message = build_visit_log_prompt(cycles.log_card(visit, visit.coach))
            coach = visit.coach
        where = send_dm(client, coach, message)
        if where is None:
            continue
        with deps.uow() as uow:
            # Now the coach's latest message about the visit: their answer updates it there.
            visits.remember_message(uow, visit_id, "coach", where)
            uow.commit()
        asked += 1
    return asked


def deliver_outbox(
    deps: Deps,
    sender: outbox.Sender,
    *,
    worker: str,
    still_wanted: Mapping[str, outbox.StillWanted] | None = None,
    budget_seconds: float = 50.0,
    stopping: threading.Event | None = None,
    gate: outbox.Gate | None = None,
) -> outbox.DeliveryReport:
    """Send what is due, batch after batch, until nothing is left, the time budget is spent,
    or the process is stopping (a claimed batch is finished, the rest waits for next time)."""
    total = outbox.DeliveryReport()
    deadline = time.monotonic() + budget_seconds
    while time.monotonic() < deadline and not (stopping and stopping.is_set()):
        report = outbox.deliver_due(
            deps.uow,
            sender,
            deps.now(),
            worker=worker,
            still_wanted=still_wanted,
            gate=school_hours if gate is None else gate,
        )
        total.add(report)
        if not (report.sent or report.retried or report.dead or report.dropped or report.recovered):
            break
    return total


def school_hours(uow: UnitOfWork, row: OutboxMessage, now: datetime) -> datetime | None:
    """A direct message waits for its reader's next school moment, however late it came due."""
    if row.person_id is None:
        return None
    person = uow.people.get(row.person_id)
    if person is None:
        return None
    allowed = next_allowed_for(uow, person, now)
    return allowed if allowed > now else None


def daily_list_still_today(uow: UnitOfWork, row: OutboxMessage) -> bool:
    """Yesterday's visit list is no use today: drop one that could not go out on its day."""
    person = uow.people.get(row.person_id) if row.person_id is not None else None
    if person is None:
        return False
    today = row.available_at.astimezone(ZoneInfo(person.timezone)).date()
    return row.key.endswith(":" + today.isoformat())


def plan_reflection_prompts(uow: UnitOfWork, now: datetime) -> int:
    """Reflection prompts, worded by their view."""
    return reflections.plan_reflection_prompts(uow, now, build_reflection_prompt)


# Planners run every minute; each plans only what is due soon, under idempotency keys.
PLANNERS: list[Callable[[UnitOfWork, datetime], int]] = [
    daily.plan_daily_lists,
    digest.plan_digests,
    nudges.plan_nudges,
    plan_reflection_prompts,
]
# Per kind of message, a last check just before sending: False drops a settled item's message.
STILL_WANTED: dict[str, outbox.StillWanted] = {
    daily.KIND: daily_list_still_today,
    nudges.KIND: nudges.still_wanted,
    reflections.KIND: reflections.still_wanted,
}


def plan_messages(deps: Deps) -> int:
    """Run every planner in its own transaction; one failing does not stop the others."""
    planned = 0
    for planner in PLANNERS:
        try:
            with deps.uow() as uow:
                planned += planner(uow, deps.now())
                uow.commit()
        except SQLAlchemyError:
            logger.exception("planner %s failed; the next run tries again", planner.__name__)
    return planned
