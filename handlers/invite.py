"""`/invite-coach`: a teacher invites a coach; the coach accepts, suggests a time or declines."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm.exc import StaleDataError

from bot.app.deps import Deps
from bot.ids import Action, Callback, Command, Input
from bot.rules import office_hours, outbox, visits
from bot.rules.domain import DEFAULT_TIMEZONE, VisitStatus
from bot.rules.people import ensure_person
from bot.rules.policy import Actor
from bot.slack.directory import SlackDirectory
from bot.slack.messaging import Location, known_click, send_dm, update_message
from bot.slack.visit_messages import (
    announce_cancel,
    announce_decline,
    calendar_links,
    card_for,
    other_side,
    restate,
    stored_message,
)
from bot.views import invite as views, office_hours as office_views
from bot.views.common import command_text
from bot.views.help import build_help_message
from handlers import common, shared
from handlers.publish import refresh_home
from storage.models import Visit
from storage.uow import ChangedMeanwhile, UnitOfWork

logger = logging.getLogger(__name__)
T = TypeVar("T")

CAPACITY_SEEN = "capacity-warning-seen"
# Which block shows a problem the rules found with a field.
FIELD_BLOCKS = {"coach": Input.INVITE_COACH, "date": Input.INVITE_DATE, "time": Input.INVITE_TIME}
PROPOSE_BLOCKS = {
    "coach": Input.PROPOSE_DATE,
    "date": Input.PROPOSE_DATE,
    "time": Input.PROPOSE_TIME,
}


# --------------------------------------------------------------------------- helpers


def _clicked_reminder(
    uow: UnitOfWork, body: dict[str, Any], visit: Visit, side: str
) -> Location | None:
    """The message clicked in, when it is a reminder coachbot sent this side about the visit."""
    person_id = visit.coach_id if side == "coach" else visit.teacher_id
    known = [
        stored_message(visit, side),
        *outbox.sent_about(uow, person_id=person_id, ref=f"visit:{visit.id}"),
    ]
    return known_click(body, known, about=f"visit {visit.id}")


def _remember(deps: Deps, visit: Visit, sent: dict[str, tuple[str, str] | None]) -> None:
    """After telling: record where each side's newest message about the visit now is.

    A small unit of work of its own, after the change was saved and Slack was called.
    """
    places = {side: where for side, where in sent.items() if where is not None}
    if not places:
        return
    with deps.uow() as uow:
        for side, where in places.items():
            visits.remember_message(uow, visit.id, side, where)
        uow.commit()
    for side, (channel, ts) in places.items():
        if side == "coach":
            visit.coach_channel, visit.coach_ts = channel, ts
        else:
            visit.teacher_channel, visit.teacher_ts = channel, ts


def _refresh(client: WebClient, deps: Deps, visit: Visit) -> None:
    """Show both people's Home tabs as they now are (after the change was saved)."""
    refresh_home(client, deps, (visit.teacher_id, visit.coach_id))


def _pressed(ack: Ack, body: dict[str, Any], client: WebClient) -> tuple[int, int] | None:
    """Acknowledge a visit button and read its "<visit id>:<version>"; a bad one is answered."""
    ack()
    button = _button(body)
    if button is None:
        common.tell(client, body, views.build_notice(visits.STALE))
    return button


def _button(body: dict[str, Any]) -> tuple[int, int] | None:
    return views.parse_button_value(str(body["actions"][0].get("value", "")))


class Changed(NamedTuple):
    """A visit as an answer left it, saved: who answered, and the reminder they clicked in."""

    visit: Visit
    side: str
    reminder: Location | None


def _saved(uow: UnitOfWork, body: dict[str, Any], actor: Actor, visit: Visit) -> Changed:
    """Save a change just made to a visit, then find the reminder the click came from."""
    uow.commit()
    side = visits.side_of(actor, visit)
    return Changed(visit, side, _clicked_reminder(uow, body, visit, side))


Button = tuple[int, int]  # the (visit id, version) a visit button carries


def _on_press(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    deps: Deps,
    step: Callable[[UnitOfWork, Actor, Button], T],
) -> T | None:
    """Acknowledge a visit button, then take one step with what it carries, answered as
    common.attempt answers."""
    button = _pressed(ack, body, client)
    if button is None:
        return None
    return common.attempt(
        client, deps, body, lambda uow, actor: step(uow, actor, button), changed=visits.STALE
    )


def _press_to_change(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    deps: Deps,
    change: Callable[[UnitOfWork, Actor, int, int, datetime], Visit],
) -> Changed | None:
    """A visit button that changes the visit at once: `visits.accept` or `visits.cancel`."""
    now = deps.now()
    return _on_press(
        ack,
        body,
        client,
        deps,
        lambda uow, actor, button: _saved(uow, body, actor, change(uow, actor, *button, now)),
    )


