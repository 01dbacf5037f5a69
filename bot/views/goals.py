"""A teacher's goal: the form that sets or edits it, and the coach's notice when it closes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import Block as SlackBlock, Option

from bot.ids import Callback, Input
from bot.rules.domain import DEFAULT_EXPERTISE_AREAS
from bot.rules.limits import MAX_EVIDENCE, MAX_QUESTION, MAX_STUDENT_MEASURE
from bot.views import common
from bot.views.common import (
    StateValues,
    TextField,
    clip,
    context,
    inline,
    mention,
    section,
)
from bot.views.when import ahead_problem

MAX_AREAS = 100  # Slack's limit on a static select's options

_QUESTION = TextField(
    Input.GOAL_QUESTION,
    "What do you want to learn about your students and your teaching?",
    MAX_QUESTION,
    placeholder="How can I get more of my students talking about their reasoning?",
    multiline=True,
    missing="Write the question you'd like to explore.",
)
_EVIDENCE = TextField(
    Input.GOAL_EVIDENCE,
    "What will success look like?",
    MAX_EVIDENCE,
    placeholder="Most students explain how they got an answer, not just the answer",
    hint="What you'd see or hear from students",
    optional=True,
    multiline=True,
)


def _students(field: str, label: str, example: str, hint: str) -> TextField:
    """One of a goal's two student measures: short, optional, on one line."""
    return TextField(
        field,
        label,
        MAX_STUDENT_MEASURE,
        placeholder=example,
        hint=hint,
        optional=True,
        single_line=True,
    )


_STUDENTS_NOW = _students(
    Input.GOAL_STUDENTS_NOW,
    "Where students are now",
    "12 of 28 explain a step",
    'A count you can check again, for example "12 of 28 explain a step"',
)
_STUDENTS_AIM = _students(
    Input.GOAL_STUDENTS_AIM,
    "Where you want them",
    "20 of 28",
    'The same count once the goal is met, for example "20 of 28"',
)


@dataclass(frozen=True)
class GoalForm:
    """A teacher's goal as the goal form collects it."""

    question: str  # the inquiry question
    focus_area: str  # one of the areas offered
    evidence: str | None  # what success will look like
    target_date: date | None
    coach_user_id: str | None
    students_now: str | None = None  # where students are now: "12 of 28 explain a step"
    students_aim: str | None = None  # where the teacher wants them: "20 of 28"


def offered_areas(areas: Sequence[str]) -> list[str]:
    """The focus areas the goal form offers: each once, at most 100, the defaults when none."""
    offered: list[str] = []
    for area in areas:
        if area.strip() and len(area) <= common.MAX_OPTION_VALUE and area not in offered:
            offered.append(area)
    return offered[:MAX_AREAS] or list(DEFAULT_EXPERTISE_AREAS)


def area_label(area: str) -> str:
    """An area as an option shows it: capitalised, cut to fit."""
    return clip(area[:1].upper() + area[1:], common.MAX_OPTION_TEXT)


def build_goal_form(
    *,
    areas: Sequence[str],
    today: date,
    initial: GoalForm | None = None,
    coach_user_id: str | None = None,
    goal_id: int | None = None,
) -> dict[str, Any]:
    """The teacher's goal: a question to explore, new or (with `goal_id`) being edited."""
    options = {area: Option(value=area, text=area_label(area)) for area in offered_areas(areas)}
    coach = initial.coach_user_id if initial is not None else coach_user_id
    blocks: list[SlackBlock] = [
        context(
            "A goal is a question you want to explore with your coach. "
            "It's yours: your coach helps, nobody grades it."
        ),
        _QUESTION.input(initial.question if initial else None),
        common.select_input(
            Input.GOAL_FOCUS,
            Input.GOAL_FOCUS,
            "Focus area",
            options=list(options.values()),
            initial=options.get(initial.focus_area) if initial is not None else None,
            placeholder="Choose an area",
        ),
        _EVIDENCE.input(initial.evidence if initial else None),
        _STUDENTS_NOW.input(initial.students_now if initial else None),
        _STUDENTS_AIM.input(initial.students_aim if initial else None),
        common.date_input(
            Input.GOAL_TARGET,
            Input.GOAL_TARGET,
            "Target date",
            initial=initial.target_date if initial is not None else None,
            placeholder="Choose a date",
            hint="A rough date to look back on it together",
            optional=True,
        ),
        common.user_input(
            Input.GOAL_COACH,
            Input.GOAL_COACH,
            "Coach",
            initial=coach,
            placeholder="Choose a coach",
            hint="You can choose one later",
            optional=True,
        ),
    ]
    return common.form(
        "Edit your goal" if goal_id is not None else "Set a goal",
        blocks,
        callback_id=Callback.GOAL,
        private_metadata=str(goal_id) if goal_id is not None else None,
    )


def parse_goal_form(
    values: StateValues, *, areas: Sequence[str], today: date
) -> tuple[GoalForm | None, dict[str, str]]:
    """The goal, or kind messages keyed by the block to show them under."""
    errors: dict[str, str] = {}

    question = _QUESTION.read(values, errors)

    focus = common.selected_value(values, Input.GOAL_FOCUS, Input.GOAL_FOCUS)
    if focus is None:
        errors[Input.GOAL_FOCUS] = "Choose the area this goal is about."
    elif focus not in offered_areas(areas):
        errors[Input.GOAL_FOCUS] = common.STALE

    evidence = _EVIDENCE.read(values, errors)
    students_now = _STUDENTS_NOW.read(values, errors)
    students_aim = _STUDENTS_AIM.read(values, errors)

    target = common.picked_date(values, Input.GOAL_TARGET, Input.GOAL_TARGET)
    if target is not None and (problem := ahead_problem(target, today)) is not None:
        errors[Input.GOAL_TARGET] = problem

    coach = common.state_of(values, Input.GOAL_COACH, Input.GOAL_COACH).get("selected_user")
    if errors or question is None or focus is None:
        return None, errors
    return (
        GoalForm(
            question=question,
            focus_area=focus,
            evidence=evidence,
            target_date=target,
            coach_user_id=coach if isinstance(coach, str) and coach else None,
            students_now=students_now,
            students_aim=students_aim,
        ),
        {},
    )


def build_goal_closed_notice(*, teacher_user_id: str, question: str, met: bool) -> dict[str, Any]:
    """To the coach when a teacher marks a goal met or sets it aside."""
    who = mention(teacher_user_id)
    goal = f"_{inline(question, MAX_QUESTION)}_"
    if met:
        text = f":tada: {who} met their goal: {goal}"
    else:
        text = f"{who} set aside their goal: {goal}. They can pick it up again any time."
    return common.message(text, [section(text)])
