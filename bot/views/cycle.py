"""Coaching cycles: the goal form, the story of a teacher's cycles, visit logs and debriefs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block as SlackBlock,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)

from bot.ids import Action, Block, Callback
from bot.rules.calendar import outside_school_years
from bot.rules.cards import VisitLogCard
from bot.rules.domain import (
    DEFAULT_EXPERTISE_AREAS,
    MAX_ACTIVE_GOALS,
    CycleState,
    GoalStatus,
    SupportType,
    VisitOutcome,
    went_ahead,
)
from bot.rules.limits import MAX_EVIDENCE, MAX_NOTE_TEXT, MAX_PLACE, MAX_QUESTION
from bot.views.common import (
    MAX_CONTEXT,
    MAX_INLINE,
    MAX_MODAL_BLOCKS,
    MAX_OPTION_TEXT,
    MAX_OPTION_VALUE,
    MAX_SECTION,
    MAX_URL,
    StateValues,
    clip as _clip,
    count as _count,
    date_input,
    escape as _escape,
    long_day,
    mention as _mention,
    modal,
    picked_date as _picked_date,
    picked_time as _picked_time,
    record_id as _record_id,
    select_input,
    selected_value as _selected_value,
    state_of as _state,
    text_input,
    time_input,
    too_long as _too_long,
    typed_text as _text,
    whole_number as _whole_number,
)
from bot.views.invite import COACH, TEACHER, CalendarLinks, format_minutes, format_when

MAX_AREAS = 100  # Slack's limit on a static select's options
MAX_DEBRIEF_VISITS = 100
DEBRIEF_LENGTHS = (15, 20, 30, 45, 60)
DEFAULT_DEBRIEF_MINUTES = 30

# How much of one cycle the story shows, so even the newest cycle alone fits in a modal.
MAX_VISITS_SHOWN = 30
MAX_DEBRIEFS_SHOWN = 8
MAX_NOTES_SHOWN = 2  # the teacher's and the coach's
MAX_DEBRIEF_BUTTONS = 10

_PEOPLE = (COACH, TEACHER)

_MAX_NOTE_PART = 850  # one part of a note in the story: three of them fit in a section

_STALE = "That choice is no longer on the list. Please choose again."
_PAST = "Choose a date from today on."

_ID = r"(0|[1-9][0-9]{0,17})"
_LOG_VALUE = re.compile(rf"{_ID}:{_ID}:([a-z_]{{1,32}})")
_LOG_KINDS = frozenset(s.value for s in SupportType) | frozenset(o.value for o in VisitOutcome)

# A missed visit, worded for whoever reads about it; nobody is blamed.
_MISSED_FOR_TEACHER = {
    VisitOutcome.RESCHEDULED: "it was rescheduled",
    VisitOutcome.COACH_PULLED_AWAY: "your coach was pulled away",
    VisitOutcome.TEACHER_ABSENT: "you were out that day",
}
_MISSED_FOR_COACH = {
    VisitOutcome.RESCHEDULED: "rescheduled",
    VisitOutcome.COACH_PULLED_AWAY: "you were pulled away",
    VisitOutcome.TEACHER_ABSENT: "the teacher was out",
}
_VISIT_STATUS_WORDS = {
    "pending": "waiting for an answer",
    "proposed": "a new time was suggested",
    "accepted": "planned",
    "declined": "declined",
    "cancelled": "cancelled",
}


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class GoalForm:
    """A teacher's goal as the goal form collects it."""

    question: str  # the inquiry question
    focus_area: str  # one of the areas offered
    evidence: str | None  # what success will look like
    target_date: date | None
    coach_user_id: str | None


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


@dataclass(frozen=True)
class DebriefForm:
    """When and where to talk about a visit."""

    visit_id: int
    day: date
    start: time
    minutes: int
    place: str | None


@dataclass(frozen=True)
class DebriefCard:
    """A scheduled debrief as a message shows it."""

    debrief_id: int
    teacher_user_id: str
    coach_user_id: str
    starts_at: datetime  # aware, UTC
    ends_at: datetime
    tz: str  # IANA zone of the reader
    place: str | None


@dataclass(frozen=True)
class NoteForm:
    """One person's notes on a debrief: strengths first."""

    strengths: str | None
    try_next: str | None
    next_step: str | None
    check_back_on: date | None


# --------------------------------------------------------------------------- goal form


