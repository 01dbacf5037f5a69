"""Cycle views: goals, the cycle story, visit logs, debriefs and notes within Slack's limits."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from bot.demo.block_kit import check_blocks, check_view
from bot.ids import Action, Block, Callback, Input
from bot.rules.calendar import When
from bot.rules.cards import VisitLogCard
from bot.rules.domain import (
    DEFAULT_EXPERTISE_AREAS,
    CycleState,
    GoalStatus,
    SupportType,
    VisitOutcome,
)
from bot.views.cycle import (
    CycleStory,
    DebriefCard,
    DebriefForm,
    DebriefLine,
    GoalForm,
    NoteForm,
    NoteView,
    VisitLine,
    build_debrief_form,
    build_debrief_scheduled,
    build_goal_closed_notice,
    build_goal_form,
    build_goals_view,
    build_missed_visit_for_teacher,
    build_notes_form,
    build_visit_log_prompt,
    build_visit_logged,
    log_value,
    offered_areas,
    parse_debrief_form,
    parse_goal_form,
    parse_log_value,
    parse_notes_form,
)
from bot.views.invite import CalendarLinks

NY = "America/New_York"
LA = "America/Los_Angeles"
TODAY = date(2026, 11, 20)
# 15:00 UTC on December 1 is 10:00 in New York and 7:00 in Los Angeles.
START = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
END = datetime(2026, 12, 1, 15, 45, tzinfo=UTC)
WHEN_NY = "Tuesday, December 1, 10:00–10:45 AM (EST)"
WHEN_LA = "Tuesday, December 1, 7:00–7:45 AM (PST)"
QUESTION = "How can I get more of my students talking about their reasoning?"
AREAS = list(DEFAULT_EXPERTISE_AREAS)
# Text full of what mrkdwn must escape, at the longest each input allows.
NASTY = "<!channel> & <@U1> > "


def long_text(limit: int) -> str:
    return (NASTY * (limit // len(NASTY) + 1))[:limit]


def view_problems(view: dict[str, Any]) -> list[str]:
    return check_view(view) + check_blocks(view["blocks"], surface="modal")


def message_problems(message: dict[str, Any]) -> list[str]:
    problems = check_blocks(message["blocks"], surface="message")
    if not isinstance(message["text"], str) or not message["text"].strip():
        problems.append("no fallback text")
    return problems


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    found = [b for b in view["blocks"] if b.get("block_id") == block_id]
    assert len(found) == 1, f"{block_id} appears {len(found)} times"
    return found[0]


def texts(message: dict[str, Any]) -> list[str]:
    """Every mrkdwn or plain section and context text a person reads, in order."""
    found: list[str] = []
    for b in message["blocks"]:
        if b["type"] == "section":
            found.append(b["text"]["text"])
        if b["type"] == "context":
            found += [e["text"] for e in b["elements"]]
    return found


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for b in message["blocks"]:
        if b["type"] == "actions":
            found += b["elements"]
        if b.get("accessory", {}).get("type") == "button":
            found.append(b["accessory"])
    return found


def button_ids(message: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(b["action_id"], b.get("value")) for b in buttons(message)]


def option(value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": value, "emoji": True}, "value": value}


def state(block_id: Block, element: dict[str, Any]) -> dict[str, Any]:
    return {block_id.value: {block_id.value: element}}


# --------------------------------------------------------------------------- goal form


GOAL = GoalForm(
    question="q" * 500,
    focus_area="math",
    evidence="e" * 1000,
    target_date=date(2026, 12, 8),
    coach_user_id="UCOACH2",
)


def goal_values(**changes: Any) -> dict[str, Any]:
    """A Slack-shaped goal form submission; None drops an element's value."""
    values = {
        "question": " \nHow can I get more of my students talking?  \n",
        "focus": "student engagement",
        "evidence": "Most students explain how they got an answer.",
        "target": "2026-12-18",
        "coach": "UCOACH",
    }
    values.update(changes)
    result: dict[str, Any] = {}
    result |= state(Input.GOAL_QUESTION, {"type": "plain_text_input", "value": values["question"]})
    focus = values["focus"]
    result |= state(
        Input.GOAL_FOCUS,
        {"type": "static_select", "selected_option": option(focus) if focus else None},
    )
    result |= state(Input.GOAL_EVIDENCE, {"type": "plain_text_input", "value": values["evidence"]})
    result |= state(Input.GOAL_TARGET, {"type": "datepicker", "selected_date": values["target"]})
    result |= state(Input.GOAL_COACH, {"type": "users_select", "selected_user": values["coach"]})
    return result


def test_goal_form_fresh() -> None:
    view = build_goal_form(areas=AREAS, today=TODAY, coach_user_id="UCOACH")
    assert view_problems(view) == []
    assert view["callback_id"] == Callback.GOAL
    assert view["title"]["text"] == "Set a goal"
    assert (view["submit"]["text"], view["close"]["text"]) == ("Save", "Cancel")
    assert view.get("private_metadata", "") == ""
    assert view["blocks"][0]["type"] == "context"
    assert view["blocks"][0]["elements"][0]["text"] == (
        "A goal is a question you want to explore with your coach. "
        "It's yours: your coach helps, nobody grades it."
    )
    inputs = view["blocks"][1:]
    assert [b["block_id"] for b in inputs] == [
        Input.GOAL_QUESTION,
        Input.GOAL_FOCUS,
        Input.GOAL_EVIDENCE,
        Input.GOAL_STUDENTS_NOW,
        Input.GOAL_STUDENTS_AIM,
        Input.GOAL_TARGET,
        Input.GOAL_COACH,
    ]
    for b in inputs:
        assert b["element"]["action_id"] == b["block_id"]
    question = block(view, Input.GOAL_QUESTION)
    assert question["label"]["text"] == (
        "What do you want to learn about your students and your teaching?"
    )
    assert question["element"]["placeholder"]["text"] == QUESTION
    assert (question["element"]["multiline"], question["element"]["max_length"]) == (True, 500)
    assert question.get("optional", False) is False
    focus = block(view, Input.GOAL_FOCUS)["element"]
    assert [o["value"] for o in focus["options"]] == AREAS
    assert focus["options"][0]["text"]["text"] == "Literacy"
    assert "initial_option" not in focus
    evidence = block(view, Input.GOAL_EVIDENCE)
    assert evidence["label"]["text"] == "What will success look like?"
    assert evidence["hint"]["text"] == "What you'd see or hear from students"
    assert (evidence["optional"], evidence["element"]["max_length"]) == (True, 1000)
    assert evidence["element"]["multiline"] is True
    now, aim = block(view, Input.GOAL_STUDENTS_NOW), block(view, Input.GOAL_STUDENTS_AIM)
    assert (now["label"]["text"], aim["label"]["text"]) == (
        "Where students are now",
        "Where you want them",
    )
    assert "12 of 28 explain a step" in now["hint"]["text"]
    assert "20 of 28" in aim["hint"]["text"]
    for measure in (now, aim):
        assert (measure["optional"], measure["element"]["max_length"]) == (True, 200)
        assert "initial_value" not in measure["element"]
    target = block(view, Input.GOAL_TARGET)
    assert (target["optional"], target["element"]["type"]) == (True, "datepicker")
    assert "initial_date" not in target["element"]
    coach = block(view, Input.GOAL_COACH)
    assert (coach["optional"], coach["element"]["type"]) == (True, "users_select")
    assert coach["element"]["initial_user"] == "UCOACH"


