"""The private answer to `/invite-coach help`."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from bot.ids import Block, Command
from bot.views.common import COACHING_IS

HELP_TEXT = "\n".join(
    [
        "*How to invite a coach into your class*",
        f"• `{Command.INVITE_COACH}`: choose a coach, a day and time, your class or period, "
        "the kind of support you would like, and what they should look for.",
        f"• `{Command.INVITE_COACH} @coach`: the same, with that coach already chosen.",
        f"• `{Command.INVITE_COACH} help`: this message, which only you can see.",
        "",
        COACHING_IS,
    ]
)


def build_help_message() -> dict[str, Any]:
    """Keyword arguments for ack()/respond(): text fallback and blocks."""
    block = SectionBlock(block_id=Block.HELP_TEXT, text=MarkdownTextObject(text=HELP_TEXT))
    return {"text": HELP_TEXT, "blocks": [block.to_dict()], "response_type": "ephemeral"}
