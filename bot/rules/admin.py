"""Roster and calendar changes made by admins in Slack; every change is checked by the policy."""

from __future__ import annotations

from datetime import datetime

from bot.rules.cards import AssignForm, CalendarForm, CoachForm, RosterSummary
from bot.rules.domain import Role
from bot.rules.people import Directory, ensure_person
from bot.rules.policy import Actor, may_administer
from bot.rules.school_calendar import own_settings, save_calendar
from storage.models import CoachExpertise, Person
from storage.uow import UnitOfWork


class NotAllowed(Exception):
    """The actor may not do this; `message` is what to tell them."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownPerson(Exception):
    """Slack does not know a user id the form carried."""


def _require_admin(actor: Actor) -> None:
    decision = may_administer(actor)
    if not decision:
        raise NotAllowed(decision.message)


def roster_summary(uow: UnitOfWork, actor: Actor) -> RosterSummary:
    _require_admin(actor)
    team = actor.team_id
    counts = uow.people.count_active(team)
    return RosterSummary(
        coaches=sum(n for (role, _), n in counts.items() if Role(role).coaches),
        teachers=sum(n for (role, _), n in counts.items() if role == Role.TEACHER.value),
        schools=uow.schools.count_for_team(team),
        plc_channels=uow.plc_channels.count_for_team(team),
        unassigned_teachers=counts.get((Role.TEACHER.value, False), 0),
    )


def coach_choices(uow: UnitOfWork, team_id: str) -> list[tuple[str, str]]:
    return [(p.user_id, p.display_name or p.user_id) for p in uow.people.list_coaches(team_id)]


def school_names(uow: UnitOfWork, team_id: str) -> list[str]:
    return [s.name for s in uow.schools.list_for_team(team_id)]


def _person(
    uow: UnitOfWork, directory: Directory, team_id: str, user_id: str, now: datetime
) -> Person:
    person = ensure_person(uow, directory, team_id, user_id, now)
    if person is None:
        raise UnknownPerson(user_id)
    return person


def save_coach(
    uow: UnitOfWork, directory: Directory, actor: Actor, form: CoachForm, now: datetime
) -> Person:
    """Make someone a coach (or lead coach) with their expertise and weekly capacity."""
    _require_admin(actor)
    person = _person(uow, directory, actor.team_id, form.user_id, now)
    person.role = form.role.value
    person.weekly_capacity = form.weekly_capacity
    if tuple(person.areas) != tuple(sorted(form.areas)):
        person.expertise = [CoachExpertise(area=a) for a in sorted(set(form.areas))]
    uow.session.flush()
    return person


def assign_teachers(
    uow: UnitOfWork, directory: Directory, actor: Actor, form: AssignForm, now: datetime
) -> list[Person]:
    """Set the coach, school, team and PLC channel of each chosen teacher; blanks keep theirs."""
    _require_admin(actor)
    team = actor.team_id
    coach = None
    if form.coach_user_id is not None:
        coach = uow.people.get_by_user(team, form.coach_user_id)
        if coach is None or not Role(coach.role).coaches:
            raise NotAllowed("That person is not a coach yet. Add them as a coach first.")
    school = uow.schools.get_or_add(team, form.school) if form.school else None
    if form.plc_channel_id:
        uow.plc_channels.ensure(team, form.plc_channel_id)
    teachers = []
    for user_id in form.teacher_ids:
        teacher = _person(uow, directory, team, user_id, now)
        if coach is not None:
            teacher.assigned_coach_id = coach.id
        if school is not None:
            teacher.school = school
        if form.team:
            teacher.team_name = form.team
        if form.plc_channel_id:
            teacher.plc_channel_id = form.plc_channel_id
        teachers.append(teacher)
    uow.session.flush()
    return teachers


def calendar_form(uow: UnitOfWork, actor: Actor, school_name: str | None) -> CalendarForm:
    """The current calendar of the district (None) or a school, for the admin to edit."""
    _require_admin(actor)
    school = uow.schools.get_by_name(actor.team_id, school_name) if school_name else None
    weekdays, start, end, closures = own_settings(uow, actor.team_id, school)
    return CalendarForm(
        school=school.name if school else None,
        weekdays=weekdays,
        day_start=start,
        day_end=end,
        closures=tuple(closures),
    )


def save_calendar_form(uow: UnitOfWork, actor: Actor, form: CalendarForm) -> None:
    _require_admin(actor)
    school = uow.schools.get_or_add(actor.team_id, form.school) if form.school else None
    save_calendar(
        uow,
        actor.team_id,
        school,
        weekdays=form.weekdays,
        day_start=form.day_start,
        day_end=form.day_end,
        closures=list(form.closures),
    )