def test_goal_form_without_a_coach() -> None:
    view = build_goal_form(areas=AREAS, today=TODAY)
    assert view_problems(view) == []
    assert "initial_user" not in block(view, Input.GOAL_COACH)["element"]


def test_goal_form_editing_shows_the_goal() -> None:
    view = build_goal_form(
        areas=AREAS, today=TODAY, initial=GOAL, coach_user_id="UOTHER", goal_id=7
    )
    assert view_problems(view) == []
    assert view["title"]["text"] == "Edit your goal"
    assert view["private_metadata"] == "7"
    element = {b.get("block_id"): b.get("element", {}) for b in view["blocks"]}
    assert element[Input.GOAL_QUESTION]["initial_value"] == "q" * 500
    assert element[Input.GOAL_FOCUS]["initial_option"]["value"] == "math"
    assert element[Input.GOAL_EVIDENCE]["initial_value"] == "e" * 1000
    assert element[Input.GOAL_TARGET]["initial_date"] == "2026-12-08"
    assert element[Input.GOAL_COACH]["initial_user"] == "UCOACH2"


def test_goal_form_editing_a_goal_whose_area_is_gone_asks_again() -> None:
    view = build_goal_form(areas=AREAS, today=TODAY, initial=replace(GOAL, focus_area="origami"))
    assert view_problems(view) == []
    assert "initial_option" not in block(view, Input.GOAL_FOCUS)["element"]


def test_goal_form_areas_fit_slack() -> None:
    areas = ["  ", "Math", "Math", "x" * 151, "a" * 150, *[f"area {n}" for n in range(120)]]
    assert offered_areas(areas)[:2] == ["Math", "a" * 150]
    assert len(offered_areas(areas)) == 100
    view = build_goal_form(areas=areas, today=TODAY)
    assert view_problems(view) == []
    options = block(view, Input.GOAL_FOCUS)["element"]["options"]
    assert len(options) == 100
    assert options[1]["text"]["text"] == "A" + "a" * 73 + "…"
    # No areas configured: the district defaults.
    assert offered_areas([]) == AREAS
    view = build_goal_form(areas=[], today=TODAY)
    assert [o["value"] for o in block(view, Input.GOAL_FOCUS)["element"]["options"]] == AREAS


def test_parse_goal_form_happy_path() -> None:
    form, errors = parse_goal_form(goal_values(), areas=AREAS, today=TODAY)
    assert errors == {}
    assert form == GoalForm(
        question="How can I get more of my students talking?",
        focus_area="student engagement",
        evidence="Most students explain how they got an answer.",
        target_date=date(2026, 12, 18),
        coach_user_id="UCOACH",
    )


def test_parse_goal_form_optional_inputs_left_empty() -> None:
    form, errors = parse_goal_form(
        goal_values(evidence="  \n", target=None, coach=None), areas=AREAS, today=TODAY
    )
    assert errors == {}
    assert form is not None
    assert (form.evidence, form.target_date, form.coach_user_id) == (None, None, None)
    # Today is fine as a target.
    form, errors = parse_goal_form(goal_values(target="2026-11-20"), areas=AREAS, today=TODAY)
    assert (errors, form and form.target_date) == ({}, TODAY)


def test_goal_form_round_trips_through_the_parser() -> None:
    values = goal_values(
        question=GOAL.question, focus="math", evidence=GOAL.evidence, target="2026-12-08"
    )
    values = values | state(Input.GOAL_COACH, {"selected_user": "UCOACH2"})
    assert parse_goal_form(values, areas=AREAS, today=TODAY) == (GOAL, {})


@pytest.mark.parametrize(
    ("changes", "block_id", "message"),
    [
        ({"question": None}, Input.GOAL_QUESTION, "Write the question you'd like to explore."),
        ({"question": " \n "}, Input.GOAL_QUESTION, "Write the question you'd like to explore."),
        (
            {"question": "q" * 501},
            Input.GOAL_QUESTION,
            "Please keep this to 500 characters or fewer; it has 501 now.",
        ),
        ({"focus": None}, Input.GOAL_FOCUS, "Choose the area this goal is about."),
        (
            {"focus": "origami"},
            Input.GOAL_FOCUS,
            "That choice is no longer on the list. Please choose again.",
        ),
        (
            {"evidence": "e" * 1001},
            Input.GOAL_EVIDENCE,
            "Please keep this to 1000 characters or fewer; it has 1001 now.",
        ),
        ({"target": "2026-11-19"}, Input.GOAL_TARGET, "Choose a date from today on."),
    ],
)
def test_parse_goal_form_errors(changes: dict[str, Any], block_id: Block, message: str) -> None:
    assert parse_goal_form(goal_values(**changes), areas=AREAS, today=TODAY) == (
        None,
        {block_id: message},
    )


def test_parse_goal_form_empty_submission() -> None:
    form, errors = parse_goal_form({}, areas=AREAS, today=TODAY)
    assert form is None
    assert set(errors) == {Input.GOAL_QUESTION, Input.GOAL_FOCUS}


# --------------------------------------------------------------------------- the story


def visit(
    visit_id: int,
    day: int,
    *,
    status: str = "accepted",
    outcome: VisitOutcome | None = None,
    support: SupportType = SupportType.OBSERVE,
) -> VisitLine:
    starts = datetime(2026, 12, day, 15, 0, tzinfo=UTC)
    return VisitLine(
        visit_id=visit_id,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=45),
        support=support,
        status=status,
        outcome=outcome,
    )


