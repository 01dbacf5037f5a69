"""The one place that decides who may see or change what.

Coaching is support, never evaluation: what a teacher and a coach say to each other stays
between them. Notes and debriefs belong to the teacher and that coach; reflections to the
teacher alone unless they share them; admins and leaders see aggregates only, and never a
group smaller than MIN_GROUP_SIZE. Every handler and report asks here, never decides itself.

The small-group rule: no figure about fewer than MIN_GROUP_SIZE teachers can be read, or
worked out by adding and subtracting figures published together (one report, one Home view,
one digest). A figure is about the teachers whose visits, goals or places on the roster it
counts (a coverage share is about everyone on that roster). bot/rules/small_groups.py keeps the
rule for every output, and guarantees, for each measure an output shows (visits, minutes,
cycles started, cycles completed, coverage):

- every figure is about no teacher or at least MIN_GROUP_SIZE of them;
- the difference of any two figures, nested or overlapping, is about no teacher or at least
  MIN_GROUP_SIZE (a school and the coach who made nearly all of its visits, a tier and a kind);
- a figure minus the parts of it shown in any one table, row or column (a district minus its
  schools, a tier minus its kinds, a row minus its cells, a coach minus the schools wholly
  theirs, a column total minus the schools' cells) leaves no teacher or at least
  MIN_GROUP_SIZE. So what one table withholds in all is about no teacher or at least
  MIN_GROUP_SIZE, and so is what is left of any row of another table once the first
  table's rows inside it are taken away.

Rows with too few teachers, or that would say too much, are merged into "Other ..." (the one
with the fewest teachers first); cells, cycles and coverage are left blank. Combinations of
three or more figures from different tables that are not a total and its parts are not
searched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum

from bot.rules.domain import Role

logger = logging.getLogger(__name__)

# The fewest teachers a published figure may be about, alone or worked out from others.
MIN_GROUP_SIZE = 5

REFUSED = "Sorry, that isn't yours to see. Nothing was changed."
REFUSED_CHANGE = "Sorry, only the people in that coaching conversation can change it."
REFUSED_ADMIN = (
    "Sorry, only coachbot admins can manage the roster and calendar. "
    "If you think you should be one, ask your lead coach."
)
REFUSED_SMALL_GROUP = (
    f"This group has fewer than {MIN_GROUP_SIZE} people, so it is merged or hidden to keep "
    "individuals from being identified."
)


@dataclass(frozen=True)
class Actor:
    """Who is asking: their workspace, their roster row (if any) and their role."""

    team_id: str
    user_id: str
    person_id: int | None
    role: Role = Role.TEACHER
    admin: bool = False  # a lead coach or admin, or named in COACHBOT_ADMINS
    active: bool = True

    @property
    def coaches(self) -> bool:
        return self.role.coaches


class Kind(StrEnum):
    PROFILE = "profile"  # name, role, school, team: what Slack already shows colleagues
    GOAL_TOPIC = "goal_topic"  # the inquiry question's topic, visible to the coaching team
    GOAL = "goal"  # the goal itself, evidence and progress
    VISIT = "visit"  # an invitation or visit: when, where, what support
    DEBRIEF = "debrief"  # debrief time, place and what was said
    NOTE = "note"  # notes on a visit or debrief
    REFLECTION = "reflection"  # a teacher's private reflection
    AGGREGATE = "aggregate"  # counts across a group
    ROSTER = "roster"  # roles, assignments, PLC channels, the school calendar


@dataclass(frozen=True)
class Record:
    """What is being asked about, reduced to what the rules need."""

    kind: Kind
    team_id: str
    teacher_id: int | None = None
    coach_id: int | None = None
    shared_with_coach: bool = False
    group_size: int = 0
    goal_id: int | None = None  # the cycle a goal, note or reflection belongs to, when known


@dataclass(frozen=True)
class Decision:
    allowed: bool
    why: str  # for the log: which rule decided
    message: str = ""  # for the person, when refused

    def __bool__(self) -> bool:
        return self.allowed


# Told of every read this module allows, where the access log watches the unit of work doing
# the read (bot/rules/access.py): that is how a teacher learns who has seen their record.
READ_WATCHER: ContextVar[Callable[[Actor, Record], None] | None] = ContextVar(
    "read_watcher", default=None
)


def _yes(why: str) -> Decision:
    return Decision(True, why)


def _no(why: str, message: str = REFUSED) -> Decision:
    return Decision(False, why, message)


def _in_conversation(actor: Actor, record: Record) -> bool:
    """The teacher of the record, or the coach of the record acting as a coach."""
    if actor.person_id is None:
        return False
    if actor.person_id == record.teacher_id:
        return True
    return actor.person_id == record.coach_id and actor.coaches


def _gate(actor: Actor, record: Record) -> Decision | None:
    if actor.team_id != record.team_id:
        return _no("another workspace")
    if not actor.active:
        return _no("deactivated account")
    return None


# One case per kind of record, kept together so that every read is decided in one place.
def may_read(actor: Actor, record: Record) -> Decision:  # noqa: C901
    """May `actor` see `record`?"""
    refused = _gate(actor, record)
    if refused is not None:
        return _log(actor, record, refused, "read")
    decision: Decision
    match record.kind:
        case Kind.PROFILE:
            decision = _yes("colleagues see each other's roster details")
        case Kind.GOAL_TOPIC:
            if _in_conversation(actor, record) or actor.coaches:
                decision = _yes("goal topics are shared with the coaching team")
            else:
                decision = _no("goal topic outside the coaching team")
        case Kind.GOAL | Kind.VISIT | Kind.DEBRIEF | Kind.NOTE:
            if _in_conversation(actor, record):
                decision = _yes("teacher and their coach")
            else:
                decision = _no(f"{record.kind} of someone else's coaching")
        case Kind.REFLECTION:
            if actor.person_id is not None and actor.person_id == record.teacher_id:
                decision = _yes("the teacher's own reflection")
            elif record.shared_with_coach and _in_conversation(actor, record):
                decision = _yes("reflection the teacher shared with this coach")
            else:
                decision = _no("reflection not shared with this person")
        case Kind.AGGREGATE:
            if not (actor.admin or actor.role is Role.LEADER):
                decision = _no("aggregates are for admins and leaders")
            elif record.group_size < MIN_GROUP_SIZE:
                decision = _no("group below the minimum size", REFUSED_SMALL_GROUP)
            else:
                decision = _yes("aggregate over a large enough group")
        case Kind.ROSTER:
            decision = _yes("admin") if actor.admin else _no("roster is for admins", REFUSED_ADMIN)
    watcher = READ_WATCHER.get()
    if decision.allowed and watcher is not None:
        watcher(actor, record)
    return _log(actor, record, decision, "read")


def may_change(actor: Actor, record: Record) -> Decision:
    """May `actor` create, change or answer `record`?"""
    refused = _gate(actor, record)
    if refused is not None:
        return _log(actor, record, refused, "change")
    decision: Decision
    match record.kind:
        case Kind.REFLECTION | Kind.GOAL | Kind.GOAL_TOPIC:
            if actor.person_id is not None and actor.person_id == record.teacher_id:
                decision = _yes("the teacher owns their goals and reflections")
            else:
                decision = _no("only the teacher changes this", REFUSED_CHANGE)
        case Kind.VISIT | Kind.DEBRIEF | Kind.NOTE:
            if _in_conversation(actor, record):
                decision = _yes("teacher and their coach")
            else:
                decision = _no(f"{record.kind} of someone else's coaching", REFUSED_CHANGE)
        case Kind.PROFILE | Kind.ROSTER:
            decision = _yes("admin") if actor.admin else _no("roster is for admins", REFUSED_ADMIN)
        case Kind.AGGREGATE:
            decision = _no("aggregates are computed, never edited")
    return _log(actor, record, decision, "change")


def may_administer(actor: Actor) -> Decision:
    """May `actor` manage the roster, PLC channels and school calendar of their workspace?"""
    return may_change(actor, Record(Kind.ROSTER, actor.team_id))


def _log(actor: Actor, record: Record, decision: Decision, verb: str) -> Decision:
    if not decision.allowed:
        # Ids only: a refusal log must not itself leak what was asked about.
        logger.warning(
            "refused %s of %s to %s/%s (%s)",
            verb,
            record.kind,
            actor.team_id,
            actor.user_id,
            decision.why,
        )
    return decision
