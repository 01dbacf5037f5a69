"""The story of a teacher's coaching cycles: each goal with its visits, debriefs and notes.

Built as plain dicts (bot/views/plain.py): a story is up to a modal's hundred blocks, and
slack_sdk's models would cost more than reading the cycles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.ids import Action, Callback
from bot.rules.domain import (
    MAX_ACTIVE_GOALS,
    CycleState,
    GoalStatus,
    SupportType,
    VisitOutcome,
    went_ahead,
)
from bot.rules.limits import MAX_QUESTION
from bot.views import common
from bot.views.common import COACH, TEACHER, count, inline, mention
from bot.views.debrief import write_notes_button
from bot.views.goals import area_label
from bot.views.next_steps import StepLine, step_line_text, students_text
from bot.views.plain import Dict, actions, button, context, divider, modal, section
from bot.views.visit_log import MISSED_FOR_COACH, MISSED_FOR_TEACHER, schedule_debrief_button
from bot.views.when import format_when, short_minutes

# How much of one cycle the story shows, so even the newest cycle alone fits in a modal.
MAX_VISITS_SHOWN = 30
MAX_DEBRIEFS_SHOWN = 8
MAX_LOGGED_SHOWN = 10
MAX_STEPS_SHOWN = 10
MAX_NOTES_SHOWN = 2  # the teacher's and the coach's
MAX_DEBRIEF_BUTTONS = 10

_MAX_NOTE_PART = 850  # one part of a note in the story: three of them fit in a section

_SET_ASIDE = (
    "Set this goal aside?",
    "It stays in your cycles, and you can pick it up again any time.",
    "Set it aside",
    "Keep going",
)
_VISIT_STATUS_WORDS = {
    "pending": "waiting for an answer",
    "proposed": "a new time was suggested",
    "accepted": "planned",
    "declined": "declined",
    "cancelled": "cancelled",
}


@dataclass(frozen=True)
class VisitLine:
    """One visit in a cycle's story."""

    visit_id: int
    starts_at: datetime  # aware, UTC
    ends_at: datetime
    support: SupportType  # what it was: the logged type once logged
    status: str  # "pending" | "proposed" | "accepted" | "declined" | "cancelled"
    outcome: VisitOutcome | None


@dataclass(frozen=True)
class LoggedLine:
    """Coaching the coach logged with the teacher toward this goal."""

    day: date
    support: SupportType
    minutes: int
    group: bool = False  # with other teachers too, or in a PLC


@dataclass(frozen=True)
class NoteView:
    """One person's notes on a debrief; only ever built for that teacher and that coach."""

    author_user_id: str
    strengths: str | None
    try_next: str | None
    next_step: str | None
    check_back_on: date | None


@dataclass(frozen=True)
class DebriefLine:
    """One debrief in a cycle's story.

    `visit_id` says which visit it talks about; without it, a debrief is taken to be about the
    latest accepted visit that started before it.
    """

    debrief_id: int
    starts_at: datetime
    ends_at: datetime
    place: str | None
    notes: tuple[NoteView, ...]
    visit_id: int | None = None


@dataclass(frozen=True)
class CycleStory:
    """A goal and everything that happened around it."""

    goal_id: int
    teacher_user_id: str
    coach_user_id: str | None
    question: str
    focus_area: str
    evidence: str | None
    target_date: date | None
    status: GoalStatus
    state: CycleState
    visits: tuple[VisitLine, ...]
    debriefs: tuple[DebriefLine, ...]
    logged: tuple[LoggedLine, ...] = ()
    students_now: str | None = None  # "12 of 28 explain a step"
    students_aim: str | None = None  # "20 of 28"
    steps: tuple[StepLine, ...] = ()  # answers to the check-backs on its next steps


