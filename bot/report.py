"""Aggregate coaching reports for admins and leaders: counts only, never a group under five.

A report covers visits that happened between two local dates: visits and minutes by kind of
support and by impact tier, how many active teachers were seen in the three weeks before the
end, and coaching cycles started and completed, for the district and by school and by coach.

Privacy lives in one function, `shown`: every group (a school, a coach's caseload, a kind of
support, a tier) and every cell inside a row (a kind of support at one school, say) is shown
only when at least MIN_GROUP_SIZE distinct teachers are behind it. Smaller schools, coaches
and kinds are merged into "Other ..." and that merged group is hidden too if still too small.
Nothing here reads a note, reflection, focus or goal question, nor puts a teacher's name or
id in a report.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Final, TextIO, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import and_, or_, select

from bot.domain import DEFAULT_TIMEZONE, SUPPORT_TIERS, GoalStatus, Role, SupportType, VisitOutcome
from bot.policy import MIN_GROUP_SIZE
from storage.models import District, Goal, Person, School, Visit
from storage.uow import UnitOfWork

COVERAGE_WINDOW: Final = timedelta(days=21)
TIERS: Final[tuple[int, ...]] = tuple(sorted(set(SUPPORT_TIERS.values())))
TIER_NAMES: Final[dict[int, str]] = {tier: f"Tier {tier}" for tier in TIERS}
FORMATS: Final = ("csv", "json")

OTHER_SCHOOLS: Final = "Other schools"
OTHER_COACHES: Final = "Other coaches"
OTHER_KINDS: Final = "Other kinds"
NO_SCHOOL: Final = "No school on the roster"
# Visits and cycles led by someone who is now on the roster as a teacher (a coach who went
# back to the classroom): their name would be a teacher's name, so it is never shown.
NOT_A_COACH: Final = "Not on the coaching roster"

DISTRICT, TIER, SUPPORT_TYPE, SCHOOL, COACH = "district", "tier", "support_type", "school", "coach"

REPORT_COLUMNS: Final[tuple[str, ...]] = (
    "group_kind",
    "group",
    "teachers",
    "visits",
    "minutes",
    *(f"tier_{tier}_minutes" for tier in TIERS),
    "coverage",
    "cycles_started",
    "cycles_completed",
    *(f"{kind.value}_visits" for kind in SupportType),
)

Cell = int | None  # None: fewer than MIN_GROUP_SIZE teachers behind it, so withheld
Row = dict[str, str | int | float]
K = TypeVar("K", bound=Hashable)


def shown(teachers: int) -> bool:
    """The one small-group rule: may a figure about this many distinct teachers be shown?

    Every group and every cell of a report, and the weekly digest's counts, ask here.
    """
    return teachers >= MIN_GROUP_SIZE


@dataclass(frozen=True)
class Group:
    """One row of a report: a group's counts, never anything about one teacher.

    `teachers` is how many distinct teachers were visited in the period: the number the
    small-group rule reads. A cell is None when withheld.
    """

    kind: str  # district, tier, support_type, school or coach
    name: str
    teachers: int
    visits: int
    minutes: int
    visits_by_type: Mapping[SupportType, Cell]
    minutes_by_type: Mapping[SupportType, Cell]
    minutes_by_tier: Mapping[int, Cell]
    coverage: float | None = None  # share of the group's active teachers seen in 21 days
    cycles_started: int | None = None  # None where cycles mean nothing (a kind of support)
    cycles_completed: int | None = None
    merged: bool = False  # an "Other ..." group made of smaller ones


@dataclass(frozen=True)
class Report:
    """What happened in coaching between two local dates (the end excluded)."""

    team_id: str
    start: date
    end: date
    tz: str
    district: Group | None  # None when fewer than MIN_GROUP_SIZE teachers in all
    tiers: list[Group] = field(default_factory=list)
    support_types: list[Group] = field(default_factory=list)
    schools: list[Group] = field(default_factory=list)
    coaches: list[Group] = field(default_factory=list)

    def groups(self) -> list[Group]:
        """Every row, district first, then tiers, kinds of support, schools and coaches."""
        head = [self.district] if self.district is not None else []
        return [*head, *self.tiers, *self.support_types, *self.schools, *self.coaches]


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class _Seen:
    """A visit that happened, reduced to what a report counts."""

    teacher: int
    coach: int | None  # the coach's group key (None: not on the coaching roster)
    school: int | None
    kind: SupportType
    minutes: int


@dataclass(frozen=True)
class _Cycle:
    teacher: int
    coach: int | None
    school: int | None
    started: bool
    completed: bool


@dataclass
class _Pool:
    """The facts behind one group; pools of small groups are merged into "Other ..."."""

    visits: list[_Seen] = field(default_factory=list)
    cycles: list[_Cycle] = field(default_factory=list)
    roster: set[int] = field(default_factory=set)  # active teachers the coverage is over
    covered: set[int] = field(default_factory=set)  # those seen in the coverage window

    def teachers(self) -> set[int]:
        # Visited teachers only: a group's cycles and coverage are over the same people or more.
        return {v.teacher for v in self.visits}

    def absorb(self, other: _Pool) -> None:
        self.visits.extend(other.visits)
        self.cycles.extend(other.cycles)
        self.roster |= other.roster
        self.covered |= other.covered


@dataclass(frozen=True)
class _Who:
    role: str
    school: int | None
    assigned_coach: int | None
    active: bool
    name: str


def support_kind(value: str | None) -> SupportType:
    """The kind of support a stored value names; an unknown one counts as 'something else'."""
    try:
        return SupportType(value or SupportType.OTHER.value)
    except ValueError:
        return SupportType.OTHER


def _minutes(starts_at: datetime | None, ends_at: datetime | None) -> int:
    if starts_at is None or ends_at is None:
        return 0
    return max(0, int((ends_at - starts_at).total_seconds() // 60))


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone)


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone: {tz!r}") from error


# --------------------------------------------------------------------------- groups


def _cell(value: int, teachers: set[int]) -> Cell:
    # A cell no one is behind (0 visits) singles no one out; any other is a group of its own.
    if not teachers:
        return value
    return value if shown(len(teachers)) else None


def _group(
    kind: str,
    name: str,
    pool: _Pool,
    *,
    cycles: bool,
    coverage: bool,
    merged: bool = False,
) -> Group:
    by_type: dict[SupportType, set[int]] = {k: set() for k in SupportType}
    visits_by_type = dict.fromkeys(SupportType, 0)
    minutes_by_type = dict.fromkeys(SupportType, 0)
    by_tier: dict[int, set[int]] = {t: set() for t in TIERS}
    minutes_by_tier = dict.fromkeys(TIERS, 0)
    for visit in pool.visits:
        by_type[visit.kind].add(visit.teacher)
        visits_by_type[visit.kind] += 1
        minutes_by_type[visit.kind] += visit.minutes
        by_tier[visit.kind.tier].add(visit.teacher)
        minutes_by_tier[visit.kind.tier] += visit.minutes
    share: float | None = None
    if coverage and shown(len(pool.roster)):
        share = round(len(pool.covered & pool.roster) / len(pool.roster), 3)
    return Group(
        kind=kind,
        name=name,
        teachers=len(pool.teachers()),
        visits=len(pool.visits),
        minutes=sum(v.minutes for v in pool.visits),
        visits_by_type={k: _cell(visits_by_type[k], by_type[k]) for k in SupportType},
        minutes_by_type={k: _cell(minutes_by_type[k], by_type[k]) for k in SupportType},
        minutes_by_tier={t: _cell(minutes_by_tier[t], by_tier[t]) for t in TIERS},
        coverage=share,
        cycles_started=sum(c.started for c in pool.cycles) if cycles else None,
        cycles_completed=sum(c.completed for c in pool.cycles) if cycles else None,
        merged=merged,
    )


def _visible(
    pools: Iterable[tuple[str, _Pool]],
    other: str,
    make: Callable[[str, _Pool, bool], Group],
) -> list[Group]:
    """Groups big enough to show, then the rest merged under `other` if that is big enough."""
    groups: list[Group] = []
    rest, merged_any = _Pool(), False
    for name, pool in pools:
        if shown(len(pool.teachers())):
            groups.append(make(name, pool, False))
        else:
            rest.absorb(pool)
            merged_any = True
    if merged_any and shown(len(rest.teachers())):
        groups.append(make(other, rest, True))
    return groups


def _split(
    visits: Iterable[_Seen], cycles: Iterable[_Cycle], key: Callable[[_Seen | _Cycle], K]
) -> dict[K, _Pool]:
    pools: dict[K, _Pool] = {}
    for visit in visits:
        pools.setdefault(key(visit), _Pool()).visits.append(visit)
    for cycle in cycles:
        pools.setdefault(key(cycle), _Pool()).cycles.append(cycle)
    return pools


def _support_groups(visits: list[_Seen]) -> list[Group]:
    pools = _split(visits, (), lambda fact: fact.kind if isinstance(fact, _Seen) else None)
    ordered = [(kind.label, pools[kind]) for kind in SupportType if kind in pools]
    return _visible(
        ordered,
        OTHER_KINDS,
        lambda name, pool, merged: _group(
            SUPPORT_TYPE, name, pool, cycles=False, coverage=False, merged=merged
        ),
    )


def _tier_groups(visits: list[_Seen]) -> list[Group]:
    # Tiers are not merged with each other: a tier too small to show is left out.
    groups = []
    for tier in TIERS:
        pool = _Pool(visits=[v for v in visits if v.kind.tier == tier])
        if pool.visits and shown(len(pool.teachers())):
            groups.append(_group(TIER, TIER_NAMES[tier], pool, cycles=False, coverage=False))
    return groups


def support_type_groups(visits: Iterable[Visit]) -> tuple[Group | None, list[Group]]:
    """The total and the kinds of support of visits already loaded (the weekly digest's).

    Visits that did not happen are left out. The total is None when too few teachers.
    """
    seen = [
        _Seen(
            teacher=v.teacher_id,
            coach=v.coach_id,
            school=None,
            kind=support_kind(v.logged_support_type or v.support_type),
            minutes=_minutes(v.starts_at, v.ends_at),
        )
        for v in visits
        if v.outcome == VisitOutcome.HAPPENED.value
    ]
    pool = _Pool(visits=seen)
    if not shown(len(pool.teachers())):
        return None, []
    total = _group(DISTRICT, "District", pool, cycles=False, coverage=False)
    return total, _support_groups(seen)


# --------------------------------------------------------------------------- the report


def build_report(
    uow: UnitOfWork, team_id: str, start: date, end: date, tz: str = DEFAULT_TIMEZONE
) -> Report:
    """Counts for [start, end) in local dates of `tz`; coverage over the 21 days before `end`."""
    if end <= start:
        raise ValueError("a report's end date must come after its start date")
    zone = _zone(tz)
    begin, finish = _midnight(start, zone), _midnight(end, zone)
    window = _midnight(end - COVERAGE_WINDOW, zone)

    people: dict[int, _Who] = {
        pid: _Who(role, school, coach, active, name)
        for pid, role, school, coach, active, name in uow.session.execute(
            select(
                Person.id,
                Person.role,
                Person.school_id,
                Person.assigned_coach_id,
                Person.active,
                Person.display_name,
            ).where(Person.team_id == team_id)
        )
    }
    school_names: dict[int, str] = dict(
        uow.session.execute(select(School.id, School.name).where(School.team_id == team_id)).all()
    )

    def coach_key(person_id: int | None) -> int | None:
        who = people.get(person_id) if person_id is not None else None
        if who is None or who.role == Role.TEACHER.value:
            return None
        return person_id

    def school_of(teacher_id: int) -> int | None:
        who = people.get(teacher_id)
        return who.school if who is not None else None

    visits: list[_Seen] = []
    seen_by: dict[int | None, set[int]] = {}  # coach key -> teachers seen in the window
    rows = uow.session.execute(
        select(
            Visit.teacher_id,
            Visit.coach_id,
            Visit.support_type,
            Visit.logged_support_type,
            Visit.starts_at,
            Visit.ends_at,
        ).where(
            Visit.team_id == team_id,
            Visit.outcome == VisitOutcome.HAPPENED.value,
            Visit.starts_at >= min(begin, window),
            Visit.starts_at < finish,
        )
    )
    for teacher, coach, planned, logged, starts_at, ends_at in rows:
        key = coach_key(coach)
        if starts_at >= window:
            seen_by.setdefault(key, set()).add(teacher)
        if starts_at >= begin:
            visits.append(
                _Seen(
                    teacher=teacher,
                    coach=key,
                    school=school_of(teacher),
                    kind=support_kind(logged or planned),
                    minutes=_minutes(starts_at, ends_at),
                )
            )

    cycles: list[_Cycle] = []
    goals = uow.session.execute(
        select(Goal.teacher_id, Goal.coach_id, Goal.created_at, Goal.status, Goal.closed_at).where(
            Goal.team_id == team_id,
            or_(
                and_(Goal.created_at >= begin, Goal.created_at < finish),
                and_(
                    Goal.status == GoalStatus.MET.value,
                    Goal.closed_at >= begin,
                    Goal.closed_at < finish,
                ),
            ),
        )
    )
    for teacher, goal_coach, created_at, status, closed_at in goals:
        if goal_coach is None:  # a goal set without a coach belongs to the teacher's coach
            who = people.get(teacher)
            goal_coach = who.assigned_coach if who is not None else None
        cycles.append(
            _Cycle(
                teacher=teacher,
                coach=coach_key(goal_coach),
                school=school_of(teacher),
                started=begin <= created_at < finish,
                completed=status == GoalStatus.MET.value
                and closed_at is not None
                and begin <= closed_at < finish,
            )
        )

    roster = {
        pid: who for pid, who in people.items() if who.active and who.role == Role.TEACHER.value
    }
    seen_anywhere = set().union(*seen_by.values()) if seen_by else set()

    district_pool = _Pool(visits, cycles, set(roster), seen_anywhere & set(roster))
    district = (
        _group(DISTRICT, "District", district_pool, cycles=True, coverage=True)
        if shown(len(district_pool.teachers()))
        else None
    )

    by_school = _split(visits, cycles, lambda fact: fact.school)
    for pid, who in roster.items():
        pool = by_school.setdefault(who.school, _Pool())
        pool.roster.add(pid)
        if pid in seen_anywhere:
            pool.covered.add(pid)
    schools = _visible(
        _ordered(
            by_school, lambda key: NO_SCHOOL if key is None else school_names.get(key, NO_SCHOOL)
        ),
        OTHER_SCHOOLS,
        lambda name, pool, merged: _group(
            SCHOOL, name, pool, cycles=True, coverage=True, merged=merged
        ),
    )

    by_coach = _split(visits, cycles, lambda fact: fact.coach)
    for pid, who in roster.items():
        if who.assigned_coach is None:
            continue  # not on anyone's caseload: counted in the district's coverage only
        key = coach_key(who.assigned_coach)
        pool = by_coach.setdefault(key, _Pool())
        pool.roster.add(pid)
        if pid in seen_by.get(key, ()):
            pool.covered.add(pid)

    def coach_name(key: int | None) -> str:
        who = people.get(key) if key is not None else None
        if who is None:
            return NOT_A_COACH
        return who.name or f"Coach #{key}"

    coaches = _visible(
        _ordered(by_coach, coach_name),
        OTHER_COACHES,
        lambda name, pool, merged: _group(
            COACH, name, pool, cycles=True, coverage=True, merged=merged
        ),
    )

    return Report(
        team_id=team_id,
        start=start,
        end=end,
        tz=tz,
        district=district,
        tiers=_tier_groups(visits) if district is not None else [],
        support_types=_support_groups(visits) if district is not None else [],
        schools=schools if district is not None else [],
        coaches=coaches if district is not None else [],
    )


def _ordered(pools: Mapping[K, _Pool], name: Callable[[K], str]) -> list[tuple[str, _Pool]]:
    """By name; the groups with no real name ('No school on the roster') after the others."""
    unnamed = (NO_SCHOOL, NOT_A_COACH)
    named = [(name(key), pool) for key, pool in pools.items()]
    return sorted(named, key=lambda item: (item[0] in unnamed, item[0].casefold()))


# --------------------------------------------------------------------------- output


def report_rows(report: Report) -> list[Row]:
    """Flat rows for CSV and JSON, columns as REPORT_COLUMNS; a withheld cell is ''."""
    return [_row(group) for group in report.groups()]


def _blank(value: int | None) -> int | str:
    return "" if value is None else value


def _row(group: Group) -> Row:
    row: Row = {
        "group_kind": group.kind,
        "group": group.name,
        "teachers": group.teachers,
        "visits": group.visits,
        "minutes": group.minutes,
    }
    for tier in TIERS:
        row[f"tier_{tier}_minutes"] = _blank(group.minutes_by_tier.get(tier))
    row["coverage"] = "" if group.coverage is None else group.coverage
    row["cycles_started"] = _blank(group.cycles_started)
    row["cycles_completed"] = _blank(group.cycles_completed)
    for kind in SupportType:
        row[f"{kind.value}_visits"] = _blank(group.visits_by_type.get(kind))
    return row


def _spreadsheet_safe(value: str | int | float) -> str | int | float:
    # A school named "=HYPERLINK(...)" must stay text when the CSV is opened in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def run_report_command(
    uow: UnitOfWork, team_id: str, start: date, end: date, fmt: str, out: TextIO
) -> None:
    """Write the report for [start, end) to `out` as CSV (with a header row) or JSON.

    Dates are read in the district's time zone. Raises ValueError for another format, an
    end not after the start, or an unknown time zone.
    """
    if fmt not in FORMATS:
        raise ValueError(f"report format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    district = uow.session.get(District, team_id)
    tz = district.timezone if district is not None else DEFAULT_TIMEZONE
    rows = report_rows(build_report(uow, team_id, start, end, tz))
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=REPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: _spreadsheet_safe(value) for key, value in row.items()})
    else:
        json.dump(rows, out, indent=2)
        out.write("\n")
