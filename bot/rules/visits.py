"""Invitations and visits: checking a requested time, and every answer to an invitation.

Rules take (uow, actor, ..., now) and raise VisitRefused with a kind message when the
person may not do what they asked; they never talk to Slack.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.rules.calendar import SchoolCalendar, When, outside_school_years
from bot.rules.calendar_links import CalendarEvent
from bot.rules.domain import Role, SupportType, VisitStatus
from bot.rules.policy import Actor, Kind, Record, may_change
from bot.rules.school_calendar import calendar_for
from storage.models import Person, Visit
from storage.uow import UnitOfWork

# A second identical invitation within this window is the same click arriving twice.
DUPLICATE_WINDOW = timedelta(minutes=1)


class VisitRefused(Exception):
    """The person may not do this now; `message` says why, kindly."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class TimeCheck:
    """Problems by field ("coach", "date", "time"), and warnings the teacher may accept."""

    problems: dict[str, str]
    warnings: list[str]
    starts_at: datetime | None = None
    ends_at: datetime | None = None


def _clock(moment: time) -> str:
    return moment.strftime("%I:%M %p").lstrip("0")


def _day(day: date) -> str:
    return f"{day:%A}, {day:%B} {day.day}"


def local_span(when: When, calendar: SchoolCalendar, tz: str) -> tuple[datetime, datetime]:
    starts_at = calendar.at_local(when.day, when.start, tz)
    return starts_at, starts_at + timedelta(minutes=when.minutes)


def check_time(
    uow: UnitOfWork,
    teacher: Person,
    coach: Person | None,
    when: When,
    now: datetime,
    *,
    visit_id: int | None = None,
    debrief: bool = False,
) -> TimeCheck:
    """Is this a time a coach can visit this teacher (or, with `debrief`, talk a visit over)?

    Everything is in the teacher's local time. The day is checked before any instant is
    worked out from it, so a day far away (year 9999) is refused rather than overflowing.
    """
    day, start = when.day, when.start
    problems: dict[str, str] = {}
    warnings: list[str] = []
    if coach is None or not Role(coach.role).coaches or not coach.active:
        problems["coach"] = (
            "That coach isn't set up in coachbot any more, so this debrief can't be scheduled "
            "here. Your lead coach can help."
            if debrief
            else "That person isn't set up as a coach in coachbot yet. Choose another coach, "
            "or ask your lead coach to add them."
        )
    elif coach.id == teacher.id:
        problems["coach"] = "You can't invite yourself. Choose the coach you'd like to visit."

    calendar = calendar_for(uow, teacher)
    zone = ZoneInfo(teacher.timezone)
    today = now.astimezone(zone).date()
    span: tuple[datetime, datetime] | None = None
    if day < today:
        problems["date"] = "That day has passed. Choose today or a later day."
    elif (too_far := outside_school_years(day, today)) is not None:
        problems["date"] = too_far
    elif not calendar.is_school_day(day):
        closure = calendar.closure_on(day)
        why = f" ({closure.reason})" if closure else ""
        problems["date"] = f"There's no school on {_day(day)}{why}. Choose another day."
    else:
        span = local_span(when, calendar, teacher.timezone)
        if span[0] <= now:
            problems["time"] = "That time has already passed today. Choose a later time."
        elif (
            start < calendar.day_start
            or span[1].astimezone(zone).time() > calendar.day_end
            or span[1].astimezone(zone).date() != day
        ):
            problems["time"] = (
                f"School hours are {_clock(calendar.day_start)} to {_clock(calendar.day_end)}. "
                "Choose a time within them."
            )
    if problems or coach is None or span is None:
        return TimeCheck(problems, warnings)
    starts_at, ends_at = span

    clash = _accepted_overlap(uow, coach, starts_at, ends_at, None if debrief else visit_id)
    if clash is not None:
        a, b = clash.starts_at.astimezone(zone), clash.ends_at.astimezone(zone)
        problems["time"] = (
            f"{coach.display_name} already has a visit from {_clock(a.time())} to "
            f"{_clock(b.time())} then. Choose another time."
        )
        return TimeCheck(problems, warnings)
    booked = None if debrief else _visits_in_week(uow, coach, day, zone, visit_id)
    if booked is not None and booked >= coach.weekly_capacity:
        warnings.append(
            f"{coach.display_name} already has {booked} visits that week (they plan for "
            f"{coach.weekly_capacity}). You can still send it; they may suggest another week."
        )
    return TimeCheck(problems, warnings, starts_at, ends_at)


