"""The states a stored row can be in, and the words about them, each defined once.

They live here, below bot/, because the status columns are typed as them; bot/rules/domain.py
re-exports them for rules and views. The SQL forms of the same words sit beside the queries
in storage/repositories/visits.py, built from the same sets.
"""

from __future__ import annotations

from enum import StrEnum


class VisitStatus(StrEnum):
    PENDING = "pending"  # waiting for the coach's answer
    PROPOSED = "proposed"  # someone suggested another time; the other person answers
    ACCEPTED = "accepted"
    DECLINED = "declined"  # the coach said no
    CANCELLED = "cancelled"  # the teacher withdrew it

    @property
    def open(self) -> bool:
        """Still on someone's calendar or waiting for an answer."""
        return self in OPEN_VISIT_STATUSES

    @property
    def settled(self) -> bool:
        """Answered for good: accepted, declined or cancelled; no one's turn to answer."""
        return self not in AWAITING_ANSWER

    @property
    def called_off(self) -> bool:
        """Declined by the coach or cancelled by the teacher: it will not happen."""
        return self in CALLED_OFF


# Tuples, not sets: SQL built from them is the same statement in every process.
OPEN_VISIT_STATUSES = (VisitStatus.PENDING, VisitStatus.PROPOSED, VisitStatus.ACCEPTED)
AWAITING_ANSWER = (VisitStatus.PENDING, VisitStatus.PROPOSED)
CALLED_OFF = (VisitStatus.DECLINED, VisitStatus.CANCELLED)


class VisitOutcome(StrEnum):
    """What the coach logged after the visit; None until they do."""

    HAPPENED = "happened"
    RESCHEDULED = "rescheduled"
    COACH_PULLED_AWAY = "coach_pulled_away"
    TEACHER_ABSENT = "teacher_absent"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    VisitOutcome.HAPPENED: "It happened",
    VisitOutcome.RESCHEDULED: "We rescheduled",
    VisitOutcome.COACH_PULLED_AWAY: "I was pulled away",
    VisitOutcome.TEACHER_ABSENT: "The teacher was out",
}

# Outcomes that leave a visit standing: logged as happened, or not logged yet.
NOT_FAILED: tuple[VisitOutcome | None, ...] = (None, VisitOutcome.HAPPENED)


def happened(outcome: VisitOutcome | str | None) -> bool:
    """The coach logged that the visit happened."""
    return outcome == VisitOutcome.HAPPENED


def went_ahead(status: VisitStatus | str, outcome: VisitOutcome | str | None) -> bool:
    """Accepted and not known to have failed: logged as happened, or not logged yet."""
    return status == VisitStatus.ACCEPTED and outcome in NOT_FAILED


class GoalStatus(StrEnum):
    ACTIVE = "active"
    MET = "met"
    SET_ASIDE = "set_aside"


class StepAnswer(StrEnum):
    """A teacher's answer to the check-back on a next step they agreed with their coach."""

    TRIED = "tried"
    NEED_HELP = "need_help"
    NOT_YET = "not_yet"  # remind me in a week


class CelebrationStatus(StrEnum):
    DRAFT = "draft"
    POSTING = "posting"  # claimed by one request while it posts, so a double click posts once
    POSTED = "posted"
    DECLINED = "declined"


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting to be sent (or to be retried)
    SENT = "sent"
    DEAD = "dead"  # failed for good; `last_error` says why
    DROPPED = "dropped"  # settled before sending, so no longer wanted


# Still owed or already delivered: what counts toward a cap on messages.
SENT_OR_DUE = (OutboxStatus.PENDING, OutboxStatus.SENT)
