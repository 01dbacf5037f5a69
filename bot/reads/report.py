"""Aggregate coaching reports for admins and leaders: counts only, never a group under five.

A report covers visits that happened between two local dates, and the coaching coaches logged
with teachers (group work once for its minutes and count, and for each teacher it was with):
visits and minutes by kind of support and by impact tier, how many active teachers were seen
in the three weeks before the end, and coaching cycles started and completed, for the
district and by school and by coach.

Privacy: bot/rules/small_groups.py keeps the small-group rule for the report as a whole. No row
(a school, a coach, a kind of support, a tier) and no cell inside a row (a kind of support at
one school, its cycles, its coverage) is about 1-4 teachers, and none can be worked out from
the others: a district minus its schools, a tier minus its kinds, a row minus its cells, a
coach minus the schools that are wholly theirs, or any two figures apart. Schools, coaches
and kinds that would say too much are merged into "Other ..." (first the rows with the fewest
teachers); cells, cycles and coverage that would are left blank. Nothing here reads a note,
reflection, focus or goal question, nor puts a teacher's name or id in a report.
"""

from __future__ import annotations

import csv
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Final, NamedTuple, TextIO, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, Integer, and_, case, distinct, func, or_, select

from bot.reads.rows import support_kind
from bot.rules.domain import (
    DEFAULT_TIMEZONE,
    GoalStatus,
    Role,
    SupportType,
    happened,
)
from bot.rules.policy import MIN_GROUP_SIZE
from bot.rules.small_groups import Atoms, Figure, Publication, Unsafe, settle
from bot.views.report import TIER_NAMES, TIERS, Cell, Group, Report
from storage.models import (
    CoachingLog,
    CoachingLogTeacher,
    District,
    Goal,
    Person,
    School,
    Visit,
)
from storage.repositories.visits import VISIT_HAPPENED
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

COVERAGE_WINDOW: Final = timedelta(days=21)
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

Row = dict[str, str | int | float]


# --------------------------------------------------------------------------- facts


class _Seen(NamedTuple):
    """A visit that happened, reduced to what a report counts."""

    teacher: int
    coach: int | None  # the coach's group key (None: not on the coaching roster)
    school: int | None
    kind: SupportType
    minutes: int
    times: int = 1  # 0 for the other teachers of logged group work, counted once


class _Cycle(NamedTuple):
    teacher: int
    coach: int | None
    school: int | None
    started: bool
    completed: bool
    times: int = 1  # goals of this teacher and coach, started or completed alike


class _Placed(NamedTuple):
    """An active teacher on the roster: who coverage is over."""

    teacher: int
    school: int | None
    coach: int | None  # the assigned coach's group key, when `assigned`
    assigned: bool
    seen: bool  # by anyone in the coverage window
    seen_by_coach: bool  # by the coach they are assigned to


@dataclass
class _Facts:
    visits: list[_Seen]
    cycles: list[_Cycle] = field(default_factory=list)
    roster: list[_Placed] = field(default_factory=list)


@dataclass(frozen=True)
class _Who:
    role: str
    school: int | None
    assigned_coach: int | None
    active: bool
    name: str


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


# --------------------------------------------------------------------------- atoms

# The measures a report publishes; figures of one measure can be added and subtracted.
VISITS, MINUTES, STARTED, COMPLETED, COVERAGE = (
    "visits",
    "minutes",
    "cycles_started",
    "cycles_completed",
    "coverage",
)


class _Unassigned:
    """The coach of a teacher on no one's caseload: in no coach's row."""


_UNASSIGNED: Final = _Unassigned()


@dataclass
class _Tally:
    """What one atom holds: its teachers, and the counts rows add up."""

    teachers: set[int] = field(default_factory=set)
    count: int = 0  # visits or goals
    minutes: int = 0
    seen: set[int] = field(default_factory=set)  # roster: seen in the coverage window
    seen_by_coach: set[int] = field(default_factory=set)  # roster: seen by their own coach


