"""The words of the domain shared by rules, views and storage: roles and expertise areas."""

from __future__ import annotations

from enum import StrEnum


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
