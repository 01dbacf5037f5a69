"""Private reflection prompts after visits and debriefs, and the teacher's say over them.

A reflection belongs to its teacher alone unless they share it with their coach; every read
and change asks bot/rules/policy.py. Rules take `now` and never talk to Slack: prompts are planned
into the outbox, which sends them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.rules.calendar import SchoolCalendar
from bot.rules.cards import PromptCard
from bot.rules.domain import SupportType
from bot.rules.limits import MAX_ANSWER, MAX_PAUSE_DAYS, PAUSE_AFTER_TODAY
from bot.rules.outbox import count_sent_or_due, drop, enqueue
from bot.rules.policy import Actor, Kind, Record, may_change, may_read
from bot.rules.records import reflection_record as _record
from bot.rules.school_calendar import Calendars, calendar_for
from bot.rules.visits import VisitRefused
from storage.models import Debrief, OutboxMessage, Person, Reflection, Visit
from storage.uow import UnitOfWork

KIND = "reflection"  # the outbox kind of every prompt
# How a prompt reads in Slack; callers pass bot.views.reflections.build_reflection_prompt, so
# that the rules that plan prompts never depend on the view that words them.
RenderPrompt = Callable[[PromptCard], Mapping[str, Any]]
# A prompt comes once the day's teaching is likely done: the later of two hours after the
# visit or debrief and this local time, moved into school hours.
PROMPT_AT = time(15, 30)
AFTER_END = timedelta(hours=2)
# A visit or debrief older than this gets no prompt: the moment has passed.
MAX_AGE = timedelta(days=7)
# Noise: the first prompt and one "Tomorrow" are all a teacher ever gets about one item.
MAX_PROMPTS_PER_ITEM = 2
PLAN_LIMIT = 1000

QUESTIONS: dict[SupportType, str] = {
    SupportType.OBSERVE: (
        "What did you notice about your students during the visit that you'd like to build on?"
    ),
    SupportType.MODEL: "What from the modeled lesson could you try with your class this week?",
    SupportType.CO_TEACH: (
        "What went well when you taught together, and what would you like to keep doing?"
    ),
    SupportType.CO_PLAN: "What part of the plan you made together are you most excited to try?",
    SupportType.MENTOR: "What's one thing from your conversation you'd like to try first?",
    SupportType.DATA_TALK: "What did your students' work show you they're ready for next?",
    SupportType.PLC: "What's one idea from your PLC you'd like to try with your class?",
    SupportType.LEARNING_WALK: "What did you see on the learning walk that you'd like to try?",
    SupportType.WORKSHOP: "What from the session could you use with your class this week?",
    SupportType.RESOURCES: "What from the resources would you like to try first?",
    SupportType.OTHER: "What's one thing from your time with your coach you'd like to hold on to?",
}
DEBRIEF_QUESTION = "What's one thing you're taking away from your debrief?"

NOT_YOURS = (
    "Sorry, that reflection belongs to someone else, so it can't be opened or changed from "
    "here. Nothing was changed."
)
GONE = "Sorry, that reflection is no longer here. Nothing was changed."
UNKNOWN = "Sorry, coachbot hasn't met you yet, so there are no prompts to change."
ALREADY_ANSWERED = "You've already reflected on this one. Thank you!"
LAST_REMINDER = (
    "That was the last reminder for this one, so there won't be another. It's still here: "
    "press Reflect whenever you're ready."
)
NO_COACH = (
    "Your coach isn't in coachbot anymore, so this can't be shared. Untick the box to keep "
    "it just for you."
)


class ReflectionRefused(VisitRefused):
    """The person may not do this; `message` says why, kindly, and `field` where to show it."""

    def __init__(self, message: str, field: str = "answer") -> None:
        super().__init__(message)
        self.field = field  # "answer", "share" or "until"


def question_for(support: SupportType | None) -> str:
    """The question after a visit of this kind; after a debrief when `support` is None."""
    return DEBRIEF_QUESTION if support is None else QUESTIONS[support]


def ref_for(reflection: Reflection) -> str:
    """What the outbox rows of a reflection's prompts are about."""
    return f"reflection:{reflection.id}"


def prompt_key(reflection: Reflection) -> str:
    """The outbox key of a reflection's first prompt: one per visit, one per debrief."""
    if reflection.debrief_id is not None:
        return f"reflect:debrief:{reflection.debrief_id}"
    if reflection.visit_id is not None:
        return f"reflect:visit:{reflection.visit_id}"
    return f"reflect:reflection:{reflection.id}"


def _local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz))


