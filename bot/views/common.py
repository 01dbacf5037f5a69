"""Words and small builders shared by several views."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

# view["state"]["values"] of a view_submission: block_id -> action_id -> element state.
StateValues = Mapping[str, Mapping[str, Mapping[str, Any]]]

SORRY_TEXT = (
    "Sorry, something went wrong on coachbot's side. Please try again in a minute; "
    "if it keeps happening, let your coaching team know."
)

COACHING_IS = (
    "Instructional coaching is support, never evaluation: a coach works alongside you on a "
    "goal you choose, and what you and your coach say to each other stays between the two of you."
)


def build_notice_view(title: str, text: str) -> dict[str, Any]:
    """A modal that only says something, shown after a form is saved or refused."""
    view = View(
        type="modal",
        title=title[:24],
        close="Done",
        blocks=[SectionBlock(text=MarkdownTextObject(text=text[:3000]))],
    )
    return view.to_dict()


def state_of(values: StateValues, block: str, action: str) -> Mapping[str, Any]:
    """One input's state from a submission; empty when Slack sent something else."""
    found = values.get(block, {})
    state = found.get(action, {}) if isinstance(found, Mapping) else {}
    return state if isinstance(state, Mapping) else {}


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