# --------------------------------------------------------------------------- inviting


def handle_invite_command(ack: Ack, command: dict[str, Any], client: WebClient, deps: Deps) -> None:
    text = command_text(command)
    if text.lower() in ("help", "?"):
        ack(**build_help_message())
        return
    ack()
    mention = common.MENTION.search(text)
    view = shared.invitation_form(
        deps, command["team_id"], command["user_id"], mention.group(1) if mention else None
    )
    client.views_open(trigger_id=command["trigger_id"], view=view)


def _with_slot(
    view: dict[str, Any],
    form: str,
    parse: Callable[..., tuple[T | None, dict[str, str]]],
    deps: Deps,
) -> tuple[T | None, dict[str, str]]:
    """A form that offers open times, parsed with a chosen one written into its day and start;
    the errors are the chosen time's and the form's."""
    values: dict[str, Any] = view["state"]["values"]
    filled, errors = office_views.chosen_slot(values, form=form)
    parsed, form_errors = parse(
        filled if filled is not None else values, today=common.today(deps, None)
    )
    return parsed, errors | form_errors


def handle_invite_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    form, errors = _with_slot(view, "INVITE", views.parse_invite_form, deps)
    if form is None or errors:
        ack(response_action="errors", errors=errors)
        return
    team_id, user_id = common.who(body)
    directory = SlackDirectory(client)
    now = deps.now()
    with deps.uow() as uow:
        teacher = ensure_person(uow, directory, team_id, user_id, now)
        coach = ensure_person(uow, directory, team_id, form.coach_user_id, now)
        uow.commit()  # whoever Slack told us about is known from now on, whatever comes next
        if teacher is None:
            ack(response_action="errors", errors={Input.INVITE_COACH: _UNKNOWN_YOU})
            return
        goals = shared.goal_choices(uow, teacher)
        if form.goal_id is not None and form.goal_id not in dict(goals):
            ack(response_action="errors", errors={Input.INVITE_GOAL: _GOAL_GONE})
            return
        check = visits.check_time(uow, teacher, coach, form.when, now)
        if check.problems:
            common.refuse_times(ack, check.problems, FIELD_BLOCKS)
            return
        if check.warnings and view.get("private_metadata") != CAPACITY_SEEN:
            ack(
                response_action="update",
                view=views.build_invite_form(
                    today=common.today(deps, teacher),
                    initial=form,
                    warning=" ".join(check.warnings),
                    private_metadata=CAPACITY_SEEN,
                    goals=goals,
                ),
            )
            return
        assert coach is not None and check.starts_at is not None and check.ends_at is not None
        visit, created = visits.create_invitation(
            uow,
            teacher,
            visits.NewVisit(
                coach=coach,
                starts_at=check.starts_at,
                ends_at=check.ends_at,
                class_name=form.class_name,
                support=form.support,
                focus=form.focus,
                note=form.note,
                goal_id=form.goal_id,
            ),
            now,
        )
        uow.commit()
        uow.session.refresh(visit)  # with its teacher and coach, to tell them after the block
    ack()
    if not created:
        logger.info("invitation %s submitted twice; sent once", visit.id)
        return
    _tell_invited(client, deps, visit)


def _tell_invited(client: WebClient, deps: Deps, visit: Visit) -> None:
    """The coach gets the invitation, the teacher what was sent (with a gentle note when it is
    outside the coach's office hours); both Homes are brought up to date."""
    to_teacher = views.build_teacher_sent(card_for(visit, visit.teacher))
    with deps.uow() as uow:  # after the ack: whether to add a gentle note is no reason to wait
        outside = office_hours.outside_hours(uow, visit.coach, visit.starts_at, visit.ends_at)
    if outside:
        to_teacher = office_views.with_note(
            to_teacher, office_views.outside_note(visit.coach.display_name)
        )
    sent = {
        "coach": send_dm(
            client, visit.coach, views.build_coach_invitation(card_for(visit, visit.coach))
        ),
        "teacher": send_dm(client, visit.teacher, to_teacher),
    }
    _remember(deps, visit, sent)
    _refresh(client, deps, visit)


_GOAL_GONE = "That goal isn't open any more. Choose another, or leave this empty."
_UNKNOWN_YOU = "Sorry, Slack couldn't tell us who you are just now. Please try again in a minute."


