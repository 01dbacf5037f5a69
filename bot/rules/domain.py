"""The words of the domain shared by rules, views and storage: roles and expertise areas."""

from __future__ import annotations

from enum import StrEnum

# The states of stored rows live with the models; rules and views know them from here.
from storage.enums import (
    OUTCOME_LABELS,
    CelebrationStatus,
    GoalStatus,
    OutboxStatus,
    StepAnswer,
    VisitOutcome,
    VisitStatus,
    happened,
    went_ahead,
)

__all__ = [
    "CYCLE_LABELS",
    "DEBRIEF_NUDGE_SCHOOL_DAYS",
    "DEFAULT_EXPERTISE_AREAS",
    "DEFAULT_TIMEZONE",
    "DEFAULT_VISIT_MINUTES",
    "DEFAULT_WEEKLY_CAPACITY",
    "MAX_ACTIVE_GOALS",
    "OUTCOME_LABELS",
    "ROLE_LABELS",
    "SUPPORT_DONE",
    "SUPPORT_LABELS",
    "SUPPORT_TIERS",
    "VISIT_LENGTHS",
    "CelebrationStatus",
    "CycleState",
    "GoalStatus",
    "OutboxStatus",
    "Role",
    "StepAnswer",
    "SupportType",
    "VisitOutcome",
    "VisitStatus",
    "happened",
    "parse_role",
    "went_ahead",
]


class Role(StrEnum):
    """What a person is to coachbot; everyone starts as a teacher."""

    TEACHER = "teacher"
    COACH = "coach"
    LEAD_COACH = "lead_coach"  # a coach who also manages the roster
    ADMIN = "admin"  # manages the roster; sees aggregates only
    LEADER = "leader"  # principal or district leader; aggregates only

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def coaches(self) -> bool:
        return self in (Role.COACH, Role.LEAD_COACH)

    @property
    def administers(self) -> bool:
        return self in (Role.LEAD_COACH, Role.ADMIN)


ROLE_LABELS = {
    Role.TEACHER: "teacher",
    Role.COACH: "coach",
    Role.LEAD_COACH: "lead coach",
    Role.ADMIN: "admin",
    Role.LEADER: "leader",
}


def parse_role(text: str) -> Role | None:
    """A role from what a person typed in a roster file: 'Lead coach', 'lead-coach', 'COACH'."""
    key = "_".join(text.strip().lower().replace("-", " ").split())
    try:
        return Role(key)
    except ValueError:
        return None


# The expertise areas a district starts with; COACHBOT_EXPERTISE_AREAS replaces the list.
DEFAULT_EXPERTISE_AREAS: tuple[str, ...] = (
    "literacy",
    "math",
    "science",
    "social studies",
    "classroom environment",
    "student engagement",
    "technology",
    "data use",
    "special education",
    "english learners",
)

DEFAULT_WEEKLY_CAPACITY = 5
DEFAULT_TIMEZONE = "America/New_York"


class SupportType(StrEnum):
    """What a coach does: the district's ten coaching roles ranked by impact, highest first,
    and "Something else" for the rare rest.

    Tier 1 works in the classroom with one teacher; tier 2 supports growth that needs
    follow-through; tier 3 is broad and less personal.
    """

    OBSERVE = "observe"
    MODEL = "model"
    CO_TEACH = "co_teach"
    CO_PLAN = "co_plan"
    MENTOR = "mentor"
    DATA_TALK = "data_talk"
    PLC = "plc"
    LEARNING_WALK = "learning_walk"
    WORKSHOP = "workshop"
    RESOURCES = "resources"
    OTHER = "other"
    # Before the ten roles this was "Look at student work or data"; migration 0013 moved its
    # rows to data conversations, and the old name stays as another name for the same kind.
    STUDENT_WORK = "data_talk"

    @property
    def label(self) -> str:
        return SUPPORT_LABELS[self]

    @property
    def done(self) -> str:
        """What the coach did, as a teacher's story says it: "Co-planned" (with your coach)."""
        return SUPPORT_DONE[self]

    @property
    def tier(self) -> int:
        """Impact tier: 1 feedback, modeling, co-teaching, planning; 2 mentoring, data
        conversations, PLC meetings; 3 learning walks, workshops, resources and the rest."""
        return SUPPORT_TIERS[self]

    @property
    def needs_class(self) -> bool:
        """Co-planning happens outside a lesson, so it has no class or period."""
        return self is not SupportType.CO_PLAN


SUPPORT_LABELS = {
    SupportType.OBSERVE: "Observe and give feedback",
    SupportType.MODEL: "Model a lesson",
    SupportType.CO_TEACH: "Co-teach",
    SupportType.CO_PLAN: "Co-plan",
    SupportType.MENTOR: "Mentoring",
    SupportType.DATA_TALK: "Data conversation",
    SupportType.PLC: "PLC meeting",
    SupportType.LEARNING_WALK: "Learning walk",
    SupportType.WORKSHOP: "PD or workshop",
    SupportType.RESOURCES: "Resources or pulling data",
    SupportType.OTHER: "Something else",
}
SUPPORT_DONE = {
    SupportType.OBSERVE: "Observed and gave feedback",
    SupportType.MODEL: "Modeled a lesson",
    SupportType.CO_TEACH: "Co-taught",
    SupportType.CO_PLAN: "Co-planned",
    SupportType.MENTOR: "Met for mentoring",
    SupportType.DATA_TALK: "Talked through student data",
    SupportType.PLC: "Met in your PLC",
    SupportType.LEARNING_WALK: "Went on a learning walk",
    SupportType.WORKSHOP: "Led a workshop",
    SupportType.RESOURCES: "Shared resources",
    SupportType.OTHER: "Worked together",
}
SUPPORT_TIERS = {
    SupportType.OBSERVE: 1,
    SupportType.MODEL: 1,
    SupportType.CO_TEACH: 1,
    SupportType.CO_PLAN: 1,
    SupportType.MENTOR: 2,
    SupportType.DATA_TALK: 2,
    SupportType.PLC: 2,
    SupportType.LEARNING_WALK: 3,
    SupportType.WORKSHOP: 3,
    SupportType.RESOURCES: 3,
    SupportType.OTHER: 3,
}


DEFAULT_VISIT_MINUTES = 45
VISIT_LENGTHS = (15, 20, 30, 45, 60, 90, 120)


class CycleState(StrEnum):
    """Where a coaching cycle is, derived from what happened, never typed by hand."""

    PLANNING = "planning"
    VISITING = "visiting"
    DEBRIEFED = "debriefed"
    TRYING = "trying"  # trying the agreed next step
    TRIED = "tried"  # the teacher says they tried the latest next step
    COMPLETE = "complete"

    @property
    def label(self) -> str:
        return CYCLE_LABELS[self]


CYCLE_LABELS = {
    CycleState.PLANNING: "Planning",
    CycleState.VISITING: "Visiting",
    CycleState.DEBRIEFED: "Debriefed",
    CycleState.TRYING: "Trying the next step",
    CycleState.TRIED: "Next step tried",
    CycleState.COMPLETE: "Complete",
}


MAX_ACTIVE_GOALS = 3
# A confirmed visit with no debrief after this many school days earns one nudge to each.
DEBRIEF_NUDGE_SCHOOL_DAYS = 2
