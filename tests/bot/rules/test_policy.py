"""The policy, as a table: every role against every kind of record, allowed and refused."""

from __future__ import annotations

import logging

import pytest

from bot.rules.domain import Role
from bot.rules.policy import (
    MIN_GROUP_SIZE,
    REFUSED_ADMIN,
    REFUSED_SMALL_GROUP,
    Actor,
    Kind,
    Record,
    may_administer,
    may_change,
    may_read,
)

TEAM, OTHER_TEAM = "T0COACH", "T0OTHER"
# Person ids: a teacher and their coach; another teacher of the same coach; another coach.
TEACHER, COACH, OTHER_TEACHER, OTHER_COACH, ADMIN, LEADER, LEAD = 1, 2, 3, 4, 5, 6, 7

ACTORS = {
    "the teacher": Actor(TEAM, "U1", TEACHER, Role.TEACHER),
    "their coach": Actor(TEAM, "U2", COACH, Role.COACH),
    "another teacher": Actor(TEAM, "U3", OTHER_TEACHER, Role.TEACHER),
    "another coach": Actor(TEAM, "U4", OTHER_COACH, Role.COACH),
    "an admin": Actor(TEAM, "U5", ADMIN, Role.ADMIN, admin=True),
    "a leader": Actor(TEAM, "U6", LEADER, Role.LEADER),
    "a lead coach": Actor(TEAM, "U7", LEAD, Role.LEAD_COACH, admin=True),
    "the teacher, other workspace": Actor(OTHER_TEAM, "U1", TEACHER, Role.TEACHER),
    "their coach, other workspace": Actor(OTHER_TEAM, "U2", COACH, Role.COACH),
    "the teacher, deactivated": Actor(TEAM, "U1", TEACHER, Role.TEACHER, active=False),
    "the teacher acting as nobody": Actor(TEAM, "U9", None, Role.TEACHER),
}


# A record of the teacher's coaching with their coach, one per kind.
def record(kind: Kind, *, shared: bool = False, size: int = 0) -> Record:
    return Record(kind, TEAM, TEACHER, COACH, shared_with_coach=shared, group_size=size)


ALL = set(ACTORS)
PAIR = {"the teacher", "their coach"}
# Who may READ each kind; everyone else is refused.
READERS: dict[str, set[str]] = {
    "profile": ALL
    - {"the teacher, other workspace", "their coach, other workspace", "the teacher, deactivated"},
    "goal_topic": PAIR | {"another coach", "a lead coach"},
    "goal": PAIR,
    "visit": PAIR,
    "debrief": PAIR,
    "note": PAIR,
    "reflection": {"the teacher"},
    "reflection shared": PAIR,
    "aggregate of 5": {"an admin", "a leader", "a lead coach"},
    "aggregate of 4": set(),
    "roster": {"an admin", "a lead coach"},
}
# Who may CHANGE each kind.
WRITERS: dict[str, set[str]] = {
    "profile": {"an admin", "a lead coach"},
    "goal_topic": {"the teacher"},
    "goal": {"the teacher"},
    "visit": PAIR,
    "debrief": PAIR,
    "note": PAIR,
    "reflection": {"the teacher"},
    "reflection shared": {"the teacher"},
    "aggregate of 5": set(),
    "aggregate of 4": set(),
    "roster": {"an admin", "a lead coach"},
}
RECORDS = {
    "profile": record(Kind.PROFILE),
    "goal_topic": record(Kind.GOAL_TOPIC),
    "goal": record(Kind.GOAL),
    "visit": record(Kind.VISIT),
    "debrief": record(Kind.DEBRIEF),
    "note": record(Kind.NOTE),
    "reflection": record(Kind.REFLECTION),
    "reflection shared": record(Kind.REFLECTION, shared=True),
    "aggregate of 5": record(Kind.AGGREGATE, size=MIN_GROUP_SIZE),
    "aggregate of 4": record(Kind.AGGREGATE, size=MIN_GROUP_SIZE - 1),
    "roster": record(Kind.ROSTER),
}

CASES = [
    (actor, what, actor in READERS[what], actor in WRITERS[what])
    for what in RECORDS
    for actor in ACTORS
]


def test_every_kind_of_record_has_a_row_in_the_table() -> None:
    assert {r.kind for r in RECORDS.values()} == set(Kind)


@pytest.mark.parametrize(("actor", "what", "reads", "writes"), CASES)
def test_policy_table(actor: str, what: str, reads: bool, writes: bool) -> None:
    assert bool(may_read(ACTORS[actor], RECORDS[what])) is reads
    assert bool(may_change(ACTORS[actor], RECORDS[what])) is writes


def test_a_refusal_carries_a_kind_message_and_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.rules.policy"):
        decision = may_read(ACTORS["a leader"], RECORDS["note"])
    assert not decision
    assert decision.message.startswith("Sorry")
    assert "refused read of note to T0COACH/U6" in caplog.text


def test_small_groups_are_explained() -> None:
    decision = may_read(ACTORS["an admin"], RECORDS["aggregate of 4"])
    assert decision.message == REFUSED_SMALL_GROUP


def test_only_admins_administer() -> None:
    assert may_administer(ACTORS["an admin"])
    assert may_administer(ACTORS["a lead coach"])
    refused = may_administer(ACTORS["their coach"])
    assert not refused and refused.message == REFUSED_ADMIN


def test_a_coach_of_the_record_who_is_not_coaching_cannot_read_as_coach() -> None:
    # A person id that matches the coach slot but whose role is no longer coach.
    former = Actor(TEAM, "U2", COACH, Role.TEACHER)
    assert not may_read(former, RECORDS["note"])
