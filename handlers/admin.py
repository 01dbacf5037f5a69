"""`/coachbot admin`: the roster, PLC channels and school calendar, for admins only."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.app.deps import Deps
from bot.ids import Action, Callback, Command, Input
from bot.rules import admin, records_export, reflections
from bot.rules.policy import Actor, may_administer
from bot.slack.directory import SlackDirectory
from bot.slack.messaging import answer_privately, for_person, update_own_view
from bot.views import admin as views
from bot.views.common import build_notice_view, command_text
from bot.views.privacy import MY_DATA_FAILED, MY_DATA_SENT
from handlers import common
from handlers.coaching_log import open_log_command
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

# The kind of modal in an external_id (bot.slack.messaging.for_person): the school calendar form.
CALENDAR_VIEW = "calendar"

COACHBOT_HELP = (
    "*coachbot*\n"
    f"• `{Command.INVITE_COACH}`: invite a coach into your class.\n"
    f"• `{Command.COACHBOT} prompts off` / `prompts on`: stop or restart your private "
    "reflection prompts.\n"
    f"• `{Command.COACHBOT} log`: log coaching you did, with a teacher, a PLC or on your own "
    "(coaches).\n"
    f"• `{Command.COACHBOT} my data`: everything coachbot holds about you, sent to you in a "
    "direct message.\n"
    f"• `{Command.COACHBOT} admin`: manage coaches, teacher assignments, PLC channels and the "
    "school calendar (coachbot admins only)."
)
MY_DATA_COMING = "Gathering your coaching record; it will arrive in a direct message from coachbot."
MY_DATA_NOTHING = "coachbot holds nothing about you yet."


def _actor(deps: Deps, body: dict[str, Any]) -> Actor:
    """Who sent a command or an interaction, read in a unit of work of its own."""
    with deps.uow() as uow:
        return common.actor(uow, deps, body)


def _save(
    ack: Ack,
    deps: Deps,
    title: str,
    save: Callable[[UnitOfWork], str],
    *,
    person_block: str | None = None,
) -> None:
    """Save an admin's form in one unit of work (`save` says what was saved), then answer.

    A refusal replaces the form with a notice; a person Slack no longer knows is shown at
    `person_block`.
    """
    try:
        with deps.uow() as uow:
            text = save(uow)
            uow.commit()
    except admin.NotAllowed as refused:
        ack(response_action="update", view=build_notice_view("Not available", refused.message))
        return
    except admin.UnknownPerson:
        if person_block is None:
            raise
        ack(response_action="errors", errors={person_block: _NO_SUCH_USER})
        return
    ack(response_action="update", view=build_notice_view(title, text))


def handle_coachbot_command(
    ack: Ack, command: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    """`/coachbot <subcommand>`: routed by SUBCOMMANDS; anything else gets the help."""
    text = " ".join(command_text(command).lower().split())
    SUBCOMMANDS.get(text, _help)(ack, command, client, deps)


def _help(ack: Ack, _command: dict[str, Any], _client: WebClient, _deps: Deps) -> None:
    ack(text=COACHBOT_HELP, response_type="ephemeral")


def _prompts_on(ack: Ack, command: dict[str, Any], _client: WebClient, deps: Deps) -> None:
    ack(text=_set_prompts(deps, command, on=True), response_type="ephemeral")


def _prompts_off(ack: Ack, command: dict[str, Any], _client: WebClient, deps: Deps) -> None:
    ack(text=_set_prompts(deps, command, on=False), response_type="ephemeral")


def _admin_menu(ack: Ack, command: dict[str, Any], client: WebClient, deps: Deps) -> None:
    actor = _actor(deps, command)
    decision = may_administer(actor)
    if not decision:
        ack(text=decision.message, response_type="ephemeral")
        return
    ack()
    with deps.uow() as uow:
        summary = admin.roster_summary(uow, actor)
    client.views_open(trigger_id=command["trigger_id"], view=views.build_admin_menu(summary))


def _my_data(ack: Ack, command: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """Everything coachbot holds about the person, as two files in their DM with coachbot.

    Their own record: no one else read it, so nothing is added to their access log.
    """
    ack(text=MY_DATA_COMING, response_type="ephemeral")
    team_id, user_id = common.who(command)
    with deps.uow() as uow:
        person = uow.people.get_by_user(team_id, user_id)
        files = records_export.export_own(uow, person, deps.now())[0] if person else None
    if not files:
        answer_privately(client, user_id, {"text": MY_DATA_NOTHING}, clicked=None)
        return
    try:
        channel = client.conversations_open(users=user_id)["channel"]["id"]
        client.files_upload_v2(
            channel=channel,
            initial_comment=MY_DATA_SENT,
            file_uploads=[
                {"content": content, "filename": name, "title": name}
                for name, content in files.items()
            ],
        )
    except SlackApiError as exc:
        logger.warning("record of %s/%s not sent: %s", team_id, user_id, exc.response.get("error"))
        answer_privately(client, user_id, {"text": MY_DATA_FAILED}, clicked=None)


# Every `/coachbot` subcommand, in one place.
SUBCOMMANDS: dict[str, Callable[[Ack, dict[str, Any], WebClient, Deps], None]] = {
    "prompts on": _prompts_on,
    "prompts off": _prompts_off,
    "admin": _admin_menu,
    "log": open_log_command,
    "my data": _my_data,
}


def _set_prompts(deps: Deps, command: dict[str, Any], *, on: bool) -> str:
    """The teacher's own switch for reflection prompts."""
    with deps.uow() as uow:
        actor = common.actor(uow, deps, command)
        try:
            if on:
                reflections.resume(uow, actor, deps.now())
            else:
                reflections.stop(uow, actor, deps.now())
            uow.commit()
        except reflections.ReflectionRefused as refused:
            return refused.message
    if on:
        return "Reflection prompts are back on. They'll come after your next visit or debrief."
    return "Okay, no more reflection prompts. `/coachbot prompts on` brings them back."