def paused_on(teacher: Person, moment: datetime) -> bool:
    """Is the teacher's pause still on at `moment`? Prompts start again on the pause's date.

    The same reading as bot/reads/nudges.py gives the field: "paused until Friday" means Friday is
    allowed again.
    """
    until = teacher.prompts_paused_until
    return until is not None and _local(moment, teacher.timezone).date() < until


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class _Item:
    """A visit that happened or a debrief that ended, waiting for its prompt."""

    key: str
    teacher: Person
    coach: Person | None
    visit_id: int | None
    debrief_id: int | None
    about: str  # "visit" or "debrief"
    starts_at: datetime
    ends_at: datetime
    question: str


def _due_visits(uow: UnitOfWork, now: datetime) -> list[Visit]:
    return uow.reflections.list_unprompted_visits(now - MAX_AGE, now, PLAN_LIMIT)


def _due_debriefs(uow: UnitOfWork, now: datetime) -> list[Debrief]:
    return uow.reflections.list_unprompted_debriefs(now - MAX_AGE, now, PLAN_LIMIT)


def _items(visits: Iterable[Visit], debriefs: Iterable[Debrief]) -> list[_Item]:
    items = [
        _Item(
            key=f"reflect:visit:{v.id}",
            teacher=v.teacher,
            coach=v.coach,
            visit_id=v.id,
            debrief_id=None,
            about="visit",
            starts_at=v.starts_at,
            ends_at=v.ends_at,
            question=question_for(SupportType(v.logged_support_type or v.support_type)),
        )
        for v in visits
    ]
    items += [
        _Item(
            key=f"reflect:debrief:{d.id}",
            teacher=d.teacher,
            coach=d.coach,
            visit_id=d.visit_id,
            debrief_id=d.id,
            about="debrief",
            starts_at=d.starts_at,
            ends_at=d.ends_at,
            question=DEBRIEF_QUESTION,
        )
        for d in debriefs
    ]
    return sorted(items, key=lambda item: item.ends_at)


def _prompt_days(
    uow: UnitOfWork, teachers: dict[int, Person], now: datetime
) -> dict[int, set[date]]:
    """The local days on which each teacher already has a reflection prompt coming or sent."""
    days: dict[int, set[date]] = {person_id: set() for person_id in teachers}
    for person_id, due_at in uow.outbox.list_due_times(KIND, teachers, now - timedelta(days=2)):
        days[person_id].add(_local(due_at, teachers[person_id].timezone).date())
    return days


def first_due(calendar: SchoolCalendar, tz: str, ended_at: datetime, now: datetime) -> datetime:
    """When a prompt about something that ended at `ended_at` is due, as a school moment.

    The later of two hours after the end and PROMPT_AT that day; when that has passed already
    (the visit was logged late, or a pause just ended), PROMPT_AT today or now if later.
    """
    end_day = _local(ended_at, tz).date()
    wanted = max(ended_at + AFTER_END, calendar.at_local(end_day, PROMPT_AT, tz))
    if wanted < now:
        today = _local(now, tz).date()
        wanted = max(now, calendar.at_local(today, PROMPT_AT, tz))
    return calendar.next_allowed(wanted, tz)


def _next_day_due(calendar: SchoolCalendar, tz: str, day: date) -> datetime:
    """PROMPT_AT on the school day after `day` (or its next school moment)."""
    school_day = calendar.add_school_days(day, 1)
    return calendar.next_allowed(calendar.at_local(school_day, PROMPT_AT, tz), tz)


def plan_reflection_prompts(uow: UnitOfWork, now: datetime, render: RenderPrompt) -> int:
    """Plan one private prompt per visit that happened and per debrief that ended.

    Nothing for a teacher who stopped prompts; nothing due while a teacher's pause is on (once
    it ends, a visit from the last MAX_AGE still gets its prompt, the first afternoon after).
    At most one prompt a day per teacher: a second one waits for the next school day.
    Returns how many prompts were planned.
    """
    items = _items(_due_visits(uow, now), _due_debriefs(uow, now))
    teachers = {item.teacher.id: item.teacher for item in items}
    taken = _prompt_days(uow, teachers, now)
    calendars = Calendars(uow)
    planned = 0
    for item in items:
        if _plan(uow, item, calendars.of(item.teacher), taken[item.teacher.id], now, render):
            planned += 1
    return planned


