"""The Home tab: published when a person opens it and refreshed when what it shows changes.

Its buttons open the forms other features own (the invitation, goals, debrief and admin menu),
the settings a person owns, and a coach's whole caseload. Other handlers call `refresh_home`
after a change, with the ids of the people whose Home shows it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.app.deps import Deps
from bot.ids import Action, Callback, Event, Input
from bot.reads import home
from bot.rules import access, admin
from bot.rules.people import actor_for, ensure_person
from bot.rules.policy import may_administer
from bot.slack.directory import SlackDirectory
from bot.views import admin as admin_views, home as views
from bot.views.common import build_notice_view
from bot.views.privacy import build_access_log_modal
from handlers import common, shared
from handlers.publish import home_view, refresh_home
from storage.models import Person
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

UNSURE = common.SLACK_UNSURE
COACHES_ONLY = "The list of teachers is for coaches. Your coach sees theirs here."
_SETTINGS_BLOCKS = (
    Input.SETTINGS_PROMPTS,
    Input.SETTINGS_PAUSE_UNTIL,
    Input.SETTINGS_NUDGE_CAP,
    Input.SETTINGS_SHARE_WINS,
    Input.SETTINGS_LIST_TIME,
    Input.SETTINGS_LIST_EMPTY,
)


def handle_home_opened(
    event: dict[str, Any], body: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    if event.get("tab", "home") != "home":
        return
    user_id = str(event["user"])
    team_id = str(body.get("team_id") or event.get("team") or "")
    with deps.uow() as uow:
        # Everyone who opens coachbot becomes a person with a name and a time zone.
        person = ensure_person(uow, SlackDirectory(client), team_id, user_id, deps.now())
        uow.commit()
        actor = actor_for(uow, team_id, user_id, deps.admin_ids)
        view = home_view(uow, deps, actor, person)
        uow.commit()  # a district's first Home adds its row of defaults
    client.views_publish(user_id=user_id, view=view)


# --------------------------------------------------------------------------- buttons


def _open_mine(
    client: WebClient,
    deps: Deps,
    body: dict[str, Any],
    title: str,
    build: Callable[[UnitOfWork, Person], dict[str, Any]],
) -> None:
    """Open a modal about the person who clicked, once Slack has told us who they are."""
    with deps.uow() as uow:
        me = common.me(uow, deps, SlackDirectory(client), body)
        view = build_notice_view(title, UNSURE) if me is None else build(uow, me)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_home_invite(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """Invite a coach: the same form `/invite-coach` opens, with the assigned coach chosen."""
    ack()
    with deps.uow() as uow:
        # Known from now on, as whoever opens Home is; then the form /invite-coach opens.
        common.me(uow, deps, SlackDirectory(client), body)
        view = shared.invitation_form(deps, *common.who(body), uow=uow)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_home_goals(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """Your goals: the story of the person's own cycles, with New goal."""
    ack()
    _open_mine(
        client,
        deps,
        body,
        "Your goals",
        lambda uow, me: shared.goals_view(uow, deps, common.actor(uow, deps, body), me, me),
    )


def handle_home_debrief(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """Schedule a debrief: the `/debrief` form, for the person's own visits."""
    ack()
    with deps.uow() as uow:
        view = shared.debrief_form(uow, deps, SlackDirectory(client), body, None)
    client.views_open(
        trigger_id=body["trigger_id"], view=view or build_notice_view("Debrief", UNSURE)
    )


def handle_home_settings(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """The settings the person owns, by role."""
    ack()
    _open_mine(client, deps, body, "Your settings", lambda uow, me: _settings_view(uow, deps, me))


def handle_home_access_log(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """Everyone who has ever seen the teacher's own record: shown to that teacher alone."""
    ack()

    def build(uow: UnitOfWork, me: Person) -> dict[str, Any]:
        lines = access.lines_for(uow, me)
        return build_access_log_modal(lines, me.timezone, common.today(deps, me))

    _open_mine(client, deps, body, "Who has seen your record", build)


def handle_home_caseload(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """All of a coach's teachers, with when the coach last saw each and where their cycle is."""
    ack()
    with deps.uow() as uow:
        actor = common.actor(uow, deps, body)
        me = uow.people.get(actor.person_id) if actor.person_id is not None else None
        if me is None or not actor.coaches:
            view = build_notice_view("Your teachers", COACHES_ONLY)
        else:
            with access.watching(uow, access.Path.CASELOAD, deps.now()):
                lines = home.caseload(uow, actor, me, deps.now())
            uow.commit()  # the reads of each teacher's cycle, in their access log
            view = views.build_caseload_modal(lines, today=common.today(deps, me))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_home_admin(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """The admin menu: roster, teacher assignments, PLC channels and the school calendar."""
    ack()
    with deps.uow() as uow:
        actor = common.actor(uow, deps, body)
        decision = may_administer(actor)
        if not decision:
            view = build_notice_view("Not available", decision.message)
        else:
            view = admin_views.build_admin_menu(admin.roster_summary(uow, actor))
    client.views_open(trigger_id=body["trigger_id"], view=view)


# --------------------------------------------------------------------------- settings


def _settings_view(uow: UnitOfWork, deps: Deps, me: Person) -> dict[str, Any]:
    own = home.own_settings(uow, me)
    return views.build_settings_modal(
        teacher=own.teacher, coach=own.coach, today=common.today(deps, me), hours=own.hours
    )


def handle_settings_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    """Save the person's own settings; every problem is shown beside its field."""
    values = view.get("state", {}).get("values", {})
    with deps.uow() as uow:
        me = common.me(uow, deps, SlackDirectory(client), body)
        if me is None:
            ack(response_action="errors", errors={_first_block(values): UNSURE})
            return
        own = home.own_settings(uow, me)
        change, errors = views.parse_settings_form(
            values,
            teacher=own.teacher is not None,
            coach=own.coach is not None,
            today=common.today(deps, me),
            hours=own.hours,
        )
        if change is None:
            if all(block in values for block in errors):
                ack(response_action="errors", errors=errors)
                return
            # The form was opened before the person's role changed: show the right one.
            right_form = _settings_view(uow, deps, me)
        else:
            try:
                home.save_settings(uow, common.actor(uow, deps, body), me, change)
                uow.commit()
            except home.SettingsRefused as refused:
                ack(response_action="errors", errors={_first_block(values): refused.message})
                return
            person_id = me.id
    if change is None:
        ack(response_action="update", view=right_form)
        return
    ack()
    refresh_home(client, deps, [person_id])


def _first_block(values: dict[str, Any]) -> str:
    return next((b.value for b in _SETTINGS_BLOCKS if b in values), Input.SETTINGS_PROMPTS.value)


ROUTES: common.Routes = {
    Event.APP_HOME_OPENED: handle_home_opened,
    Action.HOME_INVITE: handle_home_invite,
    Action.HOME_GOALS: handle_home_goals,
    Action.HOME_DEBRIEF: handle_home_debrief,
    Action.HOME_SETTINGS: handle_home_settings,
    Action.HOME_CASELOAD: handle_home_caseload,
    Action.HOME_ACCESS_LOG: handle_home_access_log,
    Action.HOME_ADMIN: handle_home_admin,
    Callback.SETTINGS: handle_settings_submission,
}
