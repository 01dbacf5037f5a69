"""Scheduled job bodies: thin functions of deps; the database holds the state."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.app.deps import Deps
from bot.reads import daily, digest, nudges
from bot.rules import access, cycles, office_hours, outbox, reflections, visits
from bot.rules.retention import RetentionPolicy, run_retention_job
from bot.rules.school_calendar import next_allowed_for
from bot.slack.messaging import SlackSender, update_message
from bot.views.cycle import build_visit_log_prompt
from bot.views.reflections import build_reflection_prompt
from storage.enums import VisitStatus
from storage.models import OutboxMessage
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


def refresh_query_statistics(deps: Deps) -> bool:
    """SQLite keeps no statistics unless asked: ANALYZE, on a bounded sample, lets its planner
    pick the right index as a year's rows grow. PostgreSQL's autovacuum does the same on its
    own. True when it ran."""
    if deps.engine.dialect.name != "sqlite":
        return False
    with deps.engine.connect() as connection:
        # A bounded sample per index keeps ANALYZE quick on a school year's file.
        connection.exec_driver_sql("PRAGMA analysis_limit=1000")
        connection.exec_driver_sql("ANALYZE")
    return True


# The outbox kind of the "How did your visit go?" prompt, and its key and ref.
VISIT_LOG_KIND = "visit_log"


def plan_visit_logs(uow: UnitOfWork, now: datetime) -> int:
    """Owe each coach, once, the question how a visit that just ended went; returns how many.

    Marking the visit and planning the message happen in one transaction, under one key, so
    two replicas never plan it twice and a failure never loses it.
    """
    planned = 0
    for visit in cycles.due_visit_logs(uow, now):
        if not cycles.claim_log_prompt(uow, visit.id, now):
            continue
        coach = visit.coach
        planned += outbox.enqueue(
            uow,
            key=f"{VISIT_LOG_KIND}:{visit.id}",
            person=coach,
            kind=VISIT_LOG_KIND,
            message=build_visit_log_prompt(cycles.log_card(visit, coach)),
            due_at=now,
            now=now,
            ref=f"visit:{visit.id}",
        )
    return planned


def visit_log_still_wanted(uow: UnitOfWork, row: OutboxMessage) -> bool:
    """A visit-log question is no use once the visit was logged, cancelled or moved on."""
    visit_id = int(row.key.rsplit(":", 1)[-1])
    visit = uow.visits.get(visit_id)
    return (
        visit is not None
        and visit.status == VisitStatus.ACCEPTED
        and visit.outcome is None
        and visit.coach_id == row.person_id
    )


def remember_visit_log_prompt(uow: UnitOfWork, row: OutboxMessage) -> None:
    """The coach's latest message about the visit is now the question: the answer updates it."""
    if row.slack_channel and row.slack_ts:
        visit_id = int(row.key.rsplit(":", 1)[-1])
        visits.remember_message(uow, visit_id, "coach", (row.slack_channel, row.slack_ts))


def prompt_visit_logs(
    deps: Deps,
    client: WebClient,
    sender: outbox.Sender | None = None,
    *,
    budget: outbox.Budget | None = None,
    worker: str = "coachbot",
    sleep: Callable[[float], None] | None = None,
) -> int:
    """Plan the visit-log questions that came due and send those that may go out now, through
    the outbox (its key, its retries, the shared budget and the school-hours rule). Returns
    how many were asked now; the others wait in the outbox for the delivery loop. `sleep`
    waits for a slot of the budget (a real sleep unless given)."""
    with deps.uow() as uow:
        plan_visit_logs(uow, deps.now())
        uow.commit()
    report = deliver_outbox(
        deps,
        sender or SlackSender(client),
        worker=worker,
        still_wanted=STILL_WANTED,
        budget=budget,
        sleep=sleep,
        kinds=(VISIT_LOG_KIND,),
    )
    return report.sent + report.recovered