def offered_areas(areas: Sequence[str]) -> list[str]:
    """The focus areas the goal form offers: each once, at most 100, the defaults when none."""
    offered: list[str] = []
    for area in areas:
        if area.strip() and len(area) <= MAX_OPTION_VALUE and area not in offered:
            offered.append(area)
    return offered[:MAX_AREAS] or list(DEFAULT_EXPERTISE_AREAS)


def build_goal_form(
    *,
    areas: Sequence[str],
    today: date,
    initial: GoalForm | None = None,
    coach_user_id: str | None = None,
    goal_id: int | None = None,
) -> dict[str, Any]:
    """The teacher's goal: a question to explore, new or (with `goal_id`) being edited."""
    options = {area: Option(value=area, text=_area_label(area)) for area in offered_areas(areas)}
    focus = options.get(initial.focus_area) if initial is not None else None
    coach = initial.coach_user_id if initial is not None else coach_user_id
    target = initial.target_date if initial is not None else None
    blocks: list[SlackBlock] = [
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=(
                        "A goal is a question you want to explore with your coach. "
                        "It's yours: your coach helps, nobody grades it."
                    )
                )
            ]
        ),
        text_input(
            Block.GOAL_QUESTION,
            Action.GOAL_QUESTION,
            "What do you want to learn about your students and your teaching?",
            limit=MAX_QUESTION,
            initial=initial.question if initial else None,
            placeholder="How can I get more of my students talking about their reasoning?",
            multiline=True,
        ),
        select_input(
            Block.GOAL_FOCUS,
            Action.GOAL_FOCUS,
            "Focus area",
            options=list(options.values()),
            initial=focus,
            placeholder="Choose an area",
        ),
        text_input(
            Block.GOAL_EVIDENCE,
            Action.GOAL_EVIDENCE,
            "What will success look like?",
            limit=MAX_EVIDENCE,
            initial=initial.evidence if initial else None,
            placeholder="Most students explain how they got an answer, not just the answer",
            hint="What you'd see or hear from students",
            optional=True,
            multiline=True,
        ),
        date_input(
            Block.GOAL_TARGET,
            Action.GOAL_TARGET,
            "Target date",
            initial=target,
            placeholder="Choose a date",
            hint="A rough date to look back on it together",
            optional=True,
        ),
        InputBlock(
            block_id=Block.GOAL_COACH,
            label="Coach",
            optional=True,
            hint="You can choose one later",
            element=UserSelectElement(
                action_id=Action.GOAL_COACH,
                placeholder="Choose a coach",
                initial_user=coach or None,
            ),
        ),
    ]
    return modal(
        "Edit your goal" if goal_id is not None else "Set a goal",
        blocks,
        close="Cancel",
        callback_id=Callback.GOAL,
        submit="Save",
        private_metadata=str(goal_id) if goal_id is not None else None,
    )


def parse_goal_form(
    values: StateValues, *, areas: Sequence[str], today: date
) -> tuple[GoalForm | None, dict[str, str]]:
    """The goal, or kind messages keyed by the block to show them under."""
    errors: dict[str, str] = {}

    question = _text(values, Block.GOAL_QUESTION, Action.GOAL_QUESTION)
    if question is None:
        errors[Block.GOAL_QUESTION] = "Write the question you'd like to explore."
    elif len(question) > MAX_QUESTION:
        errors[Block.GOAL_QUESTION] = _too_long(question, MAX_QUESTION)

    focus = _selected_value(values, Block.GOAL_FOCUS, Action.GOAL_FOCUS)
    if focus is None:
        errors[Block.GOAL_FOCUS] = "Choose the area this goal is about."
    elif focus not in offered_areas(areas):
        errors[Block.GOAL_FOCUS] = _STALE

    evidence = _text(values, Block.GOAL_EVIDENCE, Action.GOAL_EVIDENCE)
    if evidence is not None and len(evidence) > MAX_EVIDENCE:
        errors[Block.GOAL_EVIDENCE] = _too_long(evidence, MAX_EVIDENCE)

    target = _picked_date(values, Block.GOAL_TARGET, Action.GOAL_TARGET)
    if target is not None and target < today:
        errors[Block.GOAL_TARGET] = _PAST
    elif target is not None and (too_far := outside_school_years(target, today)) is not None:
        errors[Block.GOAL_TARGET] = too_far

    coach = _state(values, Block.GOAL_COACH, Action.GOAL_COACH).get("selected_user")
    if errors or question is None or focus is None:
        return None, errors
    return (
        GoalForm(
            question=question,
            focus_area=focus,
            evidence=evidence,
            target_date=target,
            coach_user_id=coach if isinstance(coach, str) and coach else None,
        ),
        {},
    )


