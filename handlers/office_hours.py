"""Office hours on the coach's Home: setting the weekly windows and visit length, and marking
days out of office (or back in)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.app.deps import Deps
from bot.ids import Action, Callback, Input
from bot.rules import office_hours as rules
from bot.slack.directory import SlackDirectory
from bot.views import office_hours as views
from bot.views.common import build_notice_view, parse_date
from bot.views.visits import build_notice
from handlers import common
from handlers.publish import refresh_home
from storage.models import Person
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

NOT_A_COACH = "Office hours are for coaches. Thank you for asking!"


def _open(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    deps: Deps,
    build: Any,
) -> None:
    """Open one of the coach's forms; anyone else is told kindly and nothing opens."""
    ack()
    with deps.uow() as uow:
        me = common.me(uow, deps, SlackDirectory(client), body)
        actor = common.actor(uow, deps, body)
        view = build(uow, me) if me is not None and actor.coaches else None
    if view is None:
        common.tell(client, body, build_notice(NOT_A_COACH))
        return
    common.show(client, body, view)


def handle_hours_open(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    _open(
        ack,
        body,
        client,
        deps,
        lambda uow, me: views.build_hours_form(rules.hours_of(uow, me)),
    )


def handle_hours_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    parsed = common.accepted(ack, views.parse_hours_form(view["state"]["values"]))
    if parsed is None:
        return
    windows, minutes = parsed
    try:
        with deps.uow() as uow:
            me = _person(uow, body)
            rules.save_hours(uow, common.actor(uow, deps, body), me, windows, minutes, deps.now())
            uow.commit()
            person_id = me.id if me is not None else 0
    except rules.HoursRefused as refused:
        ack(response_action="errors", errors={Input.HOURS_MONDAY: refused.message})
        return
    ack()
    logger.info("office hours saved: windows=%d minutes=%d", len(windows), minutes)
    refresh_home(client, deps, [person_id])


def _person(uow: UnitOfWork, body: dict[str, Any]) -> Person | None:
    return uow.people.get_by_user(*common.who(body))


def _days_out_form(uow: UnitOfWork, deps: Deps, me: Person) -> dict[str, Any]:
    today = common.today(deps, me)
    ahead = rules.days_out_ahead(uow, me, today)
    form = views.build_days_out_form(today, ahead)
    # Which days the form listed, so an unchecked one is known at submission (the coach's own
    # rows only are ever changed).
    form["private_metadata"] = ",".join(day.isoformat() for day in ahead[: views.MAX_OUT_LISTED])
    return form


def handle_days_out_open(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    _open(ack, body, client, deps, lambda uow, me: _days_out_form(uow, deps, me))


def handle_days_out_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    listed = _listed(str(view.get("private_metadata") or ""))
    form = common.accepted(ack, views.parse_days_out_form(view["state"]["values"], listed))
    if form is None:
        return
    now = deps.now()
    try:
        with deps.uow() as uow:
            me = _person(uow, body)
            actor = common.actor(uow, deps, body)
            today = common.today(deps, me)
            back = rules.mark_back(uow, actor, me, form.back) if form.back else 0
            marked: list[date] = []
            if form.first is not None:
                marked = rules.mark_out(
                    uow, actor, me, form.first, form.last, today, now, views.build_out_message
                )
            uow.commit()
            person_id = me.id if me is not None else 0
    except rules.HoursRefused as refused:
        block = Input.OUT_LAST if refused.field == "last" else Input.OUT_FIRST
        ack(response_action="errors", errors={block: refused.message})
        return
    said = views.days_out_words(marked, back, today)
    ack(response_action="update", view=build_notice_view("Out of office", said))
    logger.info("days out: marked=%d back=%d", len(marked), back)
    refresh_home(client, deps, [person_id])


def _listed(metadata: str) -> list[date]:
    days = [parse_date(part) for part in metadata.split(",")[: views.MAX_OUT_LISTED]]
    return [day for day in days if day is not None]


ROUTES: common.Routes = {
    Action.HOME_OFFICE_HOURS: handle_hours_open,
    Callback.OFFICE_HOURS: handle_hours_submission,
    Action.HOME_DAYS_OUT: handle_days_out_open,
    Callback.DAYS_OUT: handle_days_out_submission,
}
