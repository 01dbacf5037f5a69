"""Every slash command, event, action_id, callback_id and block_id coachbot uses, in one place.

`manifest.yml` declares the commands, shortcuts and events listed here; a test keeps the two
in step both ways.
"""

from __future__ import annotations

from enum import StrEnum


class Command(StrEnum):
    """Slash commands; each is declared under `features.slash_commands` in manifest.yml."""

    INVITE_COACH = "/invite-coach"


class Event(StrEnum):
    """Events API subscriptions; each is declared under `settings.event_subscriptions`."""

    APP_HOME_OPENED = "app_home_opened"


class Shortcut(StrEnum):
    """Global and message shortcuts (callback ids); declared under `features.shortcuts`."""


class Action(StrEnum):
    """action_id of interactive elements."""


class Block(StrEnum):
    """block_id of blocks that listeners or tests look up."""

    HOME_INTRO = "home_intro"
    HOME_START = "home_start"
    HELP_TEXT = "help_text"


# Bot scopes the code needs, and why; manifest.yml must request exactly these.
BOT_SCOPES: dict[str, str] = {
    "commands": "slash commands",
}