def _area_label(area: str) -> str:
    return _clip(area[:1].upper() + area[1:], MAX_OPTION_TEXT)


# --------------------------------------------------------------------------- the story


def build_goals_view(
    stories: Sequence[CycleStory], *, viewer: str, today: date, tz: str, can_add: bool
) -> dict[str, Any]:
    """The story of a teacher's cycles: active goals first, then the newest.

    What does not fit in a modal is summarised in one line, oldest cycles first to go.
    """
    _check_person(viewer, "viewer")
    ordered = sorted(stories, key=lambda s: (s.status is not GoalStatus.ACTIVE, -s.goal_id))
    tail: list[SlackBlock] = []
    active = sum(1 for story in stories if story.status is GoalStatus.ACTIVE)
    if viewer == TEACHER and not can_add and active >= MAX_ACTIVE_GOALS:
        tail.append(
            _context(
                f"You have {active} goals in progress, the most at once. When one is met or set "
                "aside, you can start another."
            )
        )
    if can_add:
        tail.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="New goal", action_id=Action.GOAL_NEW, value="new", style="primary"
                    )
                ]
            )
        )

    blocks: list[SlackBlock] = []
    if not ordered:
        blocks.append(_section(_empty_text(viewer)))
    budget = MAX_MODAL_BLOCKS - len(tail) - 1  # one line for the cycles left out
    shown = 0
    for story in ordered:
        story_blocks = _story_blocks(story, viewer=viewer, today=today, tz=tz)
        if shown:
            story_blocks.insert(0, DividerBlock())
        if len(blocks) + len(story_blocks) > budget:
            break
        blocks += story_blocks
        shown += 1
    left_out = len(ordered) - shown
    if left_out:
        blocks.append(_context(f"{_count(left_out, 'earlier cycle', 'earlier cycles')} not shown"))
    blocks += tail
    return modal(
        "Coaching cycles",
        blocks,
        close="Done",
        callback_id=Callback.GOALS,
    )


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


def _story_blocks(story: CycleStory, *, viewer: str, today: date, tz: str) -> list[SlackBlock]:
    blocks: list[SlackBlock] = [
        _section(_story_heading(story, today)),
        _context(_story_line(story, viewer)),
    ]
    blocks += _visit_blocks(story, viewer=viewer, tz=tz)
    blocks += _debrief_blocks(story, viewer=viewer, today=today, tz=tz)
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
    facts = [f"Focus: {_inline(_area_label(story.focus_area))}", where]
    if story.target_date is not None:
        facts.append(f"Target: {_day(story.target_date, today)}")
    lines = [f"*{_inline(story.question, MAX_QUESTION)}*", " · ".join(facts)]
    if story.evidence:
        lines.append(f"Success looks like: {_inline(story.evidence, 1000)}")
    return "\n".join(lines)


def _story_line(story: CycleStory, viewer: str) -> str:
    counts = (
        f"{_count(len(story.visits), 'visit', 'visits')}, "
        f"{_count(len(story.debriefs), 'debrief', 'debriefs')}"
    )
    if viewer == COACH:
        who = f"{_mention(story.teacher_user_id)}'s goal"
    elif story.coach_user_id:
        who = f"with {_mention(story.coach_user_id)}"
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


