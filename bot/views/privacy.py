"""What a teacher is shown of who has seen their record, and the words around their own data.

Pure: it takes lines already decided (bot/rules/access.py) and renders them in the teacher's
time zone. Only ever built for the teacher whose record it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from bot.ids import Action, Command
from bot.rules.calendar import zone_or_default
from bot.views.common import MONTHS, escape, modal
from bot.views.plain import Dict, button, context, packed, section

SEEN_HEADING = "*Who has seen your coaching record*"
NO_ONE = "No one but you in the last 30 days."
# How many reads the Home lists; the button opens the rest.
MAX_SEEN_ON_HOME = 8
MAX_SEEN_IN_MODAL = 45  # a section per line, with room for the header and footer
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

MY_DATA_SENT = (
    "Here is everything coachbot holds about you: your profile and settings, goals, visits, "
    "debriefs, the notes both of you wrote, your reflections (shared or not), celebrations, "
    "the messages coachbot sent you, and who has seen your record. The JSON file is for "
    "another system; the Markdown file is for reading."
)
MY_DATA_FAILED = (
    "Sorry, coachbot could not send you your record just now. Nothing was changed; "
    "please try `/coachbot my data` again in a few minutes."
)


class SeenLine(Protocol):
    """One read of the teacher's record (bot/rules/access.py AccessLine has this shape)."""

    @property
    def at(self) -> datetime: ...
    @property
    def who(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def what(self) -> str: ...
    @property
    def path(self) -> str: ...


def seen_text(line: SeenLine, tz: str, today: date) -> str:
    """One read in words: "Coach Number 1 (your coach) opened your cycle on literacy in your
    goals' story · Tue 10:04"."""
    words = f"{escape(line.who)} ({escape(line.role)}) {escape(line.what)}"
    if line.path:
        words += f" {escape(line.path)}"
    return f"{words} · {_when(line.at, tz, today)}"


def build_seen_section(
    lines: Sequence[SeenLine], tz: str, today: date, *, more_action: Action | None = None
) -> Dict:
    """The Home's section: the last 30 days' reads, newest first, and the way to all of them."""
    shown = [seen_text(line, tz, today) for line in lines[:MAX_SEEN_ON_HOME]]
    accessory = button("See everything", more_action) if more_action is not None else None
    return packed(
        SEEN_HEADING,
        shown,
        more=max(len(lines) - MAX_SEEN_ON_HOME, 0),
        empty=NO_ONE,
        accessory=accessory,
    )


def seen_footer() -> Dict:
    return context(
        "Only you see this list. Admins and leaders see counts, never your record. "
        f"Everything since your first day is in `{Command.COACHBOT} my data`."
    )


def build_access_log_modal(lines: Sequence[SeenLine], tz: str, today: date) -> dict[str, Any]:
    """Everyone who has ever seen the teacher's record, newest first."""
    blocks: list[Dict] = [
        section(
            "Every time someone other than you read your goals, debrief notes or shared "
            "reflections, or an admin exported or erased your record. Only you see this."
        )
    ]
    if not lines:
        blocks.append(section("No one but you has seen your coaching record."))
    blocks += [section(seen_text(line, tz, today)) for line in lines[:MAX_SEEN_IN_MODAL]]
    if len(lines) > MAX_SEEN_IN_MODAL:
        blocks.append(
            context(
                f"and {len(lines) - MAX_SEEN_IN_MODAL} earlier; all of them are in "
                f"`{Command.COACHBOT} my data`."
            )
        )
    return modal("Who has seen it", blocks, close="Done")


def _when(at: datetime, tz: str, today: date) -> str:
    local = at.astimezone(zone_or_default(tz))
    clock = f"{local:%H:%M}"
    day = _DAYS[local.weekday()]
    if today - timedelta(days=6) <= local.date() <= today:
        return f"{day} {clock}"
    month = MONTHS[local.month - 1][:3]
    if local.year == today.year:
        return f"{day} {local.day} {month} {clock}"
    return f"{day} {local.day} {month} {local.year} {clock}"
