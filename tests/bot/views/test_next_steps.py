"""Next steps that close: the check-back's buttons, the "How did it go?" form, what each person
reads once an answer is recorded, the story's lines and a goal's student measures."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.ids import Action, Callback, Input
from bot.rules.domain import CycleState, StepAnswer
from bot.views.cycle import build_goal_form, build_goals_view, parse_goal_form
from bot.views.next_steps import (
    StepLine,
    build_answered,
    build_coach_told,
    build_tried_form,
    parse_tried_form,
)
from bot.views.nudges import build_check_back_nudge
from tests.bot.views.test_cycle import (
    AREAS,
    GOAL,
    NASTY,
    NY,
    STORY,
    TODAY,
    block,
    button_ids,
    goal_values,
    long_text,
    message_problems,
    state,
    texts,
    view_problems,
)

STEP = "Try the stems in Period 3 for a week"


def test_the_check_back_nudge_offers_three_answers() -> None:
    nudge = build_check_back_nudge(
        next_step=STEP, coach_user_id="UCOACH", answer_value="5:2026-12-08"
    )
    assert message_problems(nudge) == []
    assert button_ids(nudge) == [
        (Action.NEXT_STEP_TRIED, "5:2026-12-08"),
        (Action.NEXT_STEP_HELP, "5:2026-12-08"),
        (Action.NEXT_STEP_NOT_YET, "5:2026-12-08"),
    ]
    labels = [
        e["text"]["text"] for b in nudge["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert labels == ["Tried it", "Need help", "Not yet (remind me in a week)"]
    # Without a note to answer, it stays the friendly question it was.
    assert button_ids(build_check_back_nudge(next_step=STEP, coach_user_id=None)) == []


def test_the_tried_form_asks_one_optional_line() -> None:
    view = build_tried_form(value="5:2026-12-08", next_step=NASTY * 30)
    assert view_problems(view) == []
    assert (view["callback_id"], view["private_metadata"]) == (
        Callback.NEXT_STEP_TRIED,
        "5:2026-12-08",
    )
    line = block(view, Input.NEXT_STEP_LINE)
    assert line["label"]["text"] == "How did it go?"
    assert (line["optional"], line["element"]["max_length"]) == (True, 500)
    assert "<!channel>" not in str(view)

    empty = state(Input.NEXT_STEP_LINE, {"type": "plain_text_input", "value": None})
    assert parse_tried_form(empty) == (None, {})
    said = state(Input.NEXT_STEP_LINE, {"type": "plain_text_input", "value": " It went well \n"})
    assert parse_tried_form(said) == ("It went well", {})
    too_long = state(Input.NEXT_STEP_LINE, {"type": "plain_text_input", "value": "x" * 501})
    assert Input.NEXT_STEP_LINE in parse_tried_form(too_long)[1]


@pytest.mark.parametrize("kind", list(StepAnswer))
def test_an_answered_check_back_says_what_was_recorded(kind: StepAnswer) -> None:
    shown = build_answered(
        next_step=NASTY * 40,
        kind=kind,
        coach_user_id="UCOACH",
        line=long_text(500) if kind is StepAnswer.TRIED else None,
        remind_on=date(2026, 12, 8) if kind is StepAnswer.NOT_YET else None,
        today=TODAY,
        note_id=5,
    )
    assert message_problems(shown) == []
    words = shown["text"]
    assert "<!channel>" not in str(shown) and "<@U1>" not in str(shown)
    if kind is StepAnswer.TRIED:
        assert "Recorded: you tried it" in words and button_ids(shown) == []
    elif kind is StepAnswer.NEED_HELP:
        assert "<@UCOACH> knows now" in words
        assert button_ids(shown) == [(Action.NEXT_STEP_INVITE, "5")]
    else:
        assert "I'll ask again on Tuesday, December 8." in words
        assert button_ids(shown) == []


def test_the_coach_hears_one_line() -> None:
    tried = build_coach_told(
        teacher_user_id="UTEACH", next_step=STEP, kind=StepAnswer.TRIED, line="It went well"
    )
    assert tried["text"] == (
        f":sparkles: <@UTEACH> tried the next step _{STEP}_\nHow it went: “It went well”"
    )
    helped = build_coach_told(teacher_user_id="UTEACH", next_step=STEP, kind=StepAnswer.NEED_HELP)
    assert helped["text"].startswith(
        f":wave: <@UTEACH> would like some help with the next step _{STEP}_\n"
    )
    for told in (tried, helped):
        assert message_problems(told) == []


def test_the_story_shows_answers_in_order_and_the_student_measures() -> None:
    story = replace(
        STORY,
        state=CycleState.TRIED,
        students_now="12 of 28 explain a step",
        students_aim="20 of 28",
        steps=(
            StepLine(datetime(2026, 12, 9, 15, tzinfo=UTC), StepAnswer.TRIED, "It went well"),
            StepLine(
                datetime(2026, 12, 2, 15, tzinfo=UTC),
                StepAnswer.NOT_YET,
                remind_on=date(2026, 12, 9),
            ),
            StepLine(datetime(2026, 12, 10, 15, tzinfo=UTC), StepAnswer.NEED_HELP),
        ),
    )
    for viewer in ("teacher", "coach"):
        view = build_goals_view([story], viewer=viewer, today=TODAY, tz=NY, can_add=False)
        assert view_problems(view) == []
        found = texts(view)
        assert found[0].split("\n")[1].startswith("Focus: Student engagement · *Next step tried*")
        assert found[0].endswith("Students now: 12 of 28 explain a step. Aim: 20 of 28.")
        assert (
            "*Next steps*\n"
            "• Wednesday, December 2 · Not yet, reminder on Wednesday, December 9\n"
            "• Wednesday, December 9 · Tried the next step: “It went well”\n"
            "• Thursday, December 10 · Asked for help with the next step"
        ) in found


def test_the_goal_form_keeps_the_student_measures() -> None:
    editing = replace(GOAL, students_now="12 of 28 explain a step", students_aim="20 of 28")
    view = build_goal_form(areas=AREAS, today=TODAY, initial=editing, goal_id=7)
    assert view_problems(view) == []
    assert block(view, Input.GOAL_STUDENTS_NOW)["element"]["initial_value"] == (
        "12 of 28 explain a step"
    )
    assert block(view, Input.GOAL_STUDENTS_AIM)["element"]["initial_value"] == "20 of 28"

    values = {
        **goal_values(),
        **state(Input.GOAL_STUDENTS_NOW, {"type": "plain_text_input", "value": " 12 of 28\n"}),
        **state(Input.GOAL_STUDENTS_AIM, {"type": "plain_text_input", "value": "20 of 28"}),
    }
    form, errors = parse_goal_form(values, areas=AREAS, today=TODAY)
    assert errors == {} and form is not None
    assert (form.students_now, form.students_aim) == ("12 of 28", "20 of 28")
    # Left out, they are None; too long, the form says so under the input.
    form, errors = parse_goal_form(goal_values(), areas=AREAS, today=TODAY)
    assert form is not None and (form.students_now, form.students_aim) == (None, None)
    values[Input.GOAL_STUDENTS_AIM.value][Input.GOAL_STUDENTS_AIM.value]["value"] = "x" * 201
    form, errors = parse_goal_form(values, areas=AREAS, today=TODAY)
    assert form is None and set(errors) == {Input.GOAL_STUDENTS_AIM}