def _visit_blocks(story: CycleStory, *, viewer: str, tz: str) -> list[SlackBlock]:
    if not story.visits:
        return [_section("*Visits*\nNo visits yet.")]
    visits = sorted(story.visits, key=lambda v: v.starts_at)
    earlier = max(0, len(visits) - MAX_VISITS_SHOWN)
    visits = visits[earlier:]
    debriefed = _debriefed_visits(story)
    needs_debrief = [
        v.visit_id
        for v in visits
        if story.status is GoalStatus.ACTIVE and _can_debrief(v) and v.visit_id not in debriefed
    ][-MAX_DEBRIEF_BUTTONS:]

    blocks: list[SlackBlock] = []
    heading = ["*Visits*"]
    if earlier:
        heading.append(f"_{_count(earlier, 'earlier visit', 'earlier visits')} not shown_")
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
            SectionBlock(
                text=MarkdownTextObject(text=_clip("\n".join([*heading, line]), MAX_SECTION)),
                accessory=_schedule_debrief_button(visit.visit_id),
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
        missed = _MISSED_FOR_TEACHER if viewer == TEACHER else _MISSED_FOR_COACH
        words.append(f"did not happen: {missed[visit.outcome]}")
    else:
        words.append(_VISIT_STATUS_WORDS.get(visit.status) or _inline(visit.status, 40))
    return "• " + " · ".join(words)


def _debrief_blocks(story: CycleStory, *, viewer: str, today: date, tz: str) -> list[SlackBlock]:
    if not story.debriefs:
        return []
    debriefs = sorted(story.debriefs, key=lambda d: d.starts_at)
    earlier = max(0, len(debriefs) - MAX_DEBRIEFS_SHOWN)
    blocks: list[SlackBlock] = []
    if earlier:
        blocks.append(
            _context(f"{_count(earlier, 'earlier debrief', 'earlier debriefs')} not shown")
        )
    for debrief in debriefs[earlier:]:
        heading = f"*Debrief* · {format_when(debrief.starts_at, debrief.ends_at, tz)}"
        if debrief.place:
            heading += f" · {_inline(debrief.place)}"
        notes = [note for note in debrief.notes if _has_words(note)][:MAX_NOTES_SHOWN]
        if not notes:
            heading += "\n_No notes yet._"
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=_clip(heading, MAX_SECTION)),
                accessory=ButtonElement(
                    text="Write notes",
                    action_id=Action.DEBRIEF_NOTES,
                    value=str(debrief.debrief_id),
                ),
            )
        )
        blocks += [
            _section(_note_text(note, story=story, viewer=viewer, today=today)) for note in notes
        ]
    return blocks


def _has_words(note: NoteView) -> bool:
    texts = (note.strengths, note.try_next, note.next_step)
    return note.check_back_on is not None or any(text and text.strip() for text in texts)


def _note_text(note: NoteView, *, story: CycleStory, viewer: str, today: date) -> str:
    author = note.author_user_id
    mine = story.teacher_user_id if viewer == TEACHER else story.coach_user_id
    if author == mine:
        lines = ["*Your notes*"]
    elif author in (story.teacher_user_id, story.coach_user_id):
        lines = [f"*{_mention(author)}'s notes*"]
    else:
        lines = [f"*Notes from {_mention(author)}*"]
    if note.strengths and note.strengths.strip():
        lines.append(f"Strengths noticed: {_inline(note.strengths, _MAX_NOTE_PART)}")
    if note.try_next and note.try_next.strip():
        lines.append(f"Wants to try next: {_inline(note.try_next, _MAX_NOTE_PART)}")
    check_back = (
        f"check back {_day(note.check_back_on, today)}" if note.check_back_on is not None else ""
    )
    if note.next_step and note.next_step.strip():
        step = f"Next step: {_inline(note.next_step, _MAX_NOTE_PART)}"
        lines.append(f"{step} ({check_back})" if check_back else step)
    elif check_back:
        lines.append(check_back[:1].upper() + check_back[1:])
    return "\n".join(lines)


def _goal_actions(goal_id: int, *, has_coach: bool) -> ActionsBlock:
    value = str(goal_id)
    met = "Well done! This closes the cycle" + (
        ", and your coach will hear the news." if has_coach else "."
    )
    return ActionsBlock(
        elements=[
            ButtonElement(text="Edit", action_id=Action.GOAL_EDIT, value=value),
            ButtonElement(
                text="Goal met :tada:",
                action_id=Action.GOAL_MET,
                value=value,
                style="primary",
                confirm=ConfirmObject(
                    title="Mark this goal met?",
                    text=met,
                    confirm="Yes, it's met",
                    deny="Not yet",
                ),
            ),
            ButtonElement(
                text="Set aside",
                action_id=Action.GOAL_SET_ASIDE,
                value=value,
                confirm=ConfirmObject(
                    title="Set this goal aside?",
                    text="It stays in your cycles, and you can pick it up again any time.",
                    confirm="Set it aside",
                    deny="Keep going",
                ),
            ),
        ]
    )


