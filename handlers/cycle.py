"""Coaching cycles in Slack: `/coach-goal`, the visit log, `/debrief` and debrief notes."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.app.deps import Deps
from bot.ids import Action, Block, Callback, Command
from bot.rules import cycles
from bot.rules.calendar_links import CalendarEvent, google_link, outlook_link
from bot.rules.domain import DEFAULT_TIMEZONE, GoalStatus, SupportType, VisitOutcome
from bot.rules.people import actor_for, ensure_person
from bot.rules.policy import Actor
from bot.rules.visits import VisitRefused
from bot.slack.directory import SlackDirectory
from bot.slack.messaging import (
    answer_privately,
    clicked_channel,
    for_person,
    known_click,
    location,
    send_dm,
    update_message,
    update_own_view,
)
from bot.views import cycle as views
from bot.views.common import build_notice_view, command_text, escape, record_id
from bot.views.invite import CalendarLinks, build_notice, format_when
from handlers.celebrations import offer_celebration
from handlers.invite import MENTION
from handlers.publish import refresh_home
from storage.models import Debrief, Person
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)


def register(app: App) -> None:
    app.command(Command.COACH_GOAL)(handle_goal_command)
    app.view(Callback.GOAL)(handle_goal_submission)
    app.action(Action.GOAL_NEW)(handle_goal_new)
    app.action(Action.GOAL_EDIT)(handle_goal_edit)
    app.action(Action.GOAL_MET)(handle_goal_close)
    app.action(Action.GOAL_SET_ASIDE)(handle_goal_close)
    app.action(Action.VISIT_LOG_HAPPENED)(handle_visit_log)
    app.action(Action.VISIT_LOG_MISSED)(handle_visit_log)
    app.command(Command.DEBRIEF)(handle_debrief_command)
    app.action(Action.DEBRIEF_SCHEDULE)(handle_debrief_open)
    app.view(Callback.DEBRIEF)(handle_debrief_submission)
    app.action(Action.DEBRIEF_NOTES)(handle_notes_open)
    app.view(Callback.NOTES)(handle_notes_submission)


# --------------------------------------------------------------------------- helpers


def _deps(context: BoltContext) -> Deps:
    deps: Deps = context["deps"]
    return deps


def _who(body: dict[str, Any]) -> tuple[str, str]:
    if "user_id" in body:  # a slash command
        return str(body["team_id"]), str(body["user_id"])
    user = body["user"]
    return str(user.get("team_id") or body["team"]["id"]), str(user["id"])


def _actor(uow: UnitOfWork, deps: Deps, body: dict[str, Any]) -> Actor:
    return actor_for(uow, *_who(body), deps.admin_ids)


def _me(uow: UnitOfWork, deps: Deps, client: WebClient, body: dict[str, Any]) -> Person | None:
    return ensure_person(uow, SlackDirectory(client), *_who(body), deps.now())


def _today(deps: Deps, person: Person | None) -> date:
    return deps.now().astimezone(ZoneInfo(person.timezone if person else DEFAULT_TIMEZONE)).date()


def _in_view(body: dict[str, Any]) -> bool:
    return (body.get("container") or {}).get("type") == "view"


def _show(client: WebClient, body: dict[str, Any], view: dict[str, Any]) -> None:
    """Open a modal, or push it onto the one the click came from."""
    if _in_view(body):
        client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        client.views_open(trigger_id=body["trigger_id"], view=view)


def _refuse(client: WebClient, body: dict[str, Any], message: str) -> None:
    """A short private answer: on top of the modal clicked in, else to the person alone."""
    if _in_view(body):
        client.views_push(
            trigger_id=body["trigger_id"], view=build_notice_view("Not available", message)
        )
        return
    answer_privately(client, _who(body)[1], build_notice(message), clicked=clicked_channel(body))


# The kind of modal in an external_id (see bot.slack.messaging.for_person): a cycle story.
GOALS_VIEW = "goals"


def _value(body: dict[str, Any]) -> str:
    action = body["actions"][0]
    option = action.get("selected_option") or {}
    return str(option.get("value") or action.get("value") or "")


def _number(text: str) -> int | None:
    return record_id(text)


# --------------------------------------------------------------------------- the story


def stories(uow: UnitOfWork, actor: Actor, teacher: Person, deps: Deps) -> list[views.CycleStory]:
    people: dict[int, str] = {}

    def user_id(person_id: int) -> str:
        if person_id not in people:
            person = uow.people.get(person_id)
            people[person_id] = person.user_id if person else ""
        return people[person_id]

    result = []
    for facts in cycles.cycles_of(uow, actor, teacher, deps.now()):
        goal = facts.goal
        result.append(
            views.CycleStory(
                goal_id=goal.id,
                teacher_user_id=teacher.user_id,
                coach_user_id=user_id(goal.coach_id) if goal.coach_id else None,
                question=goal.question,
                focus_area=goal.focus_area,
                evidence=goal.evidence,
                target_date=goal.target_date,
                status=GoalStatus(goal.status),
                state=facts.state,
                visits=tuple(
                    views.VisitLine(
                        visit_id=v.id,
                        starts_at=v.starts_at,
                        ends_at=v.ends_at,
                        support=SupportType(v.logged_support_type or v.support_type),
                        status=v.status,
                        outcome=VisitOutcome(v.outcome) if v.outcome else None,
                    )
                    for v in facts.visits
                ),
                debriefs=tuple(
                    views.DebriefLine(
                        debrief_id=d.id,
                        visit_id=d.visit_id,
                        starts_at=d.starts_at,
                        ends_at=d.ends_at,
                        place=d.place,
                        notes=tuple(
                            views.NoteView(
                                author_user_id=user_id(n.author_id),
                                strengths=n.strengths,
                                try_next=n.try_next,
                                next_step=n.next_step,
                                check_back_on=n.check_back_on,
                            )
                            for n in facts.notes
                            if n.debrief_id == d.id
                        ),
                    )
                    for d in facts.debriefs
                ),
            )
        )
    return result


def goals_view(
    uow: UnitOfWork, deps: Deps, actor: Actor, teacher: Person, viewer: Person
) -> dict[str, Any]:
    own = viewer.id == teacher.id
    view = views.build_goals_view(
        stories(uow, actor, teacher, deps),
        viewer="teacher" if own else "coach",
        today=_today(deps, viewer),
        tz=viewer.timezone,
        can_add=own,
    )
    # Named for its viewer, so that a button inside it can refresh it (and no one else's).
    return for_person(view, viewer.user_id, GOALS_VIEW)


# --------------------------------------------------------------------------- goals


def handle_goal_command(
    ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    deps = _deps(context)
    text = command_text(command)
    mention = MENTION.search(text)
    with deps.uow() as uow:
        me = _me(uow, deps, client, command)
        if me is None:
            return
        actor = _actor(uow, deps, command)
        if text.lower() == "new":
            view = views.build_goal_form(
                areas=deps.expertise_areas, today=_today(deps, me), coach_user_id=_assigned(uow, me)
            )
        elif mention:
            teacher = ensure_person(
                uow, SlackDirectory(client), command["team_id"], mention.group(1), deps.now()
            )
            if teacher is None or not actor.coaches:
                _refuse(client, command, "You can see a teacher's cycles when you're their coach.")
                return
            view = goals_view(uow, deps, actor, teacher, me)
        else:
            view = goals_view(uow, deps, actor, me, me)
    client.views_open(trigger_id=command["trigger_id"], view=view)


def _assigned(uow: UnitOfWork, teacher: Person) -> str | None:
    coach = uow.people.get(teacher.assigned_coach_id) if teacher.assigned_coach_id else None
    return coach.user_id if coach else None


def handle_goal_new(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    deps = _deps(context)
    with deps.uow() as uow:
        me = _me(uow, deps, client, body)
        if me is None:
            return
        view = views.build_goal_form(
            areas=deps.expertise_areas, today=_today(deps, me), coach_user_id=_assigned(uow, me)
        )
    _show(client, body, view)


def handle_goal_edit(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    deps = _deps(context)
    goal_id = _number(_value(body))
    with deps.uow() as uow:
        actor = _actor(uow, deps, body)
        try:
            goal = cycles.load_goal(uow, actor, goal_id or 0, change=True)
        except cycles.CycleRefused as refused:
            _refuse(client, body, refused.message)
            return
        initial = views.GoalForm(
            question=goal.question,
            focus_area=goal.focus_area,
            evidence=goal.evidence,
            target_date=goal.target_date,
            coach_user_id=goal.coach.user_id if goal.coach else None,
        )
        view = views.build_goal_form(
            areas=deps.expertise_areas,
            today=_today(deps, goal.teacher),
            initial=initial,
            goal_id=goal.id,
        )
    _show(client, body, view)


def handle_goal_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    deps = _deps(context)
    now = deps.now()
    with deps.uow() as uow:
        me = _me(uow, deps, client, body)
        if me is None:
            ack(response_action="errors", errors={Block.GOAL_QUESTION: _SLACK_UNSURE})
            return
        form, errors = views.parse_goal_form(
            view["state"]["values"], areas=deps.expertise_areas, today=_today(deps, me)
        )
        if form is None:
            ack(response_action="errors", errors=errors)
            return
        coach = (
            ensure_person(uow, SlackDirectory(client), me.team_id, form.coach_user_id, now)
            if form.coach_user_id
            else None
        )
        goal_input = cycles.GoalInput(
            form.question, form.focus_area, form.evidence, form.target_date, coach
        )
        actor = _actor(uow, deps, body)
        goal_id = _number(view.get("private_metadata") or "")
        try:
            if goal_id is None:
                goal = cycles.create_goal(uow, me, goal_input, now)
            else:
                goal = cycles.update_goal(uow, actor, goal_id, goal_input, now)
        except cycles.CycleRefused as refused:
            block = Block.GOAL_COACH if "coach" in refused.message else Block.GOAL_QUESTION
            ack(response_action="errors", errors={block: refused.message})
            return
        ack(response_action="update", view=goals_view(uow, deps, actor, me, me))
        if goal_id is None and goal.coach is not None:
            send_dm(
                client,
                goal.coach,
                build_notice(
                    f"<@{me.user_id}> set a coaching goal with you ({goal.focus_area}): "
                    f"_{escape(goal.question)}_"
                ),
            )
        uow.commit()
        refresh_home(client, deps, [goal.teacher_id, *([goal.coach_id] if goal.coach_id else [])])


_SLACK_UNSURE = "Sorry, Slack couldn't tell us who you are just now. Please try again in a minute."


def handle_goal_close(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    deps = _deps(context)
    met = body["actions"][0]["action_id"] == Action.GOAL_MET
    goal_id = _number(_value(body))
    with deps.uow() as uow:
        actor = _actor(uow, deps, body)
        try:
            goal = cycles.close_goal(uow, actor, goal_id or 0, met=met, now=deps.now())
        except cycles.CycleRefused as refused:
            _refuse(client, body, refused.message)
            return
        teacher, coach, question = goal.teacher, goal.coach, goal.question
        closed_id = goal.id
    # Slack is told after the change is saved, so a Slack hiccup cannot undo it.
    if coach is not None:
        notice = views.build_goal_closed_notice(
            teacher_user_id=teacher.user_id, question=question, met=met
        )
        send_dm(client, coach, notice)
    if met:
        offer_celebration(client, deps, closed_id)
    refresh_home(client, deps, [teacher.id, *([coach.id] if coach is not None else [])])
    if _in_view(body):
        with deps.uow() as uow:
            view = goals_view(uow, deps, actor, teacher, teacher)
        update_own_view(client, body, view, GOALS_VIEW)


# --------------------------------------------------------------------------- the visit log


def handle_visit_log(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    deps = _deps(context)
    parsed = views.parse_log_value(_value(body))
    if parsed is None:
        _refuse(client, body, "This message is out of date, so nothing was logged.")
        return
    visit_id, version, choice = parsed
    happened = body["actions"][0]["action_id"] == Action.VISIT_LOG_HAPPENED
    try:
        outcome = VisitOutcome.HAPPENED if happened else VisitOutcome(choice)
        support = SupportType(choice) if happened else None
    except ValueError:
        _refuse(client, body, "That choice is no longer on the list, so nothing was logged.")
        return
    with deps.uow() as uow:
        actor = _actor(uow, deps, body)
        try:
            visit = cycles.log_visit(uow, actor, visit_id, version, outcome, support, deps.now())
        except VisitRefused as refused:
            _refuse(client, body, refused.message)
            return
        # The question coachbot stored that it asked (the coach's latest message about the
        # visit) shows the answer; the place a payload names is only compared with it.
        stored = location(visit.coach_channel, visit.coach_ts)
        known_click(body, [stored], about=f"visit {visit.id} log")
        if stored is not None:
            logged = cycles.log_card(visit, visit.coach)
            message = views.build_visit_logged(logged, support=support, outcome=outcome)
            update_message(client, *stored, message)
        if not happened:
            send_dm(
                client,
                visit.teacher,
                views.build_missed_visit_for_teacher(
                    cycles.log_card(visit, visit.teacher),
                    outcome=outcome,
                    coach_user_id=visit.coach.user_id,
                ),
            )
        uow.commit()
        refresh_home(client, deps, (visit.teacher_id, visit.coach_id))


# --------------------------------------------------------------------------- debriefs


def _debrief_choices(uow: UnitOfWork, actor: Actor, viewer: Person) -> list[tuple[int, str]]:
    choices = []
    for visit in cycles.debriefable_visits(uow, actor):
        other = visit.coach if viewer.id == visit.teacher_id else visit.teacher
        when = format_when(visit.starts_at, visit.ends_at, viewer.timezone)
        choices.append((visit.id, f"{other.display_name}, {when}"))
    return choices


def debrief_form(
    uow: UnitOfWork, deps: Deps, client: WebClient, body: dict[str, Any], visit_id: int | None
) -> dict[str, Any] | None:
    me = _me(uow, deps, client, body)
    if me is None:
        return None
    actor = _actor(uow, deps, body)
    return views.build_debrief_form(
        _debrief_choices(uow, actor, me), today=_today(deps, me), initial_visit_id=visit_id
    )


def handle_debrief_command(
    ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    deps = _deps(context)
    with deps.uow() as uow:
        view = debrief_form(uow, deps, client, command, None)
    if view is not None:
        client.views_open(trigger_id=command["trigger_id"], view=view)


def handle_debrief_open(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    deps = _deps(context)
    with deps.uow() as uow:
        view = debrief_form(uow, deps, client, body, _number(_value(body)))
    if view is not None:
        _show(client, body, view)


def _debrief_links(debrief: Debrief) -> CalendarLinks:
    event = CalendarEvent(
        uid=f"debrief-{debrief.id}@coachbot",
        title=f"Debrief: {debrief.teacher.display_name} and {debrief.coach.display_name}",
        starts_at=debrief.starts_at,
        ends_at=debrief.ends_at,
        description="Coaching debrief. Details are in coachbot in Slack.",
    )
    return CalendarLinks(google=google_link(event), outlook=outlook_link(event))


_DEBRIEF_BLOCKS = {
    "coach": Block.DEBRIEF_VISIT,
    "date": Block.DEBRIEF_DATE,
    "time": Block.DEBRIEF_TIME,
}


def handle_debrief_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    deps = _deps(context)
    form, errors = views.parse_debrief_form(view["state"]["values"], today=_today(deps, None))
    if form is None:
        ack(response_action="errors", errors=errors)
        return
    with deps.uow() as uow:
        actor = _actor(uow, deps, body)
        try:
            debrief = cycles.schedule_debrief(
                uow,
                actor,
                form.visit_id,
                form.day,
                form.start,
                form.minutes,
                form.place,
                deps.now(),
            )
        except cycles.DebriefTimeRefused as refused:
            errors = {_DEBRIEF_BLOCKS[field]: words for field, words in refused.problems.items()}
            ack(response_action="errors", errors=errors)
            return
        except VisitRefused as refused:
            ack(response_action="errors", errors={Block.DEBRIEF_DATE: refused.message})
            return
        ack()
        links = _debrief_links(debrief)
        for person, side in ((debrief.teacher, "teacher"), (debrief.coach, "coach")):
            card = views.DebriefCard(
                debrief_id=debrief.id,
                teacher_user_id=debrief.teacher.user_id,
                coach_user_id=debrief.coach.user_id,
                starts_at=debrief.starts_at,
                ends_at=debrief.ends_at,
                tz=person.timezone,
                place=debrief.place,
            )
            send_dm(client, person, views.build_debrief_scheduled(card, viewer=side, links=links))
        uow.commit()
        refresh_home(client, deps, (debrief.teacher_id, debrief.coach_id))


def handle_notes_open(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    deps = _deps(context)
    debrief_id = _number(_value(body))
    with deps.uow() as uow:
        actor = _actor(uow, deps, body)
        try:
            debrief = cycles.load_debrief(uow, actor, debrief_id or 0)
        except VisitRefused as refused:
            _refuse(client, body, refused.message)
            return
        assert actor.person_id is not None
        side = "teacher" if actor.person_id == debrief.teacher_id else "coach"
        mine = cycles.own_note(uow, debrief, actor.person_id)
        initial = (
            views.NoteForm(mine.strengths, mine.try_next, mine.next_step, mine.check_back_on)
            if mine
            else None
        )
        me = debrief.teacher if side == "teacher" else debrief.coach
        view = views.build_notes_form(
            debrief_id=debrief.id, author=side, today=_today(deps, me), initial=initial
        )
    _show(client, body, view)


def handle_notes_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    deps = _deps(context)
    debrief_id = _number(view.get("private_metadata") or "")
    with deps.uow() as uow:
        actor = _actor(uow, deps, body)
        me = uow.people.get(actor.person_id) if actor.person_id else None
        form, errors = views.parse_notes_form(view["state"]["values"], today=_today(deps, me))
        if form is None:
            ack(response_action="errors", errors=errors)
            return
        try:
            note = cycles.save_note(
                uow,
                actor,
                debrief_id or 0,
                cycles.NoteInput(form.strengths, form.try_next, form.next_step, form.check_back_on),
                deps.now(),
            )
        except VisitRefused as refused:
            ack(response_action="errors", errors={Block.NOTE_STRENGTHS: refused.message})
            return
        debrief = uow.session.get_one(Debrief, note.debrief_id)
        people = (debrief.teacher_id, debrief.coach_id)
    ack()
    refresh_home(client, deps, people)
