"""The coaching log's views: the form and its parser, the answer, and the story's lines."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from bot.demo.block_kit import check_view
from bot.ids import Action, Callback, Input
from bot.rules.domain import SupportType
from bot.views.coaching_log import (
    GoalChoice,
    LoggedCard,
    build_correct_form,
    build_log_form,
    build_logged,
    parse_correct_form,
    parse_log_form,
    parse_log_ref,
)
from bot.views.story import LoggedLine, build_goals_view
from tests.bot.views.test_cycle import NY, STORY, texts

TODAY = date(2026, 12, 1)


def _one(block: str, state: dict[str, Any]) -> dict[str, Any]:
    return {block: {block: state}}


def values(**changes: Any) -> dict[str, Any]:
    found = {
        **_one(Input.COACHING_LOG_KIND, {"selected_option": {"value": "co_plan"}}),
        **_one(Input.COACHING_LOG_DAY, {"selected_date": "2026-12-01"}),
        **_one(Input.COACHING_LOG_MINUTES, {"selected_option": {"value": "40"}}),
        **_one(Input.COACHING_LOG_TEACHERS, {"selected_users": ["UTEACH"]}),
        **_one(Input.COACHING_LOG_NOTE, {"value": None}),
    }
    for block, state in changes.items():
        found[block] = {block: state}
    return found


def test_the_form_asks_kind_day_minutes_and_with_whom() -> None:
    view = build_log_form(
        today=TODAY,
        has_plcs=True,
        goals=[GoalChoice(7, "UTEACH", "Ms. Alvarez", "How can more students explain?")],
    )
    assert check_view(view) == []
    assert view["callback_id"] == Callback.COACHING_LOG
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert list(blocks) == [
        Input.COACHING_LOG_KIND,
        Input.COACHING_LOG_DAY,
        Input.COACHING_LOG_MINUTES,
        Input.COACHING_LOG_TEACHERS,
        Input.COACHING_LOG_PLC,
        Input.COACHING_LOG_GOAL,
        Input.COACHING_LOG_NOTE,
    ]
    assert blocks[Input.COACHING_LOG_DAY]["element"]["initial_date"] == "2026-12-01"
    kinds = [o["text"]["text"] for o in blocks[Input.COACHING_LOG_KIND]["element"]["options"]]
    assert kinds == [kind.label for kind in SupportType]
    assert blocks[Input.COACHING_LOG_TEACHERS]["optional"] is True
    assert blocks[Input.COACHING_LOG_PLC]["element"]["type"] == "conversations_select"
    goal = blocks[Input.COACHING_LOG_GOAL]["element"]["options"][0]
    assert (goal["value"], goal["text"]["text"]) == (
        "7",
        "Ms. Alvarez: How can more students explain?",
    )


def test_without_plcs_or_goals_those_fields_are_left_out() -> None:
    view = build_log_form(today=TODAY)
    assert Input.COACHING_LOG_PLC not in [b["block_id"] for b in view["blocks"]]
    assert Input.COACHING_LOG_GOAL not in [b["block_id"] for b in view["blocks"]]


def test_parse_a_log() -> None:
    form, errors = parse_log_form(values(), today=TODAY)
    assert errors == {}
    assert form is not None
    assert (form.support, form.day, form.minutes) == (SupportType.CO_PLAN, TODAY, 40)
    assert form.teacher_user_ids == ("UTEACH",)
    assert (form.plc_channel_id, form.goal_id, form.note) == (None, None, None)


def test_parse_refuses_what_cannot_be_logged() -> None:
    form, errors = parse_log_form(
        values(
            **{
                Input.COACHING_LOG_KIND: {"selected_option": {"value": "juggling"}},
                Input.COACHING_LOG_DAY: {"selected_date": "2026-12-02"},
                Input.COACHING_LOG_MINUTES: {"selected_option": None},
                Input.COACHING_LOG_TEACHERS: {"selected_users": ["U1", "U2"]},
                Input.COACHING_LOG_NOTE: {"value": "Nice"},
            }
        ),
        today=TODAY,
    )
    assert form is None
    assert set(errors) == {
        Input.COACHING_LOG_KIND,
        Input.COACHING_LOG_DAY,
        Input.COACHING_LOG_MINUTES,
        Input.COACHING_LOG_NOTE,
    }
    assert errors[Input.COACHING_LOG_NOTE].startswith("A note goes to one teacher")


CARD = LoggedCard(
    log_id=3,
    version=1,
    support=SupportType.CO_PLAN,
    day=TODAY,
    minutes=90,
    teacher_user_ids=("U1", "U2", "U3"),
    plc_channel_id="C0MATHPLC1",
    correctable=True,
)


def test_the_answer_says_what_was_logged_and_offers_a_correction() -> None:
    view = build_logged(CARD, today=TODAY)
    assert check_view(view) == []
    assert texts(view)[0] == (
        ":white_check_mark: Logged: Co-plan, 1 h 30 min, with 3 teachers in <#C0MATHPLC1>, "
        "Tuesday, December 1."
    )
    button = view["blocks"][1]["elements"][0]
    assert (button["action_id"], button["value"]) == (Action.COACHING_LOG_CORRECT, "3:1")
    alone = build_logged(replace(CARD, teacher_user_ids=(), plc_channel_id=None), today=TODAY)
    assert "on your own" in texts(alone)[0]


def test_the_correction_form_round_trips() -> None:
    view = build_correct_form(CARD)
    assert check_view(view) == []
    assert view["private_metadata"] == "3:1"
    assert parse_log_ref(view["private_metadata"]) == (3, 1)
    assert parse_log_ref("3:x") is None and parse_log_ref(None) is None
    answer, errors = parse_correct_form(
        values(**{Input.COACHING_LOG_KIND: {"selected_option": {"value": "co_teach"}}})
    )
    assert (answer, errors) == ((SupportType.CO_TEACH, 40), {})


def test_the_story_shows_logged_coaching_to_the_teacher() -> None:
    story = replace(
        STORY,
        logged=(
            LoggedLine(date(2026, 11, 24), SupportType.CO_PLAN, 40),
            LoggedLine(date(2026, 11, 25), SupportType.OTHER, 60, group=True),
        ),
    )
    view = build_goals_view([story], viewer="teacher", today=TODAY, tz=NY, can_add=False)
    assert check_view(view) == []
    logged = next(t for t in texts(view) if t.startswith("*Also with your coach*"))
    assert logged.splitlines()[1:] == [
        "• Tuesday, November 24 · Co-planned with your coach, 40 min",
        "• Wednesday, November 25 · Worked together with your coach, 1 h · with colleagues",
    ]
    for_coach = build_goals_view([story], viewer="coach", today=TODAY, tz=NY, can_add=False)
    assert any("Co-planned with you, 40 min" in t for t in texts(for_coach))
