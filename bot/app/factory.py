"""The app factory: one Bolt App per call, with every listener module registered."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_sdk import WebClient

from bot.app.deps import Deps
from bot.app.logs import BOLT_LOGGER, keep_typed_text_out_of_library_logs
from bot.app.settings import Settings
from bot.slack.client import make_client


def make_listener_executor() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=32, thread_name_prefix="listener")


def create_app(
    settings: Settings,
    deps: Deps,
    *,
    client: WebClient | None = None,
    executor: ThreadPoolExecutor | None = None,
) -> App:
    """Build the Bolt app; nothing here talks to Slack or reads the environment."""
    import handlers

    # Before App(): Bolt copies this logger's level and filters to each logger it makes.
    keep_typed_text_out_of_library_logs()
    client = client or make_client(settings)
    secret = settings.slack_signing_secret
    app = App(
        # A name given saves Bolt from inspecting the whole call stack to make one up.
        name="coachbot",
        client=client,
        signing_secret=secret.get_secret_value() if secret else "socket-mode",
        # Socket Mode frames are not signed; HTTP requests always are.
        request_verification_enabled=not settings.socket_mode,
        # auth.test runs lazily on the first request, so start-up does not wait on Slack.
        token_verification_enabled=False,
        process_before_response=False,
        raise_error_for_unhandled_request=False,
        # Bolt's default pool (cpu + 4 threads) makes acks queue behind slow listeners.
        listener_executor=executor or make_listener_executor(),
        logger=logging.getLogger(BOLT_LOGGER),
    )
    handlers.register_all(app, deps)
    return app
