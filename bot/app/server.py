"""The production HTTP server: waitress, with a graceful stop on SIGTERM.

waitress is a pure-Python, multi-threaded WSGI server used in production for years; a single
process keeps the in-process scheduler and an embedded SQLite database consistent, and its
threads let many Slack requests be acknowledged at once. The same class serves the tests.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import threading
import time
from typing import Any

from waitress.server import create_server

from bot.app.request_gate import MAX_BODY_BYTES
from bot.app.web import WsgiApp

logger = logging.getLogger(__name__)


class PortUnavailable(OSError):
    """The port cannot be opened: in use by another process, or not allowed."""


class HttpServer:
    """A waitress server whose stop() lets in-flight requests finish before it returns."""

    def __init__(
        self,
        app: WsgiApp,
        *,
        host: str = "0.0.0.0",  # noqa: S104 - a server for Slack listens on every interface
        port: int = 3000,
        threads: int = 16,
    ) -> None:
        try:
            self._server: Any = self._create(app, host, port, threads)
        except OSError as exc:
            raise PortUnavailable(
                f"cannot listen on {host}:{port}: {exc.strerror or exc}"
                + (" (another process is using it)" if exc.errno == errno.EADDRINUSE else "")
            ) from exc
        self._stop_requested = threading.Event()
        self._stopped = threading.Event()

    @staticmethod
    def _create(app: WsgiApp, host: str, port: int, threads: int) -> Any:
        return create_server(
            app,
            host=host,
            port=port,
            threads=threads,
            ident="coachbot",
            # Slack gives up after 3 s, so a request waiting longer than that is lost anyway.
            channel_timeout=30,
            connection_limit=1000,
            backlog=1024,
            # Far larger than Slack ever sends: refused at the headers, before it is buffered.
            # Smaller excesses reach the gate, which answers 413 and logs it.
            max_request_body_size=4 * MAX_BODY_BYTES,
        )

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    @property
    def host(self) -> str:
        return str(self._server.effective_host)

    def serve_forever(self, *, grace_seconds: float = 10.0) -> None:
        """Serve until stop() is called, then drain in-flight requests for up to grace_seconds."""
        server = self._server
        try:
            while not self._stop_requested.is_set():
                server.asyncore.loop(timeout=0.2, map=server._map, count=1)
            self._drain(grace_seconds)
        finally:
            server.task_dispatcher.shutdown(cancel_pending=True, timeout=grace_seconds)
            for channel in list(server._map.values()):
                channel.close()
            self._stopped.set()

    def _drain(self, grace_seconds: float) -> None:
        server = self._server
        # Stop accepting: new connections are refused while the open ones finish.
        server.accepting = False
        server.del_channel()
        server.socket.close()
        deadline = time.monotonic() + grace_seconds
        while time.monotonic() < deadline and self._busy():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)
        if self._busy():
            logger.warning("stopped with requests still running after %.0f s", grace_seconds)

    def _busy(self) -> bool:
        dispatcher = self._server.task_dispatcher
        if dispatcher.queue or dispatcher.active_count:
            return True
        return any(
            getattr(channel, "requests", None) or getattr(channel, "total_outbufs_len", 0)
            for channel in list(self._server._map.values())
        )

    def stop(self) -> None:
        """Ask the server to stop; safe from a signal handler or another thread."""
        self._stop_requested.set()
        if not self._stopped.is_set():
            # Wake the loop now rather than at its next 0.2 s poll (one byte down a pipe).
            with contextlib.suppress(OSError):
                self._server.pull_trigger()

    def wait_stopped(self, timeout: float | None = None) -> bool:
        return self._stopped.wait(timeout)
