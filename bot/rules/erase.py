"""Erasing a person: their content, what others wrote about them, and their name.

What goes: debrief notes on their debriefs and those they wrote, their answers to next steps
(and the answers to those notes), their reflections, their goals' text and student measures,
the focus, notes and reasons typed on their visits, debrief places, celebrations by or about
them, every message coachbot owes them or still plans about them, the text of messages already
sent that names them, their expertise, their access log, and their name, email and Slack id.
What stays: an anonymous row per person and per visit, goal and debrief, with kinds, minutes,
dates and school, so that aggregate figures do not change. Their person row keeps its id with
the Slack id `erased-<id>` and nothing else about them.

An erase (and a dry run, which is the same erase rolled back) returns counts; the Slack
messages coachbot posted that can be rewritten to say "removed" are returned too, so that the
caller rewrites them after the commit.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO, TypeVar

from sqlalchemy import ColumnElement, Engine, Table, and_, delete, func, or_, select, update

from bot.rules.access import ERASE, ERASED_PREFIX, record_admin
from storage.enums import OutboxStatus
from storage.models import (
    AccessEntry,
    Celebration,
    ClosedAccount,
    CoachExpertise,
    CoachingLog,
    CoachingLogTeacher,
    Debrief,
    DebriefNote,
    Goal,
    OutboxMessage,
    Person,
    Reflection,
    RetentionRun,
    SentNudge,
    Visit,
)
from storage.uow import UnitOfWork

_Row = TypeVar("_Row")
REMOVED = "(removed)"
# Rewrites a message coachbot posted: (channel, ts, message); the wiring passes chat.update.
Rewrite = Callable[[str, str, dict[str, Any]], None]
REMOVED_MESSAGE: dict[str, Any] = {
    "text": "This message was removed: the person it was about has been erased from coachbot.",
    "blocks": [],
}
# Free text shorter than this is not looked for inside other messages (it would match words).
_SHORTEST_NEEDLE = 4

# Every free-text column coachbot stores about a person, and what an erase does with it.
# tests/privacy checks that no Text or String column of the models is missing here.
FREE_TEXT: dict[str, str] = {
    "people.display_name": "emptied",
    "people.email": "emptied",
    "people.user_id": "replaced by erased-<id>",
    "people.team_name": "emptied",
    "visits.class_name": "emptied",
    "visits.focus": "emptied",
    "visits.note": "emptied",
    "visits.proposal_note": "emptied",
    "visits.decline_reason": "emptied",
    "goals.question": "emptied",
    "goals.evidence": "emptied",
    "goals.students_now": "emptied",
    "goals.students_aim": "emptied",
    "debriefs.place": "emptied",
    "debrief_notes.strengths": "row deleted",
    "debrief_notes.try_next": "row deleted",
    "debrief_notes.next_step": "row deleted",
    "next_step_answers.line": "row deleted",
    "reflections.question": "row deleted",
    "reflections.answer": "row deleted",
    "celebrations.text": "row deleted",
    "coaching_logs.note": "emptied",
    "outbox.text": "row deleted, or emptied once sent to someone else",
    "outbox.blocks": "row deleted, or emptied once sent to someone else",
    "outbox.last_error": "row deleted, or emptied once sent to someone else",
}


@dataclass
class Erased:
    """What one erase removed (counts by table and field) and the messages to rewrite."""

    counts: Counter[str] = field(default_factory=Counter)
    messages: list[tuple[str, str]] = field(default_factory=list)  # (channel, ts)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class NotFound(Exception):
    """No one, or more than one person, has that Slack id or email: `message` says which."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


NO_ONE = "No one coachbot knows has that Slack id or email."


def find_person(uow: UnitOfWork, who: str, team_id: str | None = None) -> Person:
    """The person a Slack user id or an email names; raises NotFound, or when it is ambiguous."""
    who = who.strip()
    by_email = "@" in who
    condition = func.lower(Person.email) == who.lower() if by_email else Person.user_id == who
    query = select(Person).where(condition)
    if team_id is not None:
        query = query.where(Person.team_id == team_id)
    found = list(uow.session.scalars(query.limit(2)))
    if len(found) > 1:
        raise NotFound(
            "More than one workspace has someone with that Slack id or email: add --team."
        )
    if not found or found[0].user_id.startswith(ERASED_PREFIX):
        raise NotFound(NO_ONE)
    return found[0]


