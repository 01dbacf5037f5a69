"""Daily fan-out: plan and deliver the 07:00 visit lists for a district, against the stand-in.

250 coaches and 5,000 teachers (20 each, two visits per coach today) on SQLite; the stand-in
limits chat.postMessage to 1 per second per channel and --per-minute per workspace, and the
outbox paces itself to the same figure. Prints planning time, delivery time and its ratio to
the least time those limits allow, peak memory, and counts sent / duplicated / lost.

Usage: uv run python bench/fanout.py [--coaches 250] [--teachers 5000] [--per-minute 600]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_sdk import WebClient

from bot.app import jobs
from bot.app.deps import Deps
from bot.demo.standin import SlackStandin
from bot.reads.daily import plan_daily_lists
from bot.rules import outbox
from bot.slack.messaging import Pacer, SlackSender
from storage import migrate
from storage.db import make_engine, make_session_factory
from storage.models import Person, Visit

TOKEN = "xoxb-0000000000-0000000000-benchtokenvalue"
TEAM = "T0BENCH"
# Tuesday 2026-12-01, 07:00 in New York.
SEVEN = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def seed(deps: Deps, coaches: int, teachers: int) -> None:
    with deps.uow() as uow:
        coach_rows = [
            Person(
                team_id=TEAM,
                user_id=f"U0C{n:05d}",
                display_name=f"Coach {n}",
                role="coach",
                timezone="America/New_York",
                synced_at=SEVEN,
            )
            for n in range(coaches)
        ]
        uow.session.add_all(coach_rows)
        uow.session.flush()
        teacher_rows = [
            Person(
                team_id=TEAM,
                user_id=f"U0T{n:05d}",
                display_name=f"Teacher {n}",
                timezone="America/New_York",
                synced_at=SEVEN,
                assigned_coach_id=coach_rows[n % coaches].id,
            )
            for n in range(teachers)
        ]
        uow.session.add_all(teacher_rows)
        uow.session.flush()
        for n, coach in enumerate(coach_rows):
            for k in range(2):
                start = SEVEN + timedelta(hours=2 + 2 * k)
                teacher = teacher_rows[(n + k * coaches) % teachers]
                uow.session.add(
                    Visit(
                        team_id=TEAM,
                        teacher_id=teacher.id,
                        coach_id=coach.id,
                        starts_at=start,
                        ends_at=start + timedelta(minutes=45),
                        class_name=f"Period {k + 2}",
                        support_type="observe",
                        status="accepted",
                        created_at=SEVEN,
                        updated_at=SEVEN,
                    )
                )
        uow.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coaches", type=int, default=250)
    parser.add_argument("--teachers", type=int, default=5000)
    parser.add_argument("--per-minute", type=int, default=600)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, SlackStandin(bot_token=TOKEN) as slack:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'fanout.db'}")
        migrate.upgrade(engine)
        clock = {"now": SEVEN}
        deps = Deps(
            engine=engine, session_factory=make_session_factory(engine), clock=lambda: clock["now"]
        )
        seed(deps, args.coaches, args.teachers)

        started = time.perf_counter()
        with deps.uow() as uow:
            planned = plan_daily_lists(uow, SEVEN)
            uow.commit()
        planning = time.perf_counter() - started

        slack.limit_rate("chat.postMessage", per_channel_per_second=1, per_minute=args.per_minute)
        client = WebClient(token=TOKEN, base_url=slack.url, retry_handlers=[])
        sender = SlackSender(client, Pacer(args.per_minute))
        started = time.perf_counter()
        while True:
            clock["now"] = SEVEN + timedelta(seconds=time.perf_counter() - started)
            report = jobs.deliver_outbox(deps, sender, worker="bench", budget_seconds=600)
            with deps.uow() as uow:
                left = outbox.summary(uow, clock["now"])
            if left["due"] + left["later"] == 0:
                break
            if not (report.sent or report.retried):
                time.sleep(0.05)  # a rate-limited row waits for its Retry-After
        delivery = time.perf_counter() - started

        posted = [c.args["channel"] for c in slack.calls_to("chat.postMessage") if c.status == 200]
        coaches = {f"U0C{n:05d}" for n in range(args.coaches)}
        least = max(planned - 1, 0) * 60.0 / args.per_minute
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"daily lists: {args.coaches} coaches, {args.teachers} teachers, "
            f"{args.per_minute}/min per workspace, 1/s per channel"
        )
        print(f"  planning       {planning:.2f} s for {planned} lists (target < 2 s)")
        print(
            f"  delivery       {delivery:.2f} s; least the limits allow {least:.2f} s; "
            f"ratio {delivery / least if least else float('nan'):.3f} (target <= 1.05)"
        )
        print(f"  429s from the stand-in: {slack.rate_limited_count}")
        print(f"  peak memory    {peak_mb:.0f} MB (whole process, stand-in included; target < 200)")
        print(
            f"  sent {len(posted)}, duplicated {len(posted) - len(set(posted))}, "
            f"lost {len(coaches - set(posted))}"
        )


if __name__ == "__main__":
    main()