def _plan(
    uow: UnitOfWork,
    item: _Item,
    calendar: SchoolCalendar,
    taken: set[date],
    now: datetime,
    render: RenderPrompt,
) -> bool:
    teacher, tz = item.teacher, item.teacher.timezone
    due = first_due(calendar, tz, item.ends_at, now)
    day = _local(due, tz).date()
    for _ in range(30):
        if day not in taken:
            break
        due = _next_day_due(calendar, tz, day)
        day = _local(due, tz).date()
    else:
        return False
    if paused_on(teacher, due):
        return False
    reflection = Reflection(
        team_id=teacher.team_id,
        teacher_id=teacher.id,
        coach_id=item.coach.id if item.coach is not None else None,
        visit_id=item.visit_id,
        debrief_id=item.debrief_id,
        question=item.question,
        shared_with_coach=False,
        created_at=now,
    )
    uow.reflections.add(reflection)
    card = PromptCard(
        reflection_id=reflection.id,
        question=item.question,
        about=item.about,
        coach_user_id=item.coach.user_id if item.coach is not None else None,
        day=_local(item.starts_at, tz).date(),
    )
    if not enqueue(
        uow,
        key=item.key,
        person=teacher,
        kind=KIND,
        message=render(card),
        due_at=due,
        now=now,
        ref=ref_for(reflection),
    ):
        # Another replica planned this one first: its reflection is the one.
        uow.reflections.remove(reflection)
        return False
    taken.add(day)
    return True


def prompt_card(uow: UnitOfWork, reflection: Reflection) -> PromptCard:
    """The prompt as its teacher reads it, rebuilt from what the reflection is about."""
    teacher = uow.people.get_one(reflection.teacher_id)
    coach = uow.people.get(reflection.coach_id) if reflection.coach_id else None
    about: str | None = None
    starts_at: datetime | None = None
    if reflection.debrief_id is not None:
        debrief = uow.debriefs.get(reflection.debrief_id)
        about, starts_at = "debrief", debrief.starts_at if debrief else None
    elif reflection.visit_id is not None:
        visit = uow.visits.get(reflection.visit_id)
        about, starts_at = "visit", visit.starts_at if visit else None
    return PromptCard(
        reflection_id=reflection.id,
        question=reflection.question,
        about=about if starts_at is not None else None,
        coach_user_id=coach.user_id if coach is not None else None,
        day=_local(starts_at, teacher.timezone).date() if starts_at is not None else None,
    )


def still_wanted(uow: UnitOfWork, row: OutboxMessage, now: datetime | None = None) -> bool:
    """Should this outbox row still be sent? For kinds other than "reflection", always.

    Not once the reflection is answered or gone, nor to a teacher who stopped prompts, is
    paused at `now` (the row's due time when not given), or whose account is deactivated.
    """
    if row.kind != KIND:
        return True
    reflection_id = _ref_id(row.ref)
    reflection = uow.reflections.get(reflection_id) if reflection_id else None
    if reflection is None or reflection.answer is not None:
        return False
    teacher = uow.people.get(reflection.teacher_id)
    if teacher is None or not teacher.active or teacher.prompts_stopped:
        return False
    return not paused_on(teacher, now or row.due_at)


def _ref_id(ref: str | None) -> int | None:
    prefix = "reflection:"
    if ref is None or not ref.startswith(prefix) or not ref[len(prefix) :].isdigit():
        return None
    return int(ref[len(prefix) :])


# --------------------------------------------------------------------------- the teacher's say


def load_own(uow: UnitOfWork, actor: Actor, reflection_id: int) -> Reflection:
    """A reflection its teacher is opening or changing; anyone else is refused."""

    def check(reflection: Reflection) -> None:
        if not may_change(actor, _record(reflection)):
            raise ReflectionRefused(NOT_YOURS)

    reflection = uow.reflections.get_for(reflection_id, check)
    if reflection is None:
        raise ReflectionRefused(GONE)
    return reflection


@dataclass(frozen=True)
class Answered:
    """A saved answer, and the coach to tell when the teacher just shared it (else None)."""

    reflection: Reflection
    tell_coach: Person | None
    updated: bool  # the coach already had an earlier version


def answer(
    uow: UnitOfWork, actor: Actor, reflection_id: int, text: str, share: bool, now: datetime
) -> Answered:
    """The teacher writes (or rewrites) their answer, and chooses whether their coach reads it."""
    reflection = load_own(uow, actor, reflection_id)
    text = text.strip()
    if not text:
        raise ReflectionRefused("Write a few words, or close this without saving.")
    if len(text) > MAX_ANSWER:
        raise ReflectionRefused(f"Please keep this to {MAX_ANSWER} characters or fewer.")
    coach = uow.people.get(reflection.coach_id) if reflection.coach_id else None
    if share and (coach is None or not coach.active):
        raise ReflectionRefused(NO_COACH, field="share")
    was_shared, before = reflection.shared_with_coach, reflection.answer
    reflection.answer = text
    reflection.shared_with_coach = share
    reflection.answered_at = reflection.answered_at or now
    # Answered: no reminder about it is wanted any more.
    drop(uow, ref=ref_for(reflection), kinds=(KIND,))
    tell = share and (not was_shared or before != text)
    return Answered(reflection, coach if tell else None, updated=tell and was_shared)


