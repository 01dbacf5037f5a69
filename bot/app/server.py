"""The production HTTP server: cheroot, with a graceful stop through its public interface.

cheroot is CherryPy's pure-Python, multi-threaded WSGI server, in production for many years.
Its documented `stop()` closes the listening socket, lets each worker finish the request it
is answering within `shutdown_timeout`, and only then returns: the drain on SIGTERM uses
nothing private. A single process keeps the in-process scheduler and an embedded SQLite
database consistent, and its threads let many Slack requests be acknowledged at once. The
same class serves the tests and the benchmarks.
"""

from __future__ import annotations

import errno
import gc
import logging
import os
import threading

from cheroot import wsgi

from bot.app.request_gate import MAX_BODY_BYTES
from bot.app.web import WsgiApp

logger = logging.getLogger(__name__)


# How many new objects Python's cyclic garbage collector lets build up before a young pass.
# Its default, 700, meant a pass for about every request under a burst of commands, each
# walking every request then in flight.
YOUNG_OBJECTS = 5_000


def settle_the_heap() -> None:
    """Before serving: what start-up built lives as long as the process, so keep it out of the
    garbage collector's way, and let the collector's young passes come less often.

    `gc.freeze()` moves every object alive now (modules, mapped classes, listeners, compiled
    statements: about 128,000) to a generation the collector never walks, so its full passes
    walk only what was made since. Under a burst of 50 commands this took the collector's share
    of each request from about 0.5 ms of CPU to 0.2 (docs/performance.md). Objects still in use
    are unaffected; only cycles that were already garbage at start-up would be kept, and the
    collection just before freezing frees those.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS, middle, old)


class PortUnavailable(OSError):
    """The port cannot be opened: in use by another process, or not allowed."""


class HttpServer:
    """A server whose stop() lets in-flight requests finish (up to a grace period) first."""

    def __init__(
        self,
        app: WsgiApp,
        *,
        host: str = "0.0.0.0",  # noqa: S104 - a server for Slack listens on every interface
        port: int = 3000,
        threads: int = 16,
    ) -> None:
        self._server = wsgi.Server(
            (host, port),
            app,
            numthreads=threads,
            server_name="coachbot",
            # Connections waiting for the kernel to hand them over, as a burst from Slack can be.
            request_queue_size=1024,
            # Slack gives up after 3 s, so a connection silent for longer than this is lost.
            timeout=30,
        )
        # Far larger than Slack ever sends: refused at the headers, before it is buffered.
        # Smaller excesses reach the gate, which answers 413 and logs it.
        self._server.max_request_body_size = 4 * MAX_BODY_BYTES
        # How long the accept loop waits before it looks up: a stop is noticed within this.
        # cheroot's 0.5 s made every stop, and so every restart and test, half a second
        # longer; looking up twenty times a second costs an idle server nothing to speak of.
        self._server.expiration_interval = 0.05
        try:
            # Binds the port now, so a port in use is known before anything else starts.
            self._server.prepare()
        except OSError as exc:
            raise PortUnavailable(f"cannot listen on {host}:{port}: {_why(exc)}") from exc
        self._stop_requested = threading.Event()
        self._stopped = threading.Event()

    @property
    def port(self) -> int:
        return int(self._server.bind_addr[1])

    @property
    def host(self) -> str:
        return str(self._server.bind_addr[0])

    def serve_forever(self, *, grace_seconds: float = 10.0) -> None:
        """Serve until stop() is called, then drain in-flight requests for up to grace_seconds."""
        self._server.shutdown_timeout = grace_seconds
        serving = threading.Thread(target=self._server.serve, name="http-accept", daemon=True)
        serving.start()
        try:
            self._stop_requested.wait()
        finally:
            # cheroot's own graceful stop: no new connections, in-flight requests finish. It
            # waits for a request still running past the grace period too (after closing its
            # socket), so the wait here is bounded: the scheduler and database close on time.
            stopping = threading.Thread(target=self._server.stop, name="http-stop", daemon=True)
            stopping.start()
            stopping.join(grace_seconds + 1.0)
            if stopping.is_alive():
                logger.warning("stopped with requests still running after %.0f s", grace_seconds)
            serving.join(1.0)
            # cheroot files each server's statistics in a process-wide dict and never takes
            # them out; they hold the server and through it the whole app. A process that
            # serves more than once (the tests: hundreds of apps) would keep every one.
            getattr(logging, "statistics", {}).pop(f"Cheroot HTTPServer {id(self._server)}", None)
            self._stopped.set()

    def stop(self) -> None:
        """Ask the server to stop; safe from a signal handler or another thread."""
        self._stop_requested.set()

    def wait_stopped(self, timeout: float | None = None) -> bool:
        return self._stopped.wait(timeout)


def _why(exc: OSError) -> str:
    """cheroot reports every address it tried in one message; say the reason once."""
    for code, words in (
        (errno.EADDRINUSE, "the port is in use (another process is using it)"),
        (errno.EACCES, "not allowed (ports below 1024 need privileges)"),
        (errno.EADDRNOTAVAIL, "this machine has no such address"),
    ):
        if exc.errno == code or os.strerror(code) in str(exc):
            return words
    return str(exc.strerror or exc)
