"""`/invite-coach`: a teacher invites a coach; the coach accepts, suggests a time or declines."""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.app.deps import Deps
from bot.ids import Action, Block, Callback, Command
from bot.rules import cycles, outbox, visits
from bot.rules.calendar_links import google_link, ics_token, outlook_link
from bot.rules.domain import DEFAULT_TIMEZONE, SupportType, VisitStatus
from bot.rules.people import actor_for, ensure_person
from bot.rules.policy import Actor
from bot.slack.directory import SlackDirectory
from bot.slack.messaging import (
    Location,
    answer_privately,
    clicked_channel,
    known_click,
    location,
    send_dm,
    update_message,
)
from bot.views import invite as views
from bot.views.common import command_text
from bot.views.help import build_help_message
from handlers.publish import refresh_home
from storage.models import Person, Visit
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
CAPACITY_SEEN = "capacity-warning-seen"
# Which block shows a problem the rules found with a field.
FIELD_BLOCKS = {"coach": Block.INVITE_COACH, "date": Block.INVITE_DATE, "time": Block.INVITE_TIME}
PROPOSE_BLOCKS = {
    "coach": Block.PROPOSE_DATE,
    "date": Block.PROPOSE_DATE,
    "time": Block.PROPOSE_TIME,
}


def register(app: App) -> None:
    app.command(Command.INVITE_COACH)(handle_invite_command)
    app.view(Callback.INVITE)(handle_invite_submission)
    app.action(Action.INVITE_ACCEPT)(handle_invite_accept)
    app.action(Action.INVITE_SUGGEST)(handle_invite_propose_open)
    app.action(Action.INVITE_RESCHEDULE)(handle_invite_propose_open)
    app.view(Callback.PROPOSE)(handle_invite_propose_submission)
    app.action(Action.INVITE_DECLINE)(handle_invite_decline_open)
    app.view(Callback.DECLINE)(handle_invite_decline_submission)
    app.action(Action.INVITE_CANCEL)(handle_invite_cancel)
    app.action(Action.INVITE_OTHER_COACH)(handle_invite_other_coach)
    for link in (Action.CALENDAR_GOOGLE, Action.CALENDAR_OUTLOOK, Action.CALENDAR_ICS):
        app.action(link)(handle_calendar_link)


# --------------------------------------------------------------------------- helpers


def _deps(context: BoltContext) -> Deps:
    deps: Deps = context["deps"]
    return deps


def _team_and_user(body: dict[str, Any]) -> tuple[str, str]:
    user = body["user"]
    return str(user.get("team_id") or body["team"]["id"]), str(user["id"])


def _today_for(deps: Deps, person: Person | None) -> date:
    zone = ZoneInfo(person.timezone if person else DEFAULT_TIMEZONE)
    return deps.now().astimezone(zone).date()


def card_for(visit: Visit, viewer: Person) -> views.VisitCard:
    return views.VisitCard(
        visit_id=visit.id,
        version=visit.version,
        teacher_user_id=visit.teacher.user_id,
        coach_user_id=visit.coach.user_id,
        starts_at=visit.starts_at,
        ends_at=visit.ends_at,
        tz=viewer.timezone,
        class_name=visit.class_name,
        support=SupportType(visit.support_type),
        focus=visit.focus,
        note=visit.note,
        status=VisitStatus(visit.status),
        proposed_starts_at=visit.proposed_starts_at,
        proposed_ends_at=visit.proposed_ends_at,
        proposed_by=visit.proposed_by,
        proposal_note=visit.proposal_note,
        decline_reason=visit.decline_reason,
    )


def _links(deps: Deps, visit: Visit) -> views.CalendarLinks:
    event = visits.calendar_event_for(visit)
    ics = None
    if deps.public_url and deps.link_key:
        ics = f"{deps.public_url}calendar/{ics_token(deps.link_key, visit.id)}.ics"
    return views.CalendarLinks(google=google_link(event), outlook=outlook_link(event), ics=ics)


def _stored(visit: Visit, side: str) -> Location | None:
    """Where coachbot last posted to this side about the visit."""
    if side == "coach":
        return location(visit.coach_channel, visit.coach_ts)
    return location(visit.teacher_channel, visit.teacher_ts)


