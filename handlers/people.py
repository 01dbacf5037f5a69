"""People: keep names, time zones and deactivations fresh from Slack's `user_change` event."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext

from bot.app.deps import Deps
from bot.ids import Event
from bot.rules.people import apply_user_change, profile_from_user
from handlers import common

logger = logging.getLogger(__name__)


def handle_user_change(
    event: dict[str, Any], body: dict[str, Any], context: BoltContext, deps: Deps
) -> None:
    profile = profile_from_user(event["user"])
    team_id = str(body.get("team_id") or context.team_id or "")
    with deps.uow() as uow:
        known = apply_user_change(uow, team_id, profile, deps.now())
        uow.commit()
    if known and profile.deleted:
        logger.info(
            "%s/%s was deactivated in Slack; nothing more is sent to them", team_id, profile.user_id
        )


ROUTES: common.Routes = {
    Event.USER_CHANGE: handle_user_change,
}
