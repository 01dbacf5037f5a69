"""Block Kit as plain dicts, for views built in bulk (the daily list, every Home) or framing
blocks that come as dicts (the report); slack_sdk's models cost milliseconds each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from bot.ids import Action
from bot.views.common import MAX_CONTEXT, MAX_HEADER, MAX_SECTION, clip

Dict = dict[str, Any]

MAX_LINE = 400  # one line of a packed list


def plain(text: str) -> Dict:
    return {"type": "plain_text", "text": text}


def header(text: str) -> Dict:
    return {"type": "header", "text": plain(clip(text, MAX_HEADER))}


def divider() -> Dict:
    return {"type": "divider"}


def section(text: str, *, block_id: str | None = None, accessory: Dict | None = None) -> Dict:
    """A section of mrkdwn, cut to Slack's limit."""
    block: Dict = {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, MAX_SECTION)}}
    if block_id is not None:
        block["block_id"] = block_id
    if accessory is not None:
        block["accessory"] = accessory
    return block


def context(text: str, *, block_id: str | None = None) -> Dict:
    """A context line of mrkdwn, cut to Slack's limit."""
    block: Dict = {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip(text, MAX_CONTEXT)}],
    }
    if block_id is not None:
        block["block_id"] = block_id
    return block


def button(
    text: str,
    action: Action | StrEnum,
    *,
    value: str | None = None,
    style: str | None = None,
    label: str | None = None,
) -> Dict:
    """A button whose value is `value`, or its action id when it carries none."""
    found: Dict = {"type": "button", "text": plain(text), "action_id": action.value}
    found["value"] = value if value is not None else action.value
    if style is not None:
        found["style"] = style
    if label is not None:
        found["accessibility_label"] = clip(label, 75)
    return found


def actions(*elements: Dict) -> Dict:
    return {"type": "actions", "elements": list(elements)}


def input_block(
    block: str, label: str, element: Dict, *, optional: bool = False, hint: str | None = None
) -> Dict:
    found: Dict = {
        "type": "input",
        "block_id": str(block),
        "label": plain(label),
        "element": element,
        "optional": optional,
    }
    if hint is not None:
        found["hint"] = plain(hint)
    return found


def radio(action: str, options: Mapping[str, str], initial: str) -> Dict:
    """Radio buttons, (value, text) in order, with `initial` chosen."""
    built = [{"text": plain(text), "value": value} for value, text in options.items()]
    return {
        "type": "radio_buttons",
        "action_id": str(action),
        "options": built,
        "initial_option": next(o for o in built if o["value"] == initial),
    }


def modal(
    title: str, blocks: list[Dict], *, callback_id: str, close: str, submit: str | None = None
) -> Dict:
    """A modal as views.open takes it."""
    view: Dict = {"type": "modal", "callback_id": callback_id, "title": plain(title)}
    if submit is not None:
        view["submit"] = plain(submit)
    view["close"] = plain(close)
    view["blocks"] = blocks
    return view


def packed(
    heading: str,
    lines: Sequence[str],
    *,
    more: int = 0,
    empty: str | None = None,
    accessory: Dict | None = None,
) -> Dict:
    """A heading and as many lines as fit in one section, then 'and N more'."""
    if not lines:
        return section(f"{heading}\n{empty}" if empty else heading, accessory=accessory)
    text = heading
    budget = MAX_SECTION - 40  # room for the "and N more" line
    placed = 0
    for line in lines:
        line = clip(line, MAX_LINE)
        if len(text) + 1 + len(line) > budget:
            break
        text += "\n" + line
        placed += 1
    left = len(lines) - placed + more
    if left:
        text += f"\nand {left} more"
    return section(text, accessory=accessory)
