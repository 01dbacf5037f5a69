"""Start-up to ready: launch `coachbot serve` and time until /readyz is 200 (the database
answers and the Slack stand-in accepted the token), first on a new SQLite file (so start-up
includes creating the schema), then restarting on that same file.

Usage: uv run python bench/startup.py [runs]
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.demo.standin import SlackStandin  # noqa: E402

TOKEN = "xoxb-0000000000-0000000000-benchtokenvalue"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def one_run(workdir: Path, database: str, slack_url: str) -> float:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": "0123456789abcdef0123456789abcdef",
        "SLACK_API_URL": slack_url,
        "DATABASE_URL": f"sqlite:///{workdir / database}",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve"], cwd=workdir, env=env)
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                    if r.status == 200:
                        return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError):  # 503 until ready, too
                if process.poll() is not None:
                    raise SystemExit("coachbot serve exited before it was ready") from None
                time.sleep(0.01)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(15)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with SlackStandin(bot_token=TOKEN) as slack, tempfile.TemporaryDirectory() as tmp:
        fresh = [one_run(Path(tmp), f"new-{n}.db", slack.url) for n in range(runs)]
        again = [one_run(Path(tmp), "new-0.db", slack.url) for _ in range(runs)]
    print(f"start-up to /readyz 200, {runs} runs each (target < 2 s)")
    for label, times in (("new database", fresh), ("restart", again)):
        print(
            f"  {label:13} min {min(times):.2f} s   median {statistics.median(times):.2f} s   "
            f"max {max(times):.2f} s"
        )


if __name__ == "__main__":
    main()
