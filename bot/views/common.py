"""Words, dates, limits, form inputs and their readers: what several views share."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any, TypedDict, TypeVar, Unpack

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    DatePickerElement,
    InputBlock,
    InputInteractiveElement,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    TimePickerElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

_T = TypeVar("_T")

# view["state"]["values"] of a view_submission: block_id -> action_id -> element state.
StateValues = Mapping[str, Mapping[str, Mapping[str, Any]]]

# --------------------------------------------------------------------------- Slack's limits
# Block Kit's limits that the views come near; builders cut text to fit rather than let Slack
# refuse a whole message.

MAX_SECTION = 3000  # a section's text
MAX_CONTEXT = 3000  # a context element's text
MAX_FIELD = 2000  # one of a section's fields
MAX_HEADER = 150
MAX_OPTIONS = 100  # a static select's options
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_BUTTON_TEXT = 75
MAX_URL = 3000
MAX_MODAL_BLOCKS = 100
MAX_INLINE = 300  # someone's words inside a sentence: a class name, a focus, a next step


SORRY_TEXT = (
    "Sorry, something went wrong on coachbot's side. Please try again in a minute; "
    "if it keeps happening, let your coaching team know."
)

STALE = "That choice is no longer on the list. Please choose again."
PAST = "Choose a date from today on."

# Who reads a message or fills a form in, where a view words itself for one or the other.
COACH = "coach"
TEACHER = "teacher"

COACHING_IS = (
    "Instructional coaching is support, never evaluation: a coach works alongside you on a "
    "goal you choose, and what you and your coach say to each other stays between the two of you."
)


def modal(
    title: str,
    blocks: Sequence[Block | dict[str, Any]],
    *,
    close: str,
    callback_id: str | None = None,
    submit: str | None = None,
    private_metadata: str | None = None,
) -> dict[str, Any]:
    """A modal as views.open takes it; slack_sdk checks Slack's limits as it builds it."""
    view = View(
        type="modal",
        callback_id=callback_id,
        title=title,
        submit=submit,
        close=close,
        private_metadata=private_metadata,
        blocks=blocks,
    )
    return view.to_dict()


def form(
    title: str,
    blocks: Sequence[Block | dict[str, Any]],
    *,
    callback_id: str,
    submit: str = "Save",
    close: str = "Cancel",
    private_metadata: str | None = None,
) -> dict[str, Any]:
    """A modal that asks for answers: `submit` sends them to `callback_id`, `close` leaves
    without saving ("Back" where the form was pushed onto another modal)."""
    return modal(
        title,
        blocks,
        close=close,
        callback_id=callback_id,
        submit=submit,
        private_metadata=private_metadata,
    )


def build_notice_view(title: str, text: str) -> dict[str, Any]:
    """A modal that only says something, shown after a form is saved or refused."""
    return modal(
        title[:24],
        [SectionBlock(text=MarkdownTextObject(text=text[:3000]))],
        close="Done",
    )


# Characters Slack never shows, though a crafted request can carry them: the C0 controls but
# tab and newline, DEL, the C1 controls, and halves of surrogate pairs that arrive alone (JSON
# can escape them; no database can store them, and PostgreSQL refuses NUL in text).
_UNSHOWN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# An element's state is a mapping of values, options, or lists of options: never deeper.
_STATE_DEPTH = 4
# The longest whole number a form or a button carries, and the largest id a row can have
# (PostgreSQL's integer): anything longer is no number coachbot wrote or asked for.
MAX_DIGITS = 9
MAX_ID = 2**31 - 1


def clean_text(text: str) -> str:
    """Text as Slack shows it: line ends as newlines, and no character Slack would not show."""
    return _UNSHOWN.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _cleaned(found: Any, depth: int = 0) -> Any:
    if isinstance(found, str):
        return clean_text(found)
    if depth >= _STATE_DEPTH:
        return None
    if isinstance(found, Mapping):
        return {key: _cleaned(value, depth + 1) for key, value in found.items()}
    if isinstance(found, list):
        return [_cleaned(value, depth + 1) for value in found]
    return found


def state_of(values: StateValues, block: str, action: str) -> Mapping[str, Any]:
    """One input's state from a submission, its text cleaned; empty when Slack sent otherwise.

    Every reader of a submission starts here, so what people type is cleaned once, in one place.
    """
    found = values.get(block, {}) if isinstance(values, Mapping) else {}
    state = found.get(action, {}) if isinstance(found, Mapping) else {}
    if not isinstance(state, Mapping):
        return {}
    return {key: _cleaned(value, 1) for key, value in state.items()}


def command_text(command: Mapping[str, Any]) -> str:
    """What was typed after a slash command, cleaned like form text and trimmed."""
    text = command.get("text")
    return clean_text(text).strip() if isinstance(text, str) else ""


def whole_number(text: Any, *, digits: int = MAX_DIGITS) -> int | None:
    """ASCII digits, at most `digits` of them, as a number; None for anything else.

    Bounded before converting: Python refuses to read numbers past 4,300 digits, and a
    database refuses ids past its integer's range.
    """
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not 0 < len(text) <= digits or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def record_id(text: Any) -> int | None:
    """A row id as a button, an option or private_metadata carries it; None if it can't be one."""
    number = whole_number(text, digits=len(str(MAX_ID)))
    return number if number is not None and number <= MAX_ID else None