def build_goals_view(
    stories: Sequence[CycleStory], *, viewer: str, today: date, tz: str, can_add: bool
) -> dict[str, Any]:
    """The story of a teacher's cycles: active goals first, then the newest.

    What does not fit in a modal is summarised in one line, oldest cycles first to go.
    """
    common.check_person(viewer, "viewer")
    ordered = sorted(stories, key=lambda s: (s.status is not GoalStatus.ACTIVE, -s.goal_id))
    tail: list[Dict] = []
    active = sum(1 for story in stories if story.status is GoalStatus.ACTIVE)
    if viewer == TEACHER and not can_add and active >= MAX_ACTIVE_GOALS:
        tail.append(
            context(
                f"You have {active} goals in progress, the most at once. When one is met or set "
                "aside, you can start another."
            )
        )
    if can_add:
        tail.append(actions(button("New goal", Action.GOAL_NEW, value="new", style="primary")))

    blocks: list[Dict] = []
    if not ordered:
        blocks.append(section(_empty_text(viewer)))
    budget = common.MAX_MODAL_BLOCKS - len(tail) - 1  # one line for the cycles left out
    shown = 0
    for story in ordered:
        story_blocks = _story_blocks(story, viewer=viewer, today=today, tz=tz)
        if shown:
            story_blocks.insert(0, divider())
        if len(blocks) + len(story_blocks) > budget:
            break
        blocks += story_blocks
        shown += 1
    left_out = len(ordered) - shown
    if left_out:
        blocks.append(context(f"{count(left_out, 'earlier cycle', 'earlier cycles')} not shown"))
    blocks += tail
    return modal("Coaching cycles", blocks, close="Done", callback_id=Callback.GOALS)


def _empty_text(viewer: str) -> str:
    if viewer == TEACHER:
        return (
            "No goals yet. A goal is a question you want to explore with a coach, like "
            "_How can I get more of my students talking about their reasoning?_ "
            "Set one whenever you're ready."
        )
    return (
        "No goals yet. A goal is a question a teacher wants to explore with a coach; "
        "when a teacher sets one with you, its cycle shows up here."
    )


def _story_blocks(story: CycleStory, *, viewer: str, today: date, tz: str) -> list[Dict]:
    blocks: list[Dict] = [
        section(_story_heading(story, today)),
        context(_story_line(story, viewer)),
    ]
    blocks += _visit_blocks(story, viewer=viewer, tz=tz)
    blocks += _logged_blocks(story, viewer=viewer, today=today)
    blocks += _debrief_blocks(story, viewer=viewer, today=today, tz=tz)
    blocks += _step_blocks(story, today=today, tz=tz)
    if viewer == TEACHER and story.status is GoalStatus.ACTIVE:
        blocks.append(_goal_actions(story.goal_id, has_coach=bool(story.coach_user_id)))
    return blocks


def _story_heading(story: CycleStory, today: date) -> str:
    if story.status is GoalStatus.MET:
        where = "*Goal met* :tada:"
    elif story.status is GoalStatus.SET_ASIDE:
        where = "*Set aside*, ready to pick up again"
    else:
        where = f"*{story.state.label}*"
    facts = [f"Focus: {inline(area_label(story.focus_area))}", where]
    if story.target_date is not None:
        facts.append(f"Target: {common.long_day(story.target_date, today=today)}")
    lines = [f"*{inline(story.question, MAX_QUESTION)}*", " · ".join(facts)]
    if story.evidence:
        lines.append(f"Success looks like: {inline(story.evidence, 1000)}")
    students = students_text(story.students_now, story.students_aim)
    if students:
        lines.append(students)
    return "\n".join(lines)


def _story_line(story: CycleStory, viewer: str) -> str:
    counts = (
        f"{count(len(story.visits), 'visit', 'visits')}, "
        f"{count(len(story.debriefs), 'debrief', 'debriefs')}"
    )
    if viewer == COACH:
        who = f"{mention(story.teacher_user_id)}'s goal"
    elif story.coach_user_id:
        who = f"with {mention(story.coach_user_id)}"
    else:
        who = "no coach chosen yet"
    return f"{counts} · {who}"


