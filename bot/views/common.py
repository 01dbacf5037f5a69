"""Words and small builders shared by several views."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

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