TEACHER_NOTE = NoteView(
    author_user_id="UTEACH",
    strengths="Students explained\ntheir thinking to a partner.",
    try_next="Sentence starters",
    next_step="Use the starters in Period 3 for a week",
    check_back_on=date(2026, 12, 8),
)
COACH_NOTE = NoteView(
    author_user_id="UCOACH",
    strengths="Warm, calm start; every student was writing within a minute.",
    try_next=None,
    next_step=None,
    check_back_on=None,
)
STORY = CycleStory(
    goal_id=7,
    teacher_user_id="UTEACH",
    coach_user_id="UCOACH",
    question=QUESTION,
    focus_area="student engagement",
    evidence="Most students explain how they got an answer.",
    target_date=date(2026, 12, 8),
    status=GoalStatus.ACTIVE,
    state=CycleState.TRYING,
    visits=(
        visit(1, 1, outcome=VisitOutcome.HAPPENED, support=SupportType.MODEL),
        visit(3, 3),
        visit(2, 2, status="declined"),
        visit(4, 4, outcome=VisitOutcome.COACH_PULLED_AWAY),
        visit(5, 7, status="pending"),
    ),
    debriefs=(
        DebriefLine(
            debrief_id=9,
            starts_at=datetime(2026, 12, 2, 20, 0, tzinfo=UTC),
            ends_at=datetime(2026, 12, 2, 20, 30, tzinfo=UTC),
            place="Room 112",
            notes=(TEACHER_NOTE, COACH_NOTE),
            visit_id=1,
        ),
    ),
)

STORY_TEXTS_FOR_TEACHER = [
    f"*{QUESTION}*\nFocus: Student engagement · *Trying the next step* · "
    "Target: Tuesday, December 8\n"
    "Success looks like: Most students explain how they got an answer.",
    "5 visits, 1 debrief · with <@UCOACH>",
    "*Visits*\n"
    "• Tuesday, December 1, 10:00–10:45 AM (EST) · Model a lesson · happened\n"
    "• Wednesday, December 2, 10:00–10:45 AM (EST) · Observe and give feedback · declined",
    "• Thursday, December 3, 10:00–10:45 AM (EST) · Observe and give feedback · planned",
    "• Friday, December 4, 10:00–10:45 AM (EST) · Observe and give feedback · "
    "did not happen: your coach was pulled away\n"
    "• Monday, December 7, 10:00–10:45 AM (EST) · Observe and give feedback · "
    "waiting for an answer",
    "*Debrief* · Wednesday, December 2, 3:00–3:30 PM (EST) · Room 112",
    "*Your notes*\n"
    "Strengths noticed: Students explained their thinking to a partner.\n"
    "Wants to try next: Sentence starters\n"
    "Next step: Use the starters in Period 3 for a week (check back Tuesday, December 8)",
    "*<@UCOACH>'s notes*\n"
    "Strengths noticed: Warm, calm start; every student was writing within a minute.",
]


def test_goals_view_for_the_teacher() -> None:
    view = build_goals_view([STORY], viewer="teacher", today=TODAY, tz=NY, can_add=True)
    assert view_problems(view) == []
    assert view["callback_id"] == Callback.GOALS
    assert view["title"]["text"] == "Coaching cycles"
    assert "submit" not in view
    assert texts(view) == STORY_TEXTS_FOR_TEACHER
    assert button_ids(view) == [
        (Action.DEBRIEF_SCHEDULE, "3"),  # accepted, not missed, no debrief yet
        (Action.DEBRIEF_NOTES, "9"),
        (Action.GOAL_EDIT, "7"),
        (Action.GOAL_MET, "7"),
        (Action.GOAL_SET_ASIDE, "7"),
        (Action.GOAL_NEW, "new"),
    ]
    met, set_aside = buttons(view)[3:5]
    assert (met["text"]["text"], met["style"]) == ("Goal met :tada:", "primary")
    assert [met["confirm"][k]["text"] for k in ("title", "text", "confirm", "deny")] == [
        "Mark this goal met?",
        "Well done! This closes the cycle, and your coach will hear the news.",
        "Yes, it's met",
        "Not yet",
    ]
    assert set_aside["text"]["text"] == "Set aside"
    assert "pick it up again any time" in set_aside["confirm"]["text"]["text"]


def test_goals_view_for_the_coach() -> None:
    view = build_goals_view([STORY], viewer="coach", today=TODAY, tz=LA, can_add=False)
    assert view_problems(view) == []
    assert view["title"]["text"] == "Coaching cycles"
    found = texts(view)
    assert found[1] == "5 visits, 1 debrief · <@UTEACH>'s goal"
    assert "did not happen: you were pulled away" in found[4]
    assert found[3].startswith("• Thursday, December 3, 7:00–7:45 AM (PST)")
    assert found[-2].startswith("*<@UTEACH>'s notes*\n")
    assert found[-1].startswith("*Your notes*\n")
    # The coach can schedule and write notes, but the goal is the teacher's to change.
    assert button_ids(view) == [(Action.DEBRIEF_SCHEDULE, "3"), (Action.DEBRIEF_NOTES, "9")]


def test_goals_view_teacher_absence_is_worded_for_each_reader() -> None:
    story = replace(STORY, visits=(visit(4, 4, outcome=VisitOutcome.TEACHER_ABSENT),))
    teacher = texts(build_goals_view([story], viewer="teacher", today=TODAY, tz=NY, can_add=False))
    coach = texts(build_goals_view([story], viewer="coach", today=TODAY, tz=NY, can_add=False))
    assert teacher[2].endswith("did not happen: you were out that day")
    assert coach[2].endswith("did not happen: the teacher was out")


def test_goals_view_closed_goals_have_no_goal_buttons() -> None:
    met = replace(STORY, status=GoalStatus.MET, state=CycleState.COMPLETE)
    view = build_goals_view([met], viewer="teacher", today=TODAY, tz=NY, can_add=True)
    assert view_problems(view) == []
    assert texts(view)[0].split("\n")[1] == (
        "Focus: Student engagement · *Goal met* :tada: · Target: Tuesday, December 8"
    )
    # Notes can still be written; nothing new is scheduled for a closed goal.
    assert button_ids(view) == [(Action.DEBRIEF_NOTES, "9"), (Action.GOAL_NEW, "new")]
    aside = replace(STORY, status=GoalStatus.SET_ASIDE, target_date=None, evidence=None)
    view = build_goals_view([aside], viewer="teacher", today=TODAY, tz=NY, can_add=False)
    assert texts(view)[0] == (
        f"*{QUESTION}*\nFocus: Student engagement · *Set aside*, ready to pick up again"
    )
    assert button_ids(view) == [(Action.DEBRIEF_NOTES, "9")]


