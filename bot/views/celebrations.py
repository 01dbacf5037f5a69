"""Celebrations: the offer of a draft, the modal to change and post it, and the channel post.

What is posted is the author's words exactly as they approved them, under their name. Their
words are escaped so they can't ping a whole channel or hide a link; mentions of people they
typed (or kept from the draft) stay mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block as SlackBlock,
    ButtonElement,
    MarkdownTextObject,
    SectionBlock,
)

from bot.ids import Action, Callback, Input
from bot.rules.limits import MAX_CELEBRATION, NO_CHANNEL, NO_WORDS, NOT_A_CHANNEL
from bot.views.common import (
    MAX_SECTION,
    StateValues,
    TextField,
    build_notice_view,
    channel_input,
    clip,
    context,
    escape,
    form,
    message,
    section,
    state_of,
    user_input,
)

OFFER_INTRO = (
    ":tada: Congratulations on meeting your goal! Want to share it with your PLC? "
    "Here's a draft — change anything, or keep it to yourself."
)
DECLINED_NOTE = "Kept to yourself. Congratulations all the same!"
PRIVATE_CHANNEL = (
    "coachbot isn't in that private channel. Add it with /invite @coachbot in the channel, "
    "or choose another."
)
ARCHIVED_CHANNEL = "That channel is archived, so nothing was posted. Please choose another."
SLACK_TROUBLE = (
    "Slack couldn't take the post just now, so nothing was posted. Please try again in a minute."
)

_TEXT = TextField(
    Input.CELEBRATE_TEXT,
    "Your post",
    MAX_CELEBRATION,
    placeholder="A win, big or small, and what made it possible",
    hint="The people the draft names are mentioned when it's posted, so they see it.",
    multiline=True,
    missing=NO_WORDS,
)

_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,31})(?:\|[^<>]{0,200})?>", re.ASCII)
_CHANNEL = re.compile(r"[CG][A-Z0-9]{2,31}", re.ASCII)
_USER = re.compile(r"[UW][A-Z0-9]{2,31}", re.ASCII)
_METADATA = re.compile(r"([1-9][0-9]{0,17})(?::([A-Z0-9]{1,32}):([0-9]{1,20}\.[0-9]{1,10}))?")


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class CelebrationForm:
    """What the author submitted: their words, where to post, and (shout-outs) who."""

    text: str
    channel_id: str
    who_user_id: str | None = None


@dataclass(frozen=True)
class FormTarget:
    """What the modal is about: a celebration (None for a new shout-out) and the offer
    message it was opened from, to update once posted."""

    celebration_id: int | None
    offer: tuple[str, str] | None = None  # (channel, ts)


# --------------------------------------------------------------------------- words


def safe_words(text: str) -> str:
    """The author's words for mrkdwn: shown as typed; people mentions kept, nothing else."""
    parts: list[str] = []
    last = 0
    for found in _MENTION.finditer(text):
        parts.append(escape(text[last : found.start()]))
        parts.append(f"<@{found.group(1)}>")
        last = found.end()
    parts.append(escape(text[last:]))
    return "".join(parts)


def quote(text: str, limit: int = MAX_SECTION) -> str:
    """The words as a block quote, for showing a draft back to its author."""
    lines = safe_words(text).split("\n")
    return clip("\n".join(f">{line}" for line in lines), limit)


def _chunks(words: str, limit: int = MAX_SECTION) -> list[str]:
    """Split escaped words into sections, never inside an &entity; or a <mention>."""
    chunks: list[str] = []
    rest = words
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
            amp = rest.rfind("&", 0, cut)
            if amp > 0 and ";" not in rest[amp:cut]:
                cut = amp
            opening = rest.rfind("<", 0, cut)
            if opening > 0 and ">" not in rest[opening:cut]:
                cut = opening
        chunks.append(rest[:cut])
        rest = rest[cut:]
        if rest[:1] in ("\n", " "):
            rest = rest[1:]
    chunks.append(rest)
    return [chunk for chunk in chunks if chunk.strip()]


# --------------------------------------------------------------------------- the offer (DM)


def build_offer(celebration_id: int, text: str, channel_id: str | None) -> dict[str, Any]:
    """To a teacher who met a goal: the draft, and Edit and post / Post as is / No thanks."""
    value = str(celebration_id)
    where = (
        f"It would be posted in <#{channel_id}>, under your name."
        if channel_id
        else "You'll choose a channel when you post it."
    )
    blocks: list[SlackBlock] = [
        section(OFFER_INTRO),
        section(quote(text)),
        context(where),
        ActionsBlock(
            elements=[
                ButtonElement(
                    action_id=Action.CELEBRATE_EDIT,
                    text="Edit and post",
                    value=value,
                    style="primary",
                ),
                ButtonElement(action_id=Action.CELEBRATE_POST, text="Post as is", value=value),
                ButtonElement(action_id=Action.CELEBRATE_DECLINE, text="No thanks", value=value),
            ]
        ),
    ]
    return message(OFFER_INTRO, blocks)