def _packed_sections(lines: Sequence[str]) -> list[SlackBlock]:
    """Lines in as few sections as fit, none cut in half unless one alone is too long."""
    sections: list[SlackBlock] = []
    current = ""
    for line in lines:
        joined = f"{current}\n{line}" if current else line
        if len(joined) <= MAX_SECTION:
            current = joined
            continue
        sections.append(_section(current))
        current = line
    if current:
        sections.append(_section(current))
    return sections


# --------------------------------------------------------------------------- visit log


def log_value(card: VisitLogCard, kind: SupportType | VisitOutcome) -> str:
    """'<visit id>:<version>:<support type or outcome>', the value of a visit-log option."""
    return f"{card.visit_id}:{card.version}:{kind.value}"


def parse_log_value(value: str) -> tuple[int, int, str] | None:
    """(visit id, version, support type or outcome) from a log option; None for anything else."""
    if not isinstance(value, str):
        return None
    match = _LOG_VALUE.fullmatch(value)
    if match is None or match.group(3) not in _LOG_KINDS:
        return None
    visit_id, version = _record_id(match.group(1)), _record_id(match.group(2))
    if visit_id is None or version is None:
        return None
    return visit_id, version, match.group(3)


def build_visit_log_prompt(card: VisitLogCard) -> dict[str, Any]:
    """To the coach once a visit has ended: what it turned out to be, or why it didn't happen.

    The planned support comes first, marked, rather than preselected: choosing an option that
    is already selected sends Slack nothing, so a preselected one could never be logged.
    """
    text = _log_question(card)
    kinds = [card.planned, *(s for s in SupportType if s is not card.planned)]
    happened = StaticSelectElement(
        action_id=Action.VISIT_LOG_HAPPENED,
        placeholder="Choose what it was",
        options=[
            Option(
                value=log_value(card, support),
                text=f"{support.label} (as planned)" if support is card.planned else support.label,
            )
            for support in kinds
        ],
    )
    missed = StaticSelectElement(
        action_id=Action.VISIT_LOG_MISSED,
        placeholder="Choose a reason",
        options=[
            Option(value=log_value(card, outcome), text=outcome.label)
            for outcome in VisitOutcome
            if outcome is not VisitOutcome.HAPPENED
        ],
    )
    blocks: list[SlackBlock] = [
        SectionBlock(block_id=Block.VISIT_LOG, text=MarkdownTextObject(text=_clip(text, 3000))),
        SectionBlock(text=MarkdownTextObject(text="It happened, and it was:"), accessory=happened),
        SectionBlock(text=MarkdownTextObject(text="It didn't happen:"), accessory=missed),
        ActionsBlock(elements=[_schedule_debrief_button(card.visit_id)]),
    ]
    return _message(text, blocks)


def build_visit_logged(
    card: VisitLogCard, *, support: SupportType | None, outcome: VisitOutcome
) -> dict[str, Any]:
    """What the visit-log message becomes once answered: thanks, and a debrief if it happened."""
    if outcome is VisitOutcome.HAPPENED:
        kind = support if support is not None else card.planned
        text = f":white_check_mark: Logged as {kind.label}. Thank you!"
        blocks: list[SlackBlock] = [
            _section(text),
            _context(_log_details(card)),
            ActionsBlock(elements=[_schedule_debrief_button(card.visit_id)]),
        ]
    else:
        text = (
            f"Logged: {outcome.label}. {_mention(card.teacher_user_id)} has been offered new times."
        )
        blocks = [_section(text), _context(_log_details(card))]
    return _message(text, blocks)


def build_missed_visit_for_teacher(
    card_for_teacher: VisitLogCard, *, outcome: VisitOutcome, coach_user_id: str
) -> dict[str, Any]:
    """To the teacher when a visit did not happen: no blame, and an easy way to pick a time."""
    if outcome is VisitOutcome.HAPPENED:
        raise ValueError("a visit that happened was not missed")
    card = card_for_teacher
    what = "visit" if card.planned.needs_class else "co-planning"
    text = (
        f"Your {what} with {_mention(coach_user_id)} on "
        f"{format_when(card.starts_at, card.ends_at, card.tz)} didn't happen "
        f"({_MISSED_FOR_TEACHER[outcome]}). Want to pick another time?"
    )
    blocks: list[SlackBlock] = [
        _section(text),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Invite again",
                    action_id=Action.INVITE_OTHER_COACH,
                    value=coach_user_id,
                    style="primary",
                )
            ]
        ),
    ]
    return _message(text, blocks)