def _debriefed_visits(story: CycleStory) -> set[int]:
    """Visits that already have a debrief, by the debrief's visit id or, without one, by time."""
    done = {d.visit_id for d in story.debriefs if d.visit_id is not None}
    accepted = sorted((v for v in story.visits if _can_debrief(v)), key=lambda v: v.starts_at)
    for debrief in sorted(story.debriefs, key=lambda d: d.starts_at):
        if debrief.visit_id is not None:
            continue
        before = [
            v for v in accepted if v.starts_at <= debrief.starts_at and v.visit_id not in done
        ]
        if before:
            done.add(before[-1].visit_id)
    return done


def _can_debrief(visit: VisitLine) -> bool:
    """Accepted and not logged as missed."""
    return went_ahead(visit.status, visit.outcome)


def _visit_blocks(story: CycleStory, *, viewer: str, tz: str) -> list[Dict]:
    if not story.visits:
        return [section("*Visits*\nNo visits yet.")]
    visits = sorted(story.visits, key=lambda v: v.starts_at)
    earlier = max(0, len(visits) - MAX_VISITS_SHOWN)
    visits = visits[earlier:]
    debriefed = _debriefed_visits(story)
    needs_debrief = [
        v.visit_id
        for v in visits
        if story.status is GoalStatus.ACTIVE and _can_debrief(v) and v.visit_id not in debriefed
    ][-MAX_DEBRIEF_BUTTONS:]

    blocks: list[Dict] = []
    heading = ["*Visits*"]
    if earlier:
        heading.append(f"_{count(earlier, 'earlier visit', 'earlier visits')} not shown_")
    pending: list[str] = []
    for visit in visits:
        line = _visit_line(visit, viewer=viewer, tz=tz)
        if visit.visit_id not in needs_debrief:
            pending.append(line)
            continue
        if pending:
            blocks += _packed_sections([*heading, *pending])
            heading, pending = [], []
        blocks.append(
            section(
                "\n".join([*heading, line]),
                accessory=schedule_debrief_button(visit.visit_id).to_dict(),
            )
        )
        heading = []
    if heading or pending:
        blocks += _packed_sections([*heading, *pending])
    return blocks


def _visit_line(visit: VisitLine, *, viewer: str, tz: str) -> str:
    words = [format_when(visit.starts_at, visit.ends_at, tz), visit.support.label]
    if visit.outcome is VisitOutcome.HAPPENED:
        words.append("happened")
    elif visit.outcome is not None:
        missed = MISSED_FOR_TEACHER if viewer == TEACHER else MISSED_FOR_COACH
        words.append(f"did not happen: {missed[visit.outcome]}")
    else:
        words.append(_VISIT_STATUS_WORDS.get(visit.status) or inline(visit.status, 40))
    return "• " + " · ".join(words)


def _logged_blocks(story: CycleStory, *, viewer: str, today: date) -> list[Dict]:
    """ "Co-planned with your coach, 40 min": what the coach logged beside the visits."""
    if not story.logged:
        return []
    logged = sorted(story.logged, key=lambda line: line.day)
    earlier = max(0, len(logged) - MAX_LOGGED_SHOWN)
    who = "your coach" if viewer == TEACHER else "you"
    lines = ["*Also with your coach*" if viewer == TEACHER else "*Also logged*"]
    if earlier:
        lines.append(f"_{count(earlier, 'earlier one', 'earlier ones')} not shown_")
    for line in logged[earlier:]:
        words = [
            common.long_day(line.day, today=today),
            f"{line.support.done} with {who}, {short_minutes(line.minutes)}",
        ]
        if line.group:
            words.append("with colleagues")
        lines.append("• " + " · ".join(words))
    return _packed_sections(lines)


