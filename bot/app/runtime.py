"""A running coachbot: Bolt app, scheduler, and HTTP or Socket Mode, started and stopped as one."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from bot.app.deps import Deps
from bot.app.factory import create_app
from bot.app.scheduling import make_scheduler
from bot.app.server import HttpServer
from bot.app.settings import Settings
from bot.app.web import make_wsgi_app
from bot.clock import utc_now
from bot.rules.calendar_links import link_key
from bot.slack.client import make_delivery_client
from bot.slack.messaging import Pacer, SlackSender
from storage.db import make_session_factory

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

logger = logging.getLogger("coachbot")


class Runtime:
    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        *,
        host: str = "0.0.0.0",  # noqa: S104
        executor: ThreadPoolExecutor | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.deps = Deps(
            engine=engine,
            session_factory=make_session_factory(engine),
            clock=clock,
            admin_ids=frozenset(settings.coachbot_admins),
            expertise_areas=settings.coachbot_expertise_areas,
            public_url=settings.public_url,
            link_key=link_key(settings.slack_bot_token.get_secret_value()),
        )
        self.app = create_app(settings, self.deps, executor=executor)
        self.stopping = threading.Event()
        self.scheduler = make_scheduler(
            self.deps,
            self.app.client,
            SlackSender(make_delivery_client(settings), Pacer(settings.slack_posts_per_minute)),
            worker=f"{socket.gethostname()}:{os.getpid()}",
            stopping=self.stopping,
        )
        self.socket_mode: SocketModeHandler | None = None
        if settings.socket_mode and settings.slack_app_token is not None:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            self.socket_mode = SocketModeHandler(
                self.app, app_token=settings.slack_app_token.get_secret_value()
            )
            # In Socket Mode the HTTP port serves only /healthz.
            wsgi = make_wsgi_app(None, self.deps)
        else:
            secret = settings.slack_signing_secret
            signing_secret = secret.get_secret_value() if secret is not None else ""
            wsgi = make_wsgi_app(self.app, self.deps, signing_secret=signing_secret)
        self.http = HttpServer(wsgi, host=host, port=settings.port, threads=settings.http_threads)

    def run(self) -> None:
        """Serve until stop(); then stop the scheduler and close the database."""
        self.scheduler.start()
        mode = "Socket Mode" if self.socket_mode else f"HTTP on {self.http.host}:{self.http.port}"
        try:
            if self.socket_mode is not None:
                self.socket_mode.connect()  # type: ignore[no-untyped-call]
            logger.info(
                "coachbot is ready: %s, database %s, health at :%d/healthz",
                mode,
                self.engine.dialect.name,
                self.http.port,
            )
            self.http.serve_forever()
        finally:
            if self.socket_mode is not None:
                self.socket_mode.close()  # type: ignore[no-untyped-call]
            self.scheduler.shutdown(wait=True)
            self.engine.dispose()
            logger.info("coachbot stopped")

    def stop(self) -> None:
        self.stopping.set()
        self.http.stop()
