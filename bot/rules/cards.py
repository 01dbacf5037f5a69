"""Plain data that rules hand to the views and take back from forms: cards, forms, summaries.

Here rather than in bot/views/ so that rules never depend on the views that render them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from bot.rules.calendar import Closure
from bot.rules.domain import Role, SupportType

# --------------------------------------------------------------------------- admin


@dataclass(frozen=True)
class RosterSummary:
    """The counts an admin sees at the top of the menu."""

    coaches: int
    teachers: int
    schools: int
    plc_channels: int
    unassigned_teachers: int


@dataclass(frozen=True)
class CoachForm:
    """A coach as an admin saves them: who, which role, expertise and weekly capacity."""

    user_id: str
    role: Role
    areas: tuple[str, ...]
    weekly_capacity: int


@dataclass(frozen=True)
class AssignForm:
    """Teachers and what to set for all of them; None leaves that field as it is."""

    teacher_ids: tuple[str, ...]
    coach_user_id: str | None
    school: str | None
    team: str | None
    plc_channel_id: str | None


@dataclass(frozen=True)
class CalendarForm:
    """One calendar's week, hours and days off; school None is the whole district's."""

    school: str | None
    weekdays: frozenset[int]  # date.weekday(): 0 is Monday
    day_start: time
    day_end: time
    closures: tuple[Closure, ...]


# --------------------------------------------------------------------------- cycles


@dataclass(frozen=True)
class VisitLogCard:
    """A visit that has ended, as the message asking about it shows it to one reader."""

    visit_id: int
    version: int
    teacher_user_id: str
    starts_at: datetime  # aware, UTC
    ends_at: datetime
    tz: str  # IANA zone of the reader
    class_name: str | None  # None for co-planning
    planned: SupportType


# --------------------------------------------------------------------------- reflections


@dataclass(frozen=True)
class PromptCard:
    """One reflection prompt as its teacher reads it."""

    reflection_id: int
    question: str
    about: str | None = None  # "visit" or "debrief"
    coach_user_id: str | None = None
    day: date | None = None  # the local day of the visit or debrief
