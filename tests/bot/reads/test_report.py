"""Aggregate reports: counts by school, coach, kind and tier that never single out a teacher."""

from __future__ import annotations

import csv
import io
import itertools
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

import bot.reads.report
from bot.app.deps import Deps
from bot.demo.block_kit import check_blocks
from bot.reads.report import (
    NOT_A_COACH,
    OTHER_COACHES,
    OTHER_KINDS,
    OTHER_SCHOOLS,
    REPORT_COLUMNS,
    build_report,
    report_rows,
    run_report_command,
    support_type_groups,
)
from bot.rules.domain import SupportType
from bot.rules.small_groups import Unsafe
from bot.views.report import SMALL_GROUPS, TOO_FEW, Group, Report, build_report_blocks
from storage.models import (
    CoachingLog,
    CoachingLogTeacher,
    District,
    Goal,
    Person,
    Reflection,
    School,
    Visit,
)
from storage.uow import UnitOfWork

TEAM = "T0COACH"
NY = ZoneInfo("America/New_York")
# Four school weeks of November 2026; the end date is not part of the report.
START, END = date(2026, 11, 2), date(2026, 11, 30)

FIRST = ("Avery", "Blake", "Casey", "Dakota", "Emerson", "Finley", "Greer", "Harper", "Jules")
LAST = ("Quinlan", "Marsh", "Devereaux", "Okonkwo", "Halvorsen", "Lindqvist", "Petrakis")
_people = itertools.count()


def local(day: int, hour: int = 10, minute: int = 0, month: int = 11) -> datetime:
    """A moment in New York in 2026."""
    return datetime(2026, month, day, hour, minute, tzinfo=NY)