class _Basis:
    """One kind of contribution (visits, goals, places on the roster) tallied into atoms: one
    per school, coach (and, for visits, kind of support), with the atoms each key holds."""

    def __init__(
        self, dimensions: tuple[str, ...], tally: Mapping[tuple[Hashable, ...], _Tally]
    ) -> None:
        self.keys = list(tally)
        self.tallies = [tally[key] for key in self.keys]
        self.atoms = Atoms([t.teachers for t in self.tallies])
        self.every = frozenset(range(len(self.keys)))
        self.by: dict[str, dict[Hashable, set[int]]] = {d: defaultdict(set) for d in dimensions}
        for atom, key in enumerate(self.keys):
            for dimension, part in zip(dimensions, key, strict=True):
                if part is not _UNASSIGNED:
                    self.by[dimension][part].add(atom)

    def of(self, dimension: str, members: Iterable[Hashable] | None) -> frozenset[int]:
        """The atoms of these keys of a dimension; members None: the whole district."""
        if members is None:
            return self.every
        held = self.by.get(dimension, {})
        return frozenset().union(*(held.get(member, ()) for member in members))


def _bases(facts: _Facts) -> dict[str, _Basis]:
    """Each measure's atoms, tallied in one pass over the facts."""
    visits: dict[tuple[Hashable, ...], _Tally] = defaultdict(_Tally)
    for teacher, coach, school, kind, minutes, times in facts.visits:
        tally = visits[(school, coach, kind)]
        tally.teachers.add(teacher)
        tally.count += times
        tally.minutes += minutes
    started: dict[tuple[Hashable, ...], _Tally] = defaultdict(_Tally)
    completed: dict[tuple[Hashable, ...], _Tally] = defaultdict(_Tally)
    for cycle in facts.cycles:
        for counted, goals in ((cycle.started, started), (cycle.completed, completed)):
            if counted:
                tally = goals[(cycle.school, cycle.coach)]
                tally.teachers.add(cycle.teacher)
                tally.count += cycle.times
    roster: dict[tuple[Hashable, ...], _Tally] = defaultdict(_Tally)
    for placed in facts.roster:
        # A teacher on no one's caseload is in the district's and their school's coverage only.
        tally = roster[(placed.school, placed.coach if placed.assigned else _UNASSIGNED)]
        tally.teachers.add(placed.teacher)
        if placed.seen:
            tally.seen.add(placed.teacher)
        if placed.seen_by_coach:
            tally.seen_by_coach.add(placed.teacher)
    by_visit = _Basis((SCHOOL, COACH, SUPPORT_TYPE), visits)
    tiers = by_visit.by[TIER] = defaultdict(set)
    for of_kind, atoms in by_visit.by[SUPPORT_TYPE].items():
        tiers[cast(SupportType, of_kind).tier] |= atoms
    return {
        VISITS: by_visit,
        MINUTES: by_visit,
        STARTED: _Basis((SCHOOL, COACH), started),
        COMPLETED: _Basis((SCHOOL, COACH), completed),
        COVERAGE: _Basis((SCHOOL, COACH), roster),
    }


# --------------------------------------------------------------------------- tables

_ROW_MEASURES = (VISITS, MINUTES)  # never withheld: the rows themselves are made safe first
# Which figure gives way first among figures about as many teachers: a coach's before a
# school's before the district's, and in a row a cell before cycles before coverage.
_CELL, _CYCLES, _COVERAGE = 1, 2, 3
_GIVES_WAY = {COACH: 10, SCHOOL: 20, SUPPORT_TYPE: 30, TIER: 40, DISTRICT: 50}


@dataclass(frozen=True)
class _Table:
    kind: str
    other: str | None  # the name rows are merged under; None: a small one is left out
    rank: int  # among rows with as many teachers, the lowest rank is merged first


_TABLES: Final[dict[str, _Table]] = {
    TIER: _Table(TIER, None, _GIVES_WAY[TIER]),
    SUPPORT_TYPE: _Table(SUPPORT_TYPE, OTHER_KINDS, _GIVES_WAY[SUPPORT_TYPE]),
    SCHOOL: _Table(SCHOOL, OTHER_SCHOOLS, _GIVES_WAY[SCHOOL]),
    COACH: _Table(COACH, OTHER_COACHES, _GIVES_WAY[COACH]),
}


