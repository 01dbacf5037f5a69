"""The app factory: one Bolt App per call, with every listener module registered."""

from __future__ import annotations

import contextvars
import functools
import logging
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import metrics
from bot.app.deps import Deps
from bot.app.logs import (
    BOLT_LOGGER,
    keep_typed_text_out_of_library_logs,
    request_context,
)
from bot.app.request_gate import request_kind
from bot.app.settings import Settings
from bot.slack.client import make_client

T = TypeVar("T")


class ListenerExecutor(ThreadPoolExecutor):
    """Bolt's listener pool; each listener runs in a copy of the submitting thread's context,
    so its log lines carry the request id of the request that started it."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        context = contextvars.copy_context()
        return super().submit(context.run, fn, *args, **kwargs)


# Listeners acknowledge first and then call Slack (views.open, chat.postMessage); a thread
# waiting on a slow Slack costs little, but a command waiting for a free thread misses Slack's
# 3 s. Enough threads that a burst of commands is acknowledged while Slack takes seconds a call.
LISTENER_THREADS = 128


def make_listener_executor() -> ThreadPoolExecutor:
    return ListenerExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="listener")


def create_app(
    settings: Settings,
    deps: Deps,
    *,
    client: WebClient | None = None,
    executor: ThreadPoolExecutor | None = None,
) -> App:
    """Build the Bolt app; nothing here talks to Slack or reads the environment."""
    import handlers
    from handlers.errors import handle_error

    # Before App(): Bolt copies this logger's level and filters to each logger it makes.
    keep_typed_text_out_of_library_logs()
    client = timed(client or make_client(settings))
    secret = settings.slack_signing_secret
    app = App(
        # A name given saves Bolt from inspecting the whole call stack to make one up. Bolt
        # names a logger after the app for each request and gives it the base logger's level:
        # named "coachbot", it would hold coachbot's own INFO lines at WARNING after the first.
        name=BOLT_LOGGER,
        client=client,
        signing_secret=secret.get_secret_value() if secret else "socket-mode",
        # Socket Mode frames are not signed; HTTP requests always are.
        request_verification_enabled=not settings.socket_mode,
        # The runtime verifies the token once at start-up (bot/app/runtime.py), with back-off.
        token_verification_enabled=False,
        process_before_response=False,
        raise_error_for_unhandled_request=False,
        # Bolt's default pool (cpu + 4 threads) makes acks queue behind slow listeners.
        listener_executor=executor or make_listener_executor(),
        logger=logging.getLogger(BOLT_LOGGER),
    )
    app.use(_TimedClient())
    if settings.socket_mode:
        _count_each_dispatch(app)
    handlers.register_all(app, deps)
    # The one error handler, counted: Bolt passes it what its parameters name.
    app.error(_counted(handle_error))
    return app


class _TimedClient(Middleware):
    """Bolt makes a client per request: its calls are timed like the app's own.

    A Middleware subclass, which Bolt calls as it is: a plain function it calls through its
    argument building, which costs a noticeable share of an acknowledgement under a burst."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        client = req.context.get("client")
        if isinstance(client, WebClient):
            timed(client)
        return next()


def _count_each_dispatch(app: App) -> None:
    """Socket Mode requests get a request id, a count and an ack time around Bolt's whole
    dispatch, as HTTP ones get theirs from bot/app/web.py. Not in a middleware: a middleware's
    `next()` only lets the chain go on, and the listeners run after it has returned. Listeners
    are handed to the pool inside the dispatch, so they carry its request id (ListenerExecutor).
    """
    dispatch = app.dispatch

    def counted(req: BoltRequest) -> BoltResponse:
        return _counted_request(req.body, lambda: dispatch(req))

    app.dispatch = counted  # type: ignore[method-assign]


def _counted_request(body: dict[str, Any], next_: Callable[[], T]) -> T:
    """A Socket Mode request, with its own request id, count and ack time."""
    kind = request_kind(body)
    started = time.perf_counter()
    outcome = "error"
    try:
        with request_context():
            answer = next_()
        outcome = "ok"
        return answer
    finally:
        metrics.REQUESTS.labels(kind=kind, outcome=outcome).inc()
        metrics.ACK_SECONDS.labels(kind=kind).observe(time.perf_counter() - started)


def _counted(handler: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(handler)
    def counted(**kwargs: Any) -> Any:
        metrics.LISTENER_ERRORS.inc()
        return handler(**kwargs)

    return counted


def timed(client: WebClient) -> WebClient:
    """Times each Web API call of this client into coachbot_slack_api_seconds.

    The wrapper holds the client weakly: Bolt makes a client for every request, and a wrapper
    kept on the client that held it strongly would make each one a cycle, left for Python's
    garbage collector to find instead of freed when the request ends."""
    if getattr(client, "_coachbot_timed", False):
        return client
    call = type(client).api_call
    owner = weakref.ref(client)

    @functools.wraps(call)
    def api_call(api_method: str, **kwargs: Any) -> Any:
        started = time.perf_counter()
        outcome = "unreachable"
        try:
            response = call(owner(), api_method, **kwargs)  # type: ignore[arg-type]
            outcome = "ok"
            return response
        except SlackApiError as exc:
            outcome = "ratelimited" if exc.response.status_code == 429 else "error"
            raise
        finally:
            metrics.SLACK_API_SECONDS.labels(method=api_method, outcome=outcome).observe(
                time.perf_counter() - started
            )

    client.api_call = api_call  # type: ignore[method-assign]
    client._coachbot_timed = True  # type: ignore[attr-defined]
    return client
