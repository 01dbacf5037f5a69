"""Office hours in Block Kit: the coach's two forms (office hours, out of office), their line on
Home, the open times the invitation and suggest-a-time forms offer, and the message a teacher
gets when their coach is out on the day of a visit."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    Option,
    RadioButtonsElement,
)

from bot.ids import Action, Callback, Input
from bot.rules.calendar import zone_or_default
from bot.rules.weekly_hours import (
    MAX_SLOTS,
    VISIT_LENGTHS,
    WEEKDAY_NAMES,
    Hours,
    OutVisit,
    Span,
    Window,
    parse_windows,
    window_text,
)
from bot.views.caseload import short_date
from bot.views.common import (
    STALE,
    StateValues,
    clip,
    context,
    date_input,
    form,
    input_block,
    long_day,
    mention,
    parse_date,
    parse_time,
    picked_date,
    select_input,
    selected_value,
    selected_values,
    text_input,
    typed_text,
)
from bot.views.plain import Dict, actions, button, context as plain_context
from bot.views.when import clock, clock_span, format_when

WEEKDAY_IDS = (
    (Input.HOURS_MONDAY, Input.HOURS_MONDAY),
    (Input.HOURS_TUESDAY, Input.HOURS_TUESDAY),
    (Input.HOURS_WEDNESDAY, Input.HOURS_WEDNESDAY),
    (Input.HOURS_THURSDAY, Input.HOURS_THURSDAY),
    (Input.HOURS_FRIDAY, Input.HOURS_FRIDAY),
)
MAX_WINDOWS_TEXT = 120
MAX_OUT_LISTED = 10  # Slack's limit for checkboxes
_LENGTHS = {m: Option(value=str(m), text=f"{m} minutes") for m in VISIT_LENGTHS}


# --------------------------------------------------------------------------- office hours form


def build_hours_form(hours: Hours) -> dict[str, Any]:
    """A text field per school weekday ("9:00-11:30, 13:00-15:00") and a visit length."""
    zone = zone_or_default(hours.tz)
    blocks: list[Any] = [
        context(
            "Teachers see your next open times when they invite you, and can still ask for "
            f"another. Times are your own ({zone.key}); leave a day empty if you have none."
        )
    ]
    for weekday, (block, action) in enumerate(WEEKDAY_IDS):
        blocks.append(
            text_input(
                block,
                action,
                WEEKDAY_NAMES[weekday],
                limit=MAX_WINDOWS_TEXT,
                initial=window_text(hours.windows, weekday) or None,
                placeholder="9:00-11:30, 13:00-15:00",
                optional=True,
            )
        )
    nearest = min(VISIT_LENGTHS, key=lambda m: (abs(m - hours.minutes), m))
    blocks.append(
        select_input(
            Input.HOURS_LENGTH,
            Input.HOURS_LENGTH,
            "Each visit is",
            options=list(_LENGTHS.values()),
            initial=_LENGTHS[nearest],
        )
    )
    return form("Office hours", blocks, callback_id=Callback.OFFICE_HOURS)


def parse_hours_form(values: StateValues) -> tuple[tuple[list[Window], int] | None, dict[str, str]]:
    """The windows and the visit length, or a kind message under each field that needs one."""
    errors: dict[str, str] = {}
    chosen = selected_value(values, Input.HOURS_LENGTH, Input.HOURS_LENGTH)
    minutes = next((m for m in VISIT_LENGTHS if str(m) == chosen), None)
    if minutes is None:
        errors[Input.HOURS_LENGTH] = "Choose how long each visit is."
    windows: list[Window] = []
    for weekday, (block, action) in enumerate(WEEKDAY_IDS):
        text = typed_text(values, block, action, single_line=True)
        if text is None:
            continue
        if len(text) > MAX_WINDOWS_TEXT:
            errors[block] = f"Keep this to {MAX_WINDOWS_TEXT} characters."
            continue
        found, problem = parse_windows(text, minutes or min(VISIT_LENGTHS))
        if problem is not None:
            errors[block] = problem
            continue
        windows += [Window(weekday, starts, ends) for starts, ends in found]
    if errors or minutes is None:
        return None, errors
    return (windows, minutes), {}


def hours_words(hours: Hours) -> str:
    """'Tuesday 9:00–11:30 AM, Thursday 1:00–3:00 PM · 30-minute visits', or how to start."""
    if not hours.windows:
        return "No office hours yet: set them and teachers can book your open times."
    parts = []
    for weekday, name in enumerate(WEEKDAY_NAMES):
        spans = [_span(w) for w in hours.windows if w.weekday == weekday]
        if spans:
            parts.append(f"{name[:3]} " + ", ".join(spans))
    return "; ".join(parts) + f" · {hours.minutes}-minute visits"


def _span(window: Window) -> str:
    first, last = window.starts, window.ends
    if (first.hour < 12) == (last.hour < 12):
        return f"{clock(first, meridiem=False)}–{clock(last)}"
    return f"{clock(first)}–{clock(last)}"


@dataclass(frozen=True)
class HoursOnHome:
    """A coach's office hours and the days out ahead, as their Home shows them."""

    hours: Hours
    days_out: tuple[date, ...] = ()