def find_named(
    uow: UnitOfWork,
    out: TextIO,
    who: str,
    team_id: str | None,
    by_user_id: str | None,
    *,
    untouched: str,
) -> tuple[Person, Person | None] | None:
    """The person a `coachbot people` command names, and the admin it is run by (None when
    not named or not known); None once `out` says no one matches, and that `untouched`."""
    try:
        person = find_person(uow, who, team_id)
    except NotFound as missing:
        out.write(f"{missing.message} {untouched}\n")
        return None
    by = uow.people.get_by_user(person.team_id, by_user_id) if by_user_id else None
    return person, by


def erase_person(
    uow: UnitOfWork, person: Person, now: datetime, *, by: Person | None = None
) -> Erased:
    """Erase `person` inside `uow` (the caller commits, or rolls back for a dry run)."""
    erased = Erased()
    found = _Found.of(uow, person.id)
    needles = _needles(
        person,
        found.visits,
        found.goals,
        found.debriefs,
        found.notes,
        found.reflections,
        found.celebrations,
        found.logs,
    )
    others = found.other_teachers()
    erased.messages.extend(found.posted())
    _erase_words(uow, erased, found)
    erased.counts["outbox"] += _outbox(
        uow, erased, person, found.visits, found.goals, found.reflections, needles
    )
    uow.session.execute(delete(SentNudge).where(SentNudge.person_id == person.id))
    _forget_person(uow, erased, person.id)
    uow.session.expire_all()
    for teacher_id in others:
        teacher = uow.session.get(Person, teacher_id)
        if teacher is not None:
            record_admin(uow, by, teacher, ERASE, now)
    record_run(uow, "erase", now, now, erased.counts)
    return erased


@dataclass(frozen=True)
class TookPart:
    """The rows one person took part in, on either side: what an erase empties and an export
    lists, said once for both."""

    visits: ColumnElement[bool]  # as the teacher or the coach
    debriefs: ColumnElement[bool]
    celebrations: ColumnElement[bool]  # written by them or about them
    logs: ColumnElement[bool]  # logged by them as the coach, or with them

    @classmethod
    def of(cls, pid: int) -> TookPart:
        with_them = select(CoachingLogTeacher.log_id).where(CoachingLogTeacher.teacher_id == pid)
        return cls(
            visits=or_(Visit.teacher_id == pid, Visit.coach_id == pid),
            debriefs=or_(Debrief.teacher_id == pid, Debrief.coach_id == pid),
            celebrations=or_(Celebration.author_id == pid, Celebration.subject_id == pid),
            logs=or_(CoachingLog.coach_id == pid, CoachingLog.id.in_(with_them.scalar_subquery())),
        )


@dataclass
class _Found:
    """Every row with words by or about one person."""

    pid: int
    visits: list[Visit]
    debriefs: list[Debrief]
    goals: list[Goal]
    notes: list[DebriefNote]
    reflections: list[Reflection]
    celebrations: list[Celebration]
    logs: list[CoachingLog]

    @classmethod
    def of(cls, uow: UnitOfWork, pid: int) -> _Found:
        theirs = TookPart.of(pid)
        teaching = select(Debrief.id).where(Debrief.teacher_id == pid).scalar_subquery()
        return cls(
            pid=pid,
            visits=rows_where(uow, Visit, theirs.visits),
            debriefs=rows_where(uow, Debrief, theirs.debriefs),
            goals=rows_where(uow, Goal, Goal.teacher_id == pid),
            notes=rows_where(
                uow,
                DebriefNote,
                or_(DebriefNote.author_id == pid, DebriefNote.debrief_id.in_(teaching)),
            ),
            reflections=rows_where(uow, Reflection, Reflection.teacher_id == pid),
            celebrations=rows_where(uow, Celebration, theirs.celebrations),
            logs=rows_where(uow, CoachingLog, and_(theirs.logs, CoachingLog.note.is_not(None))),
        )

    def other_teachers(self) -> list[int]:
        """Teachers whose record loses this person's notes: told in their access log."""
        teacher_of = {d.id: d.teacher_id for d in self.debriefs}
        return sorted(
            {
                teacher_of[n.debrief_id]
                for n in self.notes
                if n.debrief_id in teacher_of and teacher_of[n.debrief_id] != self.pid
            }
        )

    def posted(self) -> list[tuple[str, str]]:
        """Messages coachbot posted about these visits and celebrations, rewritten after the
        commit."""
        places = [
            (channel, ts)
            for visit in self.visits
            for channel, ts in (
                (visit.teacher_channel, visit.teacher_ts),
                (visit.coach_channel, visit.coach_ts),
            )
        ]
        places += [(row.channel_id, row.slack_ts) for row in self.celebrations]
        return [(channel, ts) for channel, ts in places if channel and ts]


