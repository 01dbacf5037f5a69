"""Socket Mode: Slack's traffic arrives over the socket, so HTTP serves only /healthz."""

from __future__ import annotations

import threading

from pydantic import SecretStr
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app.runtime import Runtime
from bot.app.settings import Settings
from storage.db import make_engine
from tests import factories
from tests.signing import SlackSender


def test_socket_mode_serves_health_only(settings: Settings) -> None:
    socket_settings = settings.model_copy(
        update={"slack_app_token": SecretStr("xapp-1-A0COACH-1234567890-abcdef"), "port": 0}
    )
    engine = make_engine(settings.database_url.get_secret_value())
    runtime = Runtime(socket_settings, engine, host="127.0.0.1")
    assert isinstance(runtime.socket_mode, SocketModeHandler)
    serving = threading.Thread(target=runtime.http.serve_forever, daemon=True)
    serving.start()
    try:
        sender = SlackSender("127.0.0.1", runtime.http.port, "unused")
        assert sender.get("/healthz").status == 200
        home = factories.event_callback(factories.app_home_opened())
        assert sender.post(home).status == 404
    finally:
        runtime.http.stop()
        serving.join(10)
        engine.dispose()
