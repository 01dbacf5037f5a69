"""The Home tab."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.ids import Block, Command
from bot.views.common import COACHING_IS


def build_home_view(user_id: str) -> dict[str, Any]:
    """The welcome every person sees on coachbot's Home tab."""
    view = View(
        type="home",
        blocks=[
            HeaderBlock(text="Welcome to coachbot"),
            SectionBlock(
                block_id=Block.HOME_INTRO,
                text=MarkdownTextObject(
                    text=(
                        f"Hi <@{user_id}>! {COACHING_IS} To start, type `{Command.INVITE_COACH}` "
                        "in any message box and choose a coach, a time, and what you would "
                        "like them to notice."
                    )
                ),
            ),
            DividerBlock(),
            ContextBlock(
                block_id=Block.HOME_START,
                elements=[
                    MarkdownTextObject(
                        text=f"`{Command.INVITE_COACH} help` shows everything you can do."
                    )
                ],
            ),
        ],
    )
    return view.to_dict()
