"""Time to acknowledge signed `/invite-coach` requests, coachbot beside a bare Bolt app.

Both run as separate processes on the same HTTP server (bot/app/server.py) and the same machine, and
call views.open on the Slack stand-in. For each request this measures the time until the HTTP
answer (Slack's 3 s deadline) and the time until views.open reached the stand-in; for each app,
the CPU time its process used per request (user and system, from /proc), which load on the
machine disturbs less than the times do.

coachbot's database holds a district's roster (40 schools, 250 coaches, 5,000 teachers, each
with a coach and two goals, one active; bench/year.py's people), and the commands come from 40
of its teachers, so each makes the lookups a real teacher's command makes. `--unknown` sends
them from people coachbot has never seen instead.

Usage: uv run python bench/ack.py [--requests 200] [--concurrency 200] [--rounds 2] [--unknown]
                                  [--role all|web] [--delivering N]
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.demo.standin import SlackStandin  # noqa: E402
from tests import factories  # noqa: E402
from tests.signing import sign  # noqa: E402

TOKEN = "xoxb-0000000000-0000000000-benchtokenvalue"
SECRET = "0123456789abcdef0123456789abcdef"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(command: list[str], port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return process
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.05)
    process.kill()
    raise SystemExit(f"{command} did not become ready")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


TEACHERS = 40  # the commands come from this many teachers, in turn


def sender(n: int, known: bool) -> str:
    return f"U0YT{n % TEACHERS:05d}" if known else f"U0BENCH{n:04d}"


def send_burst(
    port: int, requests: int, concurrency: int, users: list[str], secret: str = SECRET
) -> tuple[list[float], dict[str, float], int]:
    """Send `requests` signed `/invite-coach`, `concurrency` at once, from `users` in turn.

    Returns each request's time to its HTTP answer, when each trigger was sent, and how many
    were not answered 200. It uses no stand-in, so it can run in a process of its own.
    """
    sent_at: dict[str, float] = {}
    acks: list[float] = []
    failures = 0
    lock = threading.Lock()
    gate = threading.Barrier(min(concurrency, requests))

    def one(n: int) -> None:
        nonlocal failures
        user = users[n % len(users)]
        body, content_type = factories.slash_command("/invite-coach", "", user_id=user)
        trigger = body.split("trigger_id=")[1].split("&")[0]
        ts = int(time.time())
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": sign(secret, ts, body),
        }
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        if n < concurrency:
            gate.wait()  # the first wave leaves together, as a burst from Slack would
        started = time.perf_counter()
        try:
            connection.request("POST", "/slack/events", body=body.encode(), headers=headers)
            status = connection.getresponse().status
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        with lock:
            sent_at[trigger] = started
            acks.append(elapsed)
            if status != 200:
                failures += 1

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, range(requests)))
    return acks, sent_at, failures


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) a process has used so far; Linux's /proc, else NaN."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(
    process: subprocess.Popen[bytes],
    port: int,
    standin: SlackStandin,
    requests: int,
    concurrency: int,
    known: bool = True,
) -> dict[str, float]:
    standin.reset()
    users = [sender(n, known) for n in range(TEACHERS if known else requests)]
    cpu_before = cpu_seconds(process.pid)
    acks, sent_at, failures = send_burst(port, requests, concurrency, users)
    opened = standin.wait_for("views.open", count=requests, timeout=60)
    cpu = cpu_seconds(process.pid) - cpu_before
    to_open = [c.received_at - sent_at[c.args["trigger_id"]] for c in opened]
    return {
        "ack p50": percentile(acks, 0.50),
        "ack p95": percentile(acks, 0.95),
        "ack p99": percentile(acks, 0.99),
        "ack max": max(acks),
        "over 3 s": float(sum(1 for a in acks if a > 3.0)),
        "errors": float(failures),
        "views.open p50": percentile(to_open, 0.50),
        "views.open p99": percentile(to_open, 0.99),
        "CPU ms/request": cpu / requests * 1000,
    }


def seed_roster(url: str) -> None:
    """A district's roster, as bench/year.py seeds it: schools, coaches, teachers and goals."""
    sys.path.insert(0, str(ROOT / "bench"))
    import year  # bench/year.py

    from storage import migrate
    from storage.db import make_engine, make_session_factory
    from storage.models import District, Goal, Person, School
    from storage.uow import UnitOfWork

    engine = make_engine(url)
    migrate.upgrade(engine)
    district = year.Year(1.0)
    for s in range(district.n["schools"]):
        district.add(School, {"team_id": year.TEAM, "name": f"School {s + 1:02d}"})
    district._people()
    district._goals()
    with UnitOfWork(make_session_factory(engine)) as uow:
        uow.session.add(District(team_id=year.TEAM, name="Bench District", timezone=year.ZONE.key))
        for model in (School, Person, Goal):
            year._insert(uow, model, district.rows[model])
        uow.commit()
    engine.dispose()


