"""No figure about 1-4 teachers comes out of what coachbot publishes together, by subtraction
or any pair of figures: the report (`coachbot report`, CSV and JSON), an admin's or leader's
Home, and the Friday admin digest.

The checker here knows, from the district it built, which visits, goals and roster places are
behind every number an output shows, and so which teachers. It fails when any figure, the
difference of any two figures of one measure, or any figure minus the parts of it shown in one
table, row or column, is about 1 to 4 teachers.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import random
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app.deps import Deps
from bot.demo.block_kit import check_view
from bot.reads.digest import aggregate_lines, plan_digests
from bot.reads.report import (
    OTHER_COACHES,
    OTHER_KINDS,
    OTHER_SCHOOLS,
    build_report,
    report_rows,
    run_report_command,
)
from bot.rules import outbox
from bot.rules.domain import SupportType
from bot.rules.policy import MIN_GROUP_SIZE
from bot.rules.small_groups import Atoms, Publication, Unsafe, find_leaks, settle
from bot.slack.messaging import SlackSender
from bot.views.report import build_report_blocks
from storage.models import Goal, Person, School, Visit
from storage.uow import UnitOfWork
from tests import factories
from tests.conftest import ADMIN_ID, BOT_TOKEN, SIGNING_SECRET, Coachbot, Running

TEAM = factories.TEAM_ID
NY = ZoneInfo("America/New_York")
LEADER = "U0LEADER01"

# --------------------------------------------------------------------------- what is true


@dataclass(frozen=True)
class VisitFact:
    teacher: str
    school: str
    coach: str
    kind: SupportType
    minutes: int


@dataclass(frozen=True)
class GoalFact:
    teacher: str
    school: str
    coach: str


@dataclass(frozen=True)
class Placed:
    teacher: str
    school: str
    coach: str | None  # None: on no coach's caseload
    seen: bool
    seen_by_coach: bool


@dataclass
class Truth:
    """Every contribution a published number can be made of, and whose it is."""

    visits: dict[str, VisitFact] = field(default_factory=dict)
    started: dict[str, GoalFact] = field(default_factory=dict)
    completed: dict[str, GoalFact] = field(default_factory=dict)
    roster: dict[str, Placed] = field(default_factory=dict)

    def teacher_of(self, contribution: str) -> str:
        kind, key = contribution.split(":", 1)
        if kind == "visit":
            return self.visits[key].teacher
        if kind == "started":
            return self.started[key].teacher
        if kind == "completed":
            return self.completed[key].teacher
        return self.roster[key].teacher


@dataclass(frozen=True)
class Shown:
    """One number an output shows, and the contributions behind it."""

    where: str
    measure: str
    value: float
    contributions: frozenset[str]


RowKey = tuple[str, str]  # (group kind, group name)


def _in_row(kind: str, name: str, named: set[str], school: str, coach: str | None) -> bool:
    """Is a contribution of this school and coach in the row `name` of table `kind`?"""
    if kind == "district":
        return True
    if kind == "school":
        return school == name or (name == OTHER_SCHOOLS and school not in named)
    if kind == "coach":
        if coach is None:
            return False
        return coach == name or (name == OTHER_COACHES and coach not in named)
    return False


def _in_kind_row(kind: str, name: str, named: set[str], of: SupportType) -> bool:
    if kind == "tier":
        return name == f"Tier {of.tier}"
    if kind == "support_type":
        return of.label == name or (name == OTHER_KINDS and of.label not in named)
    return True


def row_facts(truth: Truth, kind: str, name: str, named: set[str]) -> dict[str, frozenset[str]]:
    """The contributions of one row, by what they are."""
    if kind in ("tier", "support_type"):
        visits = {k for k, v in truth.visits.items() if _in_kind_row(kind, name, named, v.kind)}
        return {"visits": frozenset(f"visit:{k}" for k in visits)}
    return {
        "visits": frozenset(
            f"visit:{k}"
            for k, v in truth.visits.items()
            if _in_row(kind, name, named, v.school, v.coach)
        ),
        "started": frozenset(
            f"started:{k}"
            for k, g in truth.started.items()
            if _in_row(kind, name, named, g.school, g.coach)
        ),
        "completed": frozenset(
            f"completed:{k}"
            for k, g in truth.completed.items()
            if _in_row(kind, name, named, g.school, g.coach)
        ),
        "roster": frozenset(
            f"roster:{k}"
            for k, p in truth.roster.items()
            if _in_row(kind, name, named, p.school, p.coach)
        ),
    }


def _visit(truth: Truth, contribution: str) -> VisitFact:
    return truth.visits[contribution.split(":", 1)[1]]


def true_value(truth: Truth, kind: str, column: str, contributions: frozenset[str]) -> float:
    """What a column should say for these contributions."""
    if column == "teachers":
        return len({_visit(truth, c).teacher for c in contributions})
    if column.endswith("_visits") or column == "visits":
        return len(contributions)
    if column.endswith("minutes"):
        return sum(_visit(truth, c).minutes for c in contributions)
    if column.startswith("cycles_"):
        return len(contributions)
    places = [truth.roster[c.split(":", 1)[1]] for c in contributions]
    seen = sum(p.seen_by_coach if kind == "coach" else p.seen for p in places)
    return round(seen / len(places), 3)


def column_facts(
    truth: Truth, row: dict[str, frozenset[str]], column: str
) -> tuple[str, frozenset[str]] | None:
    """(measure, contributions) of one column of a row; None for a column it has not."""
    visits = row["visits"]
    if column in ("visits", "teachers"):
        return "visits", visits
    if column == "minutes":
        return "minutes", visits
    if column.startswith("tier_"):
        tier = int(column.split("_")[1])
        return "minutes", frozenset(c for c in visits if _visit(truth, c).kind.tier == tier)
    if column.endswith("_visits"):
        of = SupportType(column.removesuffix("_visits"))
        return "visits", frozenset(c for c in visits if _visit(truth, c).kind is of)
    if column in ("cycles_started", "cycles_completed", "coverage") and "roster" in row:
        key = {"cycles_started": "started", "cycles_completed": "completed"}.get(column, "roster")
        return column, row[key]
    return None


# --------------------------------------------------------------------------- the checker


@dataclass
class Output:
    """Every figure of one output, and its families of figures that share no contribution."""

    figures: list[Shown] = field(default_factory=list)
    families: list[list[Shown]] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)  # a number that is not what is true


def leaks(output: Output, truth: Truth) -> list[str]:
    """Every way this output gives away a figure about 1-4 teachers."""

    def about(contributions: Iterable[str]) -> int:
        return len({truth.teacher_of(c) for c in contributions})

    def small(n: int) -> bool:
        return 0 < n < MIN_GROUP_SIZE

    found = [
        f"{f.where} is about {n} teachers"
        for f in output.figures
        if small(n := about(f.contributions))
    ]
    for one, other in itertools.combinations(output.figures, 2):
        if one.measure == other.measure:
            n = about(one.contributions ^ other.contributions)
            if small(n):
                found.append(f"{one.where} and {other.where} differ by {n} teachers")
    for total in output.figures:
        for family in output.families:
            parts = [
                p
                for p in family
                if p is not total
                and p.measure == total.measure
                and p.contributions <= total.contributions
            ]
            if not parts:
                continue
            left = total.contributions.difference(*(p.contributions for p in parts))
            n = about(left)
            if small(n):
                shown = " + ".join(p.where for p in parts)
                found.append(f"{total.where} minus {shown} is about {n} teachers")
    return found


def from_rows(rows: Sequence[dict[str, Any]], truth: Truth) -> Output:
    """The figures of a report's CSV or JSON rows: every non-blank cell of every row."""
    output = Output()
    named: dict[str, set[str]] = {}
    for row in rows:
        named.setdefault(str(row["group_kind"]), set()).add(str(row["group"]))
    columns: dict[tuple[str, str], list[Shown]] = {}
    for row in rows:
        kind, name = str(row["group_kind"]), str(row["group"])
        facts = row_facts(truth, kind, name, named[kind])
        cells: dict[str, list[Shown]] = {"kinds": [], "tiers": []}
        for column, value in row.items():
            if column in ("group_kind", "group") or value in ("", None):
                continue
            found = column_facts(truth, facts, column)
            assert found is not None, f"{kind} {name} shows {column}"
            measure, contributions = found
            figure = Shown(f"{name} {column}", measure, float(value), contributions)
            expected = true_value(truth, kind, column, contributions)
            if abs(float(value) - expected) > 1e-9:
                output.wrong.append(f"{figure.where} says {value}, truly {expected}")
            if column == "teachers":
                continue  # the same visits as the row's visits: no other difference to take
            output.figures.append(figure)
            columns.setdefault((kind, column), []).append(figure)
            if column.startswith("tier_"):
                cells["tiers"].append(figure)
            elif column.endswith("_visits") and column != "visits":
                cells["kinds"].append(figure)
        output.families += [members for members in cells.values() if members]
    output.families += list(columns.values())
    return output


