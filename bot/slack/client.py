"""The Slack WebClient coachbot talks through, pointed at SLACK_API_URL."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.app.settings import Settings


def make_client(settings: Settings, *, timeout: int = 10) -> WebClient:
    """A client with short built-in retries; longer retries belong to the outbox."""
    return WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=1),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def make_delivery_client(settings: Settings, *, timeout: int = 10) -> WebClient:
    """For the outbox: no rate-limit retries, because the outbox records Retry-After itself
    and comes back then instead of holding a thread asleep."""
    return WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=[],
    )
