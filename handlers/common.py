"""What every listener shares: who sent a payload, today for them, what a button carries, and
short private answers.

Listeners take `deps: Deps` as an argument: Bolt hands a listener any key of its context by
name, and the middleware puts the dependencies there (handlers/middleware.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlalchemy.orm.exc import StaleDataError

from bot.app.deps import Deps
from bot.ids import Action, Callback, Command, Event, Input
from bot.rules.people import actor_for, ensure_person, valid_timezone
from bot.rules.policy import Actor
from bot.rules.visits import VisitRefused
from bot.slack.directory import SlackDirectory
from bot.slack.messaging import answer_privately, clicked_channel
from bot.views.common import build_notice_view, record_id
from bot.views.visits import build_notice
from storage.models import Person
from storage.uow import ChangedMeanwhile, UnitOfWork

# A user mention in what someone typed: <@U123> or <@U123|name>.
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
# The kind answer to a change someone else saved first (the database refused ours).
CHANGED = "This changed while you were looking, so nothing was saved. Please try again."
T = TypeVar("T")
SLACK_UNSURE = "Sorry, Slack couldn't tell us who you are just now. Please try again in a minute."

# A feature's listeners, by the id each answers; the kind of id says how Bolt listens for it.
Routes = Mapping[Command | Action | Input | Callback | Event, Callable[..., None]]


def add_routes(app: App, routes: Routes) -> None:
    """Listen for every id in a feature's table, in the table's order (Bolt tries listeners in
    the order they were added)."""
    for listener_id, listener in routes.items():
        if isinstance(listener_id, Command):
            app.command(listener_id)(listener)
        elif isinstance(listener_id, Action | Input):  # an input whose choice is dispatched
            app.action(listener_id)(listener)
        elif isinstance(listener_id, Callback):
            app.view(listener_id)(listener)
        else:
            app.event(listener_id)(listener)


def who(body: dict[str, Any]) -> tuple[str, str]:
    """(team id, user id) of whoever sent a slash command or an interaction."""
    if "user_id" in body:  # a slash command
        return str(body["team_id"]), str(body["user_id"])
    user = body["user"]
    return str(user.get("team_id") or body["team"]["id"]), str(user["id"])


def actor(uow: UnitOfWork, deps: Deps, body: dict[str, Any]) -> Actor:
    """Who is acting, for the policy, read from the database, never from the payload."""
    return actor_for(uow, *who(body), deps.admin_ids)


def me(
    uow: UnitOfWork, deps: Deps, directory: SlackDirectory, body: dict[str, Any]
) -> Person | None:
    """The person who sent this, known from now on (committed) once Slack has told us."""
    person = ensure_person(uow, directory, *who(body), deps.now())
    uow.commit()
    return person


def submitter(
    ack: Ack,
    uow: UnitOfWork,
    deps: Deps,
    directory: SlackDirectory,
    body: dict[str, Any],
    block: str,
) -> Person | None:
    """The person submitting a form, as `me`; None once the form says, under `block`, that
    Slack couldn't tell who they are."""
    person = me(uow, deps, directory, body)
    if person is None:
        ack(response_action="errors", errors={block: SLACK_UNSURE})
    return person


def accepted(ack: Ack, parsed: tuple[T | None, dict[str, str]]) -> T | None:
    """A form's parsed answers; None once the form shows, under each block, what to fix."""
    form, errors = parsed
    if form is None:
        ack(response_action="errors", errors=errors)
    return form


def refuse_form(
    ack: Ack, block: str, refused: VisitRefused | ChangedMeanwhile | StaleDataError
) -> None:
    """Nothing was saved: the form says why under `block`, the rule's words or CHANGED."""
    message = refused.message if isinstance(refused, VisitRefused) else CHANGED
    ack(response_action="errors", errors={block: message})


def refuse_times(ack: Ack, problems: Mapping[str, str], blocks: Mapping[str, str]) -> None:
    """Nothing was saved: each problem the rules found with a time ("coach", "date", "time")
    shows under the form's block for that field."""
    ack(
        response_action="errors", errors={blocks[field]: words for field, words in problems.items()}
    )


def today(deps: Deps, person: Person | None) -> date:
    """Today where this person is (the district's default zone for someone unknown)."""
    return today_in(deps, person.timezone if person is not None else None)


def today_in(deps: Deps, timezone: str | None) -> date:
    """Today in this zone (the district's default zone for none, or one that can't be read)."""
    return deps.now().astimezone(ZoneInfo(valid_timezone(timezone))).date()


def number(text: str | None) -> int | None:
    """A record id from a button value or private_metadata; None for anything else."""
    return record_id(text)


def clicked_value(body: dict[str, Any]) -> str:
    """The value of the button clicked, or of the option chosen in a select."""
    action = body["actions"][0]
    option = action.get("selected_option") or {}
    return str(option.get("value") or action.get("value") or "")


def clicked_id(body: dict[str, Any]) -> int:
    """The record id a button carries; 0 (no such record) when it is not one."""
    return number(clicked_value(body)) or 0


def in_modal(body: dict[str, Any]) -> bool:
    """Clicked in a modal (not the Home tab, which is a view too)."""
    container = body.get("container") or {}
    return container.get("type") == "view" and (body.get("view") or {}).get("type", "modal") == (
        "modal"
    )


def show(client: WebClient, body: dict[str, Any], view: dict[str, Any]) -> None:
    """Open a modal, or push it onto the one the click came from."""
    if in_modal(body):
        client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        client.views_open(trigger_id=body["trigger_id"], view=view)


def tell(
    client: WebClient,
    body: dict[str, Any],
    message: dict[str, Any],
    *,
    title: str = "Not available",
) -> None:
    """A short answer only the person who clicked sees: on top of the modal they clicked in,
    else as bot.slack.messaging.answer_privately sends it."""
    if in_modal(body):
        text = str(message.get("text", ""))
        client.views_push(trigger_id=body["trigger_id"], view=build_notice_view(title, text))
        return
    answer_privately(client, who(body)[1], message, clicked=clicked_channel(body))


def attempt(
    client: WebClient,
    deps: Deps,
    body: dict[str, Any],
    step: Callable[[UnitOfWork, Actor], T],
    *,
    changed: str = CHANGED,
    title: str = "Not available",
) -> T | None:
    """One step for whoever sent this, in a unit of work of its own (a change commits inside
    `step`); None once a refusal of the rules, or a change someone else saved first (`changed`
    says so), has been told to them.

    They are told after the unit of work is closed, never inside it.
    """
    try:
        with deps.uow() as uow:
            return step(uow, actor(uow, deps, body))
    except VisitRefused as refused:
        tell(client, body, build_notice(refused.message), title=title)
    except ChangedMeanwhile:
        tell(client, body, build_notice(changed), title=title)
    return None