def _log_question(card: VisitLogCard) -> str:
    who = _mention(card.teacher_user_id)
    when = format_when(card.starts_at, card.ends_at, card.tz)
    if card.planned.needs_class:
        where = f"{_inline(card.class_name)}, {when}" if card.class_name else when
        return f"How did your visit with {who} go? ({where})"
    return f"How did co-planning with {who} go? ({when})"


def _log_details(card: VisitLogCard) -> str:
    parts = [_mention(card.teacher_user_id)]
    if card.class_name and card.planned.needs_class:
        parts.append(_inline(card.class_name))
    parts.append(format_when(card.starts_at, card.ends_at, card.tz))
    return " · ".join(parts)


def _schedule_debrief_button(visit_id: int) -> ButtonElement:
    return ButtonElement(
        text="Schedule debrief", action_id=Action.DEBRIEF_SCHEDULE, value=str(visit_id)
    )


# --------------------------------------------------------------------------- debriefs


_DEBRIEF_LENGTH_OPTIONS = {
    minutes: Option(value=str(minutes), text=format_minutes(minutes)) for minutes in DEBRIEF_LENGTHS
}


def build_debrief_form(
    visits: Sequence[tuple[int, str]], *, today: date, initial_visit_id: int | None = None
) -> dict[str, Any]:
    """When and where to talk a visit over; `visits` are (visit id, label) to choose from."""
    unique: dict[int, str] = {}
    for visit_id, label in visits:
        unique.setdefault(visit_id, label)
    if not unique:
        return modal(
            "Schedule a debrief",
            [
                _section(
                    "There's no visit to debrief yet. Once a visit is accepted, you can "
                    "schedule its debrief here."
                )
            ],
            close="Done",
            callback_id=Callback.DEBRIEF,
        )
    shown = list(unique)[:MAX_DEBRIEF_VISITS]
    if initial_visit_id in unique and initial_visit_id not in shown:
        shown[-1] = initial_visit_id
    options = {
        visit_id: Option(
            value=str(visit_id), text=_clip(" ".join(unique[visit_id].split()), MAX_OPTION_TEXT)
        )
        for visit_id in shown
    }
    initial = options.get(initial_visit_id) if initial_visit_id is not None else None
    if initial is None and len(options) == 1:
        initial = next(iter(options.values()))
    blocks: list[SlackBlock] = [
        _context(
            "A debrief is a short talk after a visit: what's working first, then what to try."
        ),
        select_input(
            Block.DEBRIEF_VISIT,
            Action.DEBRIEF_VISIT,
            "Which visit?",
            options=list(options.values()),
            initial=initial,
            placeholder="Choose a visit",
        ),
        date_input(
            Block.DEBRIEF_DATE,
            Action.DEBRIEF_DATE,
            "Day",
            initial=today,
            placeholder="Choose a day",
        ),
        time_input(
            Block.DEBRIEF_TIME,
            Action.DEBRIEF_TIME,
            "Start time",
            placeholder="Choose a time",
        ),
        select_input(
            Block.DEBRIEF_LENGTH,
            Action.DEBRIEF_LENGTH,
            "How long",
            options=list(_DEBRIEF_LENGTH_OPTIONS.values()),
            initial=_DEBRIEF_LENGTH_OPTIONS[DEFAULT_DEBRIEF_MINUTES],
            placeholder="Choose a length",
        ),
        text_input(
            Block.DEBRIEF_PLACE,
            Action.DEBRIEF_PLACE,
            "Place or video link",
            limit=MAX_PLACE,
            placeholder="Room 112, or a video link",
            optional=True,
        ),
    ]
    return modal(
        "Schedule a debrief",
        blocks,
        close="Cancel",
        callback_id=Callback.DEBRIEF,
        submit="Schedule",
    )