def typed_number(values: StateValues, block: str, action: str) -> int | None:
    """A whole number typed in a field; None when it is empty or no sensible number."""
    return whole_number(state_of(values, block, action).get("value"))


def selected_value(values: StateValues, block: str, action: str) -> str | None:
    option = state_of(values, block, action).get("selected_option")
    if isinstance(option, Mapping):
        value = option.get("value")
        if isinstance(value, str) and value:
            return value
    return None


def selected_values(values: StateValues, block: str, action: str) -> list[str]:
    options = state_of(values, block, action).get("selected_options") or []
    return [
        option["value"]
        for option in options
        if isinstance(option, Mapping) and isinstance(option.get("value"), str)
    ]


def count(number: int, singular: str, plural: str) -> str:
    """'1 coach', '5 coaches'."""
    return f"{number} {singular if number == 1 else plural}"


def escape(text: str) -> str:
    """Slack's three control characters, so typed text can't mention or link anyone."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, ending in '…' when cut; never cuts an &amp; in half."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + "\u2026"


def typed_text(
    values: StateValues, block: str, action: str, *, single_line: bool = False
) -> str | None:
    """Typed text, trimmed (and on one line, if asked); None when nothing was typed."""
    text = state_of(values, block, action).get("value")
    if not isinstance(text, str):
        return None
    text = " ".join(text.split()) if single_line else text.strip()
    return text or None


def typed_within(
    values: StateValues,
    errors: dict[str, str],
    block: str,
    action: str,
    limit: int,
    *,
    single_line: bool = False,
) -> str | None:
    """Typed text as `typed_text` reads it; a kind error under `block` when over `limit`."""
    text = typed_text(values, block, action, single_line=single_line)
    if text is not None and len(text) > limit:
        errors[block] = too_long(text, limit)
    return text


def parse_date(text: Any) -> date | None:
    """A datepicker's YYYY-MM-DD, or None for anything else."""
    return _iso(text, r"\d{4}-\d{2}-\d{2}", date.fromisoformat)


def picked_date(values: StateValues, block: str, action: str) -> date | None:
    """A datepicker's day, or None when none (or no date) was picked."""
    return parse_date(state_of(values, block, action).get("selected_date"))


def picked_time(values: StateValues, block: str, action: str) -> time | None:
    """A timepicker's time, or None when none (or no time) was picked."""
    return parse_time(state_of(values, block, action).get("selected_time"))


def parse_time(text: Any) -> time | None:
    """A timepicker's HH:MM, or None for anything else."""
    return _iso(text, r"\d{2}:\d{2}", time.fromisoformat)


def _iso(text: Any, pattern: str, read: Callable[[str], _T]) -> _T | None:
    """`text` read by `read` when it is exactly `pattern` in ASCII digits; None otherwise."""
    if not isinstance(text, str) or not re.fullmatch(pattern, text, re.ASCII):
        return None
    try:
        return read(text)
    except ValueError:
        return None


def initial_text(text: str | None, limit: int) -> str | None:
    return text[:limit] if text else None


def too_long(text: str, limit: int) -> str:
    return f"Please keep this to {limit} characters or fewer; it has {len(text)} now."


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def inline(text: str | None, limit: int = MAX_INLINE) -> str:
    """Someone's words inside a sentence: escaped for mrkdwn, on one line, not too long."""
    return clip(escape(" ".join((text or "").split())), limit)


def check_person(value: str, name: str) -> None:
    """ValueError unless `value` is COACH or TEACHER; `name` says which argument it was."""
    if value not in (COACH, TEACHER):
        raise ValueError(f"{name} must be 'coach' or 'teacher', not {value!r}")


# --------------------------------------------------------------------------- message blocks


def message(text: str, blocks: Iterable[Block]) -> dict[str, Any]:
    """A message as chat.postMessage takes it: the notification text and the blocks."""
    return {"text": text, "blocks": [block.to_dict() for block in blocks]}


def section(text: str) -> SectionBlock:
    """A section of mrkdwn, cut to Slack's limit."""
    return SectionBlock(text=MarkdownTextObject(text=clip(text, MAX_SECTION)))


def context(text: str) -> ContextBlock:
    """A context line of mrkdwn, cut to Slack's limit."""
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, MAX_CONTEXT))])


def field(label: str, value: str) -> MarkdownTextObject:
    """One of a section's fields: a bold label over its value."""
    return MarkdownTextObject(text=clip(f"*{label}*\n{value}", MAX_FIELD))


# --------------------------------------------------------------------------- dates in words

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_day(day: date, *, today: date | None = None) -> str:
    """'Tuesday, December 1'; with `today`, the year too when it is not today's year."""
    text = f"{WEEKDAYS[day.weekday()]}, {MONTHS[day.month - 1]} {day.day}"
    return text if today is None or day.year == today.year else f"{text}, {day.year}"