def home_blocks(found: HoursOnHome) -> list[Dict]:
    """The office-hours line on the coach's Home, with its two buttons."""
    line = f"*Office hours:* {hours_words(found.hours)}"
    if found.days_out:
        shown = ", ".join(short_date(day) for day in found.days_out[:MAX_OUT_LISTED])
        more = len(found.days_out) - MAX_OUT_LISTED
        line += f"\n*Out of office:* {shown}" + (f" and {more} more" if more > 0 else "")
    return [
        plain_context(line),
        actions(
            button("Office hours", Action.HOME_OFFICE_HOURS),
            button("Out of office", Action.HOME_DAYS_OUT),
        ),
    ]


# --------------------------------------------------------------------------- out of office form


def build_days_out_form(today: date, ahead: Sequence[date]) -> dict[str, Any]:
    """Mark a day or a range out, and uncheck a day already marked to be back in. No reason is
    asked: "out" never says why."""
    blocks: list[Any] = [
        context(
            "You get no daily list on a day you're out, and teachers with a visit that day get "
            "one message offering to move or cancel it. It never says why."
        ),
        date_input(
            Input.OUT_FIRST,
            Input.OUT_FIRST,
            "Out on",
            placeholder="Choose a day",
            optional=True,
        ),
        date_input(
            Input.OUT_LAST,
            Input.OUT_LAST,
            "Through (for more than one day)",
            placeholder="Choose the last day",
            optional=True,
        ),
    ]
    listed = [day for day in ahead if day >= today][:MAX_OUT_LISTED]
    if listed:
        options = [Option(value=day.isoformat(), text=long_day(day, today=today)) for day in listed]
        blocks.append(
            input_block(
                Input.OUT_KEEP,
                "Days you're out (uncheck a day to be back in)",
                CheckboxesElement(
                    action_id=Input.OUT_KEEP, options=options, initial_options=options
                ),
                optional=True,
            )
        )
    return form("Out of office", blocks, callback_id=Callback.DAYS_OUT)


@dataclass(frozen=True)
class DaysOutForm:
    first: date | None
    last: date | None
    back: tuple[date, ...]  # days listed as out, unchecked


def parse_days_out_form(
    values: StateValues, listed: Sequence[date]
) -> tuple[DaysOutForm | None, dict[str, str]]:
    """The days to mark out and the days to be back in; a kind message when there is neither."""
    first = picked_date(values, Input.OUT_FIRST, Input.OUT_FIRST)
    last = picked_date(values, Input.OUT_LAST, Input.OUT_LAST)
    if first is None and last is not None:
        first, last = last, None
    kept = set(selected_values(values, Input.OUT_KEEP, Input.OUT_KEEP))
    back = tuple(day for day in listed[:MAX_OUT_LISTED] if day.isoformat() not in kept)
    if first is None and not back:
        return None, {Input.OUT_FIRST: "Choose the day you'll be out."}
    return DaysOutForm(first, last, back), {}


def days_out_words(marked: Sequence[date], back: int, today: date) -> str:
    """What the coach is told once the form is saved."""
    said = []
    if marked:
        said.append(
            "You're out on " + ", ".join(long_day(day, today=today) for day in marked) + "."
        )
    if back:
        said.append("You're back in on the days you unchecked.")
    return " ".join(said) or "Those days were already marked; nothing changed."


# --------------------------------------------------------------------------- open times


def slot_value(span: Span, tz: str) -> str:
    """An open time as the form carries it: its local start in the reader's zone."""
    return span[0].astimezone(zone_or_default(tz)).strftime("%Y-%m-%dT%H:%M")


def _slot_text(span: Span, tz: str) -> str:
    zone = zone_or_default(tz)
    first = span[0].astimezone(zone)
    return clip(f"{first:%a} {short_date(first.date())}, {clock_span(span[0], span[1], zone)}", 75)


