"""Who has seen a teacher's coaching record: written as the reads happen, shown to the teacher.

Every read bot/rules/policy.py allows of a teacher's goals, cycle stories, debrief notes or
shared reflections, by anyone but that teacher, is told to the watcher a unit of work installs
with `watching(uow, path, now)`; when the watched block ends the reads are added to the same
transaction, so the log is saved exactly when the read's transaction is. An admin's export or
erase of a teacher is added with `record_admin`. Reads of counts (admins, leaders) never reach
here: the policy gives them no teacher's record.

A reader who opens the same thing the same way again within DEDUPE_WINDOW is not logged again:
a coach's Home is rebuilt on every change, and a log that repeats itself hides what matters.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from bot.rules.policy import READ_WATCHER, Actor, Kind, Record
from storage.models import AccessEntry, Goal, Person
from storage.uow import UnitOfWork

DEDUPE_WINDOW = timedelta(hours=1)
# The teacher's Home shows this much; a button opens the rest.
RECENT_DAYS = 30
RECENT_SHOWN = 100  # a bound on what a Home reads; it shows fewer, then "and N more"

# The kinds of record whose reads the teacher is shown, and the word the log keeps for each.
LOGGED: dict[Kind, str] = {
    Kind.GOAL: "goal",
    Kind.NOTE: "note",
    Kind.REFLECTION: "reflection",
}
EXPORT = "export"
ERASE = "erase"
# A person erased keeps a row with no name, so that counts stay right; its Slack id says so.
ERASED_PREFIX = "erased-"


class Path(StrEnum):
    """Through what a record was read: the screen or command, never what was on it."""

    HOME = "home"
    CASELOAD = "caseload"
    GOAL_STORY = "goal story"
    REFLECTIONS = "reflections"
    DAILY_LIST = "daily list"
    EXPORT = "export"
    ERASE = "erase"


_PATH_WORDS = {
    Path.HOME: "on their Home",
    Path.CASELOAD: "in their list of teachers",
    Path.GOAL_STORY: "in your goals' story",
    Path.REFLECTIONS: "in your shared reflections",
    Path.DAILY_LIST: "in their daily visit list",
    Path.EXPORT: "with `coachbot people export`",
    Path.ERASE: "with `coachbot people erase`",
}
_ROLE_WORDS = {"coach": "your coach", "admin": "coachbot admin", "colleague": "a colleague"}

_Key = tuple[str, int, int | None, str, int | None, str]  # team, teacher, viewer, kind, goal, path


@dataclass
class Watch:
    """The reads one watched block was allowed, each once."""

    path: str
    now: datetime
    seen: dict[_Key, str] = field(default_factory=dict)  # key -> the reader's role

    def saw(self, actor: Actor, record: Record) -> None:
        kind = LOGGED.get(record.kind)
        if kind is None or record.teacher_id is None or actor.person_id == record.teacher_id:
            return
        role = "coach" if actor.coaches and actor.person_id == record.coach_id else "colleague"
        key = (record.team_id, record.teacher_id, actor.person_id, kind, record.goal_id, self.path)
        self.seen.setdefault(key, role)

    def entries(self, uow: UnitOfWork) -> list[AccessEntry]:
        """What is new since the same reads were last logged, as rows to add."""
        if not self.seen:
            return []
        teachers = sorted({key[1] for key in self.seen})
        logged = uow.access.recent_keys(teachers, self.now - DEDUPE_WINDOW)
        return [
            AccessEntry(
                team_id=team_id,
                teacher_id=teacher_id,
                viewer_id=viewer_id,
                viewer_role=role,
                kind=kind,
                goal_id=goal_id,
                path=path,
                at=self.now,
            )
            for (team_id, teacher_id, viewer_id, kind, goal_id, path), role in self.seen.items()
            if (teacher_id, viewer_id, kind, goal_id, path) not in logged
        ]


@contextmanager
def watching(uow: UnitOfWork, path: Path, now: datetime) -> Iterator[Watch]:
    """Log every read of a teacher's record the policy allows inside the block, by anyone
    but that teacher (one reader, or many: a job building every coach's daily list).

    The rows join `uow`'s transaction when the block ends normally; the caller commits them
    with whatever else it saves (a read-only caller commits for them). A block that fails
    logs nothing, as it showed nothing.
    """
    watch = Watch(path.value, now)
    token = READ_WATCHER.set(watch.saw)
    try:
        yield watch
    finally:
        READ_WATCHER.reset(token)
    uow.access.add_all(watch.entries(uow))


def record_admin(
    uow: UnitOfWork, admin: Person | None, teacher: Person, kind: str, now: datetime
) -> None:
    """An admin exported or erased (part of) `teacher`'s record: always logged, never merged."""
    path = Path.EXPORT if kind == EXPORT else Path.ERASE
    uow.access.add_all(
        [
            AccessEntry(
                team_id=teacher.team_id,
                teacher_id=teacher.id,
                viewer_id=admin.id if admin is not None else None,
                viewer_role="admin",
                kind=kind,
                goal_id=None,
                path=path.value,
                at=now,
            )
        ]
    )


# --------------------------------------------------------------------------- what the teacher sees


@dataclass(frozen=True)
class AccessLine:
    """One read of the teacher's record, in words: who, what, through what, and when."""

    at: datetime
    who: str
    role: str
    what: str
    path: str


def lines_for(
    uow: UnitOfWork, teacher: Person, *, since: datetime | None = None, limit: int | None = None
) -> list[AccessLine]:
    """The reads of `teacher`'s own record, newest first. Only ever for that teacher."""
    entries = uow.access.list_for_teacher(teacher.id, since=since, limit=limit)
    people = _by_id(uow, Person, {e.viewer_id for e in entries if e.viewer_id is not None})
    goals = _by_id(uow, Goal, {e.goal_id for e in entries if e.goal_id is not None})
    lines = []
    for entry in entries:
        viewer = people.get(entry.viewer_id) if entry.viewer_id is not None else None
        goal = goals.get(entry.goal_id) if entry.goal_id is not None else None
        lines.append(
            AccessLine(
                at=entry.at,
                who=_name(viewer, entry.viewer_role),
                role=_ROLE_WORDS.get(entry.viewer_role, entry.viewer_role),
                what=_what(entry.kind, goal, opened=entry.path in _OPENED),
                path=_PATH_WORDS[Path(entry.path)] if entry.path in _PATHS else "",
            )
        )
    return lines


_PATHS = {p.value for p in Path}
# Screens a reader asks for; the others (Home, a daily list) are built for them unasked.
_OPENED = {Path.GOAL_STORY.value, Path.REFLECTIONS.value}
_Row = TypeVar("_Row", Person, Goal)


def _by_id(uow: UnitOfWork, model: type[_Row], ids: set[int]) -> dict[int, _Row]:
    found: dict[int, _Row] = {}
    for row_id in ids:
        row = uow.session.get(model, row_id)
        if row is not None:
            found[row_id] = row
    return found


def _name(viewer: Person | None, role: str) -> str:
    if viewer is None or viewer.user_id.startswith(ERASED_PREFIX):
        return "A coachbot admin" if role == "admin" else "Someone no longer on coachbot"
    return viewer.display_name or viewer.user_id


def _what(kind: str, goal: Goal | None, *, opened: bool) -> str:
    """What was read, in words; a screen built for the reader (their Home, a daily list) says
    "saw", one they asked for says "opened"."""
    topic = _topic(goal)
    verb = "opened" if opened else "saw"
    match kind:
        case "goal":
            return f"{verb} your cycle on {topic}" if topic else f"{verb} your goals"
        case "note":
            if topic:
                return f"{verb} the debrief notes of your cycle on {topic}"
            return f"{verb} your debrief notes"
        case "reflection":
            return f"{verb} a reflection you shared"
        case "export":
            return "exported your coaching record"
        case "erase":
            return "erased part of your coaching record"
    return "read your coaching record"


def _topic(goal: Goal | None) -> str:
    if goal is None or not goal.question:
        return ""
    return goal.focus_area or goal.question
