"""Roster files: a district of 55 people in, idempotent, and all-or-nothing on bad lines."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.app.deps import Deps
from bot.clock import utc_now
from bot.demo.standin import SlackStandin
from bot.rules.domain import DEFAULT_EXPERTISE_AREAS
from bot.rules.roster import RosterReport, export_roster, import_roster
from bot.slack.directory import SlackDirectory
from storage.models import CoachExpertise, Person, PlcChannel, School
from tests import factories
from tests.conftest import BOT_TOKEN

TEAM = factories.TEAM_ID
# Five coaches and eight teachers: every school, PLC, time zone and coach of the full district,
# for the tests whose point does not depend on its size.
SMALL_DISTRICT = {"coaches": 5, "teachers": 8}


@pytest.fixture
def directory(slack: SlackStandin) -> SlackDirectory:
    from slack_sdk import WebClient

    factories.add_district(slack)
    return SlackDirectory(WebClient(token=BOT_TOKEN, base_url=slack.url))


def run_import(deps: Deps, directory: SlackDirectory, text: str, **kw: Any) -> RosterReport:
    with deps.uow() as uow:
        result = import_roster(
            uow, directory, TEAM, text, utc_now(), areas=DEFAULT_EXPERTISE_AREAS, **kw
        )
        uow.commit()
        return result


def snapshot(deps: Deps) -> list[tuple[Any, ...]]:
    """Every roster row, as comparable tuples."""
    with deps.uow() as uow:
        s = uow.session
        people = [
            (
                p.user_id,
                p.display_name,
                p.email,
                p.timezone,
                p.role,
                p.active,
                p.school_id,
                p.team_name,
                p.plc_channel_id,
                p.assigned_coach_id,
                p.weekly_capacity,
                p.synced_at,
            )
            for p in s.scalars(select(Person).order_by(Person.user_id))
        ]
        areas = [(e.person_id, e.area) for e in s.scalars(select(CoachExpertise))]
        schools = [(x.id, x.name) for x in s.scalars(select(School))]
        plcs = [(c.channel_id,) for c in s.scalars(select(PlcChannel))]
    return [*people, *sorted(areas), *schools, *sorted(plcs)]


def test_a_district_roster_is_imported(deps: Deps, directory: SlackDirectory) -> None:
    report = run_import(deps, directory, factories.roster_csv())
    assert report.problems == []
    assert report.applied
    assert len(report.changes) == 55

    with deps.uow() as uow:
        people = uow.people.list_for_team(TEAM)
        coaches = uow.people.list_coaches(TEAM)
        teacher = uow.people.get_by_user(TEAM, factories.teacher_id(7))
        assert teacher is not None
        coach = uow.people.get(teacher.assigned_coach_id or 0)
        lead = uow.people.get_by_user(TEAM, factories.coach_id(1))
        plcs = {c.channel_id for c in uow.plc_channels.list_for_team(TEAM)}
        schools = [s.name for s in uow.schools.list_for_team(TEAM)]
        assert len(people) == 55
        assert len(coaches) == 5
        assert teacher.display_name == "Teacher 7"
        assert teacher.timezone == factories.ZONES[7 % 4]
        assert teacher.team_name == "Grade 2"
        assert teacher.plc_channel_id == factories.PLC_CHANNELS[7 % 4]
        assert teacher.school is not None and teacher.school.name == "Lincoln Elementary"
        assert coach is not None and coach.user_id == factories.coach_id(7 % 5 + 1)
        assert lead is not None and lead.role == "lead_coach"
        assert lead.areas == ["data use", "math"]
        assert lead.weekly_capacity == 6
    assert plcs == set(factories.PLC_CHANNELS)
    assert schools == ["Lincoln Elementary", "Roosevelt Middle"]


def test_importing_the_same_file_again_changes_nothing(
    deps: Deps, directory: SlackDirectory
) -> None:
    run_import(deps, directory, factories.roster_csv())
    before = snapshot(deps)
    report = run_import(deps, directory, factories.roster_csv())
    assert report.changes == []
    assert report.unchanged == 55
    assert snapshot(deps) == before


def test_a_file_with_bad_lines_is_refused_whole_with_line_numbers(
    deps: Deps, directory: SlackDirectory
) -> None:
    run_import(deps, directory, factories.roster_csv(**SMALL_DISTRICT))
    before = snapshot(deps)
    bad = "\n".join(
        [
            "slack_user_id,email,role,school",
            f"{factories.teacher_id(1)},,coach,Lincoln Elementary",  # good, would change a role
            ",nobody@district.example,teacher,",  # no such Slack user
            f"{factories.teacher_id(2)},,principal,",  # unknown role
            f"{factories.teacher_id(3)},,teacher,",
            ",teacher3@district.example,teacher,",  # the same person again
        ]
    )
    report = run_import(deps, directory, bad)
    assert [str(p) for p in report.problems] == [
        "line 3: no Slack user has the email nobody@district.example",
        "line 4: unknown role 'principal' (use teacher, coach, lead coach, admin or leader)",
        f"line 6: duplicate of line 5 ({factories.teacher_id(3)})",
    ]
    assert not report.applied
    assert snapshot(deps) == before


def test_skip_invalid_applies_the_good_lines(deps: Deps, directory: SlackDirectory) -> None:
    text = "\n".join(
        [
            "slack_user_id,role",
            f"{factories.coach_id(1)},coach",
            f"{factories.teacher_id(1)},superintendent",
        ]
    )
    report = run_import(deps, directory, text, skip_invalid=True)
    assert report.applied and len(report.problems) == 1
    with deps.uow() as uow:
        assert [p.user_id for p in uow.people.list_for_team(TEAM)] == [factories.coach_id(1)]


def test_dry_run_reports_and_changes_nothing(deps: Deps, directory: SlackDirectory) -> None:
    report = run_import(deps, directory, factories.roster_csv(), dry_run=True)
    assert len(report.changes) == 55 and not report.applied
    assert str(report.changes[0]).startswith("add Coach 1 (U0COACH001): role - -> lead_coach")
    assert snapshot(deps) == []


def test_empty_cells_keep_what_is_there(deps: Deps, directory: SlackDirectory) -> None:
    run_import(deps, directory, factories.roster_csv(**SMALL_DISTRICT))
    text = f"slack_user_id,role,school,team\n{factories.teacher_id(1)},,,Grade 9\n"
    report = run_import(deps, directory, text)
    assert [c.fields for c in report.changes] == [(("team", "Grade 2", "Grade 9"),)]
    with deps.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, factories.teacher_id(1))
        assert teacher is not None and teacher.role == "teacher"
        assert teacher.school is not None and teacher.school.name == "Lincoln Elementary"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("U0TEACH001,math wizardry,", "unknown expertise 'math wizardry'"),
        ("U0TEACH001,,99", "weekly capacity '99' should be a whole number from 1 to 40"),
        ("not-an-id,,", "'not-an-id' is not a Slack user id"),
    ],
)
def test_each_bad_cell_is_explained(
    deps: Deps, directory: SlackDirectory, line: str, reason: str
) -> None:
    report = run_import(deps, directory, f"slack_user_id,expertise,weekly_capacity\n{line}\n")
    assert len(report.problems) == 1
    assert str(report.problems[0]).startswith(f"line 2: {reason}")


def test_every_problem_of_a_line_is_told_at_once(deps: Deps, directory: SlackDirectory) -> None:
    text = "slack_user_id,role,plc_channel,weekly_capacity\nU0TEACH001,wizard,general,0\n"
    [problem] = run_import(deps, directory, text).problems
    assert str(problem) == (
        "line 2: unknown role 'wizard' (use teacher, coach, lead coach, admin or leader); "
        "PLC channel 'general' is not a channel id (like C012ABCDEF; copy it from the bottom "
        "of the channel's About tab); weekly capacity '0' should be a whole number from 1 to 40"
    )


def test_a_coach_must_be_a_coach(deps: Deps, directory: SlackDirectory) -> None:
    text = f"slack_user_id,assigned_coach\n{factories.teacher_id(1)},{factories.teacher_id(2)}\n"
    [problem] = run_import(deps, directory, text).problems
    assert "is not a coach" in str(problem)


def test_unknown_column_is_refused_on_line_one(deps: Deps, directory: SlackDirectory) -> None:
    text = "slack_user_id,favourite_colour\nU0TEACH001,red\n"
    [problem] = run_import(deps, directory, text).problems
    assert str(problem).startswith("line 1: unknown column 'favourite_colour'")


def test_export_reads_back_without_a_change(deps: Deps, directory: SlackDirectory) -> None:
    run_import(deps, directory, factories.roster_csv(**SMALL_DISTRICT))
    with deps.uow() as uow:
        exported = export_roster(uow, TEAM)
    assert exported.splitlines()[0].startswith("slack_user_id,email,name,role")
    assert "U0COACH001,coach1@district.example,Coach 1,lead coach," in exported
    before = snapshot(deps)
    report = run_import(deps, directory, exported)
    assert report.problems == [] and report.changes == []
    assert snapshot(deps) == before
