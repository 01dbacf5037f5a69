"""What more than one feature's listeners open or send: the story of a teacher's cycles, the
debrief form, the goals an invitation can serve, and the celebration offered after a goal is met.

Features do not import each other's listeners; what they share lives here (or in bot/).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_sdk import WebClient

from bot.app.deps import Deps
from bot.reads import invitation
from bot.rules import access, celebrations, coaching_log, cycles, office_hours, outbox
from bot.rules.domain import GoalStatus, StepAnswer, SupportType, VisitOutcome
from bot.rules.policy import Actor
from bot.slack.directory import SlackDirectory
from bot.slack.messaging import for_person, send_dm
from bot.views import (
    celebrations as celebration_views,
    cycle as views,
    office_hours as office_views,
)
from bot.views.invite import build_blank_invite_form, format_when
from bot.views.next_steps import StepLine
from bot.views.story import LoggedLine
from handlers import common
from storage.models import Debrief, Goal, Person, Visit
from storage.uow import UnitOfWork

# The kind of modal in an external_id (see bot.slack.messaging.for_person): a cycle story.
GOALS_VIEW = "goals"
# The outbox kind that records where an offer was sent (bot.rules.outbox.record_sent).
OFFER_KIND = "celebration_offer"


# --------------------------------------------------------------------------- goals


def goal_choices(uow: UnitOfWork, teacher: Person | None) -> tuple[tuple[int, str], ...]:
    if teacher is None:
        return ()
    return tuple((goal.id, goal.question) for goal in cycles.active_goals(uow, teacher))


def invitation_form(
    deps: Deps,
    team_id: str,
    user_id: str,
    coach_user_id: str | None = None,
    *,
    uow: UnitOfWork | None = None,
) -> dict[str, Any]:
    """The form `/invite-coach` and Home's "Invite a coach" open: the coach named (else the
    teacher's assigned coach) chosen, the teacher's active goals, and the coach's open times
    when they keep office hours.

    One statement, on `uow`'s connection or, without one, on a connection of its own outside
    any session; open times, only when there are some to work out, in a unit of work."""
    if uow is not None:
        facts = invitation.opening(uow.session.connection(), team_id, user_id, coach_user_id)
    else:
        with deps.engine.connect() as connection:
            facts = invitation.opening(connection, team_id, user_id, coach_user_id)
    today = common.today_in(deps, facts.timezone)
    view = build_blank_invite_form(today, coach_user_id or facts.coach_user_id, facts.goals)
    if facts.coach_id is None or not facts.coach_keeps_hours:
        return view
    if uow is not None:
        return _with_coachs_open_times(uow, deps, view, facts, facts.coach_id)
    with deps.uow() as own:
        return _with_coachs_open_times(own, deps, view, facts, facts.coach_id)


def _with_coachs_open_times(
    uow: UnitOfWork, deps: Deps, view: dict[str, Any], facts: invitation.Opening, coach_id: int
) -> dict[str, Any]:
    coach = uow.people.get_one(coach_id)
    teacher = uow.people.get(facts.teacher_id) if facts.teacher_id is not None else None
    return with_open_times(uow, view, coach, teacher, teacher, deps.now(), "INVITE")


def with_open_times(
    uow: UnitOfWork,
    view: dict[str, Any],
    coach: Person,
    teacher: Person | None,
    reader: Person | None,
    now: datetime,
    form: str,
    *,
    moving: int | None = None,
) -> dict[str, Any]:
    """A scheduling form (an invitation, or a new time) with the coach's next open times offered,
    in the reader's zone."""
    slots = office_hours.slots_for(uow, coach, teacher, now, moving=moving)
    tz = reader.timezone if reader is not None else coach.timezone
    return office_views.with_open_times(view, slots, tz, coach.display_name, form=form)


def stories(uow: UnitOfWork, actor: Actor, teacher: Person, deps: Deps) -> list[views.CycleStory]:
    people: dict[int, str] = {}

    def user_id(person_id: int) -> str:
        if person_id not in people:
            person = uow.people.get(person_id)
            people[person_id] = person.user_id if person else ""
        return people[person_id]

    # A coach reading a teacher's cycles is told to the teacher, once the caller commits.
    with access.watching(uow, access.Path.GOAL_STORY, deps.now()):
        cycles_read = cycles.cycles_of(uow, actor, teacher, deps.now())
    return [_story(facts, teacher, user_id) for facts in cycles_read]