def _restate(
    client: WebClient,
    visit: Visit,
    side: str,
    headline: str,
    also: Location | None = None,
) -> None:
    """Turn one person's message about the visit into its current state, without buttons.

    The message is the one coachbot stored, never the one a payload names; `also` is another
    message coachbot sent them about the visit (a reminder they answered from).
    """
    person = visit.coach if side == "coach" else visit.teacher
    message = views.build_status_update(card_for(visit, person), viewer=side, headline=headline)
    stored = _stored(visit, side)
    for place in (stored, also if also != stored else None):
        if place is not None:
            update_message(client, *place, message)


def _clicked_reminder(
    uow: UnitOfWork, body: dict[str, Any], visit: Visit, side: str
) -> Location | None:
    """The message clicked in, when it is a reminder coachbot sent this side about the visit."""
    person_id = visit.coach_id if side == "coach" else visit.teacher_id
    known = [
        _stored(visit, side),
        *outbox.sent_about(uow, person_id=person_id, ref=f"visit:{visit.id}"),
    ]
    return known_click(body, known, about=f"visit {visit.id}")


def _other(side: str) -> str:
    return "teacher" if side == "coach" else "coach"


def _tell(client: WebClient, body: dict[str, Any], text: str) -> None:
    """An answer only the person who clicked sees (see bot.slack.messaging.answer_privately)."""
    user = str(body["user"]["id"])
    answer_privately(client, user, views.build_notice(text), clicked=clicked_channel(body))


def _remember(visit: Visit, side: str, where: tuple[str, str] | None) -> None:
    if where is None:
        return
    if side == "coach":
        visit.coach_channel, visit.coach_ts = where
    else:
        visit.teacher_channel, visit.teacher_ts = where


def _refresh(client: WebClient, deps: Deps, uow: UnitOfWork, visit: Visit) -> None:
    """Save, then show both people's Home tabs as they now are."""
    uow.commit()
    refresh_home(client, deps, (visit.teacher_id, visit.coach_id))


def _pressed(ack: Ack, body: dict[str, Any], client: WebClient) -> tuple[int, int] | None:
    """Acknowledge a visit button and read its "<visit id>:<version>"; a bad one is answered."""
    ack()
    button = _button(body)
    if button is None:
        _tell(client, body, visits.STALE)
    return button


def _button(body: dict[str, Any]) -> tuple[int, int] | None:
    return views.parse_button_value(str(body["actions"][0].get("value", "")))


def _actor(uow: UnitOfWork, deps: Deps, body: dict[str, Any]) -> Actor:
    team_id, user_id = _team_and_user(body)
    return actor_for(uow, team_id, user_id, deps.admin_ids)


# --------------------------------------------------------------------------- inviting


def goal_choices(uow: UnitOfWork, teacher: Person | None) -> tuple[tuple[int, str], ...]:
    if teacher is None:
        return ()
    return tuple((goal.id, goal.question) for goal in cycles.active_goals(uow, teacher))