def _debrief_blocks(story: CycleStory, *, viewer: str, today: date, tz: str) -> list[Dict]:
    if not story.debriefs:
        return []
    debriefs = sorted(story.debriefs, key=lambda d: d.starts_at)
    earlier = max(0, len(debriefs) - MAX_DEBRIEFS_SHOWN)
    blocks: list[Dict] = []
    if earlier:
        blocks.append(context(f"{count(earlier, 'earlier debrief', 'earlier debriefs')} not shown"))
    for debrief in debriefs[earlier:]:
        heading = f"*Debrief* · {format_when(debrief.starts_at, debrief.ends_at, tz)}"
        if debrief.place:
            heading += f" · {inline(debrief.place)}"
        notes = [note for note in debrief.notes if _has_words(note)][:MAX_NOTES_SHOWN]
        if not notes:
            heading += "\n_No notes yet._"
        blocks.append(section(heading, accessory=write_notes_button(debrief.debrief_id).to_dict()))
        blocks += [
            section(_note_text(note, story=story, viewer=viewer, today=today)) for note in notes
        ]
    return blocks


def _step_blocks(story: CycleStory, *, today: date, tz: str) -> list[Dict]:
    """ "Tried the next step: “It went well”": the teacher's answers to check-backs, in order."""
    if not story.steps:
        return []
    steps = sorted(story.steps, key=lambda step: step.answered_at)
    earlier = max(0, len(steps) - MAX_STEPS_SHOWN)
    lines = ["*Next steps*"]
    if earlier:
        lines.append(f"_{count(earlier, 'earlier answer', 'earlier answers')} not shown_")
    lines += [step_line_text(step, tz=tz, today=today) for step in steps[earlier:]]
    return _packed_sections(lines)


def _has_words(note: NoteView) -> bool:
    texts = (note.strengths, note.try_next, note.next_step)
    return note.check_back_on is not None or any(text and text.strip() for text in texts)


def _note_text(note: NoteView, *, story: CycleStory, viewer: str, today: date) -> str:
    author = note.author_user_id
    mine = story.teacher_user_id if viewer == TEACHER else story.coach_user_id
    if author == mine:
        lines = ["*Your notes*"]
    elif author in (story.teacher_user_id, story.coach_user_id):
        lines = [f"*{mention(author)}'s notes*"]
    else:
        lines = [f"*Notes from {mention(author)}*"]
    if note.strengths and note.strengths.strip():
        lines.append(f"Strengths noticed: {inline(note.strengths, _MAX_NOTE_PART)}")
    if note.try_next and note.try_next.strip():
        lines.append(f"Wants to try next: {inline(note.try_next, _MAX_NOTE_PART)}")
    check_back = (
        f"check back {common.long_day(note.check_back_on, today=today)}"
        if note.check_back_on is not None
        else ""
    )
    if note.next_step and note.next_step.strip():
        step = f"Next step: {inline(note.next_step, _MAX_NOTE_PART)}"
        lines.append(f"{step} ({check_back})" if check_back else step)
    elif check_back:
        lines.append(check_back[:1].upper() + check_back[1:])
    return "\n".join(lines)


def _goal_actions(goal_id: int, *, has_coach: bool) -> Dict:
    value = str(goal_id)
    met = "Well done! This closes the cycle" + (
        ", and your coach will hear the news." if has_coach else "."
    )
    return actions(
        button("Edit", Action.GOAL_EDIT, value=value),
        common.confirm_button(
            "Goal met :tada:",
            Action.GOAL_MET,
            value,
            ask=("Mark this goal met?", met, "Yes, it's met", "Not yet"),
            style="primary",
        ).to_dict(),
        common.confirm_button("Set aside", Action.GOAL_SET_ASIDE, value, ask=_SET_ASIDE).to_dict(),
    )


def _packed_sections(lines: Sequence[str]) -> list[Dict]:
    """Lines in as few sections as fit, none cut in half unless one alone is too long."""
    sections: list[Dict] = []
    current = ""
    for line in lines:
        joined = f"{current}\n{line}" if current else line
        if len(joined) <= common.MAX_SECTION:
            current = joined
            continue
        sections.append(section(current))
        current = line
    if current:
        sections.append(section(current))
    return sections
