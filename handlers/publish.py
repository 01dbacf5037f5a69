"""Publishing the Home tab, for any listener that changed something a Home shows."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.app.deps import Deps
from bot.reads import home
from bot.reads.report import build_report
from bot.rules import access
from bot.rules.people import actor_for
from bot.rules.policy import Actor, Kind, Record, may_read
from bot.views import home as views
from bot.views.report import build_report_blocks
from storage.models import Person
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

__all__ = ["home_view", "refresh_home", "report_blocks_for"]


# --------------------------------------------------------------------------- the report


def report_blocks_for(
    uow: UnitOfWork, deps: Deps, actor: Actor, now: datetime
) -> Sequence[dict[str, Any]]:
    """The last 30 days' aggregate report, for an admin's or leader's Home.

    The same for everyone in the workspace, so it is built once and kept for a few minutes
    (bot/reads/kept.py); who may see it is still asked each time.
    """
    district = uow.districts.get_or_add(actor.team_id)
    today = now.astimezone(ZoneInfo(district.timezone)).date()
    report = deps.home_reports.get(
        (actor.team_id, today),
        lambda: build_report(
            uow,
            actor.team_id,
            today - timedelta(days=30),
            today + timedelta(days=1),
            district.timezone,
        ),
    )
    teachers = report.district.teachers if report.district else 0
    if not may_read(actor, Record(Kind.AGGREGATE, actor.team_id, group_size=teachers)):
        return ()
    return build_report_blocks(report)


# --------------------------------------------------------------------------- publishing


def home_view(uow: UnitOfWork, deps: Deps, actor: Actor, person: Person | None) -> dict[str, Any]:
    """The Home `actor` sees now, built from what they may see."""
    now = deps.now()
    # A coach's Home reads their teachers' cycles: each teacher is told, once the caller commits.
    with access.watching(uow, access.Path.HOME, now):
        data = home.home_data(uow, actor, person, now)
    if data.teacher is not None and person is not None:
        since = now - timedelta(days=access.RECENT_DAYS)
        seen = tuple(access.lines_for(uow, person, since=since, limit=access.RECENT_SHOWN))
        data = replace(data, teacher=replace(data.teacher, seen_by=seen))
    report = report_blocks_for(uow, deps, actor, now) if data.reports else ()
    return views.build_home(data, report_blocks=report)


def refresh_home(client: WebClient, deps: Deps, person_ids: Iterable[int]) -> None:
    """Publish the current Home of each of these people; a Slack error is logged, not raised.

    Call it after saving a change, outside the unit of work that saved it.
    """
    for person_id in sorted(set(person_ids)):
        with deps.uow() as uow:
            person = uow.people.get(person_id)
            if person is None or not person.active:
                continue
            actor = actor_for(uow, person.team_id, person.user_id, deps.admin_ids)
            view = home_view(uow, deps, actor, person)
            user_id = person.user_id
            uow.commit()  # a district's first Home adds its row of defaults
        try:
            client.views_publish(user_id=user_id, view=view)
        except SlackApiError as exc:
            logger.info("home of person %s not refreshed: %s", person_id, exc.response.get("error"))