class _Other:
    """The place of a table's "Other ..." row."""


_OTHER: Final = _Other()


def _key_order(key: Hashable) -> tuple[bool, str]:
    return (key is None, str(key))


def _plan(bases: Mapping[str, _Basis], tables: Sequence[_Table]) -> dict[str, set[Hashable]]:
    """Which keys of each table get a row of their own; the others are merged or left out.

    A row is about the teachers visited in it. Rows of 1-4 teachers go first; then, while the
    publication still gives a small group away (an "Other ..." row of 1-4 teachers, a tier
    minus its kinds, a coach minus their schools, two rows 1-4 teachers apart), the row with
    the fewest teachers among those involved is merged too.
    """
    visits = bases[VISITS]
    keyed = {t.kind: visits.by.get(t.kind, {}) for t in tables}
    size = {t.kind: {k: visits.atoms.count(a) for k, a in keyed[t.kind].items()} for t in tables}
    shown = {t.kind: {k for k, n in size[t.kind].items() if n >= MIN_GROUP_SIZE} for t in tables}

    def build() -> Publication:
        publication = Publication({VISITS: visits.atoms})
        publication.figure(DISTRICT, VISITS, visits.every, None)
        for table in tables:
            own = shown[table.kind]
            rows = [
                publication.figure((table.kind, key), VISITS, keyed[table.kind][key], table.rank)
                for key in sorted(own, key=_key_order)
            ]
            rest = [key for key in keyed[table.kind] if key not in own]
            if table.other is not None and rest and own:
                atoms = visits.of(table.kind, rest)
                rows.append(publication.figure((table.kind, _OTHER), VISITS, atoms, table.rank))
            publication.family(rows)
        return publication

    def withhold(figure: Figure) -> None:
        for place in figure.places:
            if not isinstance(place, tuple):
                continue  # the district itself is never withheld
            kind, key = place
            own = shown[kind]
            if key is _OTHER and own:  # too small or too telling: it takes the smallest row in
                own.remove(min(own, key=lambda k: (size[kind][k], _key_order(k))))
            else:
                own.discard(key)

    settle(build, withhold)
    return shown


@dataclass(frozen=True)
class _Row:
    table: str  # DISTRICT or a table's kind
    name: str
    members: frozenset[Hashable] | None  # keys of the table's dimension; None: everyone
    merged: bool = False

    def atoms(self, basis: _Basis) -> frozenset[int]:
        return basis.of(self.table, self.members)


def _rows(
    bases: Mapping[str, _Basis],
    tables: Sequence[_Table],
    shown: Mapping[str, set[Hashable]],
    name: Mapping[str, Callable[[Hashable], str]],
    order: Mapping[str, Callable[[Hashable], tuple[object, ...]]],
) -> list[_Row]:
    rows = [_Row(DISTRICT, "District", None)]
    for table in tables:
        own = shown[table.kind]
        named = sorted(own, key=order[table.kind])
        rows += [_Row(table.kind, name[table.kind](k), frozenset((k,))) for k in named]
        every = {k for basis in bases.values() for k in basis.by.get(table.kind, {})}
        rest = frozenset(every - own)
        if table.other is not None and own and bases[VISITS].of(table.kind, rest):
            rows.append(_Row(table.kind, table.other, rest, merged=True))
    return rows


def _counts_cycles(row: _Row) -> bool:
    return row.table in (DISTRICT, SCHOOL, COACH)