def build_offer_posted(text: str, channel_id: str) -> dict[str, Any]:
    """The offer once posted: what was shared and where; no buttons."""
    note = f"Posted in <#{channel_id}>. Thank you for sharing your win!"
    return message(note, [section(quote(text)), context(f":tada: {note}")])


def build_offer_declined() -> dict[str, Any]:
    """The offer once the teacher chose to keep it to themselves; no buttons."""
    return message(DECLINED_NOTE, [section(DECLINED_NOTE)])


def build_notice(text: str) -> dict[str, Any]:
    """A short private answer: a refusal, or why nothing was posted."""
    return message(text, [section(text)])


def build_posted_view(channel_id: str) -> dict[str, Any]:
    """What the modal turns into once the post is in the channel."""
    return build_notice_view("Posted", f":tada: Posted in <#{channel_id}>. Thank you for sharing!")


# --------------------------------------------------------------------------- the modal


def form_metadata(target: FormTarget) -> str:
    """private_metadata: "" for a new shout-out, "<id>" or "<id>:<channel>:<ts>"."""
    if target.celebration_id is None:
        return ""
    if target.offer is None:
        return str(target.celebration_id)
    channel, ts = target.offer
    return f"{target.celebration_id}:{channel}:{ts}"


def parse_form_metadata(text: str | None) -> FormTarget | None:
    """The modal's target; None when the metadata is not one coachbot wrote."""
    if not text:
        return FormTarget(None)
    found = _METADATA.fullmatch(text)
    if found is None:
        return None
    offer = (found.group(2), found.group(3)) if found.group(2) else None
    return FormTarget(int(found.group(1)), offer)


def build_celebration_form(
    *,
    target: FormTarget,
    text: str,
    channel_id: str | None,
    who_user_id: str | None = None,
) -> dict[str, Any]:
    """Change the words and the channel, then post; a new shout-out also asks who."""
    shout_out = target.celebration_id is None
    blocks: list[SlackBlock] = [
        context("Only what you write here is posted, exactly as written, under your name."),
    ]
    if shout_out:
        blocks.append(
            user_input(
                Input.CELEBRATE_WHO,
                Input.CELEBRATE_WHO,
                "Who are you celebrating?",
                initial=who_user_id,
                placeholder="Choose a colleague",
                optional=True,
            )
        )
    blocks += [
        _TEXT.input(text, label="What would you like to share?" if shout_out else None),
        channel_input(
            Input.CELEBRATE_CHANNEL,
            Input.CELEBRATE_CHANNEL,
            "Post in",
            initial=channel_id,
            placeholder="Choose a channel",
            hint="Your PLC channel, or another. For a private channel, add coachbot there first.",
        ),
    ]
    return form(
        "Celebrate someone" if shout_out else "Share your win",
        blocks,
        callback_id=Callback.CELEBRATE,
        submit="Post",
        private_metadata=form_metadata(target),
    )


def parse_celebration_form(
    values: StateValues, *, shout_out: bool
) -> tuple[CelebrationForm | None, dict[str, str]]:
    """The submission, or kind messages keyed by the block to show them under."""
    errors: dict[str, str] = {}
    text = _TEXT.read(values, errors)
    channel = state_of(values, Input.CELEBRATE_CHANNEL, Input.CELEBRATE_CHANNEL).get(
        "selected_conversation"
    )
    if not isinstance(channel, str) or not channel:
        errors[Input.CELEBRATE_CHANNEL] = NO_CHANNEL
    elif not _CHANNEL.fullmatch(channel):
        errors[Input.CELEBRATE_CHANNEL] = NOT_A_CHANNEL
    who: str | None = None
    if shout_out:
        chosen = state_of(values, Input.CELEBRATE_WHO, Input.CELEBRATE_WHO).get("selected_user")
        if isinstance(chosen, str) and chosen:
            if _USER.fullmatch(chosen):
                who = chosen
            else:
                errors[Input.CELEBRATE_WHO] = "Please choose someone from the list."
    if errors or text is None or not isinstance(channel, str):
        return None, errors
    return CelebrationForm(text=text, channel_id=channel, who_user_id=who), {}


# --------------------------------------------------------------------------- the channel post


def build_channel_post(author_user_id: str, text: str) -> dict[str, Any]:
    """The post a channel receives: the author's words exactly as approved, under their name."""
    words = safe_words(text)
    author = f"<@{author_user_id}>"
    blocks: list[SlackBlock] = [context(f"From {author}")]
    blocks += [SectionBlock(text=MarkdownTextObject(text=chunk)) for chunk in _chunks(words)]
    return message(f"From {author}: {words}", blocks)


# --------------------------------------------------------------------------- helpers
