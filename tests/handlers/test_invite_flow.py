"""/invite-coach end to end: signed requests in; the words each person reads; the stored visit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from bot.demo.standin import Call
from bot.ids import Action, Block, Callback, Input
from bot.rules.calendar import Closure
from bot.rules.school_calendar import save_calendar
from storage.models import CoachExpertise, Goal, Person, Visit
from tests import factories
from tests.conftest import Running

TEAM = factories.TEAM_ID
TEACHER, COACH, COACH2, OTHER_TEACHER = "U0TEACH001", "U0COACH001", "U0COACH002", "U0TEACH002"


@pytest.fixture
def school(running: Running) -> Running:
    """A teacher in New York, her coach in Chicago, a math coach, and Thanksgiving off."""
    slack = running.slack
    slack.add_user(TEACHER, name="Ms. Alvarez", tz="America/New_York")
    slack.add_user(OTHER_TEACHER, name="Mr. Brooks", tz="America/New_York")
    slack.add_user(COACH, name="Jordan", tz="America/Chicago")
    slack.add_user(COACH2, name="Priya", tz="America/New_York")
    with running.deps.uow() as uow:
        coach = uow.people.add(
            Person(
                team_id=TEAM,
                user_id=COACH,
                display_name="Jordan",
                timezone="America/Chicago",
                role="coach",
                synced_at=running.clock.now,
                weekly_capacity=2,
            )
        )
        priya = uow.people.add(
            Person(
                team_id=TEAM,
                user_id=COACH2,
                display_name="Priya",
                timezone="America/New_York",
                role="coach",
                synced_at=running.clock.now,
            )
        )
        priya.expertise = [CoachExpertise(area="math")]
        for user_id, name in ((TEACHER, "Ms. Alvarez"), (OTHER_TEACHER, "Mr. Brooks")):
            uow.people.add(
                Person(
                    team_id=TEAM,
                    user_id=user_id,
                    display_name=name,
                    timezone="America/New_York",
                    synced_at=running.clock.now,
                    assigned_coach_id=coach.id,
                )
            )
        save_calendar(
            uow,
            TEAM,
            None,
            weekdays=frozenset(range(5)),
            day_start=time(7, 0),
            day_end=time(17, 0),
            closures=[Closure(date(2026, 12, 3), date(2026, 12, 3), "Staff development day")],
        )
        uow.commit()
    return running


def invite_values(
    *,
    coach: str = COACH,
    day: str = "2026-12-01",
    start: str = "10:00",
    minutes: str = "45",
    class_name: str | None = "Period 3 Algebra",
    support: str = "observe",
    focus: str | None = "How my students explain their math thinking in small groups",
) -> dict[str, Any]:
    def one(block: str, state: dict[str, Any]) -> dict[str, Any]:
        return {block: {block: state}}

    return {
        **one(Input.INVITE_COACH, {"type": "users_select", "selected_user": coach}),
        **one(Input.INVITE_DATE, {"type": "datepicker", "selected_date": day}),
        **one(Input.INVITE_TIME, {"type": "timepicker", "selected_time": start}),
        **one(
            Input.INVITE_LENGTH, {"type": "static_select", "selected_option": {"value": minutes}}
        ),
        **one(
            Input.INVITE_SUPPORT, {"type": "static_select", "selected_option": {"value": support}}
        ),
        **one(Input.INVITE_CLASS, {"type": "plain_text_input", "value": class_name}),
        **one(Input.INVITE_FOCUS, {"type": "plain_text_input", "value": focus}),
        **one(Input.INVITE_NOTE, {"type": "plain_text_input", "value": None}),
    }


def submit_invite(running: Running, user: str = TEACHER, **values: Any) -> Any:
    reply = running.sender.post(
        factories.view_submission(Callback.INVITE, invite_values(**values), user_id=user)
    )
    assert reply.status == 200
    running.settle()
    return reply.json() if reply.body else None


def dms_to(running: Running, user_id: str) -> list[Call]:
    return [c for c in running.slack.calls_to("chat.postMessage") if c.args["channel"] == user_id]


def words(call: Call) -> str:
    return f"{call.args.get('text', '')}\n{call.args.get('blocks', '')}"


def buttons(call: Call) -> list[tuple[str, str]]:
    found = []
    for block in call.args.get("blocks", []):
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            found.append((element["action_id"], element["text"]["text"]))
        accessory = block.get("accessory")
        if accessory and accessory.get("type") == "button":
            found.append((accessory["action_id"], accessory["text"]["text"]))
    return found


def click(running: Running, user: str, message: Call, action: str) -> None:
    """Press the button `action` on a message the app posted."""
    value = next(
        e.get("value", "")
        for b in message.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action
    )
    channel = message.response["channel"]
    reply = running.sender.post(
        factories.block_action(
            action, user_id=user, value=value, message=(channel, message.response["ts"])
        )
    )
    assert reply.status == 200
    running.settle()


def the_visit(running: Running) -> Visit:
    with running.deps.uow() as uow:
        [visit] = uow.session.query(Visit).all()
        uow.session.expunge(visit)
        return visit


def ephemerals_to(running: Running, user_id: str) -> list[str]:
    return [
        c.args["text"]
        for c in running.slack.calls_to("chat.postEphemeral")
        if c.args["user"] == user_id
    ]


# --------------------------------------------------------------------------- opening the form


def test_the_command_opens_the_form_with_the_assigned_coach(school: Running) -> None:
    reply = school.sender.post(factories.slash_command("/invite-coach", "", user_id=TEACHER))
    assert reply.status == 200
    [opened] = school.slack.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == Callback.INVITE
    coach_block = next(b for b in view["blocks"] if b.get("block_id") == Input.INVITE_COACH)
    assert coach_block["element"]["initial_user"] == COACH


def test_a_mentioned_coach_is_preselected(school: Running) -> None:
    school.sender.post(
        factories.slash_command("/invite-coach", f"<@{COACH2}|priya>", user_id=TEACHER)
    )
    [opened] = school.slack.wait_for("views.open")
    coach_block = next(
        b for b in opened.args["view"]["blocks"] if b.get("block_id") == Input.INVITE_COACH
    )
    assert coach_block["element"]["initial_user"] == COACH2


def _goal(running: Running, question: str, status: str, minutes_ago: int) -> None:
    with running.deps.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        assert teacher is not None
        at = running.clock.now - timedelta(minutes=minutes_ago)
        uow.session.add(
            Goal(
                team_id=TEAM,
                teacher_id=teacher.id,
                coach_id=teacher.assigned_coach_id,
                question=question,
                focus_area="discourse",
                status=status,
                created_at=at,
                updated_at=at,
            )
        )
        uow.commit()


@contextmanager
def _reads(running: Running) -> Iterator[list[str]]:
    """The SELECTs the app makes while the block runs (the request gate only writes)."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        if args[2].lstrip().upper().startswith("SELECT"):
            seen.append(args[2])

    event.listen(running.deps.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(running.deps.engine, "before_cursor_execute", record)


def test_the_form_offers_the_active_goals_oldest_first_from_one_read(school: Running) -> None:
    _goal(school, "How might more students talk to each other?", "active", minutes_ago=60)
    _goal(school, "How might exit tickets show who is stuck?", "met", minutes_ago=30)
    _goal(school, "How might I check understanding mid-lesson?", "active", minutes_ago=10)
    with _reads(school) as reads:
        school.sender.post(factories.slash_command("/invite-coach", "", user_id=TEACHER))
        [opened] = school.slack.wait_for("views.open")
        school.settle()
    goal_block = next(
        b for b in opened.args["view"]["blocks"] if b.get("block_id") == Input.INVITE_GOAL
    )
    assert [o["text"]["text"] for o in goal_block["element"]["options"]] == [
        "How might more students talk to each other?",
        "How might I check understanding mid-lesson?",
    ]
    # The teacher, her coach, whether he keeps office hours and her goals: one statement.
    assert len(reads) == 1, reads


def test_someone_coachbot_has_not_met_can_name_a_coach(school: Running) -> None:
    school.slack.add_user("U0NEWTEACH", name="Mx. New", tz="America/New_York")
    school.sender.post(
        factories.slash_command("/invite-coach", f"<@{COACH2}|priya>", user_id="U0NEWTEACH")
    )
    [opened] = school.slack.wait_for("views.open")
    blocks = opened.args["view"]["blocks"]
    coach_block = next(b for b in blocks if b.get("block_id") == Input.INVITE_COACH)
    assert coach_block["element"]["initial_user"] == COACH2
    assert not any(b.get("block_id") == Input.INVITE_GOAL for b in blocks)


# --------------------------------------------------------------------------- invite -> accept


def test_invite_then_accept(school: Running) -> None:
    assert submit_invite(school) is None  # the modal closes

    [to_coach] = dms_to(school, COACH)
    [to_teacher] = dms_to(school, TEACHER)
    assert f"<@{TEACHER}> would love you to visit Period 3 Algebra" in to_coach.args["text"]
    assert "9:00–9:45 AM (CST)" in words(to_coach)  # the coach reads Chicago time
    assert "10:00–10:45 AM (EST)" in words(to_teacher)
    assert [a for a, _ in buttons(to_coach)] == [
        Action.INVITE_ACCEPT,
        Action.INVITE_SUGGEST,
        Action.INVITE_DECLINE,
    ]
    assert f"on its way to <@{COACH}>" in to_teacher.args["text"]
    visit = the_visit(school)
    assert (visit.status, visit.starts_at) == ("pending", datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    assert (visit.class_name, visit.support_type) == ("Period 3 Algebra", "observe")

    click(school, COACH, to_coach, Action.INVITE_ACCEPT)
    [updated] = [
        u for u in school.slack.calls_to("chat.update") if u.args["ts"] == to_coach.response["ts"]
    ]
    assert "You accepted" in words(updated)
    assert buttons(updated) == []
    accepted_teacher = dms_to(school, TEACHER)[-1]
    assert f"<@{COACH}> accepted" in accepted_teacher.args["text"]
    assert "calendar.google.com" in words(accepted_teacher)
    assert "outlook.office.com" in words(accepted_teacher)
    assert "You're visiting" in dms_to(school, COACH)[-1].args["text"]
    assert the_visit(school).status == "accepted"

    # A second click on the same Accept changes nothing and says so.
    click(school, COACH, to_coach, Action.INVITE_ACCEPT)
    assert ephemerals_to(school, COACH) == ["This visit is already accepted. Nothing more to do."]
    assert the_visit(school).version == 2


def test_a_click_by_someone_else_is_refused(school: Running) -> None:
    submit_invite(school)
    [to_coach] = dms_to(school, COACH)
    click(school, OTHER_TEACHER, to_coach, Action.INVITE_ACCEPT)
    click(school, TEACHER, to_coach, Action.INVITE_ACCEPT)
    # Slack says they clicked in the coach's DM, which is not theirs: each is answered in a DM
    # of their own, and nothing is said in the coach's.
    assert dms_to(school, OTHER_TEACHER)[-1].args["text"].startswith("Sorry, only the people")
    assert dms_to(school, TEACHER)[-1].args["text"] == (
        "This one is waiting for the coach to answer."
    )
    assert ephemerals_to(school, OTHER_TEACHER) == ephemerals_to(school, TEACHER) == []
    assert the_visit(school).status == "pending"


# --------------------------------------------------------------------------- suggest -> accept


def propose_values(
    day: str, start: str, minutes: str = "45", note: str | None = None
) -> dict[str, Any]:
    return {
        Input.PROPOSE_DATE: {Input.PROPOSE_DATE: {"type": "datepicker", "selected_date": day}},
        Input.PROPOSE_TIME: {Input.PROPOSE_TIME: {"type": "timepicker", "selected_time": start}},
        Input.PROPOSE_LENGTH: {
            Input.PROPOSE_LENGTH: {"type": "static_select", "selected_option": {"value": minutes}}
        },
        Input.PROPOSE_NOTE: {Input.PROPOSE_NOTE: {"type": "plain_text_input", "value": note}},
    }


def test_coach_suggests_another_time_and_the_teacher_accepts(school: Running) -> None:
    submit_invite(school)
    [to_coach] = dms_to(school, COACH)
    click(school, COACH, to_coach, Action.INVITE_SUGGEST)
    [form] = school.slack.calls_to("views.open")
    assert form.args["view"]["callback_id"] == Callback.PROPOSE
    metadata = form.args["view"]["private_metadata"]

    reply = school.sender.post(
        factories.view_submission(
            Callback.PROPOSE,
            propose_values("2026-12-02", "12:00", note="Wednesdays work better for me"),
            user_id=COACH,
            private_metadata=metadata,
        )
    )
    assert reply.status == 200 and not reply.body
    school.settle()
    proposal = dms_to(school, TEACHER)[-1]
    assert f"<@{COACH}> suggested another time" in proposal.args["text"]
    assert "Wednesday, December 2, 1:00–1:45 PM (EST)" in words(proposal)  # noon in Chicago
    assert "Wednesdays work better for me" in words(proposal)
    visit = the_visit(school)
    assert (visit.status, visit.proposed_by) == ("proposed", "coach")

    click(school, TEACHER, proposal, Action.INVITE_ACCEPT)
    visit = the_visit(school)
    assert visit.status == "accepted"
    assert visit.starts_at == datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
    assert f"You're visiting <@{TEACHER}>" in dms_to(school, COACH)[-1].args["text"]


# --------------------------------------------------------------------------- decline


def test_decline_with_a_reason_offers_coaches_who_know_the_focus(school: Running) -> None:
    submit_invite(school)
    [to_coach] = dms_to(school, COACH)
    click(school, COACH, to_coach, Action.INVITE_DECLINE)
    [form] = school.slack.calls_to("views.open")
    assert form.args["view"]["callback_id"] == Callback.DECLINE
    values = {
        Input.DECLINE_REASON: {
            Input.DECLINE_REASON: {
                "type": "plain_text_input",
                "value": "I'm at a training that day",
            }
        }
    }
    school.sender.post(
        factories.view_submission(
            Callback.DECLINE,
            values,
            user_id=COACH,
            private_metadata=form.args["view"]["private_metadata"],
        )
    )
    school.settle()
    declined = dms_to(school, TEACHER)[-1]
    assert f"<@{COACH}> can't make this one" in declined.args["text"]
    assert "I'm at a training that day" in words(declined)
    assert (Action.INVITE_OTHER_COACH, "Invite Priya") in buttons(declined)
    visit = the_visit(school)
    assert (visit.status, visit.decline_reason) == ("declined", "I'm at a training that day")


# --------------------------------------------------------------------------- cancel


def test_the_teacher_cancels_and_the_coach_is_told(school: Running) -> None:
    submit_invite(school)
    [to_teacher] = dms_to(school, TEACHER)
    click(school, TEACHER, to_teacher, Action.INVITE_CANCEL)
    assert the_visit(school).status == "cancelled"
    told = dms_to(school, COACH)[-1]
    assert f"<@{TEACHER}> cancelled the visit" in told.args["text"]
    coach_message = dms_to(school, COACH)[0]
    [update] = [
        u
        for u in school.slack.calls_to("chat.update")
        if u.args["ts"] == coach_message.response["ts"]
    ]
    assert buttons(update) == []


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("values", "block", "words_shown"),
    [
        ({"day": "2026-11-27"}, Input.INVITE_DATE, "That day has passed"),
        ({"day": "2026-12-05"}, Input.INVITE_DATE, "There's no school on Saturday, December 5"),
        ({"day": "2026-12-03"}, Input.INVITE_DATE, "(Staff development day)"),
        ({"day": "2026-11-30", "start": "08:30"}, Input.INVITE_TIME, "already passed today"),
        ({"start": "16:30"}, Input.INVITE_TIME, "School hours are 7:00 AM to 5:00 PM"),
        ({"start": "06:30"}, Input.INVITE_TIME, "School hours are 7:00 AM to 5:00 PM"),
        ({"coach": OTHER_TEACHER}, Input.INVITE_COACH, "isn't set up as a coach"),
        ({"coach": TEACHER}, Input.INVITE_COACH, "isn't set up as a coach"),
        ({"class_name": None}, Input.INVITE_CLASS, "Which class or period"),
    ],
)
def test_each_problem_is_shown_under_its_field_and_nothing_is_sent(
    school: Running, values: dict[str, Any], block: str, words_shown: str
) -> None:
    answer = submit_invite(school, **values)
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [block]
    assert words_shown in answer["errors"][block]
    assert school.slack.calls_to("chat.postMessage") == []
    with school.deps.uow() as uow:
        assert uow.session.query(Visit).count() == 0


def test_co_planning_needs_no_class(school: Running) -> None:
    assert submit_invite(school, support="co_plan", class_name=None) is None
    [to_coach] = dms_to(school, COACH)
    assert "would like to co-plan with you" in to_coach.args["text"]


def test_an_overlapping_accepted_visit_is_refused(school: Running) -> None:
    submit_invite(school)
    click(school, COACH, dms_to(school, COACH)[0], Action.INVITE_ACCEPT)
    answer = submit_invite(school, user=OTHER_TEACHER, start="10:30")
    assert answer["errors"] == {
        Input.INVITE_TIME: (
            "Jordan already has a visit from 10:00 AM to 10:45 AM then. Choose another time."
        )
    }


def test_a_full_week_warns_and_still_lets_the_teacher_send(school: Running) -> None:
    submit_invite(school, start="09:00")
    submit_invite(school, user=OTHER_TEACHER, start="11:00")
    answer = submit_invite(school, start="13:00")
    assert answer["response_action"] == "update"
    warning = next(b for b in answer["view"]["blocks"] if b.get("block_id") == Block.INVITE_WARNING)
    assert "already has 2 visits that week" in warning["text"]["text"]
    resend = school.sender.post(
        factories.view_submission(
            Callback.INVITE,
            invite_values(start="13:00"),
            user_id=TEACHER,
            private_metadata=answer["view"]["private_metadata"],
        )
    )
    assert resend.status == 200 and not resend.body
    school.settle()
    assert len(dms_to(school, COACH)) == 3


def test_the_same_invitation_twice_within_a_minute_is_sent_once(school: Running) -> None:
    submit_invite(school)
    submit_invite(school)
    assert len(dms_to(school, COACH)) == 1
    with school.deps.uow() as uow:
        assert uow.session.query(Visit).count() == 1


def test_the_calendar_file_of_an_accepted_visit_keeps_coaching_words_out(school: Running) -> None:
    submit_invite(school)
    click(school, COACH, dms_to(school, COACH)[0], Action.INVITE_ACCEPT)
    accepted = dms_to(school, TEACHER)[-1]
    [ics_url] = [url for action, url in link_urls(accepted) if action == Action.CALENDAR_ICS]
    assert ics_url.startswith("https://coachbot.example.org/calendar/")

    reply = school.sender.get(ics_url.removeprefix("https://coachbot.example.org"))
    assert reply.status == 200
    calendar = reply.text
    assert "BEGIN:VEVENT" in calendar and "DTSTART:20261201T150000Z" in calendar
    assert "Coaching visit: Jordan in Ms. Alvarez's Period 3 Algebra" in calendar
    assert "explain their math thinking" not in calendar  # the focus stays in Slack

    forged = ics_url.removeprefix("https://coachbot.example.org").replace(".ics", "0.ics")
    assert school.sender.get(forged).status == 404
    assert school.sender.get("/calendar/1-00000000000000000000000000000000.ics").status == 404


def link_urls(call: Call) -> list[tuple[str, str]]:
    return [
        (element["action_id"], element["url"])
        for block in call.args["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if "url" in element
    ]


def test_both_home_tabs_are_refreshed_when_an_invitation_changes(school: Running) -> None:
    submit_invite(school)
    published = {c.args["user_id"] for c in school.slack.calls_to("views.publish")}
    assert published == {TEACHER, COACH}
    click(school, COACH, dms_to(school, COACH)[0], Action.INVITE_ACCEPT)
    coach_homes = [c for c in school.slack.calls_to("views.publish") if c.args["user_id"] == COACH]
    assert "Period 3 Algebra" in str(coach_homes[-1].args["view"])
