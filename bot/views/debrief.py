"""Debriefs: the form that schedules one, the message once it is set, and each person's notes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block as SlackBlock,
    ButtonElement,
    InputBlock,
    Option,
)

from bot.ids import Action, Callback, Input
from bot.rules.calendar import When
from bot.rules.limits import MAX_NOTE_TEXT, MAX_PLACE
from bot.views import common
from bot.views.common import COACH, TEACHER, StateValues, clip, context, mention, section
from bot.views.visits import CalendarLinks, calendar_buttons
from bot.views.when import ahead_problem, format_when, parse_when, when_ids, when_inputs

MAX_DEBRIEF_VISITS = 100
DEBRIEF_LENGTHS = (15, 20, 30, 45, 60)
DEFAULT_DEBRIEF_MINUTES = 30

_WHEN = when_ids("DEBRIEF")
_PLACE = common.TextField(
    Input.DEBRIEF_PLACE,
    "Place or video link",
    MAX_PLACE,
    placeholder="Room 112, or a video link",
    optional=True,
    single_line=True,
)


@dataclass(frozen=True)
class DebriefForm:
    """When and where to talk about a visit."""

    visit_id: int
    when: When
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


def build_debrief_form(
    visits: Sequence[tuple[int, str]], *, today: date, initial_visit_id: int | None = None
) -> dict[str, Any]:
    """When and where to talk a visit over; `visits` are (visit id, label) to choose from."""
    unique: dict[int, str] = {}
    for visit_id, label in visits:
        unique.setdefault(visit_id, label)
    if not unique:
        return common.modal(
            "Schedule a debrief",
            [
                section(
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
            value=str(visit_id),
            text=clip(" ".join(unique[visit_id].split()), common.MAX_OPTION_TEXT),
        )
        for visit_id in shown
    }
    initial = options.get(initial_visit_id) if initial_visit_id is not None else None
    if initial is None and len(options) == 1:
        initial = next(iter(options.values()))
    blocks: list[SlackBlock] = [
        context("A debrief is a short talk after a visit: what's working first, then what to try."),
        common.select_input(
            Input.DEBRIEF_VISIT,
            Input.DEBRIEF_VISIT,
            "Which visit?",
            options=list(options.values()),
            initial=initial,
            placeholder="Choose a visit",
        ),
        *when_inputs(
            _WHEN, day=today, start=None, minutes=DEFAULT_DEBRIEF_MINUTES, lengths=DEBRIEF_LENGTHS
        ),
        _PLACE.input(),
    ]
    return common.form(
        "Schedule a debrief", blocks, callback_id=Callback.DEBRIEF, submit="Schedule"
    )


def parse_debrief_form(
    values: StateValues, *, today: date
) -> tuple[DebriefForm | None, dict[str, str]]:
    """The debrief's time and place, or kind messages keyed by the block to show them under.

    `today` bounds the day to this school year and the next; bot.rules.cycles.schedule_debrief then
    checks the day and time against the teacher's calendar, as for an invitation.
    """
    errors: dict[str, str] = {}
    chosen = common.selected_value(values, Input.DEBRIEF_VISIT, Input.DEBRIEF_VISIT)
    visit_id = common.record_id(chosen)
    if chosen is None:
        errors[Input.DEBRIEF_VISIT] = "Choose the visit to talk about."
    elif visit_id is None:
        errors[Input.DEBRIEF_VISIT] = common.STALE

    when = parse_when(values, errors, _WHEN, today=today, lengths=DEBRIEF_LENGTHS)

    place = _PLACE.read(values, errors)

    if errors or visit_id is None or when is None:
        return None, errors
    return DebriefForm(visit_id=visit_id, when=when, place=place), {}


def build_debrief_scheduled(
    card: DebriefCard, *, viewer: str, links: CalendarLinks
) -> dict[str, Any]:
    """To each person once a debrief is set: when and where, calendar links and notes."""
    common.check_person(viewer, "viewer")
    other = card.coach_user_id if viewer == TEACHER else card.teacher_user_id
    text = f"Debrief with {mention(other)} on {format_when(card.starts_at, card.ends_at, card.tz)}"
    if card.place:
        text += f" · {common.inline(card.place)}"
    blocks: list[SlackBlock] = [
        section(text),
        context("Start with what's working. Your notes are only for the two of you."),
    ]
    calendar = calendar_buttons(links)
    if calendar:
        blocks.append(ActionsBlock(elements=calendar))
    blocks.append(ActionsBlock(elements=[write_notes_button(card.debrief_id)]))
    return common.message(text, blocks)


def write_notes_button(debrief_id: int) -> ButtonElement:
    """The button that opens one person's notes on a debrief."""
    return ButtonElement(text="Write notes", action_id=Action.DEBRIEF_NOTES, value=str(debrief_id))