def test_goals_view_story_without_coach_visits_or_debriefs() -> None:
    story = replace(STORY, coach_user_id=None, visits=(), debriefs=(), state=CycleState.PLANNING)
    view = build_goals_view([story], viewer="teacher", today=TODAY, tz=NY, can_add=False)
    assert view_problems(view) == []
    assert texts(view)[1:] == [
        "0 visits, 0 debriefs · no coach chosen yet",
        "*Visits*\nNo visits yet.",
    ]
    met = next(b for b in buttons(view) if b["action_id"] == Action.GOAL_MET)
    assert met["confirm"]["text"]["text"] == "Well done! This closes the cycle."


def test_goals_view_debrief_without_notes_and_a_target_next_year() -> None:
    debrief = replace(STORY.debriefs[0], notes=(), place=None)
    story = replace(STORY, debriefs=(debrief,), target_date=date(2027, 2, 1))
    found = texts(build_goals_view([story], viewer="teacher", today=TODAY, tz=NY, can_add=False))
    assert "Target: Monday, February 1, 2027" in found[0]
    assert found[-1] == "*Debrief* · Wednesday, December 2, 3:00–3:30 PM (EST)\n_No notes yet._"


def test_goals_view_note_with_only_a_check_back_date() -> None:
    note = NoteView("UCOACH", None, " ", None, date(2026, 12, 8))
    story = replace(STORY, debriefs=(replace(STORY.debriefs[0], notes=(note,)),))
    found = texts(build_goals_view([story], viewer="teacher", today=TODAY, tz=NY, can_add=False))
    assert found[-1] == "*<@UCOACH>'s notes*\nCheck back Tuesday, December 8"


def test_goals_view_debrief_without_a_visit_id_belongs_to_the_visit_before_it() -> None:
    story = replace(
        STORY,
        visits=(visit(1, 1), visit(2, 3), visit(3, 9)),
        debriefs=(replace(STORY.debriefs[0], visit_id=None),),  # December 2
    )
    view = build_goals_view([story], viewer="teacher", today=TODAY, tz=NY, can_add=False)
    schedule = [b["value"] for b in buttons(view) if b["action_id"] == Action.DEBRIEF_SCHEDULE]
    assert schedule == ["2", "3"]


def test_goals_view_typed_text_cannot_mention_anyone() -> None:
    story = replace(
        STORY,
        question="<!channel> & friends",
        focus_area="<@U1>",
        evidence="<!here>",
        debriefs=(
            replace(
                STORY.debriefs[0],
                place="<https://evil.example|Room 1>",
                notes=(replace(TEACHER_NOTE, strengths="<!everyone>", try_next="<@U2>"),),
            ),
        ),
    )
    view = build_goals_view([story], viewer="teacher", today=TODAY, tz=NY, can_add=False)
    joined = "\n".join(texts(view))
    assert "*&lt;!channel&gt; &amp; friends*" in joined
    for raw in ("<!channel>", "<!here>", "<!everyone>", "<@U1>", "<@U2>", "<https:"):
        assert raw not in joined


def test_goals_view_empty_for_the_teacher() -> None:
    view = build_goals_view([], viewer="teacher", today=TODAY, tz=NY, can_add=True)
    assert view_problems(view) == []
    assert texts(view) == [
        "No goals yet. A goal is a question you want to explore with a coach, like "
        f"_{QUESTION}_ Set one whenever you're ready."
    ]
    assert button_ids(view) == [(Action.GOAL_NEW, "new")]
    assert buttons(view)[0]["text"]["text"] == "New goal"


def test_goals_view_empty_for_the_coach() -> None:
    view = build_goals_view([], viewer="coach", today=TODAY, tz=NY, can_add=False)
    assert view_problems(view) == []
    assert texts(view)[0].startswith("No goals yet.")
    assert buttons(view) == []


def test_goals_view_at_the_most_goals_says_why_there_is_no_new_goal() -> None:
    stories = [replace(STORY, goal_id=n) for n in range(3)]
    view = build_goals_view(stories, viewer="teacher", today=TODAY, tz=NY, can_add=False)
    assert view_problems(view) == []
    assert texts(view)[-1] == (
        "You have 3 goals in progress, the most at once. When one is met or set aside, "
        "you can start another."
    )
    assert Action.GOAL_NEW not in [b["action_id"] for b in buttons(view)]


def test_goals_view_rejects_an_unknown_viewer() -> None:
    with pytest.raises(ValueError, match="viewer"):
        build_goals_view([STORY], viewer="principal", today=TODAY, tz=NY, can_add=False)


def full_note(author: str, n: int) -> NoteView:
    return NoteView(
        author_user_id=author,
        strengths=long_text(2000),
        try_next=long_text(2000),
        next_step=long_text(2000),
        check_back_on=date(2026, 12, 1 + n),
    )


def big_story(goal_id: int) -> CycleStory:
    outcomes = [None, VisitOutcome.HAPPENED, *VisitOutcome]
    visits = tuple(
        visit(
            100 * goal_id + n,
            n + 1,
            outcome=outcomes[n % len(outcomes)],
            status=("accepted", "pending", "proposed", "accepted", "declined", "cancelled")[n % 6],
            support=list(SupportType)[n % len(SupportType)],
        )
        for n in range(12)
    )
    debriefs = tuple(
        DebriefLine(
            debrief_id=1000 * goal_id + n,
            starts_at=datetime(2026, 12, n + 2, 21, 0, tzinfo=UTC),
            ends_at=datetime(2026, 12, n + 2, 22, 0, tzinfo=UTC),
            place=long_text(300),
            notes=(full_note("UTEACH", n), full_note("UCOACH", n)),
        )
        for n in range(6)
    )
    return replace(
        STORY,
        goal_id=goal_id,
        question=long_text(500),
        focus_area="f" * 64,
        evidence=long_text(1000),
        visits=visits,
        debriefs=debriefs,
    )


@pytest.mark.parametrize("viewer", ["teacher", "coach"])
def test_goals_view_biggest_story_fits_slack(viewer: str) -> None:
    view = build_goals_view([big_story(1)], viewer=viewer, today=TODAY, tz=NY, can_add=True)
    assert view_problems(view) == []
    notes = [t for t in texts(view) if "Strengths noticed:" in t]
    assert len(notes) == 12
    assert all(2500 < len(t) <= 3000 for t in notes)
    assert all("…" in t and "<!channel>" not in t for t in notes)
    debrief_buttons = [b for b in buttons(view) if b["action_id"] == Action.DEBRIEF_NOTES]
    assert len(debrief_buttons) == 6