def deliver_outbox(
    deps: Deps,
    sender: outbox.Sender,
    *,
    worker: str,
    still_wanted: Mapping[str, outbox.StillWanted] | None = None,
    budget_seconds: float = 50.0,
    stopping: threading.Event | None = None,
    gate: outbox.Gate | None = None,
    budget: outbox.Budget | None = None,
    sleep: Callable[[float], None] | None = None,
    kinds: tuple[str, ...] | None = None,
) -> outbox.DeliveryReport:
    """Send what is due, batch after batch, until nothing is left, the time budget is spent,
    or the process is stopping (a claimed batch is finished, the rest waits for next time).

    `budget` is the posting rate every replica shares; a wait for its next slot ends early
    when the process is stopping."""
    total = outbox.DeliveryReport()
    deadline = time.monotonic() + budget_seconds
    if sleep is None:
        sleep = _stoppable_sleep(stopping)
    while time.monotonic() < deadline and not (stopping and stopping.is_set()):
        report = outbox.deliver_due(
            deps.uow,
            sender,
            worker=worker,
            still_wanted=still_wanted,
            gate=school_hours if gate is None else gate,
            clock=deps.now,
            sleep=sleep,
            budget=budget,
            after_sent=AFTER_SENT,
            kinds=kinds,
        )
        total.add(report)
        if not report.busy:
            break
    return total


def _stoppable_sleep(stopping: threading.Event | None) -> Callable[[float], None]:
    def sleep(seconds: float) -> None:
        if stopping is None:
            time.sleep(seconds)
        else:
            stopping.wait(seconds)

    return sleep


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
    return row.key.endswith(":" + today.isoformat()) and not office_hours.is_out(
        uow, person.id, today
    )


def coach_out_still_wanted(uow: UnitOfWork, row: OutboxMessage) -> bool:
    """A teacher is told their coach is out only while the coach still is."""
    _, coach_id, day, _ = row.key.split(":")
    return office_hours.is_out(uow, int(coach_id), date.fromisoformat(day))


def plan_reflection_prompts(uow: UnitOfWork, now: datetime) -> int:
    """Reflection prompts, worded by their view."""
    return reflections.plan_reflection_prompts(uow, now, build_reflection_prompt)


def plan_watched_daily_lists(uow: UnitOfWork, now: datetime) -> int:
    """The coaches' daily lists, each goal topic a list shows recorded in its teacher's access
    log (bot/rules/access.py)."""
    with access.watching(uow, access.Path.DAILY_LIST, now):
        return daily.plan_daily_lists(uow, now)


def apply_retention(deps: Deps, client: WebClient) -> Counter[str]:
    """The daily retention pass (bot/rules/retention.py), with the district's policy."""

    def rewrite(channel: str, ts: str, message: dict[str, Any]) -> None:
        update_message(client, channel, ts, message)

    policy = RetentionPolicy.from_environment(os.environ)
    counts = run_retention_job(deps.uow, deps.engine, policy, deps.now(), rewrite)
    if counts:
        logger.info("retention removed %s", dict(counts))
    return counts


# Planners run every minute; each plans only what is due soon, under idempotency keys.
PLANNERS: list[Callable[[UnitOfWork, datetime], int]] = [
    plan_watched_daily_lists,
    digest.plan_digests,
    nudges.plan_nudges,
    plan_reflection_prompts,
]
# Per kind of message, a last check just before sending: False drops a settled item's message.
STILL_WANTED: dict[str, outbox.StillWanted] = {
    VISIT_LOG_KIND: visit_log_still_wanted,
    daily.KIND: daily_list_still_today,
    nudges.KIND: nudges.still_wanted,
    reflections.KIND: reflections.still_wanted,
    office_hours.OUT_KIND: coach_out_still_wanted,
}

# Per kind of message, bookkeeping in the transaction that records it as sent.
AFTER_SENT: dict[str, outbox.AfterSent] = {VISIT_LOG_KIND: remember_visit_log_prompt}


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