def build_notes_form(
    *, debrief_id: int, author: str, today: date, initial: NoteForm | None = None
) -> dict[str, Any]:
    """One person's debrief notes (`author`: 'coach' or 'teacher'), strengths first."""
    common.check_person(author, "author")
    other = TEACHER if author == COACH else COACH
    check_back = initial.check_back_on if initial is not None else None
    blocks: list[SlackBlock] = [
        context(f"Only you and your {other} can read these."),
        _note_input(
            Input.NOTE_STRENGTHS,
            Input.NOTE_STRENGTHS,
            label="Strengths noticed",
            hint="Start with what's working",
            placeholder="Students explained their thinking to a partner before sharing",
            initial=initial.strengths if initial else None,
        ),
        _note_input(
            Input.NOTE_TRY_NEXT,
            Input.NOTE_TRY_NEXT,
            label=(
                "What the teacher wants to try next"
                if author == COACH
                else "What you want to try next"
            ),
            placeholder="Sentence starters for small-group talk",
            initial=initial.try_next if initial else None,
        ),
        _note_input(
            Input.NOTE_NEXT_STEP,
            Input.NOTE_NEXT_STEP,
            label="Agreed next step",
            placeholder="Try the sentence starters in Period 3 for a week",
            initial=initial.next_step if initial else None,
        ),
        common.date_input(
            Input.NOTE_CHECK_BACK,
            Input.NOTE_CHECK_BACK,
            "Check back on",
            initial=check_back,
            placeholder="Choose a date",
            hint="When to talk about how the next step went",
            optional=True,
        ),
    ]
    return common.form(
        "Debrief notes", blocks, callback_id=Callback.NOTES, private_metadata=str(debrief_id)
    )


def parse_notes_form(values: StateValues, *, today: date) -> tuple[NoteForm | None, dict[str, str]]:
    """The notes, or kind messages keyed by the block to show them under."""
    errors: dict[str, str] = {}
    texts: dict[str, str | None] = {}
    for block, action in (
        (Input.NOTE_STRENGTHS, Input.NOTE_STRENGTHS),
        (Input.NOTE_TRY_NEXT, Input.NOTE_TRY_NEXT),
        (Input.NOTE_NEXT_STEP, Input.NOTE_NEXT_STEP),
    ):
        text = common.typed_text(values, block, action)
        if text is not None and len(text) > MAX_NOTE_TEXT:
            errors[block] = common.too_long(text, MAX_NOTE_TEXT)
        texts[block] = text
    check_back = common.picked_date(values, Input.NOTE_CHECK_BACK, Input.NOTE_CHECK_BACK)
    if check_back is None and not any(texts.values()):
        errors[Input.NOTE_STRENGTHS] = "Write at least one thing, or close this without saving."
    elif check_back is not None and texts[Input.NOTE_NEXT_STEP] is None:
        errors[Input.NOTE_CHECK_BACK] = "Add the next step you'll check back on."
    elif check_back is not None and (problem := ahead_problem(check_back, today)) is not None:
        errors[Input.NOTE_CHECK_BACK] = problem
    if errors:
        return None, errors
    return (
        NoteForm(
            strengths=texts[Input.NOTE_STRENGTHS],
            try_next=texts[Input.NOTE_TRY_NEXT],
            next_step=texts[Input.NOTE_NEXT_STEP],
            check_back_on=check_back,
        ),
        {},
    )


def _note_input(
    block: str,
    action: str,
    *,
    label: str,
    placeholder: str,
    initial: str | None,
    hint: str | None = None,
) -> InputBlock:
    return common.text_input(
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