def test_goals_view_twenty_stories_show_the_newest_and_count_the_rest() -> None:
    stories = [
        replace(big_story(n), status=GoalStatus.MET if n < 18 else GoalStatus.ACTIVE)
        for n in range(20)
    ]
    view = build_goals_view(stories, viewer="teacher", today=TODAY, tz=NY, can_add=True)
    assert view_problems(view) == []
    assert len(view["blocks"]) <= 100
    edits = [b["value"] for b in buttons(view) if b["action_id"] == Action.GOAL_EDIT]
    assert edits == ["19", "18"]  # active goals come first, newest first
    notes = [int(b["value"]) for b in buttons(view) if b["action_id"] == Action.DEBRIEF_NOTES]
    goals = sorted({n // 1000 for n in notes}, reverse=True)
    assert goals == list(range(19, 19 - len(goals), -1))  # then the newest met goals
    assert 2 < len(goals) < 20
    assert len(notes) == 6 * len(goals)  # only whole cycles are shown
    summary = view["blocks"][-2]
    assert summary["type"] == "context"
    assert summary["elements"][0]["text"] == f"{20 - len(goals)} earlier cycles not shown"
    assert view["blocks"][-1]["elements"][0]["action_id"] == Action.GOAL_NEW


def test_goals_view_many_small_stories_newest_first() -> None:
    stories = [
        replace(STORY, goal_id=n, status=GoalStatus.SET_ASIDE, question=f"Question {n}")
        for n in range(40)
    ]
    view = build_goals_view(stories, viewer="coach", today=TODAY, tz=NY, can_add=False)
    assert view_problems(view) == []
    questions = [t.split("*")[1] for t in texts(view) if t.startswith("*Question")]
    assert questions[:3] == ["Question 39", "Question 38", "Question 37"]
    assert texts(view)[-1] == f"{40 - len(questions)} earlier cycles not shown"
    assert 0 < 40 - len(questions) < 40


def test_goals_view_one_huge_cycle_still_fits() -> None:
    visits = tuple(visit(n, 1 + n % 28) for n in range(200))
    debriefs = big_story(1).debriefs * 5
    story = replace(big_story(1), visits=visits, debriefs=debriefs)
    view = build_goals_view([story], viewer="teacher", today=TODAY, tz=NY, can_add=True)
    assert view_problems(view) == []
    found = "\n".join(texts(view))
    assert "_170 earlier visits not shown_" in found
    assert "22 earlier debriefs not shown" in found
    assert "earlier cycles" not in found


# --------------------------------------------------------------------------- visit log


CARD = VisitLogCard(
    visit_id=42,
    version=3,
    teacher_user_id="UTEACH",
    starts_at=START,
    ends_at=END,
    tz=NY,
    class_name="Period 3 Algebra",
    planned=SupportType.MODEL,
)
COPLAN = replace(CARD, class_name=None, planned=SupportType.CO_PLAN, tz=LA)


def accessory(message: dict[str, Any], index: int) -> dict[str, Any]:
    element: dict[str, Any] = message["blocks"][index]["accessory"]
    return element


def test_visit_log_prompt() -> None:
    message = build_visit_log_prompt(CARD)
    assert message_problems(message) == []
    question = f"How did your visit with <@UTEACH> go? (Period 3 Algebra, {WHEN_NY})"
    assert message["text"] == question
    assert texts(message) == [question, "It happened, and it was:", "It didn't happen:"]
    assert message["blocks"][0]["block_id"] == Block.VISIT_LOG
    happened = accessory(message, 1)
    assert (happened["type"], happened["action_id"]) == ("static_select", Action.VISIT_LOG_HAPPENED)
    assert [(o["text"]["text"], o["value"]) for o in happened["options"]] == [
        ("Model a lesson (as planned)", "42:3:model"),
        ("Observe and give feedback", "42:3:observe"),
        ("Co-teach", "42:3:co_teach"),
        ("Co-plan", "42:3:co_plan"),
        ("Mentoring", "42:3:mentor"),
        ("Data conversation", "42:3:data_talk"),
        ("PLC meeting", "42:3:plc"),
        ("Learning walk", "42:3:learning_walk"),
        ("PD or workshop", "42:3:workshop"),
        ("Resources or pulling data", "42:3:resources"),
        ("Something else", "42:3:other"),
    ]
    # Nothing preselected: choosing the option already selected would send Slack nothing.
    assert "initial_option" not in happened
    missed = accessory(message, 2)
    assert missed["action_id"] == Action.VISIT_LOG_MISSED
    assert missed["placeholder"]["text"] == "Choose a reason"
    assert [(o["text"]["text"], o["value"]) for o in missed["options"]] == [
        ("We rescheduled", "42:3:rescheduled"),
        ("I was pulled away", "42:3:coach_pulled_away"),
        ("The teacher was out", "42:3:teacher_absent"),
    ]
    assert button_ids(message) == [(Action.DEBRIEF_SCHEDULE, "42")]
    assert buttons(message)[0]["text"]["text"] == "Schedule debrief"


def test_visit_log_prompt_for_co_planning_in_los_angeles() -> None:
    message = build_visit_log_prompt(COPLAN)
    assert message_problems(message) == []
    assert message["text"] == f"How did co-planning with <@UTEACH> go? ({WHEN_LA})"
    assert accessory(message, 1)["options"][0]["text"]["text"] == "Co-plan (as planned)"


def test_visit_log_prompt_with_the_longest_class_name() -> None:
    message = build_visit_log_prompt(replace(CARD, class_name="<&>" * 33 + "P"))
    assert message_problems(message) == []
    assert "&lt;&amp;&gt;" in message["text"]
    assert "<&>" not in message["text"]


def test_every_log_option_value_round_trips() -> None:
    message = build_visit_log_prompt(CARD)
    values = [o["value"] for i in (1, 2) for o in accessory(message, i)["options"]]
    parsed = [parse_log_value(value) for value in values]
    assert parsed == [(42, 3, value.split(":")[2]) for value in values]
    assert parse_log_value(log_value(CARD, VisitOutcome.HAPPENED)) == (42, 3, "happened")
    assert parse_log_value("0:0:observe") == (0, 0, "observe")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "42:3",
        "42:3:",
        "42:3:evaluate",
        "42:3:observe:1",
        "042:3:observe",
        "42:-3:observe",
        "x:3:observe",
        " 42:3:observe",
        "42:3:OBSERVE",
        "4" * 19 + ":3:observe",
        "٤٢:3:observe",
    ],
)
def test_parse_log_value_rejects_anything_else(value: str) -> None:
    assert parse_log_value(value) is None


