"""The in-process scheduler: pinned to UTC, explicit job ids, it only wakes jobs up."""

from __future__ import annotations

import threading
from collections.abc import Callable
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
    # (job id, function, seconds between runs, positional and keyword arguments)
    timetable: list[tuple[str, Callable[..., object], int, list[object], dict[str, object]]] = [
        ("housekeeping:forget-old-events", jobs.forget_old_events, 30 * 60, [deps], {}),
        ("housekeeping:query-statistics", jobs.refresh_query_statistics, 6 * 3600, [deps], {}),
        ("housekeeping:retention", jobs.apply_retention, 24 * 3600, [deps, client], {}),
        (
            "visits:log-prompts",
            jobs.prompt_visit_logs,
            60,
            [deps, client, sender],
            {"budget": budget, "worker": worker},
        ),
        ("outbox:plan", jobs.plan_messages, 60, [deps], {}),
        (
            "outbox:deliver",
            jobs.deliver_outbox,
            10,
            [deps, sender],
            {
                "worker": worker,
                "still_wanted": jobs.STILL_WANTED,
                "stopping": stopping,
                "budget": budget,
            },
        ),
    ]
    for job_id, run, seconds, args, kwargs in timetable:
        scheduler.add_job(
            run,
            "interval",
            seconds=seconds,
            args=args,
            kwargs=kwargs,
            id=job_id,
            replace_existing=True,
        )
    return scheduler
