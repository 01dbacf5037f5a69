"""`/invite-coach`: a teacher invites a coach into class."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.ids import Command
from bot.views.help import build_help_message


def register(app: App) -> None:
    app.command(Command.INVITE_COACH)(handle_invite_command)


def handle_invite_command(ack: Ack, command: dict[str, Any]) -> None:
    # Until the invitation modal exists every form of the command answers with help.
    ack(**build_help_message())