def handle_invite_coach_chosen(
    ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    """The teacher chose another coach on the form: offer that coach's open times instead."""
    ack()
    shown = body.get("view") or {}
    chosen = body["actions"][0].get("selected_user")
    team_id, user_id = common.who(body)
    with deps.uow() as uow:
        teacher = uow.people.get_by_user(team_id, user_id)
        coach = uow.people.get_by_user(team_id, chosen) if isinstance(chosen, str) else None
        slots = (
            office_hours.slots_for(uow, coach, teacher, deps.now())
            if coach is not None and coach.active and coach.id != getattr(teacher, "id", None)
            else []
        )
        tz = teacher.timezone if teacher is not None else DEFAULT_TIMEZONE
        name = coach.display_name if coach is not None else ""
    view = office_views.for_another_coach(shown, slots, tz, name, form="INVITE")
    try:
        client.views_update(view_id=shown.get("id"), hash=shown.get("hash"), view=view)
    except SlackApiError as exc:
        # The form changed again meanwhile (hash_conflict) or was closed: the later choice wins.
        logger.info("open times not refreshed: %s", exc.response.get("error"))


def handle_invite_other_coach(
    ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    """'Invite <name>' under a declined invitation opens the form with that coach chosen."""
    ack()
    coach_user_id = str(body["actions"][0].get("value", ""))
    team_id, user_id = common.who(body)
    with deps.uow() as uow:
        teacher = uow.people.get_by_user(team_id, user_id)
        today = common.today(deps, teacher)
    client.views_open(
        trigger_id=body["trigger_id"],
        view=views.build_invite_form(
            today=today,
            coach_user_id=coach_user_id if common.MENTION.match(f"<@{coach_user_id}>") else None,
        ),
    )


def handle_calendar_link(ack: Ack) -> None:
    """Calendar buttons open a URL in the browser; Slack still sends the click."""
    ack()


# --------------------------------------------------------------------------- answering


def handle_invite_accept(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    changed = _press_to_change(ack, body, client, deps, visits.accept)
    if changed is None:
        return
    visit, side, reminder = changed
    their_side = other_side(side)
    me, other = (visit.coach, visit.teacher) if side == "coach" else (visit.teacher, visit.coach)
    restate(client, visit, side, ":white_check_mark: You accepted.", reminder)
    if their_side == "teacher":
        restate(client, visit, "teacher", f":white_check_mark: <@{visit.coach.user_id}> accepted.")
    links = calendar_links(visit, deps.public_url, deps.link_key)
    accepted = views.build_accepted(card_for(visit, other), viewer=their_side, links=links)
    _remember(deps, visit, {their_side: send_dm(client, other, accepted)})
    send_dm(client, me, views.build_accepted(card_for(visit, me), viewer=side, links=links))
    _refresh(client, deps, visit)


def handle_invite_propose_open(
    ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps
) -> None:

    def may_propose(uow: UnitOfWork, actor: Actor, button: Button) -> tuple[Visit, str]:
        visit = visits.check_may_propose(uow, actor, *button)
        return visit, visits.side_of(actor, visit)

    found = _on_press(ack, body, client, deps, may_propose)
    if found is None:
        return
    visit, side = found
    me = visit.coach if side == "coach" else visit.teacher
    view = views.build_propose_form(card_for(visit, me), by=side, today=common.today(deps, me))
    with deps.uow() as uow:
        coach, teacher = uow.people.get_one(visit.coach_id), uow.people.get_one(visit.teacher_id)
        reader = coach if side == "coach" else teacher
        view = shared.with_open_times(
            uow, view, coach, teacher, reader, deps.now(), "PROPOSE", moving=visit.id
        )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_invite_propose_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    form, errors = _with_slot(view, "PROPOSE", views.parse_propose_form, deps)
    button = views.parse_button_value(view.get("private_metadata", ""))
    if form is None or button is None or errors:
        ack(response_action="errors", errors=errors or {Input.PROPOSE_DATE: visits.STALE})
        return
    now = deps.now()
    with deps.uow() as uow:
        actor = common.actor(uow, deps, body)
        try:
            visit = visits.check_may_propose(uow, actor, *button)
        except visits.VisitRefused as refused:
            ack(response_action="errors", errors={Input.PROPOSE_DATE: refused.message})
            return
        # The form showed times in the proposer's zone; the rules think in the school's.
        proposer = visit.coach if visits.side_of(actor, visit) == "coach" else visit.teacher
        when = form.when.in_zone(proposer.timezone, visit.teacher.timezone)
        check = visits.check_time(uow, visit.teacher, visit.coach, when, now, visit_id=visit.id)
        if check.problems:
            common.refuse_times(ack, check.problems, PROPOSE_BLOCKS)
            return
        was_pending = visit.status == VisitStatus.PENDING
        try:
            visit = visits.propose(uow, actor, button[0], button[1], check, form.note, now)
            uow.commit()
        except (visits.VisitRefused, StaleDataError) as lost:
            message = lost.message if isinstance(lost, visits.VisitRefused) else visits.STALE
            ack(response_action="errors", errors={Input.PROPOSE_DATE: message})
            return
    ack()
    side = visits.side_of(actor, visit)
    if side == "teacher" and was_pending:
        # The coach has not answered yet: their invitation now shows the new time.
        update_message(
            client,
            visit.coach_channel,
            visit.coach_ts,
            views.build_coach_invitation(card_for(visit, visit.coach)),
        )
        update_message(
            client,
            visit.teacher_channel,
            visit.teacher_ts,
            views.build_teacher_sent(card_for(visit, visit.teacher)),
        )
        _refresh(client, deps, visit)
        return
    their_side = other_side(side)
    other = visit.teacher if their_side == "teacher" else visit.coach
    waiting = (
        f":hourglass_flowing_sand: You suggested another time; waiting for <@{other.user_id}>."
    )
    restate(client, visit, side, waiting)
    proposal = views.build_proposal(card_for(visit, other), to=their_side)
    _remember(deps, visit, {their_side: send_dm(client, other, proposal)})
    _refresh(client, deps, visit)


def handle_invite_decline_open(
    ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps
) -> None:

    def may_decline(
        uow: UnitOfWork, actor: Actor, button: Button
    ) -> tuple[Button, str, dict[str, Any]]:
        visit = visits.load_for(uow, actor, button[0])
        visits.require_turn(actor, visit, button[1])
        view = views.build_decline_form(card_for(visit, visit.coach))
        return button, visits.side_of(actor, visit), view

    found = _on_press(ack, body, client, deps, may_decline)
    if found is None:
        return
    button, side, view = found
    if side == "teacher":
        # A teacher turning down a suggested time needs no form: the visit is withdrawn.
        _withdraw(client, deps, button, body)
        return
    client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_invite_decline_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    reason, errors = views.parse_decline_form(view["state"]["values"])
    button = views.parse_button_value(view.get("private_metadata", ""))
    if errors or button is None:
        ack(response_action="errors", errors=errors or {Input.DECLINE_REASON: visits.STALE})
        return
    try:
        with deps.uow() as uow:
            actor = common.actor(uow, deps, body)
            visit = visits.decline(uow, actor, button[0], button[1], reason, deps.now())
            uow.commit()
            others = [
                views.OtherCoach(c.user_id, c.display_name, tuple(c.areas))
                for c in visits.other_coaches(uow, visit)
            ]
    except visits.VisitRefused as refused:
        ack(response_action="errors", errors={Input.DECLINE_REASON: refused.message})
        return
    except ChangedMeanwhile:
        ack(response_action="errors", errors={Input.DECLINE_REASON: visits.STALE})
        return
    ack()
    announce_decline(client, visit, others)
    _refresh(client, deps, visit)


def _withdraw(client: WebClient, deps: Deps, button: Button, body: dict[str, Any]) -> None:
    """A teacher turns down the coach's suggested time: saved, then both are told."""
    now = deps.now()
    changed = common.attempt(
        client,
        deps,
        body,
        lambda uow, actor: _saved(uow, body, actor, visits.decline(uow, actor, *button, None, now)),
        changed=visits.STALE,
    )
    if changed is None:
        return
    turned_down = "You turned down the suggested time, so this visit is off."
    announce_cancel(client, changed.visit, turned_down, changed.reminder)
    _refresh(client, deps, changed.visit)


def handle_invite_cancel(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    changed = _press_to_change(ack, body, client, deps, visits.cancel)
    if changed is None:
        return
    announce_cancel(client, changed.visit, "You cancelled this visit.", changed.reminder)
    _refresh(client, deps, changed.visit)


ROUTES: common.Routes = {
    Command.INVITE_COACH: handle_invite_command,
    Callback.INVITE: handle_invite_submission,
    Action.INVITE_ACCEPT: handle_invite_accept,
    Action.INVITE_SUGGEST: handle_invite_propose_open,
    Action.INVITE_RESCHEDULE: handle_invite_propose_open,
    Callback.PROPOSE: handle_invite_propose_submission,
    Action.INVITE_DECLINE: handle_invite_decline_open,
    Callback.DECLINE: handle_invite_decline_submission,
    Action.INVITE_CANCEL: handle_invite_cancel,
    Action.INVITE_OTHER_COACH: handle_invite_other_coach,
    Input.INVITE_COACH: handle_invite_coach_chosen,
    Action.CALENDAR_GOOGLE: handle_calendar_link,
    Action.CALENDAR_OUTLOOK: handle_calendar_link,
    Action.CALENDAR_ICS: handle_calendar_link,
}
