"""Everything coachbot holds about one person, as JSON (schema in docs/privacy.md) and Markdown.

A teacher's export holds their profile and settings, their goals with each cycle's visits,
debriefs and the notes both sides wrote, their answers to check-backs on next steps, all their
reflections (shared or not), celebrations by or about them, the messages coachbot sent them,
and who has seen their record. A coach's holds the same of their own, plus the visits and
debriefs they ran and the notes they wrote, naming each teacher by Slack id, but never another
teacher's reflection or notes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, TextIO

from bot.rules.access import EXPORT, lines_for, record_admin
from bot.rules.erase import TookPart, find_named, rows_where
from storage.models import (
    Celebration,
    CoachingLog,
    Debrief,
    DebriefNote,
    Goal,
    NextStepAnswer,
    OutboxMessage,
    Person,
    Reflection,
    Visit,
)
from storage.uow import UnitOfWork

SCHEMA = "coachbot-export/1"
_PROFILE = (
    "user_id",
    "display_name",
    "email",
    "timezone",
    "role",
    "active",
    "team_name",
    "plc_channel_id",
    "weekly_capacity",
    "daily_list_at",
    "daily_list_when_empty",
    "prompts_stopped",
    "prompts_paused_until",
    "weekly_nudge_cap",
    "share_wins",
)
_VISIT = (
    "id",
    "starts_at",
    "ends_at",
    "status",
    "support_type",
    "class_name",
    "focus",
    "note",
    "proposed_starts_at",
    "proposed_by",
    "proposal_note",
    "decline_reason",
    "outcome",
    "logged_support_type",
    "goal_id",
)
_GOAL = (
    "id",
    "question",
    "focus_area",
    "evidence",
    "students_now",
    "students_aim",
    "target_date",
    "status",
    "created_at",
    "closed_at",
)
_DEBRIEF = ("id", "visit_id", "starts_at", "ends_at", "place")
_NOTE = ("debrief_id", "strengths", "try_next", "next_step", "check_back_on", "updated_at")
_ANSWER = ("note_id", "kind", "asked_on", "line", "remind_on", "answered_at")
_REFLECTION = (
    "id",
    "visit_id",
    "debrief_id",
    "question",
    "answer",
    "shared_with_coach",
    "answered_at",
)
_LOG = ("id", "on_day", "minutes", "support_type", "goal_id", "note")
_CELEBRATION = ("id", "text", "status", "channel_id", "created_at", "posted_at")


@dataclass
class _Held:
    """Everything coachbot holds by or about one person, in the order an export lists it."""

    visits: list[Visit]
    debriefs: list[Debrief]
    notes: list[DebriefNote]
    answers: list[NextStepAnswer]  # the person's own answers to check-backs on next steps
    goals: list[Goal]
    reflections: list[Reflection]
    celebrations: list[Celebration]
    logs: list[CoachingLog]
    messages: list[OutboxMessage]


def _held(uow: UnitOfWork, pid: int) -> _Held:
    theirs = TookPart.of(pid)
    visits = rows_where(uow, Visit, theirs.visits, Visit.starts_at, Visit.id)
    debriefs = rows_where(uow, Debrief, theirs.debriefs, Debrief.starts_at, Debrief.id)
    teaching = {d.id for d in debriefs if d.teacher_id == pid}
    # Notes both sides wrote on the person's own debriefs; on others', only the person's own.
    on_debriefs = DebriefNote.debrief_id.in_([d.id for d in debriefs])
    notes = [
        n
        for n in rows_where(uow, DebriefNote, on_debriefs, DebriefNote.created_at, DebriefNote.id)
        if n.debrief_id in teaching or n.author_id == pid
    ]
    answers = rows_where(
        uow,
        NextStepAnswer,
        NextStepAnswer.teacher_id == pid,
        NextStepAnswer.answered_at,
        NextStepAnswer.id,
    )
    goals = rows_where(uow, Goal, Goal.teacher_id == pid, Goal.created_at)
    reflections = rows_where(
        uow, Reflection, Reflection.teacher_id == pid, Reflection.created_at, Reflection.id
    )
    celebrations = rows_where(
        uow, Celebration, theirs.celebrations, Celebration.created_at, Celebration.id
    )
    logs = rows_where(uow, CoachingLog, theirs.logs, CoachingLog.on_day, CoachingLog.id)
    messages = rows_where(
        uow, OutboxMessage, OutboxMessage.person_id == pid, OutboxMessage.due_at, OutboxMessage.id
    )
    return _Held(visits, debriefs, notes, answers, goals, reflections, celebrations, logs, messages)


def export_person(uow: UnitOfWork, person: Person, now: datetime) -> dict[str, Any]:
    """The whole record of `person`, as plain JSON values."""
    names = _Names(uow)
    held = _held(uow, person.id)
    return {
        "schema": SCHEMA,
        "exported_at": _value(now),
        "profile": {
            **_fields(person, _PROFILE),
            "school": person.school.name if person.school is not None else None,
            "assigned_coach": names.user(person.assigned_coach_id),
            "expertise": person.areas,
        },
        "goals": [{**_fields(g, _GOAL), "coach": names.user(g.coach_id)} for g in held.goals],
        "visits": [
            {
                **_fields(v, _VISIT),
                "teacher": names.user(v.teacher_id),
                "coach": names.user(v.coach_id),
            }
            for v in held.visits
        ],
        "debriefs": [
            {
                **_fields(d, _DEBRIEF),
                "teacher": names.user(d.teacher_id),
                "coach": names.user(d.coach_id),
            }
            for d in held.debriefs
        ],
        "notes": [{**_fields(n, _NOTE), "author": names.user(n.author_id)} for n in held.notes],
        "next_step_answers": [_fields(a, _ANSWER) for a in held.answers],
        "reflections": [
            {**_fields(r, _REFLECTION), "coach": names.user(r.coach_id)} for r in held.reflections
        ],
        "celebrations": [
            {
                **_fields(c, _CELEBRATION),
                "author": names.user(c.author_id),
                "about": names.user(c.subject_id),
            }
            for c in held.celebrations
        ],
        "coaching_logs": [
            {
                **_fields(log, _LOG),
                "coach": names.user(log.coach_id),
                "teachers": [names.user(t.teacher_id) for t in log.teachers],
            }
            for log in held.logs
        ],
        "office_hours": _office_hours(uow, person),
        "messages": [
            {
                "kind": m.kind,
                "status": m.status.value,
                "due_at": _value(m.due_at),
                "sent_at": _value(m.sent_at),
                "text": m.text,
            }
            for m in held.messages
        ],
        "access_log": [
            {
                "at": _value(line.at),
                "who": line.who,
                "role": line.role,
                "what": line.what,
                "through": line.path,
            }
            for line in lines_for(uow, person)
        ],
    }


def _office_hours(uow: UnitOfWork, person: Person) -> dict[str, Any]:
    """A coach's office hours and days out; empty for anyone who never set them."""
    minutes, windows = uow.office_hours.hours_and_windows(person.id)
    return {
        "visit_minutes": minutes,
        "windows": [
            {"weekday": weekday, "starts": _value(starts), "ends": _value(ends)}
            for weekday, starts, ends in windows
        ],
        "days_out": [
            _value(day) for day in uow.office_hours.days_out(person.id, date.min, date.max)
        ],
    }


