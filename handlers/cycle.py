"""Coaching cycles in Slack: `/coach-goal`, the visit log, `/debrief` and debrief notes."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from sqlalchemy.orm.exc import StaleDataError

from bot.app.deps import Deps
from bot.ids import Action, Callback, Command, Input
from bot.rules import cycles
from bot.rules.calendar_links import CalendarEvent, google_link, outlook_link
from bot.rules.domain import SupportType, VisitOutcome
from bot.rules.people import ensure_person
from bot.rules.policy import Actor
from bot.rules.visits import VisitRefused
from bot.slack.directory import SlackDirectory
from bot.slack.messaging import (
    known_click,
    location,
    send_dm,
    update_message,
    update_own_view,
)
from bot.views import cycle as views
from bot.views.common import command_text, escape
from bot.views.invite import CalendarLinks, build_notice
from handlers import common, shared
from handlers.publish import refresh_home
from storage.models import Debrief, DebriefNote, Goal, Person, Visit
from storage.uow import ChangedMeanwhile, UnitOfWork

logger = logging.getLogger(__name__)

NO_COACH_TOLD = (
    "Your goal is saved. No coach has been told about it yet, because none was chosen: "
    "edit the goal and choose a coach whenever you'd like one to join you."
)


# --------------------------------------------------------------------------- helpers


# --------------------------------------------------------------------------- the story


# --------------------------------------------------------------------------- goals


def handle_goal_command(ack: Ack, command: dict[str, Any], client: WebClient, deps: Deps) -> None:
    ack()
    text = command_text(command)
    mention = common.MENTION.search(text)
    directory = SlackDirectory(client)
    view: dict[str, Any] | None = None
    with deps.uow() as uow:
        me = common.me(uow, deps, directory, command)
        if me is None:
            return
        actor = common.actor(uow, deps, command)
        if text.lower() == "new":
            view = views.build_goal_form(
                areas=deps.expertise_areas,
                today=common.today(deps, me),
                coach_user_id=_assigned(uow, me),
            )
        elif mention:
            teacher = ensure_person(
                uow, directory, command["team_id"], mention.group(1), deps.now()
            )
            uow.commit()
            if teacher is not None and actor.coaches:
                view = shared.goals_view(uow, deps, actor, teacher, me)
                uow.commit()  # the read, in the teacher's access log
        else:
            view = shared.goals_view(uow, deps, actor, me, me)
    if view is None:
        common.tell(
            client, command, build_notice("You can see a teacher's cycles when you're their coach.")
        )
        return
    client.views_open(trigger_id=command["trigger_id"], view=view)


def _assigned(uow: UnitOfWork, teacher: Person) -> str | None:
    coach = uow.people.get(teacher.assigned_coach_id) if teacher.assigned_coach_id else None
    return coach.user_id if coach else None


def handle_goal_new(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    ack()
    with deps.uow() as uow:
        me = common.me(uow, deps, SlackDirectory(client), body)
        if me is None:
            return
        view = views.build_goal_form(
            areas=deps.expertise_areas,
            today=common.today(deps, me),
            coach_user_id=_assigned(uow, me),
        )
    common.show(client, body, view)


def handle_goal_edit(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    ack()
    goal_id = common.clicked_id(body)
    goal = common.attempt(
        client, deps, body, lambda uow, actor: cycles.load_goal(uow, actor, goal_id, change=True)
    )
    if goal is None:
        return
    initial = views.GoalForm(
        question=goal.question,
        focus_area=goal.focus_area,
        evidence=goal.evidence,
        target_date=goal.target_date,
        coach_user_id=goal.coach.user_id if goal.coach else None,
        students_now=goal.students_now,
        students_aim=goal.students_aim,
    )
    view = views.build_goal_form(
        areas=deps.expertise_areas,
        today=common.today(deps, goal.teacher),
        initial=initial,
        goal_id=goal.id,
    )
    common.show(client, body, view)


def handle_goal_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    now = deps.now()
    directory = SlackDirectory(client)
    with deps.uow() as uow:
        me = common.submitter(ack, uow, deps, directory, body, Input.GOAL_QUESTION)
        if me is None:
            return
        form = common.accepted(
            ack,
            views.parse_goal_form(
                view["state"]["values"], areas=deps.expertise_areas, today=common.today(deps, me)
            ),
        )
        if form is None:
            return
        coach = (
            ensure_person(uow, directory, me.team_id, form.coach_user_id, now)
            if form.coach_user_id
            else None
        )
        goal_input = cycles.GoalInput(
            form.question,
            form.focus_area,
            form.evidence,
            form.target_date,
            coach,
            form.students_now,
            form.students_aim,
        )
        actor = common.actor(uow, deps, body)
        goal_id = common.number(view.get("private_metadata"))
        try:
            if goal_id is None:
                goal = cycles.create_goal(uow, me, goal_input, now)
            else:
                goal = cycles.update_goal(uow, actor, goal_id, goal_input, now)
            uow.commit()
            uow.session.refresh(goal)  # with its teacher and coach, to tell them after the block
        except cycles.CycleRefused as refused:
            block = Input.GOAL_COACH if "coach" in refused.message else Input.GOAL_QUESTION
            ack(response_action="errors", errors={block: refused.message})
            return
        except StaleDataError:
            ack(response_action="errors", errors={Input.GOAL_QUESTION: common.CHANGED})
            return
        updated = shared.goals_view(uow, deps, actor, me, me)
    # Saved: only now does the modal show it, and the coach hear of it.
    ack(response_action="update", view=updated)
    if goal_id is None and goal.coach is not None:
        send_dm(
            client,
            goal.coach,
            build_notice(
                f"<@{me.user_id}> set a coaching goal with you ({goal.focus_area}): "
                f"_{escape(goal.question)}_"
            ),
        )
    elif goal_id is None:
        # No coach chosen: no one else hears of it, and the teacher is told so, not left to
        # wonder why no coach answers.
        send_dm(client, me, build_notice(NO_COACH_TOLD))
    refresh_home(client, deps, [goal.teacher_id, *([goal.coach_id] if goal.coach_id else [])])


def handle_goal_close(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    ack()
    met = body["actions"][0]["action_id"] == Action.GOAL_MET
    goal_id = common.clicked_id(body)

    def close(uow: UnitOfWork, actor: Actor) -> tuple[Actor, Goal]:
        goal = cycles.close_goal(uow, actor, goal_id, met=met, now=deps.now())
        uow.commit()
        return actor, goal

    closed = common.attempt(client, deps, body, close)
    if closed is None:
        return
    actor, goal = closed
    teacher, coach, question = goal.teacher, goal.coach, goal.question
    closed_id = goal.id
    # Slack is told after the change is saved, so a Slack hiccup cannot undo it.
    if coach is not None:
        notice = views.build_goal_closed_notice(
            teacher_user_id=teacher.user_id, question=question, met=met
        )
        send_dm(client, coach, notice)
    if met:
        shared.offer_celebration(client, deps, closed_id)
    refresh_home(client, deps, [teacher.id, *([coach.id] if coach is not None else [])])
    if common.in_modal(body):
        with deps.uow() as uow:
            view = shared.goals_view(uow, deps, actor, teacher, teacher)
        update_own_view(client, body, view, shared.GOALS_VIEW)


# --------------------------------------------------------------------------- the visit log

_CHANGED_LOG = "This visit changed while you were looking, so nothing was logged."


def handle_visit_log(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    ack()
    parsed = views.parse_log_value(common.clicked_value(body))
    if parsed is None:
        common.tell(
            client, body, build_notice("This message is out of date, so nothing was logged.")
        )
        return
    visit_id, version, choice = parsed
    happened = body["actions"][0]["action_id"] == Action.VISIT_LOG_HAPPENED
    try:
        outcome = VisitOutcome.HAPPENED if happened else VisitOutcome(choice)
        support = SupportType(choice) if happened else None
    except ValueError:
        common.tell(
            client,
            body,
            build_notice("That choice is no longer on the list, so nothing was logged."),
        )
        return

    def log(uow: UnitOfWork, actor: Actor) -> Visit:
        visit = cycles.log_visit(uow, actor, visit_id, version, outcome, support, deps.now())
        uow.commit()
        return visit

    visit = common.attempt(client, deps, body, log, changed=_CHANGED_LOG)
    if visit is None:
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
    refresh_home(client, deps, (visit.teacher_id, visit.coach_id))


# --------------------------------------------------------------------------- debriefs


def handle_debrief_command(
    ack: Ack, command: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    ack()
    with deps.uow() as uow:
        view = shared.debrief_form(uow, deps, SlackDirectory(client), command, None)
    if view is not None:
        client.views_open(trigger_id=command["trigger_id"], view=view)


def handle_debrief_open(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    ack()
    with deps.uow() as uow:
        view = shared.debrief_form(
            uow, deps, SlackDirectory(client), body, common.number(common.clicked_value(body))
        )
    if view is not None:
        common.show(client, body, view)


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
    "coach": Input.DEBRIEF_VISIT,
    "date": Input.DEBRIEF_DATE,
    "time": Input.DEBRIEF_TIME,
}


def handle_debrief_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    form = common.accepted(
        ack, views.parse_debrief_form(view["state"]["values"], today=common.today(deps, None))
    )
    if form is None:
        return
    try:
        with deps.uow() as uow:
            actor = common.actor(uow, deps, body)
            debrief = cycles.schedule_debrief(
                uow,
                actor,
                form.visit_id,
                form.when,
                form.place,
                deps.now(),
            )
            uow.commit()
            uow.session.refresh(debrief)  # with its teacher and coach, to tell them
    except cycles.DebriefTimeRefused as refused:
        common.refuse_times(ack, refused.problems, _DEBRIEF_BLOCKS)
        return
    except (VisitRefused, ChangedMeanwhile) as refused:
        common.refuse_form(ack, Input.DEBRIEF_DATE, refused)
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
    refresh_home(client, deps, (debrief.teacher_id, debrief.coach_id))


def handle_notes_open(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    ack()
    debrief_id = common.clicked_id(body)

    def load(uow: UnitOfWork, actor: Actor) -> tuple[Actor, Debrief, DebriefNote | None]:
        debrief = cycles.load_debrief(uow, actor, debrief_id)
        assert actor.person_id is not None
        return actor, debrief, cycles.own_note(uow, debrief, actor.person_id)

    found = common.attempt(client, deps, body, load)
    if found is None:
        return
    actor, debrief, mine = found
    side = "teacher" if actor.person_id == debrief.teacher_id else "coach"
    initial = (
        views.NoteForm(mine.strengths, mine.try_next, mine.next_step, mine.check_back_on)
        if mine
        else None
    )
    me = debrief.teacher if side == "teacher" else debrief.coach
    view = views.build_notes_form(
        debrief_id=debrief.id, author=side, today=common.today(deps, me), initial=initial
    )
    common.show(client, body, view)


def handle_notes_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    debrief_id = common.number(view.get("private_metadata"))
    with deps.uow() as uow:
        actor = common.actor(uow, deps, body)
        me = uow.people.get(actor.person_id) if actor.person_id else None
        form = common.accepted(
            ack, views.parse_notes_form(view["state"]["values"], today=common.today(deps, me))
        )
        if form is None:
            return
        try:
            note = cycles.save_note(
                uow,
                actor,
                debrief_id or 0,
                cycles.NoteInput(form.strengths, form.try_next, form.next_step, form.check_back_on),
                deps.now(),
            )
            uow.commit()
        except (VisitRefused, StaleDataError) as refused:
            common.refuse_form(ack, Input.NOTE_STRENGTHS, refused)
            return
        debrief = uow.session.get_one(Debrief, note.debrief_id)
        people = (debrief.teacher_id, debrief.coach_id)
    ack()
    refresh_home(client, deps, people)


ROUTES: common.Routes = {
    Command.COACH_GOAL: handle_goal_command,
    Callback.GOAL: handle_goal_submission,
    Action.GOAL_NEW: handle_goal_new,
    Action.GOAL_EDIT: handle_goal_edit,
    Action.GOAL_MET: handle_goal_close,
    Action.GOAL_SET_ASIDE: handle_goal_close,
    Action.VISIT_LOG_HAPPENED: handle_visit_log,
    Action.VISIT_LOG_MISSED: handle_visit_log,
    Command.DEBRIEF: handle_debrief_command,
    Action.DEBRIEF_SCHEDULE: handle_debrief_open,
    Callback.DEBRIEF: handle_debrief_submission,
    Action.DEBRIEF_NOTES: handle_notes_open,
    Callback.NOTES: handle_notes_submission,
}