def parse_debrief_form(
    values: StateValues, *, today: date
) -> tuple[DebriefForm | None, dict[str, str]]:
    """The debrief's time and place, or kind messages keyed by the block to show them under.

    `today` bounds the day to this school year and the next; bot.rules.cycles.schedule_debrief then
    checks the day and time against the teacher's calendar, as for an invitation.
    """
    errors: dict[str, str] = {}
    chosen = _selected_value(values, Block.DEBRIEF_VISIT, Action.DEBRIEF_VISIT)
    visit_id = _record_id(chosen)
    if chosen is None:
        errors[Block.DEBRIEF_VISIT] = "Choose the visit to talk about."
    elif visit_id is None:
        errors[Block.DEBRIEF_VISIT] = _STALE

    day = _picked_date(values, Block.DEBRIEF_DATE, Action.DEBRIEF_DATE)
    if day is None:
        errors[Block.DEBRIEF_DATE] = "Choose a day."
    elif (too_far := outside_school_years(day, today)) is not None:
        errors[Block.DEBRIEF_DATE] = too_far
    start = _picked_time(values, Block.DEBRIEF_TIME, Action.DEBRIEF_TIME)
    if start is None:
        errors[Block.DEBRIEF_TIME] = "Choose a start time."
    minutes: int | None = None
    length = _selected_value(values, Block.DEBRIEF_LENGTH, Action.DEBRIEF_LENGTH)
    if length is None:
        errors[Block.DEBRIEF_LENGTH] = "Choose how long it will be."
    elif _whole_number(length) in DEBRIEF_LENGTHS:
        minutes = _whole_number(length)
    else:
        errors[Block.DEBRIEF_LENGTH] = _STALE

    place = _text(values, Block.DEBRIEF_PLACE, Action.DEBRIEF_PLACE, single_line=True)
    if place is not None and len(place) > MAX_PLACE:
        errors[Block.DEBRIEF_PLACE] = _too_long(place, MAX_PLACE)

    if errors or visit_id is None or day is None or start is None or minutes is None:
        return None, errors
    return DebriefForm(visit_id=visit_id, day=day, start=start, minutes=minutes, place=place), {}


def build_debrief_scheduled(
    card: DebriefCard, *, viewer: str, links: CalendarLinks
) -> dict[str, Any]:
    """To each person once a debrief is set: when and where, calendar links and notes."""
    _check_person(viewer, "viewer")
    other = card.coach_user_id if viewer == TEACHER else card.teacher_user_id
    text = f"Debrief with {_mention(other)} on {format_when(card.starts_at, card.ends_at, card.tz)}"
    if card.place:
        text += f" · {_inline(card.place)}"
    blocks: list[SlackBlock] = [
        _section(text),
        _context("Start with what's working. Your notes are only for the two of you."),
    ]
    calendar = _calendar_buttons(links)
    if calendar:
        blocks.append(ActionsBlock(elements=calendar))
    blocks.append(
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Write notes",
                    action_id=Action.DEBRIEF_NOTES,
                    value=str(card.debrief_id),
                )
            ]
        )
    )
    return _message(text, blocks)


def _calendar_buttons(links: CalendarLinks) -> list[ButtonElement]:
    return [
        ButtonElement(
            text=label,
            action_id=action,
            url=url,
            accessibility_label=f"Add to {label}" if label != ".ics file" else "Download .ics file",
        )
        for action, label, url in (
            (Action.CALENDAR_GOOGLE, "Google Calendar", links.google),
            (Action.CALENDAR_OUTLOOK, "Outlook", links.outlook),
            (Action.CALENDAR_ICS, ".ics file", links.ics),
        )
        if url and len(url) <= MAX_URL
    ]


# --------------------------------------------------------------------------- notes


def build_notes_form(
    *, debrief_id: int, author: str, today: date, initial: NoteForm | None = None
) -> dict[str, Any]:
    """One person's debrief notes (`author`: 'coach' or 'teacher'), strengths first."""
    _check_person(author, "author")
    other = TEACHER if author == COACH else COACH
    check_back = initial.check_back_on if initial is not None else None
    blocks: list[SlackBlock] = [
        _context(f"Only you and your {other} can read these."),
        _note_input(
            Block.NOTE_STRENGTHS,
            Action.NOTE_STRENGTHS,
            label="Strengths noticed",
            hint="Start with what's working",
            placeholder="Students explained their thinking to a partner before sharing",
            initial=initial.strengths if initial else None,
        ),
        _note_input(
            Block.NOTE_TRY_NEXT,
            Action.NOTE_TRY_NEXT,
            label=(
                "What the teacher wants to try next"
                if author == COACH
                else "What you want to try next"
            ),
            placeholder="Sentence starters for small-group talk",
            initial=initial.try_next if initial else None,
        ),
        _note_input(
            Block.NOTE_NEXT_STEP,
            Action.NOTE_NEXT_STEP,
            label="Agreed next step",
            placeholder="Try the sentence starters in Period 3 for a week",
            initial=initial.next_step if initial else None,
        ),
        date_input(
            Block.NOTE_CHECK_BACK,
            Action.NOTE_CHECK_BACK,
            "Check back on",
            initial=check_back,
            placeholder="Choose a date",
            hint="When to talk about how the next step went",
            optional=True,
        ),
    ]
    return modal(
        "Debrief notes",
        blocks,
        close="Cancel",
        callback_id=Callback.NOTES,
        submit="Save",
        private_metadata=str(debrief_id),
    )