def _story(
    facts: cycles.CycleFacts, teacher: Person, user_id: Callable[[int], str]
) -> views.CycleStory:
    """One cycle as its story reads: the goal, then what happened in it, in order."""
    goal = facts.goal
    return views.CycleStory(
        goal_id=goal.id,
        teacher_user_id=teacher.user_id,
        coach_user_id=user_id(goal.coach_id) if goal.coach_id else None,
        question=goal.question,
        focus_area=goal.focus_area,
        evidence=goal.evidence,
        target_date=goal.target_date,
        status=GoalStatus(goal.status),
        state=facts.state,
        visits=tuple(_visit_line(v) for v in facts.visits),
        debriefs=tuple(_debrief_line(d, facts, user_id) for d in facts.debriefs),
        logged=tuple(
            LoggedLine(
                day=log.on_day,
                support=coaching_log.support_of(log),
                minutes=log.minutes,
                group=len(log.teachers) > 1 or log.plc_channel_id is not None,
            )
            for log in facts.logs
        ),
        students_now=goal.students_now,
        students_aim=goal.students_aim,
        steps=tuple(
            StepLine(
                answered_at=answer.answered_at,
                kind=StepAnswer(answer.kind),
                line=answer.line,
                remind_on=answer.remind_on,
            )
            for answer in facts.answers
        ),
    )


def _visit_line(visit: Visit) -> views.VisitLine:
    return views.VisitLine(
        visit_id=visit.id,
        starts_at=visit.starts_at,
        ends_at=visit.ends_at,
        support=SupportType(visit.logged_support_type or visit.support_type),
        status=visit.status,
        outcome=VisitOutcome(visit.outcome) if visit.outcome else None,
    )


def _debrief_line(
    debrief: Debrief, facts: cycles.CycleFacts, user_id: Callable[[int], str]
) -> views.DebriefLine:
    return views.DebriefLine(
        debrief_id=debrief.id,
        visit_id=debrief.visit_id,
        starts_at=debrief.starts_at,
        ends_at=debrief.ends_at,
        place=debrief.place,
        notes=tuple(
            views.NoteView(
                author_user_id=user_id(n.author_id),
                strengths=n.strengths,
                try_next=n.try_next,
                next_step=n.next_step,
                check_back_on=n.check_back_on,
            )
            for n in facts.notes
            if n.debrief_id == debrief.id
        ),
    )


def goals_view(
    uow: UnitOfWork, deps: Deps, actor: Actor, teacher: Person, viewer: Person
) -> dict[str, Any]:
    own = viewer.id == teacher.id
    view = views.build_goals_view(
        stories(uow, actor, teacher, deps),
        viewer="teacher" if own else "coach",
        today=common.today(deps, viewer),
        tz=viewer.timezone,
        can_add=own,
    )
    # Named for its viewer, so that a button inside it can refresh it (and no one else's).
    return for_person(view, viewer.user_id, GOALS_VIEW)


# --------------------------------------------------------------------------- debriefs


def _debrief_choices(uow: UnitOfWork, actor: Actor, viewer: Person) -> list[tuple[int, str]]:
    choices = []
    for visit in cycles.debriefable_visits(uow, actor):
        other = visit.coach if viewer.id == visit.teacher_id else visit.teacher
        when = format_when(visit.starts_at, visit.ends_at, viewer.timezone)
        choices.append((visit.id, f"{other.display_name}, {when}"))
    return choices


def debrief_form(
    uow: UnitOfWork,
    deps: Deps,
    directory: SlackDirectory,
    body: dict[str, Any],
    visit_id: int | None,
) -> dict[str, Any] | None:
    me = common.me(uow, deps, directory, body)
    if me is None:
        return None
    actor = common.actor(uow, deps, body)
    return views.build_debrief_form(
        _debrief_choices(uow, actor, me), today=common.today(deps, me), initial_visit_id=visit_id
    )


# --------------------------------------------------------------------------- celebrations


def offer_ref(celebration_id: int) -> str:
    return f"celebration:{celebration_id}"


def offer_celebration(client: WebClient, deps: Deps, goal_id: int) -> bool:
    """After a goal is met: a draft for its teacher, sent to them; False when none is offered.

    Called once the goal's change is saved; the draft is saved before the message is sent.
    """
    with deps.uow() as uow:
        goal = uow.session.get(Goal, goal_id)
        if goal is None:
            return False
        celebration = celebrations.offer_for_goal(uow, goal, deps.now())
        if celebration is None:
            return False
        uow.commit()
        teacher = uow.session.get_one(Person, celebration.author_id)
        message = celebration_views.build_offer(
            celebration.id, celebration.text, celebration.channel_id
        )
        celebration_id = celebration.id
    where = send_dm(client, teacher, message)
    if where is None:
        return False
    with deps.uow() as uow:
        # Where the offer is, so its buttons update this message and no other.
        outbox.record_sent(
            uow,
            key=f"celebration-offer:{celebration_id}",
            person=teacher,
            kind=OFFER_KIND,
            ref=offer_ref(celebration_id),
            where=where,
            now=deps.now(),
        )
        uow.commit()
    return True
