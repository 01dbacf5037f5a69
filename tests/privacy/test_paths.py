"""The read paths through the real app: each leaves its row in the teacher's access log, the
teacher's Home shows them, and `/coachbot my data` sends the teacher their record."""

from __future__ import annotations

import json

import pytest

from bot.ids import Action
from bot.rules.access import lines_for
from storage.models import Person
from tests import factories
from tests.conftest import Running
from tests.privacy.seed import District, seed

TEACHER, COACH = "U0PTEACH01", "U0PCOACH01"


@pytest.fixture
def district(running: Running) -> District:
    for user_id, name in (
        (TEACHER, "Teacher One"),
        ("U0PTEACH02", "Teacher Two"),
        (COACH, "Coach One"),
        ("U0PADMIN01", "Admin One"),
    ):
        running.slack.add_user(user_id, name=name, tz="America/New_York")
    with running.deps.uow() as uow:
        seeded = seed(uow, weeks=2, team=factories.TEAM_ID)
        uow.commit()
    return seeded


def _log(running: Running, district: District) -> list[tuple[str, str]]:
    with running.deps.uow() as uow:
        teacher = uow.session.get_one(Person, district.teacher_id)
        return sorted({(e.kind, e.path) for e in uow.access.list_for_teacher(teacher.id)})


def test_a_coach_opening_a_teachers_goals_is_logged(running: Running, district: District) -> None:
    running.sender.post(factories.slash_command("/coach-goal", f"<@{TEACHER}>", user_id=COACH))
    running.slack.wait_for("views.open")
    running.settle()
    assert _log(running, district) == [("goal", "goal story"), ("note", "goal story")]


def test_a_coachs_home_and_caseload_are_logged(running: Running, district: District) -> None:
    running.sender.post(factories.event_callback(factories.app_home_opened(COACH)))
    running.slack.wait_for("views.publish")
    running.sender.post(factories.block_action(Action.HOME_CASELOAD, user_id=COACH))
    running.slack.wait_for("views.open")
    running.settle()
    assert _log(running, district) == [
        ("goal", "caseload"),
        ("goal", "home"),
        ("note", "caseload"),
        ("note", "home"),
    ]


def _coach_reads_then_teacher_opens_home(running: Running) -> None:
    """The coach opens the teacher's goals' story; then the teacher opens their Home."""
    running.sender.post(factories.slash_command("/coach-goal", f"<@{TEACHER}>", user_id=COACH))
    running.slack.wait_for("views.open")
    running.settle()
    running.sender.post(factories.event_callback(factories.app_home_opened(TEACHER)))
    running.slack.wait_for("views.publish")
    running.settle()


def test_the_teachers_home_says_who_has_seen_their_record(
    running: Running, district: District
) -> None:
    _coach_reads_then_teacher_opens_home(running)
    home = json.dumps(running.slack.home_of(TEACHER), ensure_ascii=False)
    assert "Who has seen your coaching record" in home
    assert (
        "Coach One (your coach) opened your cycle on literacy in your goals' story · Mon 09:00"
        in home
    )
    # The teacher's own reads add nothing to their log.
    assert len(_log(running, district)) == 2


def test_see_everything_opens_the_whole_log_for_the_teacher_alone(
    running: Running, district: District
) -> None:
    _coach_reads_then_teacher_opens_home(running)
    assert Action.HOME_ACCESS_LOG in json.dumps(running.slack.home_of(TEACHER))

    running.sender.post(factories.block_action(Action.HOME_ACCESS_LOG, user_id=TEACHER))
    running.settle()
    mine = json.dumps(running.slack.calls_to("views.open")[-1].args["view"], ensure_ascii=False)
    assert "Coach One (your coach) opened your cycle on literacy" in mine
    # The coach pressing the same button sees their own (empty) record, never the teacher's.
    running.sender.post(factories.block_action(Action.HOME_ACCESS_LOG, user_id=COACH))
    running.settle()
    theirs = json.dumps(running.slack.calls_to("views.open")[-1].args["view"], ensure_ascii=False)
    assert "Coach One (your coach) opened" not in theirs


def test_my_data_arrives_in_a_dm(running: Running, district: District) -> None:
    reply = running.sender.post(factories.slash_command("/coachbot", "my data", user_id=TEACHER))
    assert "direct message" in reply.json()["text"]
    running.slack.wait_for("files.completeUploadExternal")
    running.settle()
    files = running.slack.files_in(TEACHER)
    assert [f["name"].rsplit(".", 1)[1] for f in files] == ["json", "md"]
    record = json.loads(files[0]["content"])
    assert record["profile"]["user_id"] == TEACHER
    assert len(record["reflections"]) == 4
    # Their own export is not a read by someone else.
    with running.deps.uow() as uow:
        assert lines_for(uow, uow.session.get_one(Person, district.teacher_id)) == []