def _withheld(bases: Mapping[str, _Basis], rows: Sequence[_Row]) -> set[tuple[int, str]]:
    """The (row, column) figures left blank so that nothing in the report gives a group away.

    Rows stay; what can be withheld is a kind of support's visits or a tier's minutes inside a
    row, and a row's cycles and coverage, the figure with the fewest teachers first.
    """
    publication = Publication({measure: basis.atoms for measure, basis in bases.items()})
    columns: dict[tuple[str, str], list[Figure | None]] = defaultdict(list)
    kinds = bases[VISITS].by.get(SUPPORT_TYPE, {})
    tiers = bases[VISITS].by.get(TIER, {})

    def put(
        n: int, column: str, measure: str, atoms: frozenset[int], rank: int | None
    ) -> Figure | None:
        figure = publication.figure((n, column), measure, atoms, rank)
        columns[(rows[n].table, column)].append(figure)
        return figure

    for n, row in enumerate(rows):
        visits = row.atoms(bases[VISITS])
        for measure in _ROW_MEASURES:
            put(n, measure, measure, visits, None)
        cell = _GIVES_WAY[row.table] + _CELL
        publication.family(
            put(n, f"{k.value}_visits", VISITS, visits & kinds.get(k, set()), cell)
            for k in SupportType
        )
        publication.family(
            put(n, f"tier_{t}_minutes", MINUTES, visits & tiers.get(t, set()), cell) for t in TIERS
        )
        if _counts_cycles(row):
            for measure, rank in ((STARTED, _CYCLES), (COMPLETED, _CYCLES), (COVERAGE, _COVERAGE)):
                atoms = row.atoms(bases[measure])
                put(n, measure, measure, atoms, _GIVES_WAY[row.table] + rank)
    for members in columns.values():
        publication.family(members)

    def withhold(figure: Figure) -> None:
        figure.hidden = True

    settle(lambda: publication, withhold)
    return {
        cast(tuple[int, str], place)
        for figure in publication.figures
        if figure.hidden
        for place in figure.places
    }


def _group(row: _Row, bases: Mapping[str, _Basis], withheld: set[str]) -> Group:
    """A row's counts, added up from its atoms, with the withheld ones left out."""
    basis = bases[VISITS]
    atoms = row.atoms(basis)
    visits_by_type = dict.fromkeys(SupportType, 0)
    minutes_by_tier = dict.fromkeys(TIERS, 0)
    for atom in atoms:
        tally, kind = basis.tallies[atom], cast(SupportType, basis.keys[atom][2])
        visits_by_type[kind] += tally.count
        minutes_by_tier[kind.tier] += tally.minutes

    def cell(column: str, value: int) -> Cell:
        return None if column in withheld else value

    def total(measure: str) -> int | None:
        if not _counts_cycles(row):
            return None
        held = bases[measure]
        return cell(measure, sum(held.tallies[a].count for a in row.atoms(held)))

    share: float | None = None
    if _counts_cycles(row) and COVERAGE not in withheld:
        places = [bases[COVERAGE].tallies[a] for a in row.atoms(bases[COVERAGE])]
        roster = sum(len(t.teachers) for t in places)  # a teacher has one place
        seen = sum(len(t.seen_by_coach if row.table == COACH else t.seen) for t in places)
        share = round(seen / roster, 3) if roster else None
    return Group(
        kind=row.table,
        name=row.name,
        teachers=basis.atoms.count(atoms),
        visits=sum(visits_by_type.values()),
        minutes=sum(minutes_by_tier.values()),
        visits_by_type={k: cell(f"{k.value}_visits", visits_by_type[k]) for k in SupportType},
        minutes_by_tier={t: cell(f"tier_{t}_minutes", minutes_by_tier[t]) for t in TIERS},
        coverage=share,
        cycles_started=total(STARTED),
        cycles_completed=total(COMPLETED),
        merged=row.merged,
    )