def parse_notes_form(values: StateValues, *, today: date) -> tuple[NoteForm | None, dict[str, str]]:
    """The notes, or kind messages keyed by the block to show them under."""
    errors: dict[str, str] = {}
    texts: dict[Block, str | None] = {}
    for block, action in (
        (Block.NOTE_STRENGTHS, Action.NOTE_STRENGTHS),
        (Block.NOTE_TRY_NEXT, Action.NOTE_TRY_NEXT),
        (Block.NOTE_NEXT_STEP, Action.NOTE_NEXT_STEP),
    ):
        text = _text(values, block, action)
        if text is not None and len(text) > MAX_NOTE_TEXT:
            errors[block] = _too_long(text, MAX_NOTE_TEXT)
        texts[block] = text
    check_back = _picked_date(values, Block.NOTE_CHECK_BACK, Action.NOTE_CHECK_BACK)
    if check_back is None and not any(texts.values()):
        errors[Block.NOTE_STRENGTHS] = "Write at least one thing, or close this without saving."
    elif check_back is not None and texts[Block.NOTE_NEXT_STEP] is None:
        errors[Block.NOTE_CHECK_BACK] = "Add the next step you'll check back on."
    elif check_back is not None and check_back < today:
        errors[Block.NOTE_CHECK_BACK] = _PAST
    elif check_back is not None and (too_far := outside_school_years(check_back, today)):
        errors[Block.NOTE_CHECK_BACK] = too_far
    if errors:
        return None, errors
    return (
        NoteForm(
            strengths=texts[Block.NOTE_STRENGTHS],
            try_next=texts[Block.NOTE_TRY_NEXT],
            next_step=texts[Block.NOTE_NEXT_STEP],
            check_back_on=check_back,
        ),
        {},
    )


def _note_input(
    block: Block,
    action: Action,
    *,
    label: str,
    placeholder: str,
    initial: str | None,
    hint: str | None = None,
) -> InputBlock:
    return text_input(
        block,
        action,
        label,
        limit=MAX_NOTE_TEXT,
        initial=initial,
        placeholder=placeholder,
        hint=hint,
        optional=True,
        multiline=True,
    )


# --------------------------------------------------------------------------- goal notices


def build_goal_closed_notice(*, teacher_user_id: str, question: str, met: bool) -> dict[str, Any]:
    """To the coach when a teacher marks a goal met or sets it aside."""
    who = _mention(teacher_user_id)
    goal = f"_{_inline(question, MAX_QUESTION)}_"
    if met:
        text = f":tada: {who} met their goal: {goal}"
    else:
        text = f"{who} set aside their goal: {goal}. They can pick it up again any time."
    return _message(text, [_section(text)])


# --------------------------------------------------------------------------- helpers


def _message(text: str, blocks: Iterable[SlackBlock]) -> dict[str, Any]:
    return {"text": text, "blocks": [block.to_dict() for block in blocks]}


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=_clip(text, MAX_SECTION)))


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=_clip(text, MAX_CONTEXT))])


def _inline(text: str, limit: int = MAX_INLINE) -> str:
    """Someone's words inside a sentence: escaped for mrkdwn, on one line, not too long."""
    return _clip(_escape(" ".join(text.split())), limit)


def _day(day: date, today: date) -> str:
    """'Tuesday, December 8', with the year when it is not this year's."""
    # Not strftime: %A and %B follow the process locale.
    text = long_day(day)
    return text if day.year == today.year else f"{text}, {day.year}"


def _check_person(value: str, name: str) -> None:
    if value not in _PEOPLE:
        raise ValueError(f"{name} must be 'coach' or 'teacher', not {value!r}")
