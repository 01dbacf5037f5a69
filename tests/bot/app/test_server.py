"""The HTTP server stops gracefully: in-flight requests finish, new ones are refused."""

from __future__ import annotations

import gc
import http.client
import threading
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from bot.app.server import HttpServer


def test_stop_lets_the_request_in_flight_finish() -> None:
    entered, release = threading.Event(), threading.Event()

    def slow_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        entered.set()
        release.wait(10)
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "8")])
        return [b"finished"]

    server = HttpServer(slow_app, host="127.0.0.1", port=0, threads=2)
    port = server.port
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()

    answers: list[tuple[int, bytes]] = []

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/")
        response = connection.getresponse()
        answers.append((response.status, response.read()))
        connection.close()

    in_flight = threading.Thread(target=client)
    in_flight.start()
    assert entered.wait(5)

    server.stop()
    # The listening socket closes while the old request is still running.
    with pytest.raises(OSError):
        while True:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            probe.request("GET", "/")
            probe.getresponse().read()
            probe.close()

    assert not server.wait_stopped(0.05)
    release.set()
    in_flight.join(10)
    assert answers == [(200, b"finished")]
    assert server.wait_stopped(10)
    serving.join(5)
    assert not serving.is_alive()


def test_a_request_running_past_the_grace_period_does_not_hold_the_stop(
    caplog: pytest.LogCaptureFixture,
) -> None:
    entered, release = threading.Event(), threading.Event()

    def stuck_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        entered.set()
        release.wait(30)
        start_response("200 OK", [("Content-Length", "0")])
        return [b""]

    server = HttpServer(stuck_app, host="127.0.0.1", port=0, threads=2)
    serving = threading.Thread(target=server.serve_forever, kwargs={"grace_seconds": 0.2})
    serving.start()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", "/")
    try:
        assert entered.wait(5)
        server.stop()
        assert server.wait_stopped(5)
        serving.join(5)
        assert not serving.is_alive()
        assert "stopped with requests still running after 0 s" in caplog.text
    finally:
        release.set()
        connection.close()


def test_serving_keeps_what_start_up_built_out_of_the_collectors_way() -> None:
    from bot.app.server import YOUNG_OBJECTS, settle_the_heap

    threshold = gc.get_threshold()
    built_at_start = [object()]  # a stand-in for the app: alive before serving
    try:
        settle_the_heap()
        # Frozen: still alive, but no longer among the objects the collector walks. (Left
        # frozen: the test process froze what it had collected already, tests/conftest.py.)
        assert gc.get_freeze_count() > 0
        assert all(built_at_start is not found for found in gc.get_objects())
        assert gc.get_threshold() == (YOUNG_OBJECTS, *threshold[1:])
    finally:
        gc.set_threshold(*threshold)