def to_json(record: dict[str, Any]) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def to_markdown(record: dict[str, Any]) -> str:
    """The same record as a document a person can read."""
    profile = record["profile"]
    out = [
        f"# Your coachbot record: {profile['display_name'] or profile['user_id']}",
        "",
        f"Exported {record['exported_at']} (schema {record['schema']}). "
        "Everything coachbot holds about you is here, and in the JSON file beside it.",
        "",
        "## Profile and settings",
        "",
        *(f"- {key.replace('_', ' ')}: {_show(value)}" for key, value in profile.items()),
    ]
    sections = (
        ("Goals", "goals", ("question", "focus_area", "status", "evidence", "created_at")),
        ("Visits", "visits", ("starts_at", "teacher", "coach", "support_type", "focus", "note")),
        ("Debriefs", "debriefs", ("starts_at", "teacher", "coach", "place")),
        ("Debrief notes", "notes", ("author", "strengths", "try_next", "next_step")),
        ("Answers to next steps", "next_step_answers", ("answered_at", "kind", "line")),
        ("Reflections", "reflections", ("question", "answer", "shared_with_coach")),
        ("Celebrations", "celebrations", ("author", "about", "text", "status")),
        (
            "Coaching logged",
            "coaching_logs",
            ("on_day", "coach", "support_type", "minutes", "note"),
        ),
        ("Messages coachbot sent you", "messages", ("kind", "sent_at", "text")),
    )
    for title, key, shown in sections:
        out += ["", f"## {title}", ""]
        rows = record[key]
        if not rows:
            out.append("None.")
        for row in rows:
            out.append("- " + "; ".join(f"{k.replace('_', ' ')}: {_show(row[k])}" for k in shown))
    out += ["", "## Who has seen your coaching record", ""]
    if not record["access_log"]:
        out.append("No one but you.")
    for line in record["access_log"]:
        out.append(
            f"- {line['at']}: {line['who']} ({line['role']}) {line['what']} {line['through']}"
        )
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- the commands