def _erase_words(uow: UnitOfWork, erased: Erased, found: _Found) -> None:
    """Delete or empty every text the person wrote or that was written about them."""
    counts = erased.counts
    # Answers to a next step go with the teacher who gave them, and with the note they answer.
    counts["next_step_answers"] = uow.next_steps.remove_for(found.pid, [n.id for n in found.notes])
    counts["debrief_notes"] = delete_ids(uow, DebriefNote, [n.id for n in found.notes])
    counts["reflections"] = delete_ids(uow, Reflection, [r.id for r in found.reflections])
    counts["celebrations"] = delete_ids(uow, Celebration, [c.id for c in found.celebrations])
    counts["goals.text"] = update_ids(
        uow,
        Goal,
        [g.id for g in found.goals],
        question="",
        evidence=None,
        students_now=None,
        students_aim=None,
    )
    counts["visits.text"] = update_ids(
        uow,
        Visit,
        [v.id for v in found.visits if v.teacher_id == found.pid],
        class_name=None,
        focus=None,
        note=None,
        proposal_note=None,
        decline_reason=None,
        teacher_channel=None,
        teacher_ts=None,
        coach_channel=None,
        coach_ts=None,
    )
    # On a coach's visits to others, only what the coach typed goes; the teacher's words stay.
    coached = [v for v in found.visits if v.teacher_id != found.pid]
    counts["visits.coach_text"] = update_ids(
        uow,
        Visit,
        [v.id for v in coached],
        decline_reason=None,
        coach_channel=None,
        coach_ts=None,
    )
    update_ids(
        uow,
        Visit,
        [v.id for v in coached if v.proposed_by == "coach"],
        proposal_note=None,
    )
    # Coaching a coach logged: the note goes, whether they wrote it or it was to them; the
    # kind, day and minutes stay for the aggregates.
    counts["coaching_logs.note"] = update_ids(
        uow, CoachingLog, [row.id for row in found.logs], note=None
    )
    counts["debriefs.place"] = update_ids(uow, Debrief, [d.id for d in found.debriefs], place=None)


def _forget_person(uow: UnitOfWork, erased: Erased, pid: int) -> None:
    """The person's own row, settings and traces: an anonymous row the counts still need."""
    s = uow.session
    erased.counts["access_log"] = uow.access.remove_for_teacher(pid)
    s.execute(
        update(table_of(AccessEntry)).where(AccessEntry.viewer_id == pid).values(viewer_id=None)
    )
    erased.counts["coach_expertise"] = _count_delete(
        uow, delete(table_of(CoachExpertise)).where(CoachExpertise.person_id == pid)
    )
    _count_delete(uow, delete(table_of(ClosedAccount)).where(ClosedAccount.person_id == pid))
    erased.counts["office_hours"] = uow.office_hours.forget(pid)
    s.execute(
        update(table_of(Person))
        .where(Person.assigned_coach_id == pid)
        .values(assigned_coach_id=None)
    )
    s.execute(
        update(table_of(Person))
        .where(Person.id == pid)
        .values(
            user_id=f"{ERASED_PREFIX}{pid}",
            display_name="",
            email=None,
            team_name=None,
            plc_channel_id=None,
            assigned_coach_id=None,
            active=False,
            synced_at=None,
            prompts_stopped=True,
            share_wins="never",
        )
    )
    erased.counts["people"] = 1


def record_run(
    uow: UnitOfWork, reason: str, started: datetime, finished: datetime, counts: Counter[str]
) -> None:
    """Keep what was removed, counts only."""
    uow.session.add(
        RetentionRun(
            reason=reason,
            started_at=started,
            finished_at=finished,
            counts=json.dumps(dict(sorted(counts.items()))),
        )
    )
    uow.session.flush()


# --------------------------------------------------------------------------- the command


def run_erase_command(
    uow_factory: Callable[[], UnitOfWork],
    engine: Engine,
    who: str,
    now: datetime,
    out: TextIO,
    *,
    dry_run: bool = False,
    team_id: str | None = None,
    by_user_id: str | None = None,
    rewrite: Rewrite | None = None,
) -> int:
    """`coachbot people erase PERSON [--dry-run]`: 0 when done (or shown), 1 when not found.

    `rewrite(channel, ts, message)` updates a message coachbot posted; it is called only
    after the erase is committed.
    """
    with uow_factory() as uow:
        named = find_named(uow, out, who, team_id, by_user_id, untouched="Nothing was changed.")
        if named is None:
            return 1
        person, by = named
        erased = erase_person(uow, person, now, by=by)
        if dry_run:
            out.write(f"Would erase person {person.id}:\n")
        else:
            uow.commit()
            out.write(f"Erased person {person.id}:\n")
        for name, count in sorted(erased.counts.items()):
            out.write(f"  {name}: {count}\n")
        out.write(f"  Slack messages to rewrite as removed: {len(erased.messages)}\n")
    if dry_run:
        out.write("Dry run: nothing was changed.\n")
        return 0
    if rewrite is not None:
        for channel, ts in erased.messages:
            rewrite(channel, ts, REMOVED_MESSAGE)
    compact(engine)
    return 0


