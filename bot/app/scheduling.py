"""The in-process scheduler: pinned to UTC, explicit job ids, it only wakes jobs up."""

from __future__ import annotations

import threading
from datetime import UTC

from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient

from bot.app import jobs
from bot.app.deps import Deps
from bot.rules.outbox import Budget, Sender
from bot.slack.messaging import Pacer, SlackSender


def make_scheduler(
    deps: Deps,
    client: WebClient,
    sender: Sender | None = None,
    *,
    worker: str = "coachbot",
    stopping: threading.Event | None = None,
    posts_per_minute: float | None = None,
) -> BackgroundScheduler:
    """The planner and the delivery loop wake on a timer; what to send lives in the database.

    Every replica posts within one budget of `posts_per_minute`, kept in the database. A
    sender that brings its own process pacer gives its rate to that shared budget instead.
    """
    sender = sender or SlackSender(client)
    if isinstance(sender, SlackSender) and sender.pacer.per_minute:
        posts_per_minute = posts_per_minute or sender.pacer.per_minute
        sender.pacer = Pacer(None)
    budget = Budget(posts_per_minute) if posts_per_minute else None
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
        jobs.refresh_query_statistics,
        "interval",
        hours=6,
        args=[deps],
        id="housekeeping:query-statistics",
        replace_existing=True,
    )
    scheduler.add_job(
        jobs.prompt_visit_logs,
        "interval",
        minutes=1,
        args=[deps, client, sender],
        kwargs={"budget": budget, "worker": worker},
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
        args=[deps, sender],
        kwargs={
            "worker": worker,
            "still_wanted": jobs.STILL_WANTED,
            "stopping": stopping,
            "budget": budget,
        },
        id="outbox:deliver",
        replace_existing=True,
    )
    return scheduler
