"""A burst of commands is acknowledged in time while Slack takes seconds to open each form.

The real runtime, with its own listener pool (not the tests' tracking one), answers 50 signed
`/invite-coach` at once while the stand-in holds every views.open answer back five seconds:
every command must be acknowledged within Slack's 3 s, and every form must still open.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.app.runtime import Runtime, ServeRole
from bot.app.settings import Settings
from bot.demo.standin import SlackStandin
from storage import migrate
from storage.db import make_engine
from tests import factories
from tests.conftest import SIGNING_SECRET
from tests.signing import SlackSender

BURST = 50
SLOW = 5.0  # seconds Slack takes to answer views.open
DEADLINE = 3.0  # Slack's, for acknowledging a command


@pytest.fixture
def served(settings: Settings, slack: SlackStandin) -> Iterator[SlackSender]:
    engine = make_engine(settings.database_url.get_secret_value())
    migrate.upgrade_if_behind(engine)
    runtime = Runtime(
        settings.model_copy(update={"port": 0}),
        engine,
        host="127.0.0.1",
        role=ServeRole.WEB,
    )
    thread = threading.Thread(target=runtime.run, daemon=True)
    thread.start()
    try:
        yield SlackSender("127.0.0.1", runtime.http.port, SIGNING_SECRET)
    finally:
        runtime.stop()
        thread.join(30)


def test_fifty_commands_are_acknowledged_in_time_while_slack_is_slow(
    served: SlackSender, slack: SlackStandin
) -> None:
    slack.delay_next("views.open", SLOW, times=BURST)
    gate = threading.Barrier(BURST)

    def one(n: int) -> tuple[int, float]:
        command = factories.slash_command("/invite-coach", "", user_id=f"U0BURST{n:03d}")
        gate.wait()
        started = time.monotonic()
        reply = served.post(command)
        return reply.status, time.monotonic() - started

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        answers = list(pool.map(one, range(BURST)))

    assert [status for status, _ in answers] == [200] * BURST
    late = [round(took, 2) for _, took in answers if took >= DEADLINE]
    assert late == [], f"{len(late)} of {BURST} acknowledged after Slack's 3 s: {late}"
    opened = slack.wait_for("views.open", count=BURST, timeout=60)
    assert len(opened) == BURST