def handle_invite_command(
    ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    text = command_text(command)
    if text.lower() in ("help", "?"):
        ack(**build_help_message())
        return
    ack()
    deps = _deps(context)
    mention = MENTION.search(text)
    with deps.uow() as uow:
        teacher = uow.people.get_by_user(command["team_id"], command["user_id"])
        coach_user_id = mention.group(1) if mention else None
        if coach_user_id is None and teacher is not None and teacher.assigned_coach_id:
            assigned = uow.people.get(teacher.assigned_coach_id)
            coach_user_id = assigned.user_id if assigned else None
        today = _today_for(deps, teacher)
        goals = goal_choices(uow, teacher)
    view = views.build_blank_invite_form(today, coach_user_id, goals)
    client.views_open(trigger_id=command["trigger_id"], view=view)


def handle_invite_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    deps = _deps(context)
    form, errors = views.parse_invite_form(view["state"]["values"], today=_today_for(deps, None))
    if form is None:
        ack(response_action="errors", errors=errors)
        return
    team_id, user_id = _team_and_user(body)
    directory = SlackDirectory(client)
    now = deps.now()
    with deps.uow() as uow:
        teacher = ensure_person(uow, directory, team_id, user_id, now)
        coach = ensure_person(uow, directory, team_id, form.coach_user_id, now)
        if teacher is None:
            ack(response_action="errors", errors={Block.INVITE_COACH: _UNKNOWN_YOU})
            return
        goals = goal_choices(uow, teacher)
        if form.goal_id is not None and form.goal_id not in dict(goals):
            ack(response_action="errors", errors={Block.INVITE_GOAL: _GOAL_GONE})
            return
        check = visits.check_time(uow, teacher, coach, form.day, form.start, form.minutes, now)
        if check.problems:
            ack(
                response_action="errors",
                errors={FIELD_BLOCKS[f]: message for f, message in check.problems.items()},
            )
            return
        if check.warnings and view.get("private_metadata") != CAPACITY_SEEN:
            ack(
                response_action="update",
                view=views.build_invite_form(
                    today=_today_for(deps, teacher),
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
    ack()
    if not created:
        logger.info("invitation %s submitted twice; sent once", visit.id)
        return
    with deps.uow() as uow:
        visit = uow.session.get_one(Visit, visit.id)
        _remember(
            visit,
            "coach",
            send_dm(
                client, visit.coach, views.build_coach_invitation(card_for(visit, visit.coach))
            ),
        )
        _remember(
            visit,
            "teacher",
            send_dm(
                client, visit.teacher, views.build_teacher_sent(card_for(visit, visit.teacher))
            ),
        )
        _refresh(client, deps, uow, visit)


_GOAL_GONE = "That goal isn't open any more. Choose another, or leave this empty."
_UNKNOWN_YOU = "Sorry, Slack couldn't tell us who you are just now. Please try again in a minute."


def handle_invite_other_coach(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """'Invite <name>' under a declined invitation opens the form with that coach chosen."""
    ack()
    deps = _deps(context)
    coach_user_id = str(body["actions"][0].get("value", ""))
    team_id, user_id = _team_and_user(body)
    with deps.uow() as uow:
        teacher = uow.people.get_by_user(team_id, user_id)
        today = _today_for(deps, teacher)
    client.views_open(
        trigger_id=body["trigger_id"],
        view=views.build_invite_form(
            today=today,
            coach_user_id=coach_user_id if MENTION.match(f"<@{coach_user_id}>") else None,
        ),
    )


def handle_calendar_link(ack: Ack) -> None:
    """Calendar buttons open a URL in the browser; Slack still sends the click."""
    ack()


# --------------------------------------------------------------------------- answering


def handle_invite_accept(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    button = _pressed(ack, body, client)
    if button is None:
        return
    deps = _deps(context)
    with deps.uow() as uow:
        actor = _actor(uow, deps, body)
        try:
            visit = visits.accept(uow, actor, *button, deps.now())
        except visits.VisitRefused as refused:
            _tell(client, body, refused.message)
            return
        side = visits.side_of(actor, visit)
        other_side = _other(side)
        me, other = (
            (visit.coach, visit.teacher) if side == "coach" else (visit.teacher, visit.coach)
        )
        reminder = _clicked_reminder(uow, body, visit, side)
        _restate(client, visit, side, ":white_check_mark: You accepted.", reminder)
        if other_side == "teacher":
            _restate(
                client, visit, "teacher", f":white_check_mark: <@{visit.coach.user_id}> accepted."
            )
        links = _links(deps, visit)
        accepted = views.build_accepted(card_for(visit, other), viewer=other_side, links=links)
        _remember(visit, other_side, send_dm(client, other, accepted))
        send_dm(client, me, views.build_accepted(card_for(visit, me), viewer=side, links=links))
        _refresh(client, deps, uow, visit)


def handle_invite_propose_open(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    button = _pressed(ack, body, client)
    if button is None:
        return
    deps = _deps(context)
    with deps.uow() as uow:
        actor = _actor(uow, deps, body)
        try:
            visit = visits.check_may_propose(uow, actor, *button)
        except visits.VisitRefused as refused:
            _tell(client, body, refused.message)
            return
        side = visits.side_of(actor, visit)
        me = visit.coach if side == "coach" else visit.teacher
        view = views.build_propose_form(card_for(visit, me), by=side, today=_today_for(deps, me))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_invite_propose_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    deps = _deps(context)
    form, errors = views.parse_propose_form(view["state"]["values"], today=_today_for(deps, None))
    button = views.parse_button_value(view.get("private_metadata", ""))
    if form is None or button is None:
        ack(response_action="errors", errors=errors or {Block.PROPOSE_DATE: visits.STALE})
        return
    now = deps.now()
    with deps.uow() as uow:
        actor = _actor(uow, deps, body)
        try:
            visit = visits.check_may_propose(uow, actor, *button)
        except visits.VisitRefused as refused:
            ack(response_action="errors", errors={Block.PROPOSE_DATE: refused.message})
            return
        # The form showed times in the proposer's zone; the rules think in the school's.
        proposer = visit.coach if visits.side_of(actor, visit) == "coach" else visit.teacher
        day, start = visits.in_zone(form.day, form.start, proposer.timezone, visit.teacher.timezone)
        check = visits.check_time(
            uow, visit.teacher, visit.coach, day, start, form.minutes, now, visit_id=visit.id
        )
        if check.problems:
            ack(
                response_action="errors",
                errors={PROPOSE_BLOCKS[f]: message for f, message in check.problems.items()},
            )
            return
        was_pending = visit.status == VisitStatus.PENDING
        visit = visits.propose(uow, actor, button[0], button[1], check, form.note, now)
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
            _refresh(client, deps, uow, visit)
            return
        other_side = _other(side)
        other = visit.teacher if other_side == "teacher" else visit.coach
        waiting = (
            f":hourglass_flowing_sand: You suggested another time; waiting for <@{other.user_id}>."
        )
        _restate(client, visit, side, waiting)
        proposal = views.build_proposal(card_for(visit, other), to=other_side)
        _remember(visit, other_side, send_dm(client, other, proposal))
        _refresh(client, deps, uow, visit)


def handle_invite_decline_open(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    button = _pressed(ack, body, client)
    if button is None:
        return
    deps = _deps(context)
    with deps.uow() as uow:
        actor = _actor(uow, deps, body)
        try:
            visit = visits.load_for(uow, actor, button[0])
            visits.require_turn(actor, visit, button[1])
        except visits.VisitRefused as refused:
            _tell(client, body, refused.message)
            return
        side = visits.side_of(actor, visit)
        if side == "teacher":
            # A teacher turning down a suggested time needs no form: the visit is withdrawn.
            _finish_decline(client, deps, uow, actor, button, None, body)
            return
        view = views.build_decline_form(card_for(visit, visit.coach))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_invite_decline_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    deps = _deps(context)
    reason, errors = views.parse_decline_form(view["state"]["values"])
    button = views.parse_button_value(view.get("private_metadata", ""))
    if errors or button is None:
        ack(response_action="errors", errors=errors or {Block.DECLINE_REASON: visits.STALE})
        return
    with deps.uow() as uow:
        actor = _actor(uow, deps, body)
        try:
            visit = visits.decline(uow, actor, button[0], button[1], reason, deps.now())
        except visits.VisitRefused as refused:
            ack(response_action="errors", errors={Block.DECLINE_REASON: refused.message})
            return
        ack()
        _announce_decline(client, uow, visit)
        _refresh(client, deps, uow, visit)


def _finish_decline(
    client: WebClient,
    deps: Deps,
    uow: UnitOfWork,
    actor: Actor,
    button: tuple[int, int],
    reason: str | None,
    body: dict[str, Any],
) -> None:
    try:
        visit = visits.decline(uow, actor, button[0], button[1], reason, deps.now())
    except visits.VisitRefused as refused:
        _tell(client, body, refused.message)
        return
    reminder = _clicked_reminder(uow, body, visit, "teacher")
    turned_down = "You turned down the suggested time, so this visit is off."
    _announce_cancel(client, visit, turned_down, reminder)
    _refresh(client, deps, uow, visit)


def _announce_cancel(
    client: WebClient,
    visit: Visit,
    teacher_headline: str,
    also: Location | None = None,
) -> None:
    _restate(client, visit, "teacher", teacher_headline, also)
    _restate(
        client, visit, "coach", f":no_entry_sign: <@{visit.teacher.user_id}> cancelled this visit."
    )
    send_dm(client, visit.coach, views.build_cancelled(card_for(visit, visit.coach)))


def _announce_decline(client: WebClient, uow: UnitOfWork, visit: Visit) -> None:
    _restate(client, visit, "coach", "You declined.")
    _restate(client, visit, "teacher", f"<@{visit.coach.user_id}> can't make this one.")
    others = [
        views.OtherCoach(c.user_id, c.display_name, tuple(c.areas))
        for c in visits.other_coaches(uow, visit)
    ]
    send_dm(
        client, visit.teacher, views.build_declined(card_for(visit, visit.teacher), others=others)
    )


def handle_invite_cancel(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    button = _pressed(ack, body, client)
    if button is None:
        return
    deps = _deps(context)
    with deps.uow() as uow:
        actor = _actor(uow, deps, body)
        try:
            visit = visits.cancel(uow, actor, *button, deps.now())
        except visits.VisitRefused as refused:
            _tell(client, body, refused.message)
            return
        reminder = _clicked_reminder(uow, body, visit, "teacher")
        _announce_cancel(client, visit, "You cancelled this visit.", reminder)
        _refresh(client, deps, uow, visit)