class Roster:
    """Builds a district's rows the way the app stores them."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def school(self, name: str) -> School:
        school = School(team_id=TEAM, name=name)
        self.uow.session.add(school)
        self.uow.session.flush()
        return school

    def coach(self, name: str, role: str = "coach") -> Person:
        return self._person(name, role, None, None, True)

    def teacher(
        self, school: School | None, coach: Person | None, *, active: bool = True
    ) -> Person:
        n = next(_people)
        name = f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST)) % len(LAST)]}{n // 63 or ''}"
        return self._person(name, "teacher", school, coach, active)

    def _person(
        self, name: str, role: str, school: School | None, coach: Person | None, active: bool
    ) -> Person:
        person = Person(
            team_id=TEAM,
            user_id=f"U0P{next(_people):05d}",
            display_name=name,
            role=role,
            school_id=school.id if school else None,
            assigned_coach_id=coach.id if coach else None,
            active=active,
        )
        return self.uow.people.add(person)

    def visit(
        self,
        teacher: Person,
        coach: Person,
        when: datetime,
        kind: str = "observe",
        minutes: int = 45,
        outcome: str | None = "happened",
        logged: str | None = None,
    ) -> Visit:
        visit = Visit(
            team_id=TEAM,
            teacher_id=teacher.id,
            coach_id=coach.id,
            starts_at=when,
            ends_at=when + timedelta(minutes=minutes),
            class_name="Period 3 Algebra",
            support_type=kind,
            focus=f"Focus for {teacher.display_name}: checks for understanding",
            note=f"Private note: {teacher.display_name} tried exit tickets",
            status="accepted",
            outcome=outcome,
            logged_support_type=logged,
            created_at=when - timedelta(days=7),
            updated_at=when,
        )
        self.uow.session.add(visit)
        return visit

    def goal(
        self,
        teacher: Person,
        coach: Person | None,
        created: datetime,
        status: str = "active",
        closed: datetime | None = None,
    ) -> Goal:
        goal = Goal(
            team_id=TEAM,
            teacher_id=teacher.id,
            coach_id=coach.id if coach else None,
            question=f"How can {teacher.display_name} get every student talking?",
            focus_area="student engagement",
            status=status,
            created_at=created,
            updated_at=closed or created,
            closed_at=closed,
        )
        self.uow.session.add(goal)
        return goal


def report(deps: Deps, start: date = START, end: date = END) -> Report:
    with deps.uow() as uow:
        return build_report(uow, TEAM, start, end)


def output(deps: Deps, fmt: str, start: date = START, end: date = END) -> str:
    out = io.StringIO()
    with deps.uow() as uow:
        run_report_command(uow, TEAM, start, end, fmt, out)
    return out.getvalue()


def rows_of(kind: str, report_: Report) -> dict[str, dict[str, Any]]:
    return {str(r["group"]): r for r in report_rows(report_) if r["group_kind"] == kind}


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@dataclass
class TwoSchools:
    kim: int
    pat: int
    wilson_teacher: int


def two_schools(deps: Deps) -> TwoSchools:
    """Lincoln: 6 teachers, 5 visited by Kim. Roosevelt: 4 visited by Pat. Wilson: 2, none."""
    with deps.uow() as uow:
        roster = Roster(uow)
        lincoln, roosevelt = roster.school("Lincoln Elementary"), roster.school("Roosevelt Middle")
        wilson = roster.school("Wilson High")
        kim, pat = roster.coach("Kim Alvarez"), roster.coach("Pat Okafor")
        for n in range(6):
            teacher = roster.teacher(lincoln, kim)
            if n < 5:
                roster.visit(teacher, kim, local(10 + n))
        for n in range(4):
            roster.visit(roster.teacher(roosevelt, pat), pat, local(16 + n), "co_plan", 30)
        wilson_teacher = roster.teacher(wilson, pat)
        roster.teacher(wilson, pat)
        result = TwoSchools(kim.id, pat.id, wilson_teacher.id)
        uow.commit()
        return result


def three_schools(deps: Deps) -> TwoSchools:
    """Two schools, and a visit to one Wilson teacher: Roosevelt and Wilson make five."""
    ids = two_schools(deps)
    with deps.uow() as uow:
        teacher, pat = uow.people.get(ids.wilson_teacher), uow.people.get(ids.pat)
        assert teacher is not None and pat is not None
        Roster(uow).visit(teacher, pat, local(24), "co_plan", 30)
        uow.commit()
    return ids


# --------------------------------------------------------------------------- small groups


def test_a_school_of_four_is_hidden_and_a_school_of_five_is_shown(deps: Deps) -> None:
    ids = two_schools(deps)
    made = report(deps)
    # Lincoln's five beside the district's nine would give away Roosevelt's four by
    # subtraction, so Lincoln does not show either (Wilson, visited by no one, adds nothing).
    assert rows_of("school", made) == {}
    text = output(deps, "csv")
    assert "Lincoln" not in text and "Roosevelt" not in text and "Wilson" not in text
    assert OTHER_SCHOOLS not in text
    district = rows_of("district", made)["District"]
    assert (district["teachers"], district["visits"], district["minutes"]) == (9, 9, 345)

    # A visit to one Wilson teacher makes five in the other schools together: shown, merged,
    # and Lincoln's five beside them.
    with deps.uow() as uow:
        roster = Roster(uow)
        teacher, pat = uow.people.get(ids.wilson_teacher), uow.people.get(ids.pat)
        assert teacher is not None and pat is not None
        roster.visit(teacher, pat, local(24), "co_plan", 30)
        uow.commit()
    text = output(deps, "csv")
    schools = {row["group"]: row for row in csv_rows(text) if row["group_kind"] == "school"}
    assert list(schools) == ["Lincoln Elementary", OTHER_SCHOOLS]
    lincoln = schools["Lincoln Elementary"]
    assert (lincoln["teachers"], lincoln["visits"], lincoln["minutes"]) == ("5", "5", "225")
    assert schools[OTHER_SCHOOLS]["teachers"] == "5"
    assert schools[OTHER_SCHOOLS]["visits"] == "5"
    assert schools[OTHER_SCHOOLS]["minutes"] == "150"
    assert "Roosevelt" not in text and "Wilson" not in text


def test_a_coach_with_four_teachers_is_hidden_and_one_with_five_is_shown(deps: Deps) -> None:
    ids = two_schools(deps)
    made = report(deps)
    # Kim's five would leave Pat's four as the district minus Kim: no coach shows.
    assert rows_of("coach", made) == {}
    text = output(deps, "csv")
    assert "Pat Okafor" not in text and "Kim Alvarez" not in text and OTHER_COACHES not in text

    # Lee visits one of Kim's teachers: Pat's four and Lee's one make five "Other coaches".
    with deps.uow() as uow:
        roster = Roster(uow)
        lee = roster.coach("Lee Brennan", role="lead_coach")
        kims = uow.session.scalars(
            select(Person).where(Person.assigned_coach_id == ids.kim).order_by(Person.id)
        ).first()
        assert kims is not None
        roster.visit(kims, lee, local(25), "model", 60)
        uow.commit()
    text = output(deps, "csv")
    coaches_csv = {row["group"]: row for row in csv_rows(text) if row["group_kind"] == "coach"}
    assert list(coaches_csv) == ["Kim Alvarez", OTHER_COACHES]
    assert (coaches_csv["Kim Alvarez"]["teachers"], coaches_csv["Kim Alvarez"]["visits"]) == (
        "5",
        "5",
    )
    assert coaches_csv[OTHER_COACHES]["teachers"] == "5"
    assert coaches_csv[OTHER_COACHES]["minutes"] == str(4 * 30 + 60)
    assert "Pat Okafor" not in text and "Lee Brennan" not in text
    # Kim's caseload is six; five were seen by Kim in the last three weeks.
    assert coaches_csv["Kim Alvarez"]["coverage"] == "0.833"


def test_too_few_teachers_in_the_district_hides_everything(deps: Deps) -> None:
    with deps.uow() as uow:
        roster = Roster(uow)
        school, kim = roster.school("Lincoln Elementary"), roster.coach("Kim Alvarez")
        for n in range(4):
            roster.visit(roster.teacher(school, kim), kim, local(10 + n))
        uow.commit()
    made = report(deps)
    assert made.district is None
    assert report_rows(made) == []
    assert output(deps, "csv") == ",".join(REPORT_COLUMNS) + "\n"
    assert json.loads(output(deps, "json")) == []
    blocks = build_report_blocks(made)
    assert check_blocks(blocks, surface="home") == []
    shown_text = json.dumps(blocks)
    assert TOO_FEW in shown_text and "Lincoln" not in shown_text and "Kim" not in shown_text


def test_support_type_groups_for_the_digest_keep_the_same_rule() -> None:
    def visits(n: int, outcome: str = "happened") -> list[Visit]:
        return [Visit(support_type="observe", teacher_id=t, outcome=outcome) for t in range(n)]

    assert support_type_groups(visits(4)) == (None, [])
    assert support_type_groups(visits(5, outcome="rescheduled")) == (None, [])
    total, kinds = support_type_groups(visits(5))
    assert total is not None and (total.teachers, total.visits) == (5, 5)
    assert [(g.name, g.visits) for g in kinds] == [("Observe and give feedback", 5)]


def test_if_the_rule_cannot_settle_only_the_districts_totals_show(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    three_schools(deps)

    def unsettled(*_args: Any) -> None:
        raise Unsafe("nothing left to withhold")

    monkeypatch.setattr(bot.reads.report, "_withheld", unsettled)
    made = report(deps)
    assert [group.kind for group in made.groups()] == ["district"]
    [row] = report_rows(made)
    assert (row["teachers"], row["visits"], row["minutes"]) == (10, 10, 375)
    blank = [column for column, value in row.items() if value == ""]
    totals = ("group_kind", "group", "teachers", "visits", "minutes")
    assert blank == [column for column in REPORT_COLUMNS if column not in totals]


# --------------------------------------------------------------------------- what counts


def test_visits_that_did_not_happen_never_count(deps: Deps) -> None:
    with deps.uow() as uow:
        roster = Roster(uow)
        school, kim = roster.school("Lincoln Elementary"), roster.coach("Kim Alvarez")
        teachers = [roster.teacher(school, kim) for _ in range(8)]
        for n, teacher in enumerate(teachers[:5]):
            roster.visit(teacher, kim, local(10 + n))
        # Every other way a visit can end, and one never logged, for three more teachers.
        outcomes = ("rescheduled", "coach_pulled_away", "teacher_absent", None)
        for n, teacher in enumerate(teachers[5:] + teachers[:1]):
            for m, outcome in enumerate(outcomes):
                roster.visit(teacher, kim, local(16 + m, 8 + n), "model", 60, outcome)
        uow.commit()
    made = report(deps)
    district = rows_of("district", made)["District"]
    assert (district["teachers"], district["visits"], district["minutes"]) == (5, 5, 225)
    assert district["model_visits"] == 0 and district["observe_visits"] == 5
    assert district["coverage"] == 0.625  # five of eight seen
    assert list(rows_of("support_type", made)) == ["Observe and give feedback"]


def test_minutes_by_tier_add_up_and_a_small_kind_is_withheld(deps: Deps) -> None:
    with deps.uow() as uow:
        roster = Roster(uow)
        school, kim = roster.school("Lincoln Elementary"), roster.coach("Kim Alvarez")
        teachers = [roster.teacher(school, kim) for _ in range(6)]
        for n, teacher in enumerate(teachers):
            roster.visit(teacher, kim, local(3 + n % 4, 9), "observe", 45)
        for n, teacher in enumerate(teachers[:5]):
            roster.visit(teacher, kim, local(10 + n % 4, 9), "data_talk", 30)
            roster.visit(teacher, kim, local(17 + n % 4, 9), "other", 20)
        # Planned as an observation, logged by the coach as something else.
        roster.visit(teachers[5], kim, local(24, 9), "observe", 60, logged="other")
        # Co-teaching with only two teachers: too few to show as its own kind.
        for teacher in teachers[:2]:
            roster.visit(teacher, kim, local(25, 13), "co_teach", 40)
        uow.commit()
    made = report(deps)
    rows = report_rows(made)
    for row in rows:
        tiers = [row[f"tier_{t}_minutes"] for t in (1, 2, 3)]
        if all(isinstance(m, int) for m in tiers):
            assert sum(int(m) for m in tiers) == row["minutes"], row["group"]
    district = rows_of("district", made)["District"]
    assert district["minutes"] == 6 * 45 + 5 * 30 + 5 * 20 + 60 + 2 * 40
    assert (district["tier_1_minutes"], district["tier_2_minutes"]) == (6 * 45 + 80, 150)
    assert district["tier_3_minutes"] == 5 * 20 + 60
    assert district["other_visits"] == 6 and district["data_talk_visits"] == 5
    assert district["co_teach_visits"] == ""  # two teachers: withheld
    # And so is observing: six observed teachers beside tier 1's visits would leave the two
    # co-taught ones as the rest.
    assert district["observe_visits"] == ""
    kinds = rows_of("support_type", made)
    assert list(kinds) == ["Something else", OTHER_KINDS]
    assert kinds["Something else"]["minutes"] == 160 and kinds["Something else"]["teachers"] == 6
    assert kinds[OTHER_KINDS]["minutes"] == 6 * 45 + 80 + 150
    assert kinds[OTHER_KINDS]["observe_visits"] == kinds[OTHER_KINDS]["co_teach_visits"] == ""
    tiers = rows_of("tier", made)
    assert {name: row["visits"] for name, row in tiers.items()} == {
        "Tier 1": 8,
        "Tier 2": 5,
        "Tier 3": 6,
    }
    assert sum(int(row["minutes"]) for row in tiers.values()) == district["minutes"]


def test_coverage_is_active_teachers_seen_in_the_three_weeks_before_the_end(deps: Deps) -> None:
    with deps.uow() as uow:
        roster = Roster(uow)
        school, kim = roster.school("Lincoln Elementary"), roster.coach("Kim Alvarez")
        roster.coach("Pat Okafor")  # coaches are not teachers to cover
        t = [roster.teacher(school, kim) for _ in range(8)]
        gone = roster.teacher(school, kim, active=False)
        for n in range(1, 5):
            roster.visit(t[n], kim, local(9 + n))
        roster.visit(t[0], kim, local(29, 23, 30))  # Sunday night, still before the end
        roster.visit(t[5], kim, local(3))  # in the period, but four weeks ago
        roster.visit(t[6], kim, local(8, 23, 30))  # half an hour before the window opens
        roster.visit(t[7], kim, local(30, 0, 30))  # after the end
        roster.visit(gone, kim, local(20))  # left the district: not counted as unseen
        uow.commit()
    made = report(deps)
    district = rows_of("district", made)["District"]
    assert district["teachers"] == 8  # t0..t6 and the one who left, in the period
    assert district["coverage"] == 0.625  # t0..t4 of the eight active teachers
    assert rows_of("school", made)["Lincoln Elementary"]["coverage"] == 0.625
    assert rows_of("coach", made)["Kim Alvarez"]["coverage"] == 0.625
    # A week's report still looks three weeks back from its end.
    week = report(deps, date(2026, 11, 23), END)
    assert week.district is None  # only t0 was visited that week


def test_cycles_started_and_completed_in_the_period(deps: Deps) -> None:
    with deps.uow() as uow:
        roster = Roster(uow)
        school, kim = roster.school("Lincoln Elementary"), roster.coach("Kim Alvarez")
        pat = roster.coach("Pat Okafor")
        t = [roster.teacher(school, kim) for _ in range(8)]
        for n, teacher in enumerate(t):
            roster.visit(teacher, kim, local(10 + n % 5))
        roster.goal(t[0], kim, local(3))
        roster.goal(t[1], None, local(4))  # no coach named: the teacher's coach, Kim
        roster.goal(t[2], kim, local(5), "met", local(25))  # started and completed
        roster.goal(t[3], kim, local(10, month=10), "met", local(12))  # completed only
        roster.goal(t[4], kim, local(10, month=10), "met", local(2, month=12))  # after the end
        roster.goal(t[4], kim, local(1, month=10), "set_aside", local(13))  # not completed
        roster.goal(t[3], kim, local(6), "set_aside", local(20))  # started, set aside
        roster.goal(t[0], kim, local(30, 8))  # the end date is not in the report
        roster.goal(t[5], kim, local(7), "met", local(20))
        roster.goal(t[6], kim, local(1, month=10), "met", local(9))
        roster.goal(t[7], kim, local(2, month=10), "met", local(10))
        roster.goal(t[6], kim, local(8))
        # Two goals with Pat, who visited no one: Kim's count beside the district's would
        # give those two teachers away, so Kim's is withheld.
        roster.goal(t[0], pat, local(9))
        roster.goal(t[1], pat, local(9))
        uow.commit()
    made = report(deps)
    for kind, name in (("district", "District"), ("school", "Lincoln Elementary")):
        row = rows_of(kind, made)[name]
        assert (row["cycles_started"], row["cycles_completed"]) == (8, 5)
    kim_row = rows_of("coach", made)["Kim Alvarez"]
    assert (kim_row["cycles_started"], kim_row["cycles_completed"]) == ("", 5)
    assert "Pat Okafor" not in rows_of("coach", made)
    assert all(row["cycles_started"] == "" for row in rows_of("support_type", made).values())


def test_a_cycle_count_about_fewer_than_five_teachers_is_withheld(deps: Deps) -> None:
    with deps.uow() as uow:
        roster = Roster(uow)
        school, kim = roster.school("Lincoln Elementary"), roster.coach("Kim Alvarez")
        t = [roster.teacher(school, kim) for _ in range(6)]
        for n, teacher in enumerate(t):
            roster.visit(teacher, kim, local(10 + n % 5))
            roster.goal(teacher, kim, local(3))
        roster.goal(t[0], kim, local(1, month=10), "met", local(12))  # one teacher's goal met
        uow.commit()
    row = rows_of("district", report(deps))["District"]
    assert (row["cycles_started"], row["cycles_completed"]) == (6, "")
    blocks = json.dumps(build_report_blocks(report(deps)))
    assert "Coaching cycles: 6 started." in blocks and "completed" not in blocks


# --------------------------------------------------------------------------- output


def test_csv_and_json_parse_back_to_the_same_rows(deps: Deps) -> None:
    three_schools(deps)
    made = report(deps)
    expected = report_rows(made)

    text = output(deps, "csv")
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == list(REPORT_COLUMNS)
    parsed = list(reader)
    assert parsed == [{k: str(v) for k, v in row.items()} for row in expected]
    lincoln = next(row for row in parsed if row["group"] == "Lincoln Elementary")
    assert lincoln["coverage"] == "0.833" and lincoln["observe_visits"] == "5"
    assert lincoln["cycles_started"] == "0"

    data = json.loads(output(deps, "json"))
    assert data == expected
    assert [(row["group_kind"], row["group"]) for row in data] == [
        ("district", "District"),
        ("tier", "Tier 1"),
        ("support_type", "Observe and give feedback"),
        ("support_type", "Co-plan"),
        ("school", "Lincoln Elementary"),
        ("school", OTHER_SCHOOLS),
        ("coach", "Kim Alvarez"),
        ("coach", "Pat Okafor"),
    ]
    assert data[0]["tier_1_minutes"] == 375 and data[0]["co_plan_visits"] == 5
    assert data[0]["model_visits"] == 0


def test_a_bad_format_or_period_is_refused_and_nothing_written(deps: Deps) -> None:
    two_schools(deps)
    out = io.StringIO()
    with deps.uow() as uow:
        with pytest.raises(ValueError, match="csv, json"):
            run_report_command(uow, TEAM, START, END, "xlsx", out)
        with pytest.raises(ValueError, match="end date"):
            run_report_command(uow, TEAM, END, START, "csv", out)
    assert out.getvalue() == ""


def test_the_command_reads_dates_in_the_districts_time_zone(deps: Deps) -> None:
    with deps.uow() as uow:
        uow.session.add(District(team_id=TEAM, timezone="America/Los_Angeles"))
        roster = Roster(uow)
        school, kim = roster.school("Lincoln Elementary"), roster.coach("Kim Alvarez")
        for n in range(4):
            roster.visit(roster.teacher(school, kim), kim, local(10 + n))
        # 22:30 on Sunday the 29th in Los Angeles, already Monday the 30th in New York.
        roster.visit(roster.teacher(school, kim), kim, local(30, 1, 30))
        uow.commit()
    assert report(deps).district is None  # in New York, only four teachers
    data = json.loads(output(deps, "json"))
    assert data[0]["group"] == "District" and data[0]["teachers"] == 5


def test_a_school_named_like_a_formula_stays_text_in_the_csv(deps: Deps) -> None:
    with deps.uow() as uow:
        roster = Roster(uow)
        school, kim = roster.school("=HYPERLINK(1)"), roster.coach("Kim Alvarez")
        for n in range(5):
            roster.visit(roster.teacher(school, kim), kim, local(10 + n))
        uow.commit()
    groups = [row["group"] for row in csv_rows(output(deps, "csv"))]
    assert "'=HYPERLINK(1)" in groups and "=HYPERLINK(1)" not in groups


def test_no_teacher_name_id_note_or_reflection_appears_anywhere(deps: Deps) -> None:
    with deps.uow() as uow:
        roster = Roster(uow)
        lincoln, kim = roster.school("Lincoln Elementary"), roster.coach("Kim Alvarez")
        # A coach who went back to the classroom: now a teacher, so never named.
        morgan = roster.coach("Morgan Whitfield")
        teachers = [roster.teacher(lincoln, kim) for _ in range(7)]
        for n, teacher in enumerate(teachers):
            roster.visit(teacher, kim, local(10 + n % 5))
            roster.visit(teacher, morgan, local(3 + n % 3), "co_teach", 50)
            roster.goal(teacher, kim, local(4 + n % 3))
            uow.session.add(
                Reflection(
                    team_id=TEAM,
                    teacher_id=teacher.id,
                    question="What went well?",
                    answer=f"{teacher.display_name} felt the warm-up dragged",
                    created_at=local(20),
                )
            )
        morgan.role = "teacher"
        secrets = [p.display_name for p in teachers] + [p.user_id for p in teachers]
        secrets += [morgan.display_name, morgan.user_id]
        secrets += ["Private note", "Focus for", "How can", "warm-up", "Period 3 Algebra"]
        uow.commit()
    made = report(deps)
    assert NOT_A_COACH in rows_of("coach", made)
    blocks = build_report_blocks(made)
    assert check_blocks(blocks, surface="home") == []
    for text in (output(deps, "csv"), output(deps, "json"), json.dumps(blocks)):
        assert "Lincoln Elementary" in text and "Kim Alvarez" in text
        leaked = [secret for secret in secrets if secret in text]
        assert leaked == []
    assert not any("teacher_id" in c or "user_id" in c for c in REPORT_COLUMNS)


# --------------------------------------------------------------------------- blocks


def test_blocks_for_thirty_schools_and_sixty_coaches_fit_slack(deps: Deps) -> None:
    with deps.uow() as uow:
        roster = Roster(uow)
        schools = [
            roster.school(f"Eleanor Roosevelt Academy for Science and the Arts No. {n:02d}")
            for n in range(30)
        ]
        coaches = [
            roster.coach(f"Coach Alexandria Montgomery-Featherstone {n:02d}") for n in range(60)
        ]
        teachers = [roster.teacher(schools[n // 6], coaches[n // 3]) for n in range(180)]
        kinds = list(SupportType)
        # Two coaches at each school, each visiting all six of its teachers: no row is a few
        # teachers away from another.
        for c, coach in enumerate(coaches):
            for j in range(6):
                teacher = teachers[6 * (c // 2) + j]
                roster.visit(teacher, coach, local(3 + (c + j) % 25, 8 + j), kinds[j].value)
        school_names = [s.name for s in schools]
        coach_names = [c.display_name for c in coaches]
        uow.commit()
    made = report(deps)
    assert len(made.schools) == 30 and len(made.coaches) == 60
    blocks = build_report_blocks(made)
    assert check_blocks(blocks, surface="home") == []
    assert len(blocks) <= 20
    assert blocks[0]["type"] == "header"
    assert blocks[0]["text"]["text"] == "Coaching report: Nov 2, 2026 – Nov 29, 2026"
    assert "*360 visits* with 180 teachers" in blocks[1]["text"]["text"]
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]
    assert all(len(text) < 3000 for text in sections)
    everything = "\n".join(sections)
    assert all(name in everything for name in school_names + coach_names)
    assert "Tier 1" in json.dumps(blocks[2])
    assert blocks[-1]["elements"][0]["text"] == SMALL_GROUPS
    assert SMALL_GROUPS.startswith("Counts only. Groups of fewer than 5 teachers are merged")


def _group(kind: str, name: str) -> Group:
    return Group(
        kind=kind,
        name=name,
        teachers=12,
        visits=40,
        minutes=1800,
        visits_by_type=dict.fromkeys(SupportType, 5),
        minutes_by_tier={1: 1200, 2: 300, 3: 300},
        coverage=0.75,
        cycles_started=3,
        cycles_completed=1,
    )


def test_blocks_for_a_huge_district_stop_at_twenty_and_say_how_many_more() -> None:
    name = "Name that goes on " * 10
    made = Report(
        team_id=TEAM,
        start=START,
        end=END,
        tz="America/New_York",
        district=_group("district", "District"),
        tiers=[_group("tier", f"Tier {t}") for t in (1, 2, 3)],
        support_types=[_group("support_type", k.label) for k in SupportType],
        schools=[_group("school", f"{name}{n}") for n in range(400)],
        coaches=[_group("coach", f"{name}{n}") for n in range(900)],
    )
    blocks = build_report_blocks(made)
    assert check_blocks(blocks, surface="home") == []
    assert len(blocks) == 20
    text = json.dumps(blocks, ensure_ascii=False)
    assert "more in the CSV export" in text
    assert "*By school*" in text and "*By coach*" in text
    assert "75% seen in 3 weeks" in text and "67% tier 1" in text


def test_logged_coaching_counts_once_for_time_and_for_each_teacher_seen(deps: Deps) -> None:
    with deps.uow() as uow:
        roster = Roster(uow)
        school, kim = roster.school("Lincoln Elementary"), roster.coach("Kim Alvarez")
        t = [roster.teacher(school, kim) for _ in range(6)]
        for n in range(5):
            roster.visit(t[n], kim, local(10 + n), "observe", 45)

        def log(day: int, kind: str, minutes: int, teachers: list[Person]) -> None:
            uow.coaching_logs.add(
                CoachingLog(
                    team_id=TEAM,
                    coach_id=kim.id,
                    support_type=kind,
                    on_day=date(2026, 11, day),
                    minutes=minutes,
                    created_at=local(day, 16),
                    updated_at=local(day, 16),
                    teachers=[CoachingLogTeacher(teacher_id=p.id) for p in teachers],
                )
            )

        log(17, "other", 60, t)  # a PLC hour with all six: once for time, six teachers seen
        log(18, "co_plan", 40, [t[5]])
        log(19, "other", 120, [])  # on her own: about no teacher, so not in the report
        uow.commit()
    made = report(deps)
    district = rows_of("district", made)["District"]
    assert district["teachers"] == 6
    assert district["visits"] == 5 + 2  # five visits, then the PLC hour and the co-planning
    assert district["minutes"] == 5 * 45 + 60 + 40
    assert district["tier_1_minutes"] == 5 * 45 + 40
    assert district["coverage"] == 1.0  # all six seen in the three weeks before the end
    assert rows_of("coach", made)["Kim Alvarez"]["minutes"] == 5 * 45 + 60 + 40


def test_the_database_counts_a_visits_minutes_as_python_does(deps: Deps) -> None:
    """The year's visits are added up by the database: whole minutes, seconds and microseconds
    rounded down, a visit that ends before it starts counted as none."""
    durations = [
        timedelta(minutes=45),
        timedelta(minutes=44, seconds=59, microseconds=999_999),
        timedelta(minutes=30, seconds=1),
        timedelta(seconds=59),
        timedelta(minutes=-5),
        timedelta(hours=2, microseconds=1),
        timedelta(0),
    ]
    with deps.uow() as uow:
        roster = Roster(uow)
        coach = roster.coach("Coach Minutes")
        for n, length in enumerate(durations):
            visit = roster.visit(roster.teacher(None, coach), coach, local(3 + n, 9, 7))
            visit.starts_at += timedelta(seconds=13, microseconds=250_000)
            visit.ends_at = visit.starts_at + length
        uow.commit()
    [row] = [r for r in report_rows(report(deps)) if r["group_kind"] == "district"]
    expected = sum(max(0, int(length.total_seconds() // 60)) for length in durations)
    assert (row["visits"], row["minutes"]) == (len(durations), expected)
