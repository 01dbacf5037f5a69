"""Roster files: read, check, plan, apply and export, all or nothing unless told otherwise."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from bot.rules.domain import DEFAULT_WEEKLY_CAPACITY, Role, parse_role
from bot.rules.people import Directory, SlackProfile, sync_person
from storage.models import CoachExpertise, Person
from storage.uow import UnitOfWork

COLUMNS = (
    "slack_user_id",
    "email",
    "name",
    "role",
    "school",
    "team",
    "plc_channel",
    "assigned_coach",
    "expertise",
    "weekly_capacity",
)
# Other spellings a district's spreadsheet may use for the same column.
ALIASES = {
    "user_id": "slack_user_id",
    "slack_id": "slack_user_id",
    "user": "slack_user_id",
    "e-mail": "email",
    "grade": "team",
    "grade_team": "team",
    "plc": "plc_channel",
    "plc_channel_id": "plc_channel",
    "coach": "assigned_coach",
    "capacity": "weekly_capacity",
}
USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_T = TypeVar("_T")


@dataclass(frozen=True)
class RosterRow:
    """One checked line: None in a field means the file leaves it as it is."""

    line: int
    profile: SlackProfile
    role: Role | None
    school: str | None
    team: str | None
    plc_channel: str | None
    coach_user_id: str | None
    expertise: tuple[str, ...] | None
    weekly_capacity: int | None


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class Change:
    user_id: str
    name: str
    new: bool
    fields: tuple[tuple[str, str, str], ...]  # (field, before, after)

    def __str__(self) -> str:
        what = ", ".join(f"{f} {b or '-'} -> {a or '-'}" for f, b, a in self.fields)
        return f"{'add' if self.new else 'change'} {self.name} ({self.user_id}): {what}"


@dataclass
class RosterReport:
    problems: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    applied: bool = False

    def lines(self) -> list[str]:
        out = [str(p) for p in self.problems]
        out += [str(c) for c in self.changes]
        out.append(
            f"{len(self.changes)} to change, {self.unchanged} unchanged, "
            f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
        )
        return out


def import_roster(
    uow: UnitOfWork,
    directory: Directory,
    team_id: str,
    text: str,
    now: datetime,
    *,
    areas: Sequence[str],
    dry_run: bool = False,
    skip_invalid: bool = False,
) -> RosterReport:
    """Check every line, then apply them all; with any problem apply nothing unless skip_invalid."""
    rows, problems = read_roster(uow, directory, team_id, text, areas=areas)
    report = RosterReport(problems=problems)
    for row in rows:
        change = _diff(uow, team_id, row)
        if change is None:
            report.unchanged += 1
        else:
            report.changes.append(change)
    if dry_run or (problems and not skip_invalid):
        return report
    for row in rows:
        _apply(uow, team_id, row, now)
    report.applied = True
    return report


# The header, then each line's cells, then each person: three short passes over one file.
def read_roster(  # noqa: C901
    uow: UnitOfWork, directory: Directory, team_id: str, text: str, *, areas: Sequence[str]
) -> tuple[list[RosterRow], list[Problem]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    names = next(reader, None)
    if not names or not any(n.strip() for n in names):
        return [], [Problem(1, "the file is empty; the first line should name the columns")]
    header = [_column(name) for name in names]
    unknown = [name for name, column in zip(names, header, strict=True) if column not in COLUMNS]
    if unknown:
        listed = ", ".join(repr(n) for n in unknown)
        return [], [Problem(1, f"unknown column {listed}; use {', '.join(COLUMNS)}")]
    if "slack_user_id" not in header and "email" not in header:
        return [], [Problem(1, "the file needs a slack_user_id or an email column")]

    check = _FileCheck(uow, directory, team_id, {a.lower(): a for a in areas})
    rows: list[RosterRow] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    raw_rows: list[tuple[int, dict[str, str]]] = []
    last_line = reader.line_num
    for values in reader:
        # A quoted cell may span lines, so a row starts just after the previous one ended.
        line_no, last_line = last_line + 1, reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            problems.append(Problem(line_no, f"{len(values)} cells but {len(header)} columns"))
            continue
        cells = {column: value.strip() for column, value in zip(header, values, strict=False)}
        raw_rows.append((line_no, cells))

    resolved: list[tuple[int, dict[str, str], SlackProfile]] = []
    for line_no, cells in raw_rows:
        profile, reason = _resolve_person(check, cells)
        if profile is None:
            problems.append(Problem(line_no, reason))
            continue
        if profile.user_id in seen:
            problems.append(
                Problem(line_no, f"duplicate of line {seen[profile.user_id]} ({profile.user_id})")
            )
            continue
        seen[profile.user_id] = line_no
        role = parse_role(cells.get("role", "")) if cells.get("role") else None
        if role is not None:
            check.file_roles[profile.user_id] = role
        resolved.append((line_no, cells, profile))

    for line_no, cells, profile in resolved:
        row, reason = _check_row(check, line_no, cells, profile)
        if row is None:
            problems.append(Problem(line_no, reason))
        else:
            rows.append(row)
    problems.sort(key=lambda p: p.line)
    return rows, problems


def _column(name: str) -> str:
    key = "_".join(name.strip().lower().replace("-", "_").split())
    return ALIASES.get(key, key)


@dataclass(frozen=True)
class _PersonColumn:
    """A column that names a person: how it must look, and what Slack knows them by."""

    name: str
    pattern: re.Pattern[str]
    what: str
    known_by: str


# The columns that name a person, the first one filled in counting.
_PERSON_COLUMNS = (
    _PersonColumn("slack_user_id", USER_ID, "a Slack user id (like U012ABCDEF)", "id"),
    _PersonColumn("email", EMAIL, "an email address", "email"),
)


@dataclass
class _FileCheck:
    """What checking one file's lines needs: the database, Slack, and what the file says."""

    uow: UnitOfWork
    directory: Directory
    team_id: str
    known_areas: dict[str, str]  # the district's areas of expertise, by lower-case name
    # Roles in the file count when checking assigned coaches, wherever the coach's line is.
    file_roles: dict[str, Role] = field(default_factory=dict)
    lookups: dict[str, SlackProfile | None] = field(default_factory=dict)  # Slack asked once

    def lookup(self, key: str) -> SlackProfile | None:
        """Whom Slack knows by this user id or email; each asked about once a file."""
        if key not in self.lookups:
            self.lookups[key] = (
                self.directory.lookup_email(key) if "@" in key else self.directory.user_info(key)
            )
        return self.lookups[key]