def compact(engine: Engine) -> None:
    """Leave no deleted text in a SQLite file: fold the write-ahead log in, then rewrite the
    file without its free pages. PostgreSQL needs nothing: a dump or a read no longer sees the
    rows, and its own vacuum reuses their space."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql("VACUUM")
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


# --------------------------------------------------------------------------- helpers


def table_of(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def rows_where(uow: UnitOfWork, model: type[_Row], condition: Any, *order: Any) -> list[_Row]:
    """Every row of `model` that meets `condition`, in `order` (none given: any order)."""
    return list(uow.session.scalars(select(model).where(condition).order_by(*order)).unique())


def _chunks(ids: Sequence[int], size: int = 500) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def delete_ids(uow: UnitOfWork, model: type[Any], ids: Sequence[int]) -> int:
    table = table_of(model)
    removed = 0
    for chunk in _chunks(ids):
        removed += _count_delete(uow, delete(table).where(table.c.id.in_(chunk)))
    return removed


def update_ids(uow: UnitOfWork, model: type[Any], ids: Sequence[int], **values: Any) -> int:
    table = table_of(model)
    changed = 0
    for chunk in _chunks(ids):
        result = uow.session.execute(update(table).where(table.c.id.in_(chunk)).values(**values))
        changed += int(getattr(result, "rowcount", 0))
    return changed


def _count_delete(uow: UnitOfWork, statement: Any) -> int:
    return int(getattr(uow.session.execute(statement), "rowcount", 0))


def _needles(person: Person, *groups: Sequence[Any]) -> set[str]:
    """The words to look for in messages already written: what this erase removes."""
    found = {person.user_id, person.display_name or "", person.email or ""}
    for rows in groups:
        for row in rows:
            for column in table_of(type(row)).columns:
                key = f"{column.table.name}.{column.name}"
                if key in FREE_TEXT and not key.startswith("outbox."):
                    value = getattr(row, column.key)
                    if isinstance(value, str):
                        found.add(value)
    return {n.strip() for n in found if len(n.strip()) >= _SHORTEST_NEEDLE}


def _outbox(
    uow: UnitOfWork,
    erased: Erased,
    person: Person,
    visits: Sequence[Visit],
    goals: Sequence[Goal],
    reflections: Sequence[Reflection],
    needles: set[str],
) -> int:
    """Messages to them go; messages planned about them go; sent ones naming them are emptied."""
    refs = (
        {f"visit:{v.id}" for v in visits}
        | {f"goal:{g.id}" for g in goals}
        | {f"reflection:{r.id}" for r in reflections}
    )
    counterparts = {v.coach_id for v in visits} | {v.teacher_id for v in visits}
    counterparts.discard(person.id)
    candidates = uow.session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.person_id,
            OutboxMessage.ref,
            OutboxMessage.status,
            OutboxMessage.text,
            OutboxMessage.blocks,
            OutboxMessage.last_error,
            OutboxMessage.slack_channel,
            OutboxMessage.slack_ts,
        ).where(
            or_(
                OutboxMessage.person_id == person.id,
                OutboxMessage.person_id.in_(sorted(counterparts)),
                OutboxMessage.person_id.is_(None),
            )
        )
    )
    gone: list[int] = []
    emptied: list[int] = []
    for row_id, to, ref, status, text, blocks, error, channel, ts in candidates:
        about = ref is not None and any(ref == r or ref.startswith(f"{r}:") for r in refs)
        names = any(n in (text or "") or n in (blocks or "") or n in (error or "") for n in needles)
        if to == person.id or (status == OutboxStatus.PENDING and (about or names)):
            gone.append(row_id)
        elif about or names:
            emptied.append(row_id)
        else:
            continue
        if status == OutboxStatus.SENT and channel and ts and (to == person.id or about):
            erased.messages.append((channel, ts))
    table = table_of(OutboxMessage)
    removed = delete_ids(uow, OutboxMessage, gone)
    for chunk in _chunks(emptied):
        uow.session.execute(
            update(table)
            .where(table.c.id.in_(chunk))
            .values(text=REMOVED, blocks=None, last_error=None)
        )
    erased.counts["outbox.emptied"] = len(emptied)
    return removed
