"""The teacher's "Who has seen your coaching record": words, time zone, and who gets it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from bot.rules.access import AccessLine
from bot.rules.domain import Role
from bot.views.home import CoachPart, HomeData, TeacherPart, build_home
from bot.views.privacy import (
    MAX_SEEN_IN_MODAL,
    NO_ONE,
    build_access_log_modal,
    seen_text,
)

TZ = "America/New_York"
TODAY = date(2026, 12, 3)  # a Thursday
READ = AccessLine(
    at=datetime(2026, 12, 1, 15, 4, tzinfo=UTC),  # Tuesday 10:04 in New York
    who="Coach Number 1",
    role="your coach",
    what="opened your cycle on sentence stems",
    path="in your goals' story",
)


def _home(seen: tuple[AccessLine, ...] | None, role: Role = Role.TEACHER) -> str:
    data = HomeData(
        user_id="U0TEACH001",
        role=role,
        tz=TZ,
        today=TODAY,
        teacher=TeacherPart(seen_by=seen) if role is Role.TEACHER else None,
        coach=CoachPart() if role is Role.COACH else None,
    )
    return json.dumps(build_home(data))


def test_a_read_is_told_in_the_teachers_words_and_time() -> None:
    assert seen_text(READ, TZ, TODAY) == (
        "Coach Number 1 (your coach) opened your cycle on sentence stems in your goals' story"
        " · Tue 10:04"
    )
    older = AccessLine(
        datetime(2026, 10, 6, 14, 0, tzinfo=UTC),
        "Admin Number 1",
        "coachbot admin",
        "exported your coaching record",
        "",
    )
    assert seen_text(older, TZ, TODAY).endswith("· Tue 6 Oct 10:00")


def test_the_teachers_home_lists_who_has_seen_their_record() -> None:
    home = _home((READ,))
    assert "Who has seen your coaching record" in home
    assert "Coach Number 1 (your coach) opened your cycle on sentence stems" in home
    assert "Only you see this list" in home
    assert NO_ONE in _home(())


def test_no_one_else_gets_the_section() -> None:
    assert "Who has seen" not in _home(None)
    assert "Who has seen" not in _home(None, Role.COACH)


def test_the_whole_log_fits_a_modal() -> None:
    view = build_access_log_modal([READ] * (MAX_SEEN_IN_MODAL + 5), TZ, TODAY)
    assert len(view["blocks"]) <= 100
    assert "and 5 earlier" in json.dumps(view)
    empty = build_access_log_modal([], TZ, TODAY)
    assert "No one but you" in json.dumps(empty)