def _publish(
    facts: _Facts,
    tables: Sequence[str],
    name: Mapping[str, Callable[[Hashable], str]],
) -> tuple[Group | None, dict[str, list[Group]]]:
    """The district's row and each table's rows, with nothing about 1-4 teachers in them or
    to be worked out from them together; the district is None when it has under five."""
    found: dict[str, list[Group]] = {table: [] for table in tables}
    if len({v.teacher for v in facts.visits}) < MIN_GROUP_SIZE:
        return None, found
    bases = _bases(facts)
    specs = [_TABLES[table] for table in tables]
    order: dict[str, Callable[[Hashable], tuple[object, ...]]] = {
        TIER: lambda key: (key,),
        SUPPORT_TYPE: lambda key: (list(SupportType).index(SupportType(str(key))),),
        SCHOOL: lambda key: _name_order(name[SCHOOL](key)),
        COACH: lambda key: _name_order(name[COACH](key)),
    }
    try:
        rows = _rows(bases, specs, _plan(bases, specs), name, order)
        withheld = _withheld(bases, rows)
    except Unsafe:
        # Never expected; if it happens, the district's own totals are all that is safe.
        logger.warning("report: could not settle the small-group rule, showing totals only")
        rows = [_Row(DISTRICT, "District", None)]
        withheld = {(0, column) for column in REPORT_COLUMNS}
    blank: dict[int, set[str]] = defaultdict(set)
    for at, column in withheld:
        blank[at].add(column)
    district: Group | None = None
    for n, row in enumerate(rows):
        group = _group(row, bases, blank[n])
        if row.members is None:
            district = group
        else:
            found[row.table].append(group)
    return district, found


def _name_order(name: str) -> tuple[bool, str]:
    # The groups with no real name ('No school on the roster') after the others.
    return (name in (NO_SCHOOL, NOT_A_COACH), name.casefold())


def support_type_groups(visits: Iterable[Visit]) -> tuple[Group | None, list[Group]]:
    """The total and the kinds of support of visits already loaded (the weekly digest's),
    under the same small-group rule as the report. Visits that did not happen are left out;
    the total is None when too few teachers."""
    seen = [
        _Seen(
            teacher=v.teacher_id,
            coach=v.coach_id,
            school=None,
            kind=support_kind(v.logged_support_type or v.support_type),
            minutes=_minutes(v.starts_at, v.ends_at),
        )
        for v in visits
        if happened(v.outcome)
    ]
    total, tables = _publish(_Facts(seen), (SUPPORT_TYPE,), {SUPPORT_TYPE: _kind_name})
    return total, tables[SUPPORT_TYPE]


def _kind_name(key: Hashable) -> str:
    return SupportType(str(key)).label


