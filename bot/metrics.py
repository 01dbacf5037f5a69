"""What coachbot counts for Prometheus: one registry per process, served at GET /metrics.

The metric objects live here, apart from the wiring, so any layer that does the counting
(the HTTP side, the scheduler, the outbox's delivery) can import them without reaching
Bolt or the Slack client. Values that are read from the database at scrape time (the
outbox's depth and the age of its oldest due message) are collected by bot/app/web.py.
Labels are kinds, methods, states and outcomes from short fixed lists, never ids or text.
"""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)

# Slack gives up on an acknowledgement after 3 s; the buckets are finest below that.
_ACK_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0)
_API_BUCKETS = (0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)

REQUESTS = Counter(
    "coachbot_requests",
    "Requests to the Slack endpoint (or over Socket Mode), by kind and outcome.",
    ["kind", "outcome"],
    registry=REGISTRY,
)
ACK_SECONDS = Histogram(
    "coachbot_ack_seconds",
    "Time from receiving a Slack request to acknowledging it.",
    ["kind"],
    buckets=_ACK_BUCKETS,
    registry=REGISTRY,
)
LISTENER_ERRORS = Counter(
    "coachbot_listener_errors",
    "Listeners that raised; the person saw a kind, generic message.",
    registry=REGISTRY,
)
SLACK_API_SECONDS = Histogram(
    "coachbot_slack_api_seconds",
    "Slack Web API calls, by method and outcome (ok, error, ratelimited, unreachable).",
    ["method", "outcome"],
    buckets=_API_BUCKETS,
    registry=REGISTRY,
)
JOB_RUNS = Counter(
    "coachbot_scheduler_job_runs",
    "Scheduled job runs, by job id and outcome (ok, error).",
    ["job", "outcome"],
    registry=REGISTRY,
)
JOB_MISSES = Counter(
    "coachbot_scheduler_job_misses",
    "Scheduled runs skipped because the job was late past its grace time.",
    ["job"],
    registry=REGISTRY,
)
READY = Gauge(
    "coachbot_ready",
    "1 when /readyz answers 200 (database, token and, in Socket Mode, the WebSocket).",
    registry=REGISTRY,
)
SOCKET_CONNECTED = Gauge(
    "coachbot_socket_mode_connected",
    "1 while the Socket Mode WebSocket is connected (0 in HTTP mode).",
    registry=REGISTRY,
)

# For the outbox's delivery loop to count what happened to each message it sent
# (`metrics.MESSAGES_SENT.inc()`); unlabelled, so each is exported as 0 from the start.
MESSAGES_SENT = Counter(
    "coachbot_outbox_sent",
    "Outbox messages Slack accepted.",
    registry=REGISTRY,
)
RATE_LIMITED = Counter(
    "coachbot_slack_rate_limited",
    "Answers of 429 (rate limited) from Slack to the outbox's posts.",
    registry=REGISTRY,
)
MESSAGES_DEAD = Counter(
    "coachbot_outbox_dead",
    "Outbox messages given up on after their last attempt.",
    registry=REGISTRY,
)