def _accepted_overlap(
    uow: UnitOfWork, coach: Person, starts_at: datetime, ends_at: datetime, visit_id: int | None
) -> Visit | None:
    return uow.visits.get_accepted_overlap(coach.id, starts_at, ends_at, other_than=visit_id)


def _visits_in_week(
    uow: UnitOfWork, coach: Person, day: date, zone: ZoneInfo, visit_id: int | None
) -> int:
    monday = day - timedelta(days=day.weekday())
    start = datetime.combine(monday, time(0), zone)
    end = datetime.combine(monday + timedelta(days=7), time(0), zone)
    return uow.visits.count_open_for_coach(coach.id, start, end, other_than=visit_id)


@dataclass(frozen=True)
class NewVisit:
    coach: Person
    starts_at: datetime
    ends_at: datetime
    class_name: str | None
    support: SupportType
    focus: str | None
    note: str | None
    goal_id: int | None = None


def create_invitation(
    uow: UnitOfWork, teacher: Person, new: NewVisit, now: datetime
) -> tuple[Visit, bool]:
    """Store an invitation; (visit, False) when the same one arrived within the last minute."""
    repeat = uow.visits.get_open_repeat(
        teacher.id, new.coach.id, new.starts_at, since=now - DUPLICATE_WINDOW
    )
    if repeat is not None:
        return repeat, False
    visit = Visit(
        team_id=teacher.team_id,
        teacher_id=teacher.id,
        coach_id=new.coach.id,
        starts_at=new.starts_at,
        ends_at=new.ends_at,
        class_name=new.class_name if new.support.needs_class else None,
        support_type=new.support.value,
        focus=new.focus,
        note=new.note,
        goal_id=new.goal_id,
        status=VisitStatus.PENDING,
        created_at=now,
        updated_at=now,
        version=1,
    )
    return uow.visits.add(visit), True


def _record(visit: Visit) -> Record:
    return Record(Kind.VISIT, visit.team_id, visit.teacher_id, visit.coach_id)


def load_for(uow: UnitOfWork, actor: Actor, visit_id: int) -> Visit:
    """A visit the actor is part of; refused (and logged by the policy) otherwise."""
    visit = uow.visits.get_for(visit_id, lambda found: _require_change(actor, found))
    if visit is None:
        raise VisitRefused("Sorry, that invitation no longer exists.")
    return visit


def _require_change(actor: Actor, visit: Visit) -> None:
    decision = may_change(actor, _record(visit))
    if not decision:
        raise VisitRefused(decision.message)


def side_of(actor: Actor, visit: Visit) -> str:
    return "teacher" if actor.person_id == visit.teacher_id else "coach"


def _who_answers(visit: Visit) -> str:
    """Whose turn it is: the coach for a new invitation, else whoever did not propose."""
    if visit.status == VisitStatus.PROPOSED:
        return "teacher" if visit.proposed_by == "coach" else "coach"
    return "coach"


_SETTLED = {
    VisitStatus.ACCEPTED: "This visit is already accepted. Nothing more to do.",
    VisitStatus.DECLINED: "This invitation was declined, so it can't be changed now.",
    VisitStatus.CANCELLED: "This visit was cancelled, so there's nothing to answer.",
}
STALE = (
    "This message is out of date: the invitation changed after it was sent. "
    "The newest message about it has the current details."
)


def require_turn(actor: Actor, visit: Visit, version: int) -> None:
    if VisitStatus(visit.status).settled:
        raise VisitRefused(_SETTLED[visit.status])
    if side_of(actor, visit) != _who_answers(visit):
        other = "the coach" if _who_answers(visit) == "coach" else "the teacher"
        raise VisitRefused(f"This one is waiting for {other} to answer.")
    if version != visit.version:
        raise VisitRefused(STALE)


def _touch(visit: Visit, now: datetime) -> None:
    visit.version += 1
    visit.updated_at = now


def accept(uow: UnitOfWork, actor: Actor, visit_id: int, version: int, now: datetime) -> Visit:
    visit = load_for(uow, actor, visit_id)
    require_turn(actor, visit, version)
    if visit.status == VisitStatus.PROPOSED:
        if visit.proposed_starts_at is None or visit.proposed_ends_at is None:
            raise VisitRefused(STALE)
        visit.starts_at, visit.ends_at = visit.proposed_starts_at, visit.proposed_ends_at
        clash = _accepted_overlap(uow, visit.coach, visit.starts_at, visit.ends_at, visit.id)
        if clash is not None:
            raise VisitRefused(
                "The coach already has another visit at that time now. "
                "Suggest another time instead."
            )
    _clear_proposal(visit)
    visit.status = VisitStatus.ACCEPTED
    _touch(visit, now)
    return visit


