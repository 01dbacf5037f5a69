"""The baseline for bench/ack.py: a bare Bolt app (ack + views.open, nothing else) on the same
HTTP server coachbot uses. Usage: python bench/bare_bolt.py PORT [--settled] (settings from the
environment). With --settled it tunes the garbage collector as `coachbot serve` does.
"""

from __future__ import annotations

import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.app.factory import LISTENER_THREADS
from bot.app.server import HttpServer, settle_the_heap
from bot.views.invite import build_invite_form

# The same form coachbot opens, built once: the baseline pays for sending it, not building it.
VIEW = build_invite_form(today=date.today())  # noqa: DTZ011


def main() -> None:
    port = int(sys.argv[1])
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = App(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        token_verification_enabled=False,
        # The same listener pool size coachbot uses, so only the app's own work differs.
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS),
    )

    @app.command("/invite-coach")
    def invite(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=command["trigger_id"], view=VIEW)

    handler = SlackRequestHandler(app)

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Length", "2")])
            return [b"ok"]
        return handler(environ, start_response)

    server = HttpServer(wsgi, host="127.0.0.1", port=port, threads=16)
    signal.signal(signal.SIGTERM, lambda *_: server.stop())
    if "--settled" in sys.argv[2:]:
        settle_the_heap()
    server.serve_forever()


if __name__ == "__main__":
    main()