# --------------------------------------------------------------------------- form inputs
# The input shapes every modal repeats. Anything left None stays out of the view, as Slack
# expects, so a form built here reads exactly as one spelled out by hand.


class Shown(TypedDict, total=False):
    """How any input shows itself: a placeholder, a hint under it, whether it may stay empty."""

    placeholder: str | None
    hint: str | None
    optional: bool | None


def input_block(
    block: str, label: str, element: InputInteractiveElement, **shown: Unpack[Shown]
) -> InputBlock:
    """An input around any element; the element carries its own placeholder, if any."""
    return InputBlock(
        block_id=block,
        label=label,
        optional=shown.get("optional"),
        hint=shown.get("hint"),
        element=element,
    )


def text_input(
    block: str,
    action: str,
    label: str,
    *,
    limit: int,
    initial: str | None = None,
    multiline: bool | None = None,
    **shown: Unpack[Shown],
) -> InputBlock:
    """A text field of at most `limit` characters; a longer `initial` is cut to fit."""
    element = PlainTextInputElement(
        action_id=action,
        placeholder=shown.get("placeholder"),
        multiline=multiline,
        max_length=limit,
        initial_value=initial_text(initial, limit),
    )
    return input_block(block, label, element, **shown)


@dataclass(frozen=True)
class TextField:
    """A form's text input, written once: how the form shows it and how its answer is read."""

    id: str  # the block's and its input's, one id for both (bot/ids.py)
    label: str
    limit: int
    placeholder: str | None = None
    hint: str | None = None
    optional: bool | None = None
    multiline: bool | None = None
    single_line: bool = False  # read back on one line, its spaces tidied
    missing: str | None = None  # the kind message when nothing is typed; None: it may stay empty

    def input(self, initial: str | None = None, *, label: str | None = None) -> InputBlock:
        """The input, showing `initial`; `label` in place of the usual one."""
        return text_input(
            self.id,
            self.id,
            label or self.label,
            limit=self.limit,
            initial=initial,
            multiline=self.multiline,
            placeholder=self.placeholder,
            hint=self.hint,
            optional=self.optional,
        )

    def read(self, values: StateValues, errors: dict[str, str]) -> str | None:
        """What was typed (None: nothing); a kind message in `errors` when it can't be kept."""
        text = typed_within(
            values, errors, self.id, self.id, self.limit, single_line=self.single_line
        )
        if text is None and self.missing is not None:
            errors[self.id] = self.missing
        return text


def date_input(
    block: str, action: str, label: str, *, initial: date | None = None, **shown: Unpack[Shown]
) -> InputBlock:
    """A datepicker; `picked_date` reads it back."""
    day = initial.isoformat() if initial is not None else None
    element = DatePickerElement(
        action_id=action, placeholder=shown.get("placeholder"), initial_date=day
    )
    return input_block(block, label, element, **shown)


def time_input(
    block: str, action: str, label: str, *, initial: time | None = None, **shown: Unpack[Shown]
) -> InputBlock:
    """A timepicker; `picked_time` reads it back."""
    at = initial.strftime("%H:%M") if initial is not None else None
    element = TimePickerElement(
        action_id=action, placeholder=shown.get("placeholder"), initial_time=at
    )
    return input_block(block, label, element, **shown)


def select_input(
    block: str,
    action: str,
    label: str,
    *,
    options: Sequence[Option],
    initial: Option | None = None,
    **shown: Unpack[Shown],
) -> InputBlock:
    """A static select; `selected_value` reads it back."""
    element = StaticSelectElement(
        action_id=action,
        placeholder=shown.get("placeholder"),
        options=list(options),
        initial_option=initial,
    )
    return input_block(block, label, element, **shown)


def user_input(
    block: str, action: str, label: str, *, initial: str | None = None, **shown: Unpack[Shown]
) -> InputBlock:
    """A select of one person in the workspace; its state's "selected_user" reads it back."""
    element = UserSelectElement(
        action_id=action, placeholder=shown.get("placeholder"), initial_user=initial or None
    )
    return input_block(block, label, element, **shown)


def channel_input(
    block: str, action: str, label: str, *, initial: str | None = None, **shown: Unpack[Shown]
) -> InputBlock:
    """A select of a public or private channel; its state's "selected_conversation" reads it."""
    element = ConversationSelectElement(
        action_id=action,
        placeholder=shown.get("placeholder"),
        initial_conversation=initial or None,
        filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
    )
    return input_block(block, label, element, **shown)


def one_button(text: str, action: str, value: str, *, style: str | None = None) -> ActionsBlock:
    """A row of actions holding a single button."""
    return ActionsBlock(
        elements=[ButtonElement(text=text, action_id=action, value=value, style=style)]
    )


def confirm_button(
    text: str, action: str, value: str, *, ask: tuple[str, str, str, str], style: str | None = None
) -> ButtonElement:
    """A button that first asks, `ask` being (title, question, yes, no)."""
    title, question, yes, no = ask
    confirm = ConfirmObject(title=title, text=question, confirm=yes, deny=no)
    return ButtonElement(text=text, action_id=action, value=value, style=style, confirm=confirm)