def test_visit_logged_as_happened() -> None:
    message = build_visit_logged(CARD, support=SupportType.CO_TEACH, outcome=VisitOutcome.HAPPENED)
    assert message_problems(message) == []
    assert message["text"] == ":white_check_mark: Logged as Co-teach. Thank you!"
    assert texts(message) == [
        ":white_check_mark: Logged as Co-teach. Thank you!",
        f"<@UTEACH> · Period 3 Algebra · {WHEN_NY}",
        "Not quite right? You can change it for two weeks.",
    ]
    assert button_ids(message) == [(Action.DEBRIEF_SCHEDULE, "42")]
    # The other kinds stay a click away, carrying the visit's version, as the first question's.
    change = accessory(message, 2)
    assert change["action_id"] == Action.VISIT_LOG_HAPPENED
    values = [o["value"] for o in change["options"]]
    assert "42:3:co_teach" not in values
    assert values[:2] == ["42:3:observe", "42:3:model"]
    # Without a type chosen, it was what was planned.
    message = build_visit_logged(CARD, support=None, outcome=VisitOutcome.HAPPENED)
    assert message["text"] == ":white_check_mark: Logged as Model a lesson. Thank you!"


@pytest.mark.parametrize(
    ("outcome", "label"),
    [
        (VisitOutcome.RESCHEDULED, "We rescheduled"),
        (VisitOutcome.COACH_PULLED_AWAY, "I was pulled away"),
        (VisitOutcome.TEACHER_ABSENT, "The teacher was out"),
    ],
)
def test_visit_logged_as_missed(outcome: VisitOutcome, label: str) -> None:
    message = build_visit_logged(COPLAN, support=None, outcome=outcome)
    assert message_problems(message) == []
    text = f"Logged: {label}. <@UTEACH> has been offered new times."
    assert message["text"] == text
    assert texts(message) == [text, f"<@UTEACH> · {WHEN_LA}"]
    assert buttons(message) == []


@pytest.mark.parametrize(
    ("outcome", "reason"),
    [
        (VisitOutcome.RESCHEDULED, "it was rescheduled"),
        (VisitOutcome.COACH_PULLED_AWAY, "your coach was pulled away"),
        (VisitOutcome.TEACHER_ABSENT, "you were out that day"),
    ],
)
def test_missed_visit_for_teacher(outcome: VisitOutcome, reason: str) -> None:
    message = build_missed_visit_for_teacher(CARD, outcome=outcome, coach_user_id="UCOACH")
    assert message_problems(message) == []
    text = (
        f"Your visit with <@UCOACH> on {WHEN_NY} didn't happen ({reason}). "
        "Want to pick another time?"
    )
    assert message["text"] == text
    assert texts(message) == [text]
    assert button_ids(message) == [(Action.INVITE_OTHER_COACH, "UCOACH")]
    assert buttons(message)[0]["text"]["text"] == "Invite again"


def test_missed_co_planning_for_teacher_in_los_angeles() -> None:
    message = build_missed_visit_for_teacher(
        COPLAN, outcome=VisitOutcome.RESCHEDULED, coach_user_id="UCOACH"
    )
    assert message["text"].startswith(f"Your co-planning with <@UCOACH> on {WHEN_LA} didn't")


def test_missed_visit_for_teacher_needs_a_missed_outcome() -> None:
    with pytest.raises(ValueError, match="happened"):
        build_missed_visit_for_teacher(CARD, outcome=VisitOutcome.HAPPENED, coach_user_id="UC")


# --------------------------------------------------------------------------- debrief form


VISITS = [(42, "Tuesday, December 1: Period 3 Algebra"), (43, "Thursday, December 3: Co-plan")]


def debrief_values(**changes: Any) -> dict[str, Any]:
    values = {
        "visit": "42",
        "date": "2026-12-02",
        "time": "15:30",
        "length": "30",
        "place": "  Room   112 \n",
    }
    values.update(changes)
    result: dict[str, Any] = {}
    for name, block_id, key in (
        ("visit", Input.DEBRIEF_VISIT, "selected_option"),
        ("date", Input.DEBRIEF_DATE, "selected_date"),
        ("time", Input.DEBRIEF_TIME, "selected_time"),
        ("length", Input.DEBRIEF_LENGTH, "selected_option"),
        ("place", Input.DEBRIEF_PLACE, "value"),
    ):
        value = values[name]
        if key == "selected_option" and value is not None:
            value = option(value)
        result |= state(block_id, {key: value})
    return result


def test_debrief_form() -> None:
    view = build_debrief_form(VISITS, today=TODAY)
    assert view_problems(view) == []
    assert view["callback_id"] == Callback.DEBRIEF
    assert view["title"]["text"] == "Schedule a debrief"
    assert (view["submit"]["text"], view["close"]["text"]) == ("Schedule", "Cancel")
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert [b["block_id"] for b in inputs] == [
        Input.DEBRIEF_VISIT,
        Input.DEBRIEF_DATE,
        Input.DEBRIEF_TIME,
        Input.DEBRIEF_LENGTH,
        Input.DEBRIEF_PLACE,
    ]
    for b in inputs:
        assert b["element"]["action_id"] == b["block_id"]
    chosen = block(view, Input.DEBRIEF_VISIT)["element"]
    assert [(o["value"], o["text"]["text"]) for o in chosen["options"]] == [
        ("42", VISITS[0][1]),
        ("43", VISITS[1][1]),
    ]
    assert "initial_option" not in chosen
    assert block(view, Input.DEBRIEF_DATE)["element"]["initial_date"] == "2026-11-20"
    assert block(view, Input.DEBRIEF_TIME)["element"]["type"] == "timepicker"
    length = block(view, Input.DEBRIEF_LENGTH)["element"]
    assert [o["value"] for o in length["options"]] == ["15", "20", "30", "45", "60"]
    assert length["initial_option"]["value"] == "30"
    assert length["options"][-1]["text"]["text"] == "1 hour"
    place = block(view, Input.DEBRIEF_PLACE)
    assert place["optional"] is True
    assert place["element"]["max_length"] == 300
    assert place["element"]["placeholder"]["text"] == "Room 112, or a video link"


def test_debrief_form_for_one_visit() -> None:
    view = build_debrief_form(VISITS, today=TODAY, initial_visit_id=43)
    assert block(view, Input.DEBRIEF_VISIT)["element"]["initial_option"]["value"] == "43"
    view = build_debrief_form(VISITS[:1], today=TODAY)
    assert block(view, Input.DEBRIEF_VISIT)["element"]["initial_option"]["value"] == "42"
    view = build_debrief_form(VISITS, today=TODAY, initial_visit_id=99)
    assert "initial_option" not in block(view, Input.DEBRIEF_VISIT)["element"]