def _resolve_person(check: _FileCheck, cells: dict[str, str]) -> tuple[SlackProfile | None, str]:
    column = next((c for c in _PERSON_COLUMNS if cells.get(c.name)), None)
    if column is None:
        return None, "give a slack_user_id or an email"
    key = cells[column.name]
    if not column.pattern.fullmatch(key):
        return None, f"{key!r} is not {column.what}"
    profile = check.lookup(key)
    if profile is None:
        return None, f"no Slack user has the {column.known_by} {key}"
    if profile.is_bot:
        return None, f"{profile.display_name} is a bot, not a person"
    if profile.deleted:
        return None, f"{profile.display_name}'s Slack account is deactivated"
    return profile, ""


# One early return per column that can be wrong, in the order the file's columns are read.
def _check_row(
    check: _FileCheck, line_no: int, cells: dict[str, str], profile: SlackProfile
) -> tuple[RosterRow | None, str]:
    """The row, or every problem of the line at once ("; " between them), so one pass over
    the file is enough to fix it."""
    problems: list[str] = []

    def take(found: tuple[_T, str | None]) -> _T:
        value, problem = found
        if problem:
            problems.append(problem)
        return value

    role = take(_role_of(cells))
    plc = take(_plc_of(cells))
    expertise = take(_expertise_of(cells, check.known_areas))
    capacity = take(_capacity_of(cells))
    coach_user_id = take(_assigned_coach_of(check, cells, profile))
    school = cells.get("school") or None
    team = cells.get("team") or None
    for label, value in (("school", school), ("team", team)):
        if value is not None and len(value) > 200:
            problems.append(f"the {label} name is longer than 200 characters")
    if problems:
        return None, "; ".join(problems)
    return (
        RosterRow(
            line=line_no,
            profile=profile,
            role=role,
            school=school,
            team=team,
            plc_channel=plc,
            coach_user_id=coach_user_id,
            expertise=expertise,
            weekly_capacity=capacity,
        ),
        "",
    )


def _role_of(cells: dict[str, str]) -> tuple[Role | None, str | None]:
    role_text = cells.get("role", "")
    role = parse_role(role_text) if role_text else None
    if role_text and role is None:
        return None, (
            f"unknown role {role_text!r} (use teacher, coach, lead coach, admin or leader)"
        )
    return role, None


def _plc_of(cells: dict[str, str]) -> tuple[str | None, str | None]:
    plc = cells.get("plc_channel", "").lstrip("#") or None
    if plc is not None and not CHANNEL_ID.fullmatch(plc):
        return None, (
            f"PLC channel {plc!r} is not a channel id (like C012ABCDEF; "
            "copy it from the bottom of the channel's About tab)"
        )
    return plc, None


def _expertise_of(
    cells: dict[str, str], known_areas: dict[str, str]
) -> tuple[tuple[str, ...] | None, str | None]:
    if not cells.get("expertise"):
        return None, None
    wanted = [a.strip() for a in re.split(r"[;|]", cells["expertise"]) if a.strip()]
    unknown = [a for a in wanted if a.lower() not in known_areas]
    if unknown:
        return None, (
            f"unknown expertise {', '.join(repr(a) for a in unknown)} "
            f"(known: {', '.join(known_areas.values())})"
        )
    return tuple(sorted({known_areas[a.lower()] for a in wanted})), None


