"""People become rows when they open coachbot, and stay fresh through `user_change`."""

from __future__ import annotations

from tests import factories
from tests.conftest import Running

TEAM = factories.TEAM_ID


def test_opening_home_records_the_person_with_their_time_zone(running: Running) -> None:
    running.slack.add_user("U0NEWTEACH", name="Ms. Rivera", tz="America/Denver")
    running.sender.post(factories.event_callback(factories.app_home_opened("U0NEWTEACH")))
    running.slack.wait_for("views.publish")
    with running.deps.uow() as uow:
        person = uow.people.get_by_user(TEAM, "U0NEWTEACH")
        assert person is not None
        assert (person.display_name, person.timezone, person.role) == (
            "Ms. Rivera",
            "America/Denver",
            "teacher",
        )


def test_user_change_updates_name_and_zone_and_deactivation(running: Running) -> None:
    running.slack.add_user("U0MOVING01", name="Mr. Chen", tz="America/New_York")
    running.sender.post(factories.event_callback(factories.app_home_opened("U0MOVING01")))
    running.slack.wait_for("views.publish")

    change = factories.user_change("U0MOVING01", name="Mr. Chen-Park", tz="America/Los_Angeles")
    assert running.sender.post(factories.event_callback(change)).status == 200
    running.settle()
    gone = factories.user_change(
        "U0MOVING01", name="Mr. Chen-Park", tz="America/Los_Angeles", deleted=True
    )
    assert running.sender.post(factories.event_callback(gone)).status == 200
    running.settle()
    with running.deps.uow() as uow:
        person = uow.people.get_by_user(TEAM, "U0MOVING01")
        assert person is not None
        assert (person.display_name, person.timezone) == ("Mr. Chen-Park", "America/Los_Angeles")
        assert person.active is False


def test_user_change_for_a_stranger_adds_nobody(running: Running) -> None:
    change = factories.user_change("U0STRANGER", name="Someone", tz="Europe/Paris")
    running.sender.post(factories.event_callback(change))
    running.settle()
    with running.deps.uow() as uow:
        assert uow.people.get_by_user(TEAM, "U0STRANGER") is None