def with_open_times(
    view: Mapping[str, Any],
    slots: Sequence[Span],
    tz: str,
    coach_name: str,
    *,
    form: str,
) -> dict[str, Any]:
    """The invitation or suggest-a-time form (`form` "INVITE" or "PROPOSE") with the coach's
    open times as one-click choices above its day and time. A chosen time wins over them; the
    start time may then stay empty, and the length starts at the coach's visit length.

    A new view: the blocks it changes are copied, the others shared with `view`."""
    found = dict(view)
    found["blocks"] = list(view.get("blocks", []))
    if not slots:
        return found
    block, action = Input[f"{form}_SLOT"], Input[f"{form}_SLOT"]
    minutes = round((slots[0][1] - slots[0][0]).total_seconds() / 60)
    options = [Option(value=slot_value(s, tz), text=_slot_text(s, tz)) for s in slots[:MAX_SLOTS]]
    who = f"{coach_name}'s" if coach_name else "the coach's"
    radios = input_block(
        block,
        f"Open times in {who} office hours",
        RadioButtonsElement(action_id=action, options=options),
        optional=True,
        hint="Or leave these and choose a day and time below.",
    ).to_dict()
    blocks: list[dict[str, Any]] = found["blocks"]
    at = next(i for i, b in enumerate(blocks) if b.get("block_id") == Input[f"{form}_DATE"])
    blocks.insert(at, radios)
    for i, shown in enumerate(blocks):
        if shown.get("block_id") == Input[f"{form}_TIME"]:
            hint = {"type": "plain_text", "text": "Not needed when you chose an open time."}
            blocks[i] = {**shown, "optional": True, "hint": hint}
        if shown.get("block_id") == Input[f"{form}_LENGTH"]:
            element = shown["element"]
            chosen = next((o for o in element["options"] if o["value"] == str(minutes)), None)
            if chosen is not None:
                blocks[i] = {**shown, "element": {**element, "initial_option": chosen}}
    return found


def for_another_coach(
    view: Mapping[str, Any], slots: Sequence[Span], tz: str, coach_name: str, *, form: str
) -> dict[str, Any]:
    """A form as Slack showed it, ready for views.update with another coach's open times (or
    none): what a person typed stays, since its inputs keep their ids."""
    kept = {key: copy.deepcopy(view[key]) for key in _UPDATABLE if key in view}
    slot, day, start = (Input[f"{form}_{part}"] for part in ("SLOT", "DATE", "TIME"))
    kept["blocks"] = [b for b in kept.get("blocks", []) if b.get("block_id") != slot]
    for block in kept["blocks"]:
        if block.get("block_id") == start:
            block["optional"] = False
            block.pop("hint", None)
    if not any(b.get("block_id") == day for b in kept["blocks"]):
        return kept
    return with_open_times(kept, slots, tz, coach_name, form=form)


# What views.update takes of a view Slack sent back in a payload.
_UPDATABLE = ("type", "callback_id", "title", "submit", "close", "blocks", "private_metadata")


def chosen_slot(values: StateValues, *, form: str) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The form's values with a chosen open time written into its day and start, as if picked
    there (None when none was chosen); a time that can't be read is a kind error."""
    block, action = Input[f"{form}_SLOT"], Input[f"{form}_SLOT"]
    picked = selected_value(values, block, action)
    if picked is None:
        return None, {}
    day_text, _, time_text = picked.partition("T")
    day, at = parse_date(day_text), parse_time(time_text)
    if day is None or at is None:
        return None, {block: STALE}
    updated: dict[str, Any] = {key: dict(value) for key, value in values.items()}
    day_block, time_block = Input[f"{form}_DATE"], Input[f"{form}_TIME"]
    day_action, time_action = Input[f"{form}_DATE"], Input[f"{form}_TIME"]
    updated[day_block] = {day_action: {"type": "datepicker", "selected_date": day.isoformat()}}
    updated[time_block] = {time_action: {"type": "timepicker", "selected_time": f"{at:%H:%M}"}}
    return updated, {}


def outside_note(coach_name: str) -> str:
    who = coach_name or "your coach"
    return f"That is outside {who}'s office hours, so they may suggest another time."


def with_note(sent: Mapping[str, Any], note: str) -> dict[str, Any]:
    """A message with a gentle note added under it."""
    found = copy.deepcopy(dict(sent))
    found["blocks"] = [*found.get("blocks", []), plain_context(f":information_source: {note}")]
    return found


# --------------------------------------------------------------------------- coach out


def build_out_message(
    coach_user_id: str, tz: str, day: date, visits: Sequence[OutVisit]
) -> dict[str, Any]:
    """The one message a teacher gets when their coach is out on the day of a visit: move it or
    cancel it. It never says why the coach is out."""
    text = (
        f"{mention(coach_user_id)} is out of office on {long_day(day)}, so "
        + ("your visit then" if len(visits) == 1 else "your visits then")
        + " can't go ahead as planned. Would you like to move it to another time, or cancel?"
    )
    blocks: list[Any] = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    for visit in visits:
        value = f"{visit.visit_id}:{visit.version}"
        blocks.append(plain_context(format_when(visit.starts_at, visit.ends_at, tz)))
        blocks.append(
            actions(
                button("Move", Action.INVITE_RESCHEDULE, value=value, style="primary"),
                button("Cancel", Action.INVITE_CANCEL, value=value),
            )
        )
    return {"text": text, "blocks": blocks}