def _push_if_admin(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> Actor | None:
    ack()
    actor = _actor(deps, body)
    decision = may_administer(actor)
    if not decision:
        client.views_push(
            trigger_id=body["trigger_id"], view=build_notice_view("Not available", decision.message)
        )
        return None
    return actor


def handle_admin_open_coach(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    if _push_if_admin(ack, body, client, deps) is None:
        return
    view = views.build_coach_form(deps.expertise_areas)
    client.views_push(trigger_id=body["trigger_id"], view=view)


def handle_admin_open_assign(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    actor = _push_if_admin(ack, body, client, deps)
    if actor is None:
        return
    with deps.uow() as uow:
        coaches = admin.coach_choices(uow, actor.team_id)
        schools = admin.school_names(uow, actor.team_id)
    client.views_push(trigger_id=body["trigger_id"], view=views.build_assign_form(coaches, schools))


def handle_admin_open_calendar(
    ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    actor = _push_if_admin(ack, body, client, deps)
    if actor is None:
        return
    with deps.uow() as uow:
        form = admin.calendar_form(uow, actor, None)
        schools = admin.school_names(uow, actor.team_id)
        uow.commit()
    # Named for this admin, so choosing a school reloads this form and no one else's modal.
    view = for_person(views.build_calendar_form(schools, form), common.who(body)[1], CALENDAR_VIEW)
    client.views_push(trigger_id=body["trigger_id"], view=view)


def handle_admin_calendar_school(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    """Choosing another school in the calendar form reloads that school's calendar."""
    ack()
    actor = _actor(deps, body)
    if not may_administer(actor):
        return
    marker = str((action.get("selected_option") or {}).get("value", views.DISTRICT_MARKER))
    with deps.uow() as uow:
        form = admin.calendar_form(uow, actor, views.school_from_marker(marker))
        schools = admin.school_names(uow, actor.team_id)
        uow.commit()
    update_own_view(
        client, body, views.build_calendar_form(schools, form), CALENDAR_VIEW, check_hash=True
    )


def _values(view: dict[str, Any]) -> Any:
    return view["state"]["values"]


def handle_admin_coach_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    form = common.accepted(ack, views.parse_coach_form(_values(view), deps.expertise_areas))
    if form is None:
        return
    actor = _actor(deps, body)

    def save(uow: UnitOfWork) -> str:
        coach = admin.save_coach(uow, SlackDirectory(client), actor, form, deps.now())
        return (
            f"*{coach.display_name}* is now a {form.role.label}"
            + (f" with {', '.join(form.areas)}" if form.areas else "")
            + f", up to {form.weekly_capacity} visits a week."
        )

    _save(ack, deps, "Coach saved", save, person_block=Input.COACH_USER)


_NO_SUCH_USER = "Slack doesn't know this person any more. Choose someone else."


def handle_admin_assign_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    actor = _actor(deps, body)
    with deps.uow() as uow:
        coach_ids = {user_id for user_id, _ in admin.coach_choices(uow, actor.team_id)}
    form = common.accepted(ack, views.parse_assign_form(_values(view), coach_ids))
    if form is None:
        return

    def save(uow: UnitOfWork) -> str:
        teachers = admin.assign_teachers(uow, SlackDirectory(client), actor, form, deps.now())
        return _assigned_text(len(teachers), form)

    _save(ack, deps, "Teachers assigned", save, person_block=Input.ASSIGN_TEACHERS)


def _assigned_text(count: int, form: views.AssignForm) -> str:
    parts = []
    if form.coach_user_id:
        parts.append(f"coach <@{form.coach_user_id}>")
    if form.school:
        parts.append(f"school {form.school}")
    if form.team:
        parts.append(f"team {form.team}")
    if form.plc_channel_id:
        parts.append(f"PLC channel <#{form.plc_channel_id}>")
    who = f"{count} teacher{'s' if count != 1 else ''}"
    return f"Saved for {who}: {', '.join(parts)}."


def handle_admin_calendar_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Deps
) -> None:
    form = common.accepted(
        ack,
        views.parse_calendar_form(
            _values(view), view.get("private_metadata", ""), today=deps.now().date()
        ),
    )
    if form is None:
        return
    actor = _actor(deps, body)

    def save(uow: UnitOfWork) -> str:
        admin.save_calendar_form(uow, actor, form)
        where = form.school or "the whole district"
        days = ", ".join(views.WEEKDAY_NAMES[d] for d in sorted(form.weekdays))
        return (
            f"Calendar saved for *{where}*: {days}, "
            f"{form.day_start:%H:%M} to {form.day_end:%H:%M}, "
            f"{len(form.closures)} non-school period{'s' if len(form.closures) != 1 else ''}."
        )

    _save(ack, deps, "Calendar saved", save)


ROUTES: common.Routes = {
    Command.COACHBOT: handle_coachbot_command,
    Action.ADMIN_OPEN_COACH: handle_admin_open_coach,
    Action.ADMIN_OPEN_ASSIGN: handle_admin_open_assign,
    Action.ADMIN_OPEN_CALENDAR: handle_admin_open_calendar,
    Action.ADMIN_CALENDAR_SCHOOL: handle_admin_calendar_school,
    Callback.ADMIN_COACH: handle_admin_coach_submission,
    Callback.ADMIN_ASSIGN: handle_admin_assign_submission,
    Callback.ADMIN_CALENDAR: handle_admin_calendar_submission,
}