def _capacity_of(cells: dict[str, str]) -> tuple[int | None, str | None]:
    text = cells.get("weekly_capacity")
    if not text:
        return None, None
    if not text.isdigit() or not 1 <= int(text) <= 40:
        return None, f"weekly capacity {text!r} should be a whole number from 1 to 40"
    return int(text), None


def _assigned_coach_of(
    check: _FileCheck, cells: dict[str, str], profile: SlackProfile
) -> tuple[str | None, str | None]:
    key = cells.get("assigned_coach")
    if not key:
        return None, None
    if "@" not in key and not USER_ID.fullmatch(key):
        return None, f"assigned coach {key!r} should be a Slack user id or an email"
    coach = check.lookup(key)
    if coach is None:
        return None, f"no Slack user for the assigned coach {key}"
    if coach.user_id == profile.user_id:
        return None, "a person cannot be their own coach"
    coach_role = check.file_roles.get(coach.user_id)
    if coach_role is None:
        existing = check.uow.people.get_by_user(check.team_id, coach.user_id)
        coach_role = Role(existing.role) if existing else None
    if coach_role is None or not coach_role.coaches:
        return None, f"assigned coach {key} is not a coach (give them the coach role first)"
    return coach.user_id, None


def _current(uow: UnitOfWork, person: Person | None) -> dict[str, str]:
    if person is None:
        return {}
    coach = uow.people.get(person.assigned_coach_id) if person.assigned_coach_id else None
    return {
        "role": person.role,
        "school": person.school.name if person.school else "",
        "team": person.team_name or "",
        "plc_channel": person.plc_channel_id or "",
        "assigned_coach": coach.user_id if coach else "",
        "expertise": "; ".join(person.areas),
        "weekly_capacity": str(person.weekly_capacity),
    }


def _wanted(row: RosterRow, current: dict[str, str]) -> dict[str, str]:
    wanted = dict(current) or {
        "role": Role.TEACHER.value,
        "school": "",
        "team": "",
        "plc_channel": "",
        "assigned_coach": "",
        "expertise": "",
        "weekly_capacity": str(DEFAULT_WEEKLY_CAPACITY),
    }
    given = {
        "role": row.role.value if row.role else None,
        "school": row.school,
        "team": row.team,
        "plc_channel": row.plc_channel,
        "assigned_coach": row.coach_user_id,
        "expertise": "; ".join(row.expertise) if row.expertise is not None else None,
        "weekly_capacity": str(row.weekly_capacity) if row.weekly_capacity else None,
    }
    wanted.update({k: v for k, v in given.items() if v is not None})
    return wanted


def _diff(uow: UnitOfWork, team_id: str, row: RosterRow) -> Change | None:
    person = uow.people.get_by_user(team_id, row.profile.user_id)
    current = _current(uow, person)
    wanted = _wanted(row, current)
    fields = tuple(
        (name, current.get(name, ""), value)
        for name, value in wanted.items()
        if value != current.get(name, "")
        and not (person is None and value in ("", str(DEFAULT_WEEKLY_CAPACITY)))
    )
    if person is not None and not fields:
        return None
    return Change(row.profile.user_id, row.profile.display_name, person is None, fields)


def _apply(uow: UnitOfWork, team_id: str, row: RosterRow, now: datetime) -> None:
    person = uow.people.get_by_user(team_id, row.profile.user_id)
    if person is None or _profile_differs(person, row.profile):
        person = sync_person(uow, team_id, row.profile, now)
    if row.role is not None:
        person.role = row.role.value
    if row.school is not None:
        person.school = uow.schools.get_or_add(team_id, row.school)
    if row.team is not None:
        person.team_name = row.team
    if row.plc_channel is not None:
        uow.plc_channels.ensure(team_id, row.plc_channel)
        person.plc_channel_id = row.plc_channel
    if row.coach_user_id is not None:
        coach = uow.people.get_by_user(team_id, row.coach_user_id)
        if coach is None:  # the coach's own line comes later in the file
            coach = uow.people.add(
                Person(team_id=team_id, user_id=row.coach_user_id, role=Role.COACH.value)
            )
        person.assigned_coach_id = coach.id
    if row.expertise is not None and tuple(person.areas) != row.expertise:
        person.expertise = [CoachExpertise(area=area) for area in row.expertise]
    if row.weekly_capacity is not None:
        person.weekly_capacity = row.weekly_capacity
    uow.session.flush()


def _profile_differs(person: Person, profile: SlackProfile) -> bool:
    return (
        person.display_name != profile.display_name
        or (profile.email is not None and person.email != profile.email)
        or (profile.timezone is not None and person.timezone != profile.timezone)
        or person.active == profile.deleted
    )


def export_roster(uow: UnitOfWork, team_id: str) -> str:
    """The roster as a CSV that import_roster reads back without a change."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for person in uow.people.list_for_team(team_id):
        current = _current(uow, person)
        writer.writerow(
            {
                "slack_user_id": person.user_id,
                "email": person.email or "",
                "name": person.display_name,
                **current,
                "role": Role(person.role).label,
            }
        )
    return out.getvalue()