def _tier_name(key: Hashable) -> str:
    return TIER_NAMES[int(str(key))]


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class _Team:
    """Everyone in one workspace and its schools, looked up once per report."""

    people: dict[int, _Who]
    school_names: dict[int, str]

    @classmethod
    def load(cls, uow: UnitOfWork, team_id: str) -> _Team:
        people = {
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
        schools = uow.session.execute(
            select(School.id, School.name).where(School.team_id == team_id)
        )
        return cls(people, dict(schools.all()))

    def coach_key(self, person_id: int | None) -> int | None:
        """The coach a visit or cycle counts under: None for no one, or for a former coach."""
        who = self.people.get(person_id) if person_id is not None else None
        if who is None or who.role == Role.TEACHER.value:
            return None
        return person_id

    def school_of(self, teacher_id: int) -> int | None:
        who = self.people.get(teacher_id)
        return who.school if who is not None else None

    def coach_name(self, key: Hashable) -> str:
        who = self.people.get(key) if isinstance(key, int) else None
        if who is None:
            return NOT_A_COACH
        return who.name or f"Coach #{key}"

    def school_name(self, key: Hashable) -> str:
        return self.school_names.get(key, NO_SCHOOL) if isinstance(key, int) else NO_SCHOOL


def build_report(
    uow: UnitOfWork, team_id: str, start: date, end: date, tz: str = DEFAULT_TIMEZONE
) -> Report:
    """Counts for [start, end) in local dates of `tz`; coverage over the 21 days before `end`."""
    if end <= start:
        raise ValueError("a report's end date must come after its start date")
    zone = _zone(tz)
    begin, finish = _midnight(start, zone), _midnight(end, zone)
    window = _midnight(end - COVERAGE_WINDOW, zone)
    team = _Team.load(uow, team_id)
    visits, seen_by = _visits(uow, team, team_id, begin, finish, window)
    visits += _logged(uow, team, team_id, (begin.date(), finish.date()), window.date(), seen_by)
    cycles = _cycles(uow, team, team_id, begin, finish)
    roster = _roster(team, seen_by)

    tables = (TIER, SUPPORT_TYPE, SCHOOL, COACH)
    names = {
        TIER: _tier_name,
        SUPPORT_TYPE: _kind_name,
        SCHOOL: team.school_name,
        COACH: team.coach_name,
    }
    district, found = _publish(_Facts(visits, cycles, roster), tables, names)
    evidence = _with_student_evidence(uow, team_id, begin, finish) if district else None
    return Report(
        team_id=team_id,
        start=start,
        end=end,
        tz=tz,
        district=district,
        tiers=found[TIER],
        support_types=found[SUPPORT_TYPE],
        schools=found[SCHOOL],
        coaches=found[COACH],
        cycles_with_evidence=evidence,
    )


def _visits(
    uow: UnitOfWork,
    team: _Team,
    team_id: str,
    begin: datetime,
    finish: datetime,
    window: datetime,
) -> tuple[list[_Seen], dict[int | None, set[int]]]:
    """Visits that happened in [begin, finish); and who each coach saw from `window` on.

    A year holds 150,000 visits and only a few hundred coaches and kinds: the database adds
    them up by teacher, coach and kind of support (how many, and their minutes), and names
    each coach's teachers seen in the window once each, so Python reads a row per teacher and
    kind, not per visit.
    """
    happened = (Visit.team_id == team_id, VISIT_HAPPENED, Visit.starts_at < finish)
    stated = func.coalesce(func.nullif(Visit.logged_support_type, ""), Visit.support_type)
    minutes = _minutes_sql(uow)
    grouped = uow.session.execute(
        select(Visit.teacher_id, Visit.coach_id, stated, func.count(), func.sum(minutes))
        .where(*happened, Visit.starts_at >= begin)
        .group_by(Visit.teacher_id, Visit.coach_id, stated)
    )
    coach_keys = {coach: team.coach_key(coach) for coach in team.people}
    kinds = {kind.value: kind for kind in SupportType}
    visits = [
        _Seen(
            teacher,
            coach_keys.get(coach),
            team.school_of(teacher),
            kinds.get(kind) or support_kind(kind),
            int(total or 0),
            int(count),
        )
        for teacher, coach, kind, count, total in grouped
    ]
    seen_by: dict[int | None, set[int]] = {}  # coach key -> teachers seen in the window
    for coach, teacher in uow.session.execute(
        select(Visit.coach_id, Visit.teacher_id)
        .where(*happened, Visit.starts_at >= window)
        .distinct()
    ):
        seen_by.setdefault(coach_keys.get(coach), set()).add(teacher)
    return visits, seen_by


def _minutes_sql(uow: UnitOfWork) -> ColumnElement[int]:
    """A visit's whole minutes, as `_minutes` counts them, in the database's own arithmetic."""
    if uow.session.get_bind().dialect.name == "postgresql":
        seconds = func.extract("epoch", Visit.ends_at - Visit.starts_at)
        return func.greatest(0, func.floor(seconds / 60)).cast(Integer)
    # SQLite keeps 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC: whole seconds, then the microseconds.
    micro = (
        func.strftime("%s", Visit.ends_at).cast(Integer)
        - func.strftime("%s", Visit.starts_at).cast(Integer)
    ) * 1_000_000 + (
        func.substr(Visit.ends_at, 21, 6).cast(Integer)
        - func.substr(Visit.starts_at, 21, 6).cast(Integer)
    )
    return case((micro > 0, micro // 60_000_000), else_=0)


def _logged(
    uow: UnitOfWork,
    team: _Team,
    team_id: str,
    days: tuple[date, date],
    window: date,
    seen_by: dict[int | None, set[int]],
) -> list[_Seen]:
    """Coaching logged with teachers on the local days [days): each teacher it was with, the
    activity and its minutes counted once (with the first of them). Who each coach saw from
    `window` on is added to `seen_by`. Work logged with no teacher is about no one the report
    counts, so it is left out."""
    rows = uow.session.execute(
        select(
            CoachingLog.id,
            CoachingLogTeacher.teacher_id,
            CoachingLog.coach_id,
            CoachingLog.support_type,
            CoachingLog.on_day,
            CoachingLog.minutes,
        )
        .join(CoachingLogTeacher, CoachingLogTeacher.log_id == CoachingLog.id)
        .where(
            CoachingLog.team_id == team_id,
            CoachingLog.on_day >= min(days[0], window),
            CoachingLog.on_day < days[1],
        )
        .order_by(CoachingLog.id, CoachingLogTeacher.teacher_id)
    )
    found: list[_Seen] = []
    counted: set[int] = set()
    for log_id, teacher, coach, kind, day, minutes in rows:
        key = team.coach_key(coach)
        if day >= window:
            seen_by.setdefault(key, set()).add(teacher)
        if day < days[0]:
            continue
        first = log_id not in counted
        counted.add(log_id)
        found.append(
            _Seen(
                teacher,
                key,
                team.school_of(teacher),
                support_kind(kind),
                minutes if first else 0,
                1 if first else 0,
            )
        )
    return found


def _cycles(
    uow: UnitOfWork, team: _Team, team_id: str, begin: datetime, finish: datetime
) -> list[_Cycle]:
    """Coaching cycles started, or completed (the goal met), in [begin, finish): counted by
    the database for each teacher, coach, and whether started and completed."""
    started = and_(Goal.created_at >= begin, Goal.created_at < finish)
    completed = and_(
        Goal.status == GoalStatus.MET, Goal.closed_at >= begin, Goal.closed_at < finish
    )
    flags = (case((started, 1), else_=0), case((completed, 1), else_=0))
    goals = uow.session.execute(
        select(Goal.teacher_id, Goal.coach_id, *flags, func.count())
        .where(Goal.team_id == team_id, or_(started, completed))
        .group_by(Goal.teacher_id, Goal.coach_id, *flags)
    )
    cycles: list[_Cycle] = []
    for teacher, goal_coach, was_started, was_completed, count in goals:
        if goal_coach is None:  # a goal set without a coach belongs to the teacher's coach
            who = team.people.get(teacher)
            goal_coach = who.assigned_coach if who is not None else None
        cycles.append(
            _Cycle(
                teacher=teacher,
                coach=team.coach_key(goal_coach),
                school=team.school_of(teacher),
                started=bool(was_started),
                completed=bool(was_completed),
                times=int(count),
            )
        )
    return cycles


def _with_student_evidence(
    uow: UnitOfWork, team_id: str, begin: datetime, finish: datetime
) -> int | None:
    """Cycles under way in [begin, finish) whose goal names where students are and where the
    teacher wants them: a count, shown only when about MIN_GROUP_SIZE teachers or more (or
    none). It is no part or sum of another figure (not every cycle under way is one started
    or completed in the period), so nothing can be subtracted from it."""
    cycles, teachers = uow.session.execute(
        select(func.count(Goal.id), func.count(distinct(Goal.teacher_id))).where(
            Goal.team_id == team_id,
            Goal.created_at < finish,
            or_(Goal.closed_at.is_(None), Goal.closed_at >= begin),
            Goal.students_now.is_not(None),
            Goal.students_aim.is_not(None),
        )
    ).one()
    return int(cycles) if teachers == 0 or teachers >= MIN_GROUP_SIZE else None


def _roster(team: _Team, seen_by: Mapping[int | None, set[int]]) -> list[_Placed]:
    """Every active teacher: where they are placed, and whether anyone (or their coach) saw them."""
    seen_anywhere = set().union(*seen_by.values()) if seen_by else set()
    return [
        _Placed(
            teacher=pid,
            school=who.school,
            coach=team.coach_key(who.assigned_coach),
            assigned=who.assigned_coach is not None,
            seen=pid in seen_anywhere,
            seen_by_coach=pid in seen_by.get(team.coach_key(who.assigned_coach), ()),
        )
        for pid, who in team.people.items()
        if who.active and who.role == Role.TEACHER.value
    ]


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