# --------------------------------------------------------------------------- reading Home


_PERCENT = re.compile(r"(\d+)% tier 1")
_SEEN = re.compile(r"(\d+)% (?:seen in 3 weeks|of active teachers)")
_STARTED = re.compile(r"(\d+) started")
_COMPLETED = re.compile(r"(\d+) completed")


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def _texts(blocks: Iterable[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    for block in blocks:
        if isinstance(block.get("text"), dict):
            found.append(block["text"]["text"])
        for item in block.get("fields", []) or []:
            found.append(item["text"])
    return found


class _Reader:
    """Turns the report's lines, as a person reads them on Home, into figures."""

    def __init__(self, truth: Truth) -> None:
        self.truth = truth
        self.rows: list[tuple[str, str, dict[str, float]]] = []

    def add(self, kind: str, name: str, **values: float) -> None:
        self.rows.append((kind, name, values))

    def read(self, texts: Iterable[str]) -> None:
        table = ""
        for text in texts:
            for line in text.splitlines():
                self.line(line, table)
                heading = re.fullmatch(r"\*By (school|coach|kind of support)\*", line.strip())
                if heading:
                    table = {"school": "school", "coach": "coach"}.get(
                        heading.group(1), "support_type"
                    )
            tier = re.match(r"\*Tier (\d)\* \(.*\)\n([\d,]+) min in ([\d,]+) visits?", text)
            if tier:
                minutes, visits = _number(tier.group(2)), _number(tier.group(3))
                self.add("tier", f"Tier {tier.group(1)}", minutes=minutes, visits=visits)

    def line(self, line: str, table: str) -> None:
        district = re.match(
            r"\*([\d,]+) visits?\* with ([\d,]+) teachers?, ([\d,]+) minutes in all", line
        )
        if district:
            visits, teachers, minutes = (_number(g) for g in district.groups())
            self.add("district", "District", visits=visits, teachers=teachers, minutes=minutes)
            return
        if line.startswith("Seen in the last 3 weeks"):
            self.rows[-1][2]["coverage"] = _number(_SEEN.findall(line)[0]) / 100
        elif line.startswith("Coaching cycles:"):
            self._cycles(line, self.rows[-1][2])
        elif table == "support_type" and line.startswith("• "):
            kind = re.fullmatch(r"• (.+): ([\d,]+) visits?, ([\d,]+) min", line)
            assert kind, line
            name, visits, minutes = kind.group(1), _number(kind.group(2)), _number(kind.group(3))
            self.add("support_type", name, visits=visits, minutes=minutes)
        elif table in ("school", "coach") and line.startswith("• *"):
            row = re.fullmatch(r"• \*(.+)\*: ([\d,]+) visits? with ([\d,]+) teachers? · (.*)", line)
            assert row, line
            values: dict[str, float] = {
                "visits": _number(row.group(2)),
                "teachers": _number(row.group(3)),
            }
            for part in row.group(4).split(" · "):
                if part.endswith(" min") or " min (" in part:
                    values["minutes"] = _number(part.split(" min")[0])
                    share = _PERCENT.search(part)
                    if share:
                        values["tier_1_share"] = _number(share.group(1)) / 100
                elif "seen in 3 weeks" in part:
                    values["coverage"] = _number(_SEEN.findall(part)[0]) / 100
                elif part.startswith("cycles"):
                    self._cycles(part, values)
            self.add(table, row.group(1), **values)

    @staticmethod
    def _cycles(text: str, values: dict[str, float]) -> None:
        started, completed = _STARTED.search(text), _COMPLETED.search(text)
        if started:
            values["cycles_started"] = _number(started.group(1))
        if completed:
            values["cycles_completed"] = _number(completed.group(1))

    def output(self) -> Output:
        output = Output()
        named: dict[str, set[str]] = {}
        for kind, name, _values in self.rows:
            named.setdefault(kind, set()).add(name)
        columns: dict[tuple[str, str], list[Shown]] = {}
        for kind, name, values in self.rows:
            facts = row_facts(self.truth, kind, name, named[kind])
            for column, value in values.items():
                real = "tier_1_minutes" if column == "tier_1_share" else column
                found = column_facts(self.truth, facts, real)
                assert found is not None, f"{kind} {name} shows {column}"
                measure, contributions = found
                expected = true_value(self.truth, kind, real, contributions)
                if column == "tier_1_share":
                    minutes = true_value(self.truth, kind, "minutes", facts["visits"])
                    expected = round(expected / minutes, 2)
                if abs(value - expected) > 0.006:
                    output.wrong.append(f"{name} {column} says {value}, truly {expected}")
                if column == "teachers":
                    continue
                figure = Shown(f"{name} {real}", measure, value, contributions)
                output.figures.append(figure)
                columns.setdefault((kind, real), []).append(figure)
        output.families += list(columns.values())
        return output


def from_blocks(blocks: Iterable[dict[str, Any]], truth: Truth) -> Output:
    reader = _Reader(truth)
    reader.read(_texts(blocks))
    return reader.output()


def from_digest(text: str, truth: Truth) -> Output:
    """The admin digest's figures: the week's visits and teachers, and visits by kind."""
    reader = _Reader(truth)
    for line in text.splitlines():
        total = re.fullmatch(r"\*([\d,]+) visits?\* with ([\d,]+) teachers?\.", line)
        kind = re.fullmatch(r"• (.+): ([\d,]+)", line)
        if total:
            visits, teachers = _number(total.group(1)), _number(total.group(2))
            reader.add("district", "District", visits=visits, teachers=teachers)
        elif kind:
            name = OTHER_KINDS if kind.group(1) == "Other kinds together" else kind.group(1)
            reader.add("support_type", name, visits=_number(kind.group(2)))
    return reader.output()


# --------------------------------------------------------------------------- districts


@dataclass
class District:
    """Writes a district's rows as the app stores them, and keeps the truth about them."""

    uow: UnitOfWork
    team: str
    end: date  # coverage looks at the 21 days before it
    truth: Truth = field(default_factory=Truth)
    schools: dict[str, School] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    numbers: Iterator[int] = field(default_factory=itertools.count)

    def coach(self, name: str, user_id: str | None = None) -> Person:
        return self._person(name, "coach", user_id=user_id)

    def teacher(
        self, name: str, school: str, coach: Person | None, user_id: str | None = None
    ) -> Person:
        if school not in self.schools:
            self.schools[school] = School(team_id=self.team, name=school)
            self.uow.session.add(self.schools[school])
            self.uow.session.flush()
        person = self._person(
            name,
            "teacher",
            school_id=self.schools[school].id,
            assigned_coach_id=coach.id if coach else None,
            user_id=user_id,
        )
        self.truth.roster[name] = Placed(
            name, school, coach.display_name if coach else None, False, False
        )
        return person

    def _person(self, name: str, role: str, user_id: str | None = None, **more: Any) -> Person:
        n = next(self.numbers)
        person = self.uow.people.add(
            Person(
                team_id=self.team,
                user_id=user_id or f"U0{self.team[-4:]}{n:05d}",
                display_name=name,
                role=role,
                timezone="America/New_York",
                **more,
            )
        )
        self.people[name] = person
        return person

    def visit(
        self, teacher: Person, coach: Person, when: datetime, kind: SupportType, minutes: int
    ) -> None:
        n = len(self.truth.visits)
        self.uow.session.add(
            Visit(
                team_id=self.team,
                teacher_id=teacher.id,
                coach_id=coach.id,
                starts_at=when,
                ends_at=when + timedelta(minutes=minutes),
                class_name="Period 2",
                support_type=kind.value,
                focus=f"Focus of {teacher.display_name}",
                status="accepted",
                outcome="happened",
                created_at=when - timedelta(days=3),
                updated_at=when,
            )
        )
        placed = self.truth.roster[teacher.display_name]
        school = placed.school
        self.truth.visits[str(n)] = VisitFact(
            teacher.display_name, school, coach.display_name, kind, minutes
        )
        window = datetime.combine(self.end - timedelta(days=21), datetime.min.time(), NY)
        if when >= window:
            own = placed.seen_by_coach or placed.coach == coach.display_name
            self.truth.roster[teacher.display_name] = Placed(
                placed.teacher, placed.school, placed.coach, True, own
            )

    def goal(
        self,
        teacher: Person,
        coach: Person,
        created: datetime,
        met: datetime | None = None,
        started: bool = True,
    ) -> None:
        n = len(self.truth.started) + len(self.truth.completed)
        self.uow.session.add(
            Goal(
                team_id=self.team,
                teacher_id=teacher.id,
                coach_id=coach.id,
                question=f"How can {teacher.display_name} reach every student?",
                focus_area="student engagement",
                status="met" if met else "active",
                created_at=created,
                updated_at=met or created,
                closed_at=met,
            )
        )
        fact = GoalFact(
            teacher.display_name, self.truth.roster[teacher.display_name].school, coach.display_name
        )
        if started:
            self.truth.started[str(n)] = fact
        if met is not None:
            self.truth.completed[str(n)] = fact


def at(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=NY)


# --------------------------------------------------------------------------- five and one

# Friday 2026-12-04, 14:00 in New York: the admin digest's hour; the week began Monday the 30th.
FRIDAY = datetime(2026, 12, 4, 19, 0, tzinfo=UTC)
LINCOLN, WILSON = "Lincoln Elementary", "Wilson High"


def five_and_one(uow: UnitOfWork) -> District:
    """Lincoln: five teachers, each observed once and each starting a goal. Wilson: one
    teacher, co-taught twice (60 minutes each) whose goal was met. One coach for all."""
    district = District(uow, TEAM, end=date(2026, 12, 5))
    kim = district.coach("Kim Alvarez")
    for n in range(5):
        teacher = district.teacher(f"Lincoln Teacher {n}", LINCOLN, kim)
        district.visit(teacher, kim, at(30, 8 + n), SupportType.OBSERVE, 45)
        district.goal(teacher, kim, at(30, 15))
    alone = district.teacher("Wilson Teacher", WILSON, kim)
    district.visit(alone, kim, at(1, 9, month=12), SupportType.CO_TEACH, 60)
    district.visit(alone, kim, at(2, 9, month=12), SupportType.CO_TEACH, 60)
    district.goal(alone, kim, at(1, 9, month=10), met=at(3, 12, month=12), started=False)
    return district


@pytest.fixture
def five_one(running: Running) -> tuple[Running, District]:
    running.clock.now = FRIDAY
    running.slack.add_user(LEADER, name="Principal Park", tz="America/New_York")
    with running.deps.uow() as uow:
        district = five_and_one(uow)
        for user_id, name, role in (
            (LEADER, "Principal Park", "leader"),
            (ADMIN_ID, "Dana", "admin"),
        ):
            uow.people.add(
                Person(
                    team_id=TEAM,
                    user_id=user_id,
                    display_name=name,
                    role=role,
                    timezone="America/New_York",
                    synced_at=FRIDAY,
                )
            )
        uow.session.flush()
        for person in district.people.values():
            uow.session.expunge(person)
        uow.commit()
    return running, district


SECRETS = ("Lincoln Teacher", "Wilson Teacher", "U0", "Focus of", "How can")


def _no_one_named(text: str) -> None:
    assert [secret for secret in SECRETS if secret in text] == []


def _report_command(running: Running, coachbot: Coachbot, fmt: str) -> str:
    """`coachbot report` as an operator runs it, on the app's own database."""
    done = coachbot(
        *("report", "--from", "2026-11-30", "--to", "2026-12-05", "--format", fmt),
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=running.slack.url,
        DATABASE_URL=running.deps.engine.url.render_as_string(hide_password=False),
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_report_command_gives_no_one_away_by_subtraction(
    five_one: tuple[Running, District], coachbot: Coachbot
) -> None:
    running, district = five_one
    text = _report_command(running, coachbot, "csv")
    rows: list[dict[str, Any]] = list(csv.DictReader(io.StringIO(text)))
    found = from_rows(rows, district.truth)
    assert leaks(found, district.truth) == []
    assert found.wrong == []
    _no_one_named(text)
    by_name = {(r["group_kind"], r["group"]): r for r in rows}
    # The district's totals stay; Lincoln alone would leave Wilson's one teacher as the rest.
    district_row = by_name[("district", "District")]
    assert (district_row["visits"], district_row["teachers"], district_row["minutes"]) == (
        "7",
        "6",
        "345",
    )
    assert ("school", LINCOLN) not in by_name and ("school", WILSON) not in by_name
    # Observed visits (five teachers) would leave the co-teaching of one: both are blank.
    assert district_row["observe_visits"] == "" and district_row["co_teach_visits"] == ""
    assert ("support_type", "Observe and give feedback") not in by_name
    # Five goals started show; the one goal met is one teacher's.
    assert (district_row["cycles_started"], district_row["cycles_completed"]) == ("5", "")

    data = json.loads(_report_command(running, coachbot, "json"))
    assert [{k: str(v) for k, v in row.items()} for row in data] == rows
    assert leaks(from_rows(data, district.truth), district.truth) == []


def _home(running: Running, user_id: str) -> dict[str, Any]:
    reply = running.sender.post(factories.event_callback(factories.app_home_opened(user_id)))
    assert reply.status == 200
    running.settle()
    call = [c for c in running.slack.calls_to("views.publish") if c.args["user_id"] == user_id][-1]
    view: dict[str, Any] = call.args["view"]
    assert check_view(view) == []
    return view


def test_the_leaders_and_admins_home_give_no_one_away(five_one: tuple[Running, District]) -> None:
    running, district = five_one
    for user_id in (LEADER, ADMIN_ID):
        view = _home(running, user_id)
        found = from_blocks(view["blocks"], district.truth)
        assert leaks(found, district.truth) == []
        assert found.wrong == []
        assert len(found.figures) >= 5  # the district's and Tier 1's numbers were read
        everything = "\n".join(_texts(view["blocks"]))
        assert "*7 visits* with 6 teachers, 345 minutes in all." in everything
        assert "Coaching cycles: 5 started." in everything
        assert LINCOLN not in everything and "Observe and give feedback:" not in everything
        _no_one_named(everything)


def test_the_friday_admin_digest_gives_no_one_away(five_one: tuple[Running, District]) -> None:
    running, district = five_one
    with running.deps.uow() as uow:
        # The coach's own week, and the counts for the admin and for the leader.
        assert plan_digests(uow, FRIDAY) == 3
        uow.commit()
    sent = outbox.deliver_due(
        running.deps.uow, SlackSender(running.app.client), FRIDAY, worker="test"
    )
    assert sent.sent == 3
    for reader in (ADMIN_ID, LEADER):
        [message] = [
            c for c in running.slack.calls_to("chat.postMessage") if c.args["channel"] == reader
        ]
        blocks = message.args["blocks"]
        text = "\n".join(_texts(json.loads(blocks) if isinstance(blocks, str) else blocks))
        found = from_digest(text, district.truth)
        assert leaks(found, district.truth) == []
        assert found.wrong == [] and len(found.figures) == 1
        assert "*7 visits* with 6 teachers." in text
        assert "Observe" not in text and "Co-teach" not in text
        _no_one_named(text)


# --------------------------------------------------------------------------- random districts

START, END = date(2026, 11, 2), date(2026, 11, 30)
KINDS = list(SupportType)


def random_district(uow: UnitOfWork, seed: int) -> District:
    """Two to five schools of 1-9 teachers, one to four coaches, visits and goals at random."""
    rng = random.Random(seed)
    district = District(uow, f"T0R{seed:04d}", end=END)
    coaches = [district.coach(f"Coach {seed}-{n}") for n in range(rng.randint(1, 4))]
    teachers: list[Person] = []
    for s in range(rng.randint(2, 5)):
        for t in range(rng.randint(1, 9)):
            coach = rng.choice([*coaches, None]) if rng.random() < 0.2 else rng.choice(coaches)
            teachers.append(district.teacher(f"Teacher {seed}-{s}-{t}", f"School {s}", coach))
    weights = [rng.random() for _ in KINDS]
    for teacher in teachers:
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            coach = rng.choice(coaches)
            kind = rng.choices(KINDS, weights)[0]
            when = at(rng.randint(2, 27), rng.randint(8, 15))
            district.visit(teacher, coach, when, kind, rng.choice((30, 45, 60)))
        if rng.random() < 0.4:
            created = at(rng.randint(2, 20))
            met = created + timedelta(days=rng.randint(1, 8)) if rng.random() < 0.5 else None
            district.goal(teacher, rng.choice(coaches), created, met)
    return district


def test_thirty_random_districts_give_no_one_away(deps: Deps) -> None:
    """Thirty districts on SQLite; the first six again on PostgreSQL, whose figures come from
    the same queries (the rule itself runs in Python, whatever the database)."""
    shown_rows = withheld = 0
    seeds = range(30 if deps.engine.dialect.name == "sqlite" else 6)
    for seed in seeds:
        with deps.uow() as uow:
            district = random_district(uow, seed)
            uow.session.flush()
            visits = list(uow.session.scalars(select(Visit).where(Visit.team_id == district.team)))
            digest = aggregate_lines(visits)
            uow.commit()
        with deps.uow() as uow:
            out = io.StringIO()
            run_report_command(uow, district.team, START, END, "json", out)
            made = build_report(uow, district.team, START, END)
        rows = json.loads(out.getvalue())
        assert rows == report_rows(made)
        for output in (
            from_rows(rows, district.truth),
            from_blocks(build_report_blocks(made), district.truth),
            from_digest("\n".join(digest), district.truth),
        ):
            assert leaks(output, district.truth) == [], seed
            assert output.wrong == [], seed
        shown_rows += len(rows)
        withheld += sum(value == "" for row in rows for value in row.values())
    # The rule keeps numbers: most districts still show rows, and blanks stay the exception.
    assert shown_rows > 2 * len(seeds)
    assert withheld < shown_rows * 12


# --------------------------------------------------------------------------- the rule itself


def _publication(teachers_of_atoms: Sequence[set[str]]) -> tuple[Publication, Callable[..., Any]]:
    atoms = Atoms()
    for n, teachers in enumerate(teachers_of_atoms):
        for teacher in teachers:
            atoms.add(n, teacher)
    publication = Publication({"visits": atoms})
    return publication, publication.figure


def _people(prefix: str, n: int) -> set[str]:
    return {f"{prefix}{i}" for i in range(n)}


def test_a_total_minus_its_parts_is_a_leak_and_the_smallest_part_goes() -> None:
    # Atoms: a school of five, a school of one, a school of seven.
    publication, figure = _publication([_people("a", 5), _people("b", 1), _people("c", 7)])
    district = figure("district", "visits", {0, 1, 2}, None)
    a, c = figure("A", "visits", {0}, 1), figure("C", "visits", {2}, 1)
    publication.family([a, c])
    [leak] = find_leaks(publication)
    assert leak.teachers == 1 and leak.candidates == (a, c)

    def withhold(f: Any) -> None:
        f.hidden = True

    settle(lambda: publication, withhold)
    assert (a.hidden, c.hidden, district.hidden) == (True, False, False)


def test_two_overlapping_figures_a_few_teachers_apart_are_a_leak() -> None:
    # A school (atoms 0, 1) and a coach (atoms 1, 2) who did nearly all its visits.
    publication, figure = _publication([{"t1"}, _people("s", 8), {"t9", "t8"}])
    school = figure("school", "visits", {0, 1}, 2)
    coach = figure("coach", "visits", {1, 2}, 1)
    [leak] = find_leaks(publication)
    assert leak.teachers == 3 and set(leak.figures) == {school, coach}
    assert leak.candidates[0] is school  # nine teachers against ten: the smaller gives way


def test_figures_of_different_measures_are_never_subtracted() -> None:
    atoms = Atoms()
    for n, teachers in enumerate([_people("a", 6), {"b"}]):
        for teacher in teachers:
            atoms.add(n, teacher)
    publication = Publication({"visits": atoms, "minutes": atoms})
    publication.figure("all visits", "visits", {0, 1}, None)
    publication.figure("some minutes", "minutes", {0}, 1)
    assert find_leaks(publication) == []


def test_a_leak_nothing_can_close_is_refused() -> None:
    publication, figure = _publication([_people("a", 5), {"b"}])
    figure("district", "visits", {0, 1}, None)
    figure("kept", "visits", {0}, None)
    with pytest.raises(Unsafe):
        settle(lambda: publication, lambda f: None)
