"""Office hours through signed requests: a coach sets them on Home, a teacher books an open time
from /invite-coach, the coach suggests one, and a coach marked out gets no list while each
teacher with a visit that day is offered, once, to move or cancel it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from bot.app import jobs
from bot.demo.block_kit import check_view
from bot.ids import Action, Callback, Input
from bot.reads.daily import plan_daily_lists
from bot.rules import outbox
from bot.slack.messaging import SlackSender
from storage.models import DayOut, OfficeHourWindow, OutboxMessage, Person, Visit
from tests import factories
from tests.conftest import Running
from tests.handlers.test_home import _all_text, click as click_home, open_home, post
from tests.handlers.test_invite_flow import (
    COACH,
    COACH2,
    OTHER_TEACHER,
    TEACHER,
    TEAM,
    buttons,
    click,
    dms_to,
    ephemerals_to,
    invite_values,
    propose_values,
    school,  # noqa: F401 - the fixture
    words,
)

HOURS_BLOCKS = {
    "mon": Input.HOURS_MONDAY,
    "tue": Input.HOURS_TUESDAY,
    "wed": Input.HOURS_WEDNESDAY,
    "thu": Input.HOURS_THURSDAY,
    "fri": Input.HOURS_FRIDAY,
}


def one(block: str, state: dict[str, Any]) -> dict[str, Any]:
    return {block: {block: state}}


def hours_values(minutes: str = "30", **days: str) -> dict[str, Any]:
    values = one(
        Input.HOURS_LENGTH, {"type": "static_select", "selected_option": {"value": minutes}}
    )
    for name, block in HOURS_BLOCKS.items():
        values |= one(block, {"type": "plain_text_input", "value": days.get(name)})
    return values


def set_hours(running: Running, user: str = COACH, **days: str) -> Any:
    return post(
        running,
        factories.view_submission(Callback.OFFICE_HOURS, hours_values(**days), user_id=user),
    )


def windows(running: Running) -> list[tuple[int, time, time]]:
    with running.deps.uow() as uow:
        rows = uow.session.scalars(select(OfficeHourWindow).order_by(OfficeHourWindow.id))
        return [(w.weekday, w.starts, w.ends) for w in rows]


def jordans_hours(running: Running) -> None:
    """Tuesday 9:00-11:30 and Thursday 13:00-15:00 in Chicago, 30-minute visits."""
    assert set_hours(running, tue="9:00-11:30", thu="13:00-15:00") is None


def invite_form(running: Running, user: str = TEACHER) -> dict[str, Any]:
    before = len(running.slack.calls_to("views.open"))
    post(running, factories.slash_command("/invite-coach", "", user_id=user))
    opened = running.slack.calls_to("views.open")
    assert len(opened) == before + 1
    view: dict[str, Any] = opened[-1].args["view"]
    assert check_view(view) == []
    return view


def offered(view: dict[str, Any], block: str) -> list[tuple[str, str]]:
    found = next((b for b in view["blocks"] if b.get("block_id") == block), None)
    if found is None:
        return []
    return [(o["value"], o["text"]["text"]) for o in found["element"]["options"]]


def with_slot(values: dict[str, Any], block: str, value: str) -> dict[str, Any]:
    picked = {"type": "radio_buttons", "selected_option": {"value": value}}
    time_block = Input.INVITE_TIME if block == Input.INVITE_SLOT else Input.PROPOSE_TIME
    return (
        values | one(block, picked) | one(time_block, {"type": "timepicker", "selected_time": None})
    )


def book(running: Running, slot: str, user: str = TEACHER, **values: Any) -> Any:
    submitted = with_slot(invite_values(**values), Input.INVITE_SLOT, slot)
    return post(running, factories.view_submission(Callback.INVITE, submitted, user_id=user))


def the_visits(running: Running) -> list[Visit]:
    with running.deps.uow() as uow:
        found = list(uow.session.scalars(select(Visit).order_by(Visit.id)))
        uow.session.expunge_all()
        return found


# --------------------------------------------------------------------------- setting them


def test_a_coach_sets_office_hours_from_home_and_home_shows_them(school: Running) -> None:  # noqa: F811
    assert "No office hours yet" in _all_text(open_home(school, COACH))
    form = click_home(school, COACH, Action.HOME_OFFICE_HOURS).args["view"]
    assert form["callback_id"] == Callback.OFFICE_HOURS
    assert "America/Chicago" in _all_text(form)

    assert set_hours(school, tue="9-11:30", thu="1-3pm") is None

    assert windows(school) == [(1, time(9), time(11, 30)), (3, time(13), time(15))]
    home = _all_text(open_home(school, COACH))
    assert "Tue 9:00–11:30 AM; Thu 1:00–3:00 PM · 30-minute visits" in home
    # The form shows them again as saved, ready to change.
    form = click_home(school, COACH, Action.HOME_OFFICE_HOURS).args["view"]
    tuesday = next(b for b in form["blocks"] if b.get("block_id") == Input.HOURS_TUESDAY)
    assert tuesday["element"]["initial_value"] == "09:00-11:30"


def test_windows_that_cannot_be_read_are_refused_under_their_day(school: Running) -> None:  # noqa: F811
    jordans_hours(school)
    reply = set_hours(school, tue="mornings", thu="15:00-13:00")
    assert reply["response_action"] == "errors"
    assert "“mornings” isn't a time range" in reply["errors"][Input.HOURS_TUESDAY]
    assert "ends before it starts" in reply["errors"][Input.HOURS_THURSDAY]
    # Nothing changed, and what was typed stays in the form (Slack keeps it on errors).
    assert windows(school) == [(1, time(9), time(11, 30)), (3, time(13), time(15))]


def test_a_teacher_cannot_open_or_forge_office_hours(school: Running) -> None:  # noqa: F811
    before = len(school.slack.calls_to("views.open"))
    post(
        school,
        factories.block_action(
            Action.HOME_OFFICE_HOURS, user_id=TEACHER, value="x", view={"type": "home"}
        ),
    )
    assert len(school.slack.calls_to("views.open")) == before
    told = [*ephemerals_to(school, TEACHER), *(words(c) for c in dms_to(school, TEACHER))]
    assert any("Office hours are for coaches" in said for said in told)
    reply = set_hours(school, user=TEACHER, tue="9-11")
    assert reply["response_action"] == "errors"
    assert "for coaches" in reply["errors"][Input.HOURS_MONDAY]
    assert windows(school) == []


# --------------------------------------------------------------------------- booking


def test_the_invite_form_offers_open_times_in_the_teachers_zone(school: Running) -> None:  # noqa: F811
    jordans_hours(school)
    view = invite_form(school)
    times = offered(view, Input.INVITE_SLOT)
    # Jordan's 9:00 in Chicago is 10:00 for Ms. Alvarez in New York; Thursday Dec 3 is closed.
    assert times[0] == ("2026-12-01T10:00", "Tue Dec 1, 10:00–10:30 AM")
    assert not any(value.startswith("2026-12-03") for value, _ in times)
    assert len(times) == 10
    ids = [b.get("block_id") for b in view["blocks"]]
    assert ids.index(Input.INVITE_SLOT) < ids.index(Input.INVITE_DATE)
    length = next(b for b in view["blocks"] if b.get("block_id") == Input.INVITE_LENGTH)
    assert length["element"]["initial_option"]["value"] == "30"


def test_home_invite_offers_the_same_open_times_as_the_command(school: Running) -> None:  # noqa: F811
    jordans_hours(school)
    from_home = click_home(school, TEACHER, Action.HOME_INVITE).args["view"]
    assert offered(from_home, Input.INVITE_SLOT) == offered(invite_form(school), Input.INVITE_SLOT)
    assert offered(from_home, Input.INVITE_SLOT)[0] == (
        "2026-12-01T10:00",
        "Tue Dec 1, 10:00–10:30 AM",
    )


def test_a_coach_without_office_hours_offers_no_open_times(school: Running) -> None:  # noqa: F811
    assert offered(invite_form(school), Input.INVITE_SLOT) == []


def test_a_teacher_books_an_open_time_with_one_click(school: Running) -> None:  # noqa: F811
    jordans_hours(school)
    assert book(school, "2026-12-01T10:00", minutes="30") is None

    [visit] = the_visits(school)
    assert visit.starts_at == datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    assert visit.ends_at - visit.starts_at == timedelta(minutes=30)
    [to_coach] = dms_to(school, COACH)
    assert "9:00–9:30 AM (CST)" in words(to_coach)
    assert "outside" not in words(dms_to(school, TEACHER)[-1])
    # The booked time is held: the next teacher is not offered it.
    times = offered(invite_form(school, OTHER_TEACHER), Input.INVITE_SLOT)
    assert ("2026-12-01T10:00", "Tue Dec 1, 10:00–10:30 AM") not in times
    assert times[0][0] == "2026-12-01T10:30"


def test_a_time_outside_office_hours_still_goes_with_a_gentle_note(school: Running) -> None:  # noqa: F811
    jordans_hours(school)
    assert post_invite(school, day="2026-12-02", start="10:00") is None
    assert len(the_visits(school)) == 1
    said = words(dms_to(school, TEACHER)[-1])
    assert "That is outside Jordan's office hours, so they may suggest another time." in said
    assert "outside" not in words(dms_to(school, COACH)[-1])


def post_invite(running: Running, **values: Any) -> Any:
    return post(
        running,
        factories.view_submission(Callback.INVITE, invite_values(**values), user_id=TEACHER),
    )


def test_an_open_time_that_is_not_one_is_refused_kindly(school: Running) -> None:  # noqa: F811
    jordans_hours(school)
    reply = book(school, "next tuesday")
    assert reply["response_action"] == "errors"
    assert "no longer on the list" in reply["errors"][Input.INVITE_SLOT]
    assert the_visits(school) == []


def test_suggest_another_time_offers_the_coach_the_same_open_times(school: Running) -> None:  # noqa: F811
    jordans_hours(school)
    post_invite(school, day="2026-12-02", start="10:00")
    [to_coach] = dms_to(school, COACH)
    click(school, COACH, to_coach, Action.INVITE_SUGGEST)
    form = school.slack.calls_to("views.open")[-1].args["view"]
    assert form["callback_id"] == Callback.PROPOSE
    times = offered(form, Input.PROPOSE_SLOT)
    assert times[0] == ("2026-12-01T09:00", "Tue Dec 1, 9:00–9:30 AM")  # Jordan's own clock

    values = with_slot(propose_values("2026-12-02", "12:00"), Input.PROPOSE_SLOT, times[1][0])
    reply = school.sender.post(
        factories.view_submission(
            Callback.PROPOSE, values, user_id=COACH, private_metadata=form["private_metadata"]
        )
    )
    assert reply.status == 200 and not reply.body
    school.settle()
    [visit] = the_visits(school)
    assert visit.proposed_starts_at == datetime(2026, 12, 1, 15, 30, tzinfo=UTC)
    assert "10:30–11:15 AM (EST)" in words(dms_to(school, TEACHER)[-1])


# --------------------------------------------------------------------------- days out


def accepted_visit(running: Running, teacher: str, starts: datetime) -> int:
    with running.deps.uow() as uow:
        coach = uow.people.get_by_user(TEAM, COACH)
        person = uow.people.get_by_user(TEAM, teacher)
        assert coach is not None and person is not None
        visit = uow.visits.add(
            Visit(
                team_id=TEAM,
                teacher_id=person.id,
                coach_id=coach.id,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=45),
                class_name="Period 3",
                support_type="observe",
                status="accepted",
                created_at=running.clock.now,
                updated_at=running.clock.now,
            )
        )
        uow.commit()
        return visit.id


def mark_out(running: Running, first: str, *, last: str | None = None, user: str = COACH) -> Any:
    values = one(Input.OUT_FIRST, {"type": "datepicker", "selected_date": first}) | one(
        Input.OUT_LAST, {"type": "datepicker", "selected_date": last}
    )
    return post(running, factories.view_submission(Callback.DAYS_OUT, values, user_id=user))


def out_messages(running: Running) -> list[OutboxMessage]:
    with running.deps.uow() as uow:
        found = list(
            uow.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "coach_out"))
        )
        uow.session.expunge_all()
        return found


def deliver(running: Running) -> None:
    outbox.deliver_due(
        running.deps.uow,
        SlackSender(running.app.client),
        running.clock.now,
        worker="t",
        still_wanted=jobs.STILL_WANTED,
    )


def test_a_coach_out_for_a_day_and_each_teacher_offered_once_to_move_or_cancel(
    school: Running,  # noqa: F811
) -> None:
    jordans_hours(school)
    tuesday = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    visit_id = accepted_visit(school, TEACHER, tuesday)
    accepted_visit(school, OTHER_TEACHER, tuesday + timedelta(hours=2))
    accepted_visit(school, TEACHER, tuesday + timedelta(days=1))  # Wednesday: not touched
    form = click_home(school, COACH, Action.HOME_DAYS_OUT).args["view"]
    assert form["callback_id"] == Callback.DAYS_OUT
    assert "reason" not in _all_text(form).lower()

    reply = mark_out(school, "2026-12-01")
    assert reply["response_action"] == "update"
    assert "You're out on Tuesday, December 1." in _all_text(reply["view"])
    # A double click, or the day marked again: nothing more is owed.
    reply = mark_out(school, "2026-12-01")
    assert "already marked" in _all_text(reply["view"])
    assert sorted(m.channel for m in out_messages(school)) == sorted([TEACHER, OTHER_TEACHER])

    deliver(school)
    [to_teacher] = dms_to(school, TEACHER)
    said = words(to_teacher)
    assert f"<@{COACH}> is out of office on Tuesday, December 1" in said
    assert "Tuesday, December 1, 10:00–10:45 AM (EST)" in said
    assert not any(word in said.lower() for word in ("sick", "reason", "because", "why"))
    assert [a for a, _ in buttons(to_teacher)] == [Action.INVITE_RESCHEDULE, Action.INVITE_CANCEL]
    assert len(dms_to(school, OTHER_TEACHER)) == 1
    assert "Out of office:* Dec 1" in _all_text(open_home(school, COACH))

    # Move: the reschedule form offers Jordan's open times, none on the day out.
    click(school, TEACHER, to_teacher, Action.INVITE_RESCHEDULE)
    form = school.slack.calls_to("views.open")[-1].args["view"]
    assert form["callback_id"] == Callback.PROPOSE
    times = offered(form, Input.PROPOSE_SLOT)
    assert times and not any(value.startswith("2026-12-01") for value, _ in times)
    # Cancel, from the same message, reuses the cancel of the invitation flow.
    click(school, TEACHER, to_teacher, Action.INVITE_CANCEL)
    assert next(v for v in the_visits(school) if v.id == visit_id).status == "cancelled"


def test_a_coach_out_gets_no_daily_list_that_day_until_back_in(school: Running) -> None:  # noqa: F811
    with school.deps.uow() as uow:  # the other coach has a teacher too, so gets an empty day's list
        other, brooks = (
            uow.people.get_by_user(TEAM, COACH2),
            uow.people.get_by_user(TEAM, OTHER_TEACHER),
        )
        assert other is not None and brooks is not None
        brooks.assigned_coach_id = other.id
        uow.commit()
    mark_out(school, "2026-12-01")
    seven_in_chicago = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)
    with school.deps.uow() as uow:
        plan_daily_lists(uow, seven_in_chicago)
        uow.commit()
        lists = list(
            uow.session.scalars(select(OutboxMessage.key).where(OutboxMessage.kind == "daily_list"))
        )
    coach_ids = _ids(school)
    assert f"daily-list:{coach_ids[COACH]}:2026-12-01" not in lists
    assert f"daily-list:{coach_ids[COACH2]}:2026-12-01" in lists

    # Unchecked on the form: back in, and the list comes.
    form = click_home(school, COACH, Action.HOME_DAYS_OUT).args["view"]
    assert offered(form, Input.OUT_KEEP) == [("2026-12-01", "Tuesday, December 1")]
    values = one(Input.OUT_KEEP, {"type": "checkboxes", "selected_options": []})
    reply = post(
        school,
        factories.view_submission(
            Callback.DAYS_OUT, values, user_id=COACH, private_metadata=form["private_metadata"]
        ),
    )
    assert "back in" in _all_text(reply["view"])
    with school.deps.uow() as uow:
        assert uow.session.scalars(select(DayOut)).all() == []
        plan_daily_lists(uow, seven_in_chicago)
        uow.commit()
        lists = list(uow.session.scalars(select(OutboxMessage.key)))
    assert f"daily-list:{coach_ids[COACH]}:2026-12-01" in lists


def test_a_message_about_a_day_the_coach_is_back_for_is_dropped(school: Running) -> None:  # noqa: F811
    accepted_visit(school, TEACHER, datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    mark_out(school, "2026-12-01")
    with school.deps.uow() as uow:
        uow.office_hours.mark_back(_ids(school)[COACH], [date(2026, 12, 1)])
        uow.commit()
    deliver(school)
    assert dms_to(school, TEACHER) == []
    assert [m.status for m in out_messages(school)] == ["dropped"]


def test_days_out_refuse_the_past_a_teacher_and_a_forged_form(school: Running) -> None:  # noqa: F811
    reply = mark_out(school, "2026-11-27")
    assert reply["errors"] == {Input.OUT_FIRST: "That day has passed. Choose today or a later day."}
    reply = mark_out(school, "2026-12-04", last="2026-12-02")
    assert "comes before the first" in reply["errors"][Input.OUT_LAST]
    reply = mark_out(school, "2026-12-01", user=TEACHER)
    assert "for coaches" in reply["errors"][Input.OUT_FIRST]
    assert ephemerals_to(school, TEACHER) == []
    with school.deps.uow() as uow:
        assert uow.session.scalars(select(DayOut)).all() == []


def test_a_range_marks_school_days_only(school: Running) -> None:  # noqa: F811
    reply = mark_out(school, "2026-12-02", last="2026-12-07")
    said = _all_text(reply["view"])
    # Thursday Dec 3 is a closure, and the weekend is no school: neither is marked.
    assert "Wednesday, December 2, Friday, December 4, Monday, December 7" in said
    with school.deps.uow() as uow:
        days = sorted(uow.session.scalars(select(DayOut.day)))
    assert days == [date(2026, 12, 2), date(2026, 12, 4), date(2026, 12, 7)]


def _ids(running: Running) -> dict[str, int]:
    with running.deps.uow() as uow:
        return {p.user_id: p.id for p in uow.session.scalars(select(Person))}


def test_a_forged_list_of_days_changes_only_the_senders_own(school: Running) -> None:  # noqa: F811
    mark_out(school, "2026-12-01")
    # Priya sends the form with Jordan's day listed and unchecked: nothing of Jordan's changes.
    values = one(Input.OUT_KEEP, {"type": "checkboxes", "selected_options": []})
    reply = post(
        school,
        factories.view_submission(
            Callback.DAYS_OUT, values, user_id=COACH2, private_metadata="2026-12-01,junk"
        ),
    )
    assert "nothing changed" in _all_text(reply["view"])
    with school.deps.uow() as uow:
        assert list(uow.session.scalars(select(DayOut.coach_id))) == [_ids(school)[COACH]]


def test_a_second_cancel_from_the_out_message_changes_nothing_and_says_so(
    school: Running,  # noqa: F811
) -> None:
    visit_id = accepted_visit(school, TEACHER, datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    mark_out(school, "2026-12-01")
    deliver(school)
    [to_teacher] = dms_to(school, TEACHER)
    click(school, TEACHER, to_teacher, Action.INVITE_CANCEL)
    told_before = len(dms_to(school, COACH))
    click(school, TEACHER, to_teacher, Action.INVITE_CANCEL)
    assert (
        ephemerals_to(school, TEACHER)[-1]
        == "This visit was cancelled, so there's nothing to answer."
    )
    assert len(dms_to(school, COACH)) == told_before
    assert next(v for v in the_visits(school) if v.id == visit_id).status == "cancelled"


def test_choosing_another_coach_offers_that_coachs_open_times(school: Running) -> None:  # noqa: F811
    jordans_hours(school)
    invite_form(school)
    shown = school.slack.calls_to("views.open")[-1].response["view"]
    coach_block = next(b for b in shown["blocks"] if b.get("block_id") == Input.INVITE_COACH)
    assert coach_block["dispatch_action"] is True

    # Priya has no office hours: the open times go, and the start time is needed again.
    choose_coach(school, shown, COACH2)
    updated = school.slack.calls_to("views.update")[-1].args["view"]
    assert offered(updated, Input.INVITE_SLOT) == []
    start = next(b for b in updated["blocks"] if b.get("block_id") == Input.INVITE_TIME)
    assert start["optional"] is False
    assert check_view(updated) == []

    # Back to Jordan: his open times come back, in the teacher's zone.
    choose_coach(school, school.slack.calls_to("views.update")[-1].response["view"], COACH)
    updated = school.slack.calls_to("views.update")[-1].args["view"]
    assert offered(updated, Input.INVITE_SLOT)[0] == (
        "2026-12-01T10:00",
        "Tue Dec 1, 10:00–10:30 AM",
    )


def choose_coach(running: Running, shown: dict[str, Any], coach: str) -> None:
    post(
        running,
        factories.block_action(
            Input.INVITE_COACH, user_id=TEACHER, selected_user=coach, view=shown
        ),
    )