def test_debrief_form_with_many_long_visits_fits_slack() -> None:
    visits = [(n, f"Visit {n} " + "<long label> " * 20) for n in range(150)]
    view = build_debrief_form([*visits, (3, "again")], today=TODAY, initial_visit_id=140)
    assert view_problems(view) == []
    options = block(view, Input.DEBRIEF_VISIT)["element"]["options"]
    assert len(options) == 100
    assert [o["value"] for o in options].count("3") == 1
    assert options[-1]["value"] == "140"
    assert block(view, Input.DEBRIEF_VISIT)["element"]["initial_option"]["value"] == "140"


def test_debrief_form_with_no_visit() -> None:
    view = build_debrief_form([], today=TODAY, initial_visit_id=42)
    assert view_problems(view) == []
    assert "submit" not in view
    assert [b["type"] for b in view["blocks"]] == ["section"]
    assert texts(view) == [
        "There's no visit to debrief yet. Once a visit is accepted, you can schedule its "
        "debrief here."
    ]


def test_parse_debrief_form() -> None:
    assert parse_debrief_form(debrief_values(), today=TODAY) == (
        DebriefForm(
            visit_id=42,
            when=When(day=date(2026, 12, 2), start=time(15, 30), minutes=30),
            place="Room 112",
        ),
        {},
    )
    form, errors = parse_debrief_form(debrief_values(place=None, length="60"), today=TODAY)
    assert errors == {}
    assert form is not None
    assert (form.place, form.when.minutes) == (None, 60)


@pytest.mark.parametrize(
    ("changes", "block_id", "message"),
    [
        ({"visit": None}, Input.DEBRIEF_VISIT, "Choose the visit to talk about."),
        (
            {"visit": "forty-two"},
            Input.DEBRIEF_VISIT,
            "That choice is no longer on the list. Please choose again.",
        ),
        ({"date": None}, Input.DEBRIEF_DATE, "Choose a day."),
        ({"date": "2026-02-30"}, Input.DEBRIEF_DATE, "Choose a day."),
        ({"time": None}, Input.DEBRIEF_TIME, "Choose a start time."),
        ({"time": "24:00"}, Input.DEBRIEF_TIME, "Choose a start time."),
        ({"length": None}, Input.DEBRIEF_LENGTH, "Choose how long it will be."),
        (
            {"length": "90"},
            Input.DEBRIEF_LENGTH,
            "That choice is no longer on the list. Please choose again.",
        ),
        (
            {"place": "p" * 301},
            Input.DEBRIEF_PLACE,
            "Please keep this to 300 characters or fewer; it has 301 now.",
        ),
    ],
)
def test_parse_debrief_form_errors(changes: dict[str, Any], block_id: Block, message: str) -> None:
    assert parse_debrief_form(debrief_values(**changes), today=TODAY) == (None, {block_id: message})


def test_parse_debrief_form_empty_submission() -> None:
    form, errors = parse_debrief_form({}, today=TODAY)
    assert form is None
    assert set(errors) == {
        Input.DEBRIEF_VISIT,
        Input.DEBRIEF_DATE,
        Input.DEBRIEF_TIME,
        Input.DEBRIEF_LENGTH,
    }


# --------------------------------------------------------------------------- debrief message


DEBRIEF = DebriefCard(
    debrief_id=9,
    teacher_user_id="UTEACH",
    coach_user_id="UCOACH",
    starts_at=START,
    ends_at=START + timedelta(minutes=30),
    tz=NY,
    place="Room 112",
)
LINKS = CalendarLinks(
    google="https://calendar.google.com/calendar/render?action=TEMPLATE&text=Debrief",
    outlook="https://outlook.office.com/calendar/0/deeplink/compose?subject=Debrief",
    ics="https://coachbot.example.org/debriefs/9.ics?token=abc",
)


@pytest.mark.parametrize(("viewer", "other"), [("teacher", "UCOACH"), ("coach", "UTEACH")])
def test_debrief_scheduled(viewer: str, other: str) -> None:
    message = build_debrief_scheduled(DEBRIEF, viewer=viewer, links=LINKS)
    assert message_problems(message) == []
    text = f"Debrief with <@{other}> on Tuesday, December 1, 10:00–10:30 AM (EST) · Room 112"
    assert message["text"] == text
    assert texts(message) == [
        text,
        "Start with what's working. Your notes are only for the two of you.",
    ]
    calendar, notes = [b for b in message["blocks"] if b["type"] == "actions"]
    assert [(b["action_id"], b["url"]) for b in calendar["elements"]] == [
        (Action.CALENDAR_GOOGLE, LINKS.google),
        (Action.CALENDAR_OUTLOOK, LINKS.outlook),
        (Action.CALENDAR_ICS, LINKS.ics),
    ]
    assert [(b["action_id"], b["value"], b["text"]["text"]) for b in notes["elements"]] == [
        (Action.DEBRIEF_NOTES, "9", "Write notes")
    ]


def test_debrief_scheduled_without_place_or_usable_links() -> None:
    links = CalendarLinks(google="https://g.example/" + "x" * 3000, outlook="", ics=None)
    card = replace(DEBRIEF, place=None, tz=LA)
    message = build_debrief_scheduled(card, viewer="teacher", links=links)
    assert message_problems(message) == []
    assert message["text"] == "Debrief with <@UCOACH> on Tuesday, December 1, 7:00–7:30 AM (PST)"
    assert button_ids(message) == [(Action.DEBRIEF_NOTES, "9")]


def test_debrief_scheduled_with_the_longest_place() -> None:
    card = replace(DEBRIEF, place=long_text(300))
    for viewer in ("teacher", "coach"):
        message = build_debrief_scheduled(card, viewer=viewer, links=LINKS)
        assert message_problems(message) == []
        assert "<!channel>" not in message["text"]
        assert "&lt;!channel&gt;" in message["text"]
    with pytest.raises(ValueError, match="viewer"):
        build_debrief_scheduled(card, viewer="admin", links=LINKS)


# --------------------------------------------------------------------------- notes


def notes_values(**changes: Any) -> dict[str, Any]:
    values = {
        "strengths": "  Students explained their thinking.\n",
        "try_next": "Sentence starters",
        "next_step": "Use them in Period 3",
        "check_back": "2026-12-08",
    }
    values.update(changes)
    return (
        state(Input.NOTE_STRENGTHS, {"type": "plain_text_input", "value": values["strengths"]})
        | state(Input.NOTE_TRY_NEXT, {"type": "plain_text_input", "value": values["try_next"]})
        | state(Input.NOTE_NEXT_STEP, {"type": "plain_text_input", "value": values["next_step"]})
        | state(
            Input.NOTE_CHECK_BACK, {"type": "datepicker", "selected_date": values["check_back"]}
        )
    )


