"""The coaching log through signed requests: a coach logs work with a teacher, a PLC or no one,
and it counts on their Home; a teacher cannot; a log is corrected for two weeks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.demo.block_kit import check_view
from bot.ids import Action, Callback, Command, Input
from storage.models import CoachingLog, CoachingLogTeacher, Goal, Person
from tests import factories
from tests.conftest import Running
from tests.handlers.test_home import _all_text, open_home, post
from tests.handlers.test_invite_flow import (
    COACH,
    OTHER_TEACHER,
    TEACHER,
    TEAM,
    dms_to,
    school,  # noqa: F401 - the fixture
    words,
)

PLC_CHANNEL = "C0MATHPLC1"


def _one(block: str, state: dict[str, Any]) -> dict[str, Any]:
    return {block: {block: state}}


def log_values(
    *,
    kind: str = "co_plan",
    day: str = "2026-11-30",
    minutes: str = "40",
    teachers: tuple[str, ...] = (TEACHER,),
    plc: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    values = {
        **_one(
            Input.COACHING_LOG_KIND, {"type": "static_select", "selected_option": {"value": kind}}
        ),
        **_one(Input.COACHING_LOG_DAY, {"type": "datepicker", "selected_date": day}),
        **_one(
            Input.COACHING_LOG_MINUTES,
            {"type": "static_select", "selected_option": {"value": minutes}},
        ),
        **_one(
            Input.COACHING_LOG_TEACHERS,
            {"type": "multi_users_select", "selected_users": list(teachers)},
        ),
        **_one(Input.COACHING_LOG_NOTE, {"type": "plain_text_input", "value": note}),
    }
    if plc is not None:
        values |= _one(
            Input.COACHING_LOG_PLC, {"type": "conversations_select", "selected_conversation": plc}
        )
    return values


def open_form(running: Running, user: str = COACH) -> dict[str, Any]:
    before = len(running.slack.calls_to("views.open"))
    post(running, factories.slash_command(Command.COACHBOT, "log", user_id=user))
    opened = running.slack.calls_to("views.open")
    assert len(opened) == before + 1
    view: dict[str, Any] = opened[-1].args["view"]
    assert check_view(view) == []
    return view


def submit(running: Running, user: str = COACH, **values: Any) -> Any:
    return post(
        running,
        factories.view_submission(Callback.COACHING_LOG, log_values(**values), user_id=user),
    )


def logs(running: Running) -> list[tuple[str, int, list[str]]]:
    with running.deps.uow() as uow:
        found = []
        for log in uow.session.scalars(select(CoachingLog).order_by(CoachingLog.id)):
            users = [t.teacher.user_id for t in log.teachers]
            found.append((log.support_type, log.minutes, users))
        return found


def coach_home(running: Running) -> str:
    return _all_text(open_home(running, COACH))


def test_a_coach_logs_co_planning_with_a_teacher_and_it_counts(school: Running) -> None:  # noqa: F811
    view = open_form(school)
    assert view["callback_id"] == Callback.COACHING_LOG
    assert "Log coaching" in _all_text(view)

    reply = submit(school, note="Your exit tickets plan is ready to try on Thursday.")

    assert reply["response_action"] == "update"
    said = _all_text(reply["view"])
    assert f"Logged: Co-plan, 40 min, with <@{TEACHER}>" in said
    assert logs(school) == [("co_plan", 40, [TEACHER])]
    note = dms_to(school, TEACHER)[-1]
    assert f"Co-planned with <@{COACH}>, 40 min." in words(note)
    assert "exit tickets plan" in words(note)
    home = coach_home(school)
    assert "Co-plan: 40 minutes" in home
    assert "co-planning: 40 minutes of 40 minutes." in home
    # Seen today: the teacher is no longer "never seen" on the coach's list.
    assert f"<@{TEACHER}> · last seen Nov 30 (today)" in home


def test_logged_coaching_shows_in_the_teachers_cycle_story(school: Running) -> None:  # noqa: F811
    with school.deps.uow() as uow:
        teacher = uow.people.get_by_user(factories.TEAM_ID, TEACHER)
        coach = uow.people.get_by_user(factories.TEAM_ID, COACH)
        assert teacher is not None and coach is not None
        uow.session.add(
            Goal(
                team_id=factories.TEAM_ID,
                teacher_id=teacher.id,
                coach_id=coach.id,
                question="How might more students explain their thinking?",
                focus_area="discourse",
                created_at=school.clock.now,
                updated_at=school.clock.now,
            )
        )
        uow.commit()
    open_form(school)
    submit(school)
    post(school, factories.block_action(Action.HOME_GOALS, user_id=TEACHER))
    story = _all_text(school.slack.calls_to("views.open")[-1].args["view"])
    assert "Co-planned with your coach" in story and "40 min" in story


def test_work_in_a_plc_counts_once_for_time_and_for_each_teacher_seen(school: Running) -> None:  # noqa: F811
    with school.deps.uow() as uow:
        uow.plc_channels.ensure(TEAM, PLC_CHANNEL, "math-plc")
        uow.commit()
    assert "In a PLC?" in _all_text(open_form(school))

    reply = submit(
        school, kind="plc", minutes="60", teachers=(TEACHER, OTHER_TEACHER), plc=PLC_CHANNEL
    )

    assert f"with 2 teachers in <#{PLC_CHANNEL}>" in _all_text(reply["view"])
    assert logs(school) == [("plc", 60, [TEACHER, OTHER_TEACHER])]
    assert dms_to(school, TEACHER) == [] and dms_to(school, OTHER_TEACHER) == []
    home = coach_home(school)
    assert "PLC meeting: 1 hour" in home  # an hour once, not once per teacher
    assert "0 minutes of 1 hour" in home
    assert home.count("last seen") == 2


def test_work_with_no_one_counts_for_time_only(school: Running) -> None:  # noqa: F811
    reply = submit(school, kind="resources", minutes="90", teachers=())

    assert "Resources or pulling data, 1 h 30 min, on your own" in _all_text(reply["view"])
    with school.deps.uow() as uow:
        assert uow.session.scalars(select(CoachingLogTeacher)).all() == []
    home = coach_home(school)
    assert "Resources or pulling data: 1 hour 30 minutes" in home
    assert "last seen" not in home


def test_a_note_needs_one_teacher_and_a_future_day_is_refused(school: Running) -> None:  # noqa: F811
    reply = submit(school, teachers=(), note="Great work")
    assert reply["response_action"] == "errors"
    assert Input.COACHING_LOG_NOTE in reply["errors"]
    reply = submit(school, day="2026-12-02")
    assert reply["errors"][Input.COACHING_LOG_DAY].startswith("Log what already happened")
    assert logs(school) == []


def test_a_teacher_cannot_log_coaching(school: Running) -> None:  # noqa: F811
    before = len(school.slack.calls_to("views.open"))
    post(school, factories.slash_command(Command.COACHBOT, "log", user_id=TEACHER))
    assert len(school.slack.calls_to("views.open")) == before
    told = dms_to(school, TEACHER) + school.slack.calls_to("chat.postEphemeral")
    assert any("for coaches" in words(call) for call in told)
    reply = submit(school, user=TEACHER)
    assert reply["response_action"] == "errors"
    assert logs(school) == []


def test_a_coach_corrects_a_log_for_two_weeks(school: Running) -> None:  # noqa: F811
    submit(school)
    with school.deps.uow() as uow:
        log = uow.session.scalars(select(CoachingLog)).one()
        ref = f"{log.id}:{log.version}"
    post(
        school,
        factories.block_action(
            Action.COACHING_LOG_CORRECT,
            user_id=COACH,
            value=ref,
            view={"type": "modal", "id": "V1"},
        ),
    )
    pushed = school.slack.calls_to("views.push")[-1].args["view"]
    assert pushed["callback_id"] == Callback.COACHING_LOG_CORRECTION
    values = log_values(kind="co_teach", minutes="60")
    reply = post(
        school,
        factories.view_submission(
            Callback.COACHING_LOG_CORRECTION, values, user_id=COACH, private_metadata=ref
        ),
    )
    assert "Corrected: Co-teach, 1 h." in _all_text(reply["view"])
    assert logs(school) == [("co_teach", 60, [TEACHER])]

    # Someone else's log, or one older than two weeks, stays as it was.
    with school.deps.uow() as uow:
        version = uow.session.scalars(select(CoachingLog)).one().version
    stale = post(
        school,
        factories.view_submission(
            Callback.COACHING_LOG_CORRECTION,
            values,
            user_id=TEACHER,
            private_metadata=f"{log.id}:{version}",
        ),
    )
    assert stale["response_action"] == "errors"
    school.clock.now += timedelta(days=15)
    late = post(
        school,
        factories.view_submission(
            Callback.COACHING_LOG_CORRECTION,
            log_values(kind="observe"),
            user_id=COACH,
            private_metadata=f"{log.id}:{version}",
        ),
    )
    assert "two weeks" in late["errors"][Input.COACHING_LOG_KIND]
    assert logs(school) == [("co_teach", 60, [TEACHER])]


def test_the_home_offers_log_coaching_to_coaches_only(school: Running) -> None:  # noqa: F811
    assert "Log coaching" in coach_home(school)
    assert "Log coaching" not in _all_text(open_home(school, TEACHER))
    with school.deps.uow() as uow:
        assert uow.people.get_by_user(TEAM, TEACHER) is not None
        assert isinstance(uow.people.get_by_user(TEAM, COACH), Person)