def _clear_proposal(visit: Visit) -> None:
    visit.proposed_starts_at = visit.proposed_ends_at = None
    visit.proposed_by = visit.proposal_note = None


def check_may_propose(uow: UnitOfWork, actor: Actor, visit_id: int, version: int) -> Visit:
    """Before opening the form: may this person suggest a new time for this visit now?"""
    visit = load_for(uow, actor, visit_id)
    if not VisitStatus(visit.status).open:
        raise VisitRefused(_SETTLED[visit.status])
    if version != visit.version:
        raise VisitRefused(STALE)
    return visit


def propose(
    uow: UnitOfWork,
    actor: Actor,
    visit_id: int,
    version: int,
    check: TimeCheck,
    note: str | None,
    now: datetime,
) -> Visit:
    """Suggest a new time. A teacher moving an unanswered invitation just moves it."""
    visit = check_may_propose(uow, actor, visit_id, version)
    if check.starts_at is None or check.ends_at is None:
        raise VisitRefused("Choose a day and time for the visit.")
    side = side_of(actor, visit)
    if side == "teacher" and visit.status == VisitStatus.PENDING:
        visit.starts_at, visit.ends_at = check.starts_at, check.ends_at
        visit.proposal_note = note
    else:
        visit.status = VisitStatus.PROPOSED
        visit.proposed_starts_at, visit.proposed_ends_at = check.starts_at, check.ends_at
        visit.proposed_by = side
        visit.proposal_note = note
    _touch(visit, now)
    return visit


def decline(
    uow: UnitOfWork, actor: Actor, visit_id: int, version: int, reason: str | None, now: datetime
) -> Visit:
    """The coach declines an invitation; a teacher declining a suggested time withdraws it."""
    visit = load_for(uow, actor, visit_id)
    require_turn(actor, visit, version)
    if side_of(actor, visit) == "teacher":
        visit.status = VisitStatus.CANCELLED
    else:
        visit.status = VisitStatus.DECLINED
        visit.decline_reason = reason
    _clear_proposal(visit)
    _touch(visit, now)
    return visit


def cancel(uow: UnitOfWork, actor: Actor, visit_id: int, version: int, now: datetime) -> Visit:
    visit = load_for(uow, actor, visit_id)
    if side_of(actor, visit) != "teacher":
        raise VisitRefused("Only the teacher who sent the invitation can cancel it.")
    if not VisitStatus(visit.status).open:
        raise VisitRefused(_SETTLED[visit.status])
    # Cancelling an open invitation is safe from any message about it, however old; but a
    # visit accepted since the teacher's message was sent is not cancelled on its say-so.
    if visit.status == VisitStatus.ACCEPTED and version != visit.version:
        raise VisitRefused(STALE)
    visit.status = VisitStatus.CANCELLED
    _clear_proposal(visit)
    _touch(visit, now)
    return visit


def remember_message(uow: UnitOfWork, visit_id: int, side: str, where: tuple[str, str]) -> None:
    """Where coachbot just posted to one side about the visit, so later changes update it there.

    Bookkeeping after telling, not a change of the visit: it neither checks nor moves the
    version, so it never undoes or refuses the change it reports.
    """
    uow.visits.remember_message(visit_id, side, where)


def other_coaches(uow: UnitOfWork, visit: Visit, limit: int = 3) -> list[Person]:
    """Coaches who could help instead: expertise named in the focus first, then anyone free."""
    text = f"{visit.focus or ''} {SupportType(visit.support_type).label}".lower()
    coaches = [
        c
        for c in uow.people.list_coaches(visit.team_id)
        if c.id not in (visit.coach_id, visit.teacher_id)
    ]
    matching = [c for c in coaches if any(area.lower() in text for area in c.areas)]
    return matching[:limit]


def calendar_event_for(visit: Visit) -> CalendarEvent:
    """The calendar entry both people add: who, where, what kind; never the focus or notes."""
    support = SupportType(visit.support_type)
    teacher, coach = visit.teacher.display_name, visit.coach.display_name
    if support.needs_class:
        title = f"Coaching visit: {coach} in {teacher}'s {visit.class_name or 'class'}"
    else:
        title = f"Co-planning: {teacher} and {coach}"
    return CalendarEvent(
        uid=f"visit-{visit.id}@coachbot",
        title=title,
        starts_at=visit.starts_at,
        ends_at=visit.ends_at,
        description=f"{support.label}. Details are in coachbot in Slack.",
        cancelled=VisitStatus(visit.status).called_off,
        sequence=visit.version,
    )