NOTES = NoteForm(
    strengths="s" * 2000, try_next="t" * 2000, next_step="n" * 2000, check_back_on=date(2026, 12, 8)
)


@pytest.mark.parametrize(
    ("author", "privacy", "try_label"),
    [
        (
            "coach",
            "Only you and your teacher can read these.",
            "What the teacher wants to try next",
        ),
        ("teacher", "Only you and your coach can read these.", "What you want to try next"),
    ],
)
def test_notes_form(author: str, privacy: str, try_label: str) -> None:
    view = build_notes_form(debrief_id=9, author=author, today=TODAY)
    assert view_problems(view) == []
    assert view["callback_id"] == Callback.NOTES
    assert view["title"]["text"] == "Debrief notes"
    assert (view["submit"]["text"], view["close"]["text"]) == ("Save", "Cancel")
    assert view["private_metadata"] == "9"
    assert texts(view) == [privacy]
    inputs = view["blocks"][1:]
    assert [b["block_id"] for b in inputs] == [
        Input.NOTE_STRENGTHS,
        Input.NOTE_TRY_NEXT,
        Input.NOTE_NEXT_STEP,
        Input.NOTE_CHECK_BACK,
    ]
    assert [b["label"]["text"] for b in inputs] == [
        "Strengths noticed",
        try_label,
        "Agreed next step",
        "Check back on",
    ]
    assert all(b["optional"] is True for b in inputs)
    for b in inputs:
        assert b["element"]["action_id"] == b["block_id"]
        assert "initial_value" not in b["element"]
    for b in inputs[:3]:
        assert (b["element"]["multiline"], b["element"]["max_length"]) == (True, 2000)
    assert inputs[0]["hint"]["text"] == "Start with what's working"
    assert inputs[3]["element"]["type"] == "datepicker"
    assert "initial_date" not in inputs[3]["element"]


def test_notes_form_shows_what_was_written() -> None:
    view = build_notes_form(debrief_id=9, author="teacher", today=TODAY, initial=NOTES)
    assert view_problems(view) == []
    element = {b.get("block_id"): b.get("element", {}) for b in view["blocks"]}
    assert element[Input.NOTE_STRENGTHS]["initial_value"] == "s" * 2000
    assert element[Input.NOTE_TRY_NEXT]["initial_value"] == "t" * 2000
    assert element[Input.NOTE_NEXT_STEP]["initial_value"] == "n" * 2000
    assert element[Input.NOTE_CHECK_BACK]["initial_date"] == "2026-12-08"


def test_notes_form_rejects_an_unknown_author() -> None:
    with pytest.raises(ValueError, match="author"):
        build_notes_form(debrief_id=9, author="leader", today=TODAY)


def test_parse_notes_form() -> None:
    assert parse_notes_form(notes_values(), today=TODAY) == (
        NoteForm(
            strengths="Students explained their thinking.",
            try_next="Sentence starters",
            next_step="Use them in Period 3",
            check_back_on=date(2026, 12, 8),
        ),
        {},
    )
    only_strengths = notes_values(try_next=None, next_step=" ", check_back=None)
    assert parse_notes_form(only_strengths, today=TODAY) == (
        NoteForm("Students explained their thinking.", None, None, None),
        {},
    )
    form, errors = parse_notes_form(notes_values(check_back="2026-11-20"), today=TODAY)
    assert (errors, form and form.check_back_on) == ({}, TODAY)


def test_notes_form_round_trips_through_the_parser() -> None:
    values = notes_values(strengths="s" * 2000, try_next="t" * 2000, next_step="n" * 2000)
    assert parse_notes_form(values, today=TODAY) == (NOTES, {})


@pytest.mark.parametrize(
    ("changes", "block_id", "message"),
    [
        (
            {"strengths": None, "try_next": " ", "next_step": "\n", "check_back": None},
            Input.NOTE_STRENGTHS,
            "Write at least one thing, or close this without saving.",
        ),
        ({"next_step": None}, Input.NOTE_CHECK_BACK, "Add the next step you'll check back on."),
        (
            {"strengths": None, "try_next": None, "next_step": None},
            Input.NOTE_CHECK_BACK,
            "Add the next step you'll check back on.",
        ),
        ({"check_back": "2026-11-19"}, Input.NOTE_CHECK_BACK, "Choose a date from today on."),
        (
            {"strengths": "s" * 2001},
            Input.NOTE_STRENGTHS,
            "Please keep this to 2000 characters or fewer; it has 2001 now.",
        ),
        (
            {"try_next": "t" * 2001},
            Input.NOTE_TRY_NEXT,
            "Please keep this to 2000 characters or fewer; it has 2001 now.",
        ),
        (
            {"next_step": "n" * 2001},
            Input.NOTE_NEXT_STEP,
            "Please keep this to 2000 characters or fewer; it has 2001 now.",
        ),
    ],
)
def test_parse_notes_form_errors(changes: dict[str, Any], block_id: Block, message: str) -> None:
    assert parse_notes_form(notes_values(**changes), today=TODAY) == (None, {block_id: message})


def test_parse_notes_form_empty_submission() -> None:
    assert parse_notes_form({}, today=TODAY) == (
        None,
        {Input.NOTE_STRENGTHS: "Write at least one thing, or close this without saving."},
    )


# --------------------------------------------------------------------------- goal notices


def test_goal_met_notice() -> None:
    message = build_goal_closed_notice(teacher_user_id="UTEACH", question=QUESTION, met=True)
    assert message_problems(message) == []
    text = f":tada: <@UTEACH> met their goal: _{QUESTION}_"
    assert message["text"] == text
    assert texts(message) == [text]


def test_goal_set_aside_notice() -> None:
    message = build_goal_closed_notice(teacher_user_id="UTEACH", question=QUESTION, met=False)
    assert message_problems(message) == []
    text = f"<@UTEACH> set aside their goal: _{QUESTION}_. They can pick it up again any time."
    assert message["text"] == text
    assert texts(message) == [text]


def test_goal_notices_with_the_longest_question() -> None:
    for met in (True, False):
        message = build_goal_closed_notice(
            teacher_user_id="UTEACH", question=long_text(500) + "\n" + "x" * 3000, met=met
        )
        assert message_problems(message) == []
        assert "<!channel>" not in message["text"]
        assert "\n" not in message["text"]
        assert len(message["text"]) < 700