def fill_outbox(url: str, count: int) -> None:
    """Messages due now, so the scheduler is busy delivering while the load runs."""
    from datetime import UTC, datetime

    from bot.rules import outbox
    from storage import migrate
    from storage.db import make_engine, make_session_factory
    from storage.models import Person
    from storage.uow import UnitOfWork

    engine = make_engine(url)
    migrate.upgrade(engine)
    now = datetime.now(UTC)
    with UnitOfWork(make_session_factory(engine)) as uow:
        for n in range(count):
            person = uow.people.add(Person(team_id="T0COACH", user_id=f"U0D{n:06d}"))
            message = {"text": f"Good morning {n}"}
            outbox.enqueue(
                uow,
                key=f"bench:{n}",
                person=person,
                kind="bench",
                message=message,
                due_at=now,
                now=now,
            )
    engine.dispose()


def sent_from_outbox(url: str) -> int:
    from sqlalchemy import func, select

    from storage.db import make_engine
    from storage.models import OutboxMessage

    engine = make_engine(url)
    with engine.connect() as connection:
        sent = connection.execute(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent")
        ).scalar_one()
    engine.dispose()
    return int(sent)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--delivering",
        type=int,
        default=0,
        help="messages already due in coachbot's outbox, so its scheduler delivers during the load",
    )
    parser.add_argument(
        "--role",
        default="all",
        choices=("all", "web"),
        help="coachbot's role: all (with its scheduler, the default) or web (answers Slack only)",
    )
    parser.add_argument(
        "--unknown",
        action="store_true",
        help="send the commands from people coachbot has never seen (no roster)",
    )
    parser.add_argument(
        "--bare-settled",
        action="store_true",
        help="give the bare app the garbage collector settings `coachbot serve` uses "
        "(bot.app.server.settle_the_heap), to see what they are worth to each",
    )
    return parser.parse_args()


def main() -> None:
    args = _arguments()

    with SlackStandin(bot_token=TOKEN) as standin, tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": standin.url,
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.db'}",
            "LOG_LEVEL": "WARNING",
        }
        if not args.unknown:
            seed_roster(env["DATABASE_URL"])
        if args.delivering:
            fill_outbox(env["DATABASE_URL"], args.delivering)
            env["SLACK_POSTS_PER_MINUTE"] = "6000"
        bare_port, coachbot_port = free_port(), free_port()
        settled = ["--settled"] if args.bare_settled else []
        bare = start(
            [sys.executable, "bench/bare_bolt.py", str(bare_port), *settled], bare_port, env
        )
        coachbot = start(
            [sys.executable, "-m", "bot", "serve", "--role", args.role],
            coachbot_port,
            {**env, "PORT": str(coachbot_port)},
        )
        try:
            results: dict[str, list[dict[str, float]]] = {"bare Bolt": [], "coachbot": []}
            # Alternate, so neither always runs on a warmer machine.
            for _ in range(args.rounds):
                results["bare Bolt"].append(
                    load(
                        bare, bare_port, standin, args.requests, args.concurrency, not args.unknown
                    )
                )
                results["coachbot"].append(
                    load(
                        coachbot,
                        coachbot_port,
                        standin,
                        args.requests,
                        args.concurrency,
                        not args.unknown,
                    )
                )
        finally:
            for process in (bare, coachbot):
                process.send_signal(signal.SIGTERM)
                process.wait(20)
        delivered = sent_from_outbox(env["DATABASE_URL"]) if args.delivering else 0

    if args.delivering:
        print(f"while coachbot's scheduler delivered {delivered} of {args.delivering} messages")
    who = "people coachbot never saw" if args.unknown else f"{TEACHERS} teachers on the roster"
    print(
        f"/invite-coach from {who}: {args.requests} signed requests, {args.concurrency} at once, "
        f"{args.rounds} rounds each (median of rounds), seconds"
    )
    keys = list(results["coachbot"][0])
    print(f"{'':16}" + "".join(f"{k:>16}" for k in keys))
    medians = {}
    for name, runs in results.items():
        medians[name] = {k: statistics.median(r[k] for r in runs) for k in keys}
        print(f"{name:16}" + "".join(f"{medians[name][k]:>16.3f}" for k in keys))
    ratio = medians["coachbot"]["ack p99"] / medians["bare Bolt"]["ack p99"]
    print(f"ack p99 coachbot / bare Bolt = {ratio:.2f} (target <= 1.3; none over 3 s)")


if __name__ == "__main__":
    main()
