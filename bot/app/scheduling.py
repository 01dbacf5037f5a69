"""The in-process scheduler: pinned to UTC, explicit job ids, it only wakes jobs up."""

from __future__ import annotations

import threading
from datetime import UTC

from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient

from bot.app import jobs
from bot.app.deps import Deps
from bot.rules.outbox import Sender
from bot.slack.messaging import SlackSender


def make_scheduler(
    deps: Deps,
    client: WebClient,
    sender: Sender | None = None,
    *,
    worker: str = "coachbot",
    stopping: threading.Event | None = None,
) -> BackgroundScheduler:
    """The planner and the delivery loop wake on a timer; what to send lives in the database."""
    scheduler = BackgroundScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    scheduler.add_job(
        jobs.forget_old_events,
        "interval",
        minutes=30,
        args=[deps],
        id="housekeeping:forget-old-events",
        replace_existing=True,
    )
    scheduler.add_job(
        jobs.prompt_visit_logs,
        "interval",
        minutes=1,
        args=[deps, client],
        id="visits:log-prompts",
        replace_existing=True,
    )
    scheduler.add_job(
        jobs.plan_messages,
        "interval",
        minutes=1,
        args=[deps],
        id="outbox:plan",
        replace_existing=True,
    )
    scheduler.add_job(
        jobs.deliver_outbox,
        "interval",
        seconds=10,
        args=[deps, sender or SlackSender(client)],
        kwargs={"worker": worker, "still_wanted": jobs.STILL_WANTED, "stopping": stopping},
        id="outbox:deliver",
        replace_existing=True,
    )
    return scheduler