def snooze(
    uow: UnitOfWork, actor: Actor, reflection_id: int, now: datetime, render: RenderPrompt
) -> datetime:
    """Ask again the next school day, in the afternoon; returns when.

    Pressed twice, it plans once. A teacher gets at most MAX_PROMPTS_PER_ITEM prompts about one
    visit or debrief, so a second snooze is answered kindly and plans nothing.
    """
    reflection = load_own(uow, actor, reflection_id)
    if reflection.answer is not None:
        raise ReflectionRefused(ALREADY_ANSWERED)
    teacher = uow.people.get_one(reflection.teacher_id)
    calendar, tz = calendar_for(uow, teacher), teacher.timezone
    due = _next_day_due(calendar, tz, _local(now, tz).date())
    key = f"{prompt_key(reflection)}:snooze:{_local(due, tz).date().isoformat()}"
    if uow.outbox.get_by_key(key) is not None:
        return due
    if count_sent_or_due(uow, kind=KIND, ref=ref_for(reflection)) >= MAX_PROMPTS_PER_ITEM:
        raise ReflectionRefused(LAST_REMINDER)
    enqueue(
        uow,
        key=key,
        person=teacher,
        kind=KIND,
        message=render(prompt_card(uow, reflection)),
        due_at=due,
        now=now,
        ref=ref_for(reflection),
    )
    return due


def _own_settings(uow: UnitOfWork, actor: Actor, reflection_id: int | None) -> Person:
    """The teacher whose prompts are changing: the reflection's, or the actor's own."""
    if reflection_id is not None:
        reflection = load_own(uow, actor, reflection_id)
        return uow.people.get_one(reflection.teacher_id)
    person = uow.people.get(actor.person_id) if actor.person_id is not None else None
    if person is None:
        raise ReflectionRefused(UNKNOWN)
    if not may_change(actor, Record(Kind.REFLECTION, person.team_id, teacher_id=person.id)):
        raise ReflectionRefused(NOT_YOURS)
    return person


def pause_until(
    uow: UnitOfWork,
    actor: Actor,
    day: date,
    now: datetime,
    *,
    reflection_id: int | None = None,
) -> Person:
    """No prompts before `day` (local); they start again on it, or the school day after."""
    teacher = _own_settings(uow, actor, reflection_id)
    today = _local(now, teacher.timezone).date()
    if day <= today:
        raise ReflectionRefused(PAUSE_AFTER_TODAY, "until")
    if day > today + timedelta(days=MAX_PAUSE_DAYS):
        raise ReflectionRefused(
            "Choose a date within a year. To stop prompts altogether, use Stop these.", "until"
        )
    teacher.prompts_paused_until = day
    return teacher


def stop(
    uow: UnitOfWork, actor: Actor, now: datetime, *, reflection_id: int | None = None
) -> Person:
    """No more reflection prompts, until the teacher turns them back on."""
    return _switch_prompts(uow, actor, reflection_id, stopped=True)


def resume(
    uow: UnitOfWork, actor: Actor, now: datetime, *, reflection_id: int | None = None
) -> Person:
    """Reflection prompts back on, with no pause."""
    return _switch_prompts(uow, actor, reflection_id, stopped=False)


def _switch_prompts(
    uow: UnitOfWork, actor: Actor, reflection_id: int | None, *, stopped: bool
) -> Person:
    """Prompts stopped or back on; either way, any pause is over."""
    teacher = _own_settings(uow, actor, reflection_id)
    teacher.prompts_stopped = stopped
    teacher.prompts_paused_until = None
    return teacher


# --------------------------------------------------------------------------- reading


def visible_reflections(uow: UnitOfWork, actor: Actor, teacher: Person) -> list[Reflection]:
    """A teacher's reflections that `actor` may read, newest first.

    The teacher reads all of theirs; the coach of a reflection only what was shared with them;
    anyone else nothing. The query narrows first so a coach's list logs no refusals.
    """
    if actor.person_id is None or actor.team_id != teacher.team_id:
        return []
    rows = uow.reflections.list_for_teacher(
        teacher.id, shared_with=None if actor.person_id == teacher.id else actor.person_id
    )
    return [row for row in rows if may_read(actor, _record(row))]