# Hands a finished export to the person: (person, file name, content) -> sent?
Deliver = Callable[[Person, str, str], bool]


def file_names(person: Person, now: datetime) -> tuple[str, str]:
    stem = f"coachbot-record-{person.user_id}-{now.date().isoformat()}"
    return f"{stem}.json", f"{stem}.md"


def export_own(uow: UnitOfWork, person: Person, now: datetime) -> tuple[dict[str, str], int]:
    """A person's own export (`/coachbot my data`): {file name: content}; not logged."""
    record = export_person(uow, person, now)
    json_name, md_name = file_names(person, now)
    return {json_name: to_json(record), md_name: to_markdown(record)}, _size(record)


def run_export_command(
    uow_factory: Callable[[], UnitOfWork],
    who: str,
    now: datetime,
    out: TextIO,
    write: Callable[[str, str], None],
    *,
    team_id: str | None = None,
    by_user_id: str | None = None,
) -> int:
    """`coachbot people export PERSON`: both files handed to `write(name, content)`, and the
    export recorded in that person's access log. 0 when done, 1 when no one matches."""
    with uow_factory() as uow:
        named = find_named(uow, out, who, team_id, by_user_id, untouched="Nothing was exported.")
        if named is None:
            return 1
        person, by = named
        files, rows = export_own(uow, person, now)
        record_admin(uow, by, person, EXPORT, now)
        uow.commit()
    for name, content in files.items():
        write(name, content)
    out.write(f"Exported person {person.id}: {rows} records in {', '.join(files)}.\n")
    out.write("The export is recorded in that person's access log.\n")
    return 0


# --------------------------------------------------------------------------- helpers


class _Names:
    """Slack ids of the other people in a record, each looked up once."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.known: dict[int, str | None] = {}

    def user(self, person_id: int | None) -> str | None:
        if person_id is None:
            return None
        if person_id not in self.known:
            row = self.uow.session.get(Person, person_id)
            self.known[person_id] = row.user_id if row is not None else None
        return self.known[person_id]


def _fields(row: object, names: Iterable[str]) -> dict[str, Any]:
    return {name: _value(getattr(row, name)) for name in names}


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if hasattr(value, "value") and isinstance(value.value, str):
        return value.value
    return value


def _show(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "-"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value).replace("\n", " ")


def _size(record: dict[str, Any]) -> int:
    return sum(len(v) for v in record.values() if isinstance(v, list))
