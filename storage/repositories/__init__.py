"""Repositories: the queries of each aggregate over one session; they flush, never commit.

The unit of work (storage/uow.py) hands them out and owns the transaction. Rules in bot/rules
ask these instead of building SELECTs; read models in bot/reads may query freely.
"""

from storage.repositories.access import AccessLogRepository
from storage.repositories.base import Check, insert_if_absent
from storage.repositories.celebrations import CelebrationRepository
from storage.repositories.coaching_log import CoachingLogRepository
from storage.repositories.cycles import (
    DebriefNoteRepository,
    DebriefRepository,
    GoalRepository,
    NextStepAnswerRepository,
)
from storage.repositories.office_hours import OfficeHoursRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.reflections import ReflectionRepository
from storage.repositories.requests import RequestSignatureRepository, SlackEventRepository
from storage.repositories.roster import (
    COACH_ROLES,
    DistrictRepository,
    PersonRepository,
    PlcChannelRepository,
    SchoolRepository,
)
from storage.repositories.visits import (
    VISIT_ACCEPTED,
    VISIT_AWAITING_ANSWER,
    VISIT_HAPPENED,
    VISIT_OPEN,
    VISIT_WENT_AHEAD,
    VisitRepository,
    visit_seen_by,
)

__all__ = [
    "COACH_ROLES",
    "VISIT_ACCEPTED",
    "VISIT_AWAITING_ANSWER",
    "VISIT_HAPPENED",
    "VISIT_OPEN",
    "VISIT_WENT_AHEAD",
    "AccessLogRepository",
    "CelebrationRepository",
    "Check",
    "CoachingLogRepository",
    "DebriefNoteRepository",
    "DebriefRepository",
    "DistrictRepository",
    "GoalRepository",
    "NextStepAnswerRepository",
    "OfficeHoursRepository",
    "OutboxRepository",
    "PersonRepository",
    "PlcChannelRepository",
    "ReflectionRepository",
    "RequestSignatureRepository",
    "SchoolRepository",
    "SlackEventRepository",
    "VisitRepository",
    "insert_if_absent",
    "visit_seen_by",
]
