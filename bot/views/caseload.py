"""A coach's caseload: every teacher, when the coach last saw them and their cycle, on the
Home tab (the first few) and in the modal it opens (everyone)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.ids import Action, Callback
from bot.rules.domain import CycleState
from bot.views.common import MAX_MODAL_BLOCKS, MAX_SECTION, MONTHS, count
from bot.views.plain import Dict, button, context, modal, packed, section

CASELOAD_TITLE = "Your teachers"
# How many teachers the Home tab names before it says "and N more".
MAX_CASELOAD_ON_HOME = 10


@dataclass(frozen=True)
class CaseloadLine:
    """A coach's teacher: when the coach last saw them, and their cycle with the coach."""

    user_id: str
    name: str
    last_seen: date | None  # local date of the latest visit that happened; None: never
    state: CycleState | None  # None: no goal with this coach yet


def caseload_on_home(caseload: Sequence[CaseloadLine], today: date) -> list[Dict]:
    """The Home's list: the teachers not seen longest, and a button to see everyone."""
    if not caseload:
        return [
            section(
                "*Your teachers*\nNo teachers are assigned to you yet. Your lead coach assigns "
                "them; teachers who set a goal with you show up here too."
            )
        ]
    shown = caseload[:MAX_CASELOAD_ON_HOME]
    heading = f"*Your teachers ({len(caseload)})*, not seen longest first"
    lines = [_caseload_line(line, today) for line in shown]
    blocks = [
        packed(
            heading,
            lines,
            accessory=button("See all", Action.HOME_CASELOAD, label="See all your teachers"),
        )
    ]
    left = len(caseload) - len(shown)
    if left:
        blocks.append(context(f"and {left} more: *See all* lists everyone."))
    return blocks


def _caseload_line(line: CaseloadLine, today: date) -> str:
    if line.last_seen is None:
        seen = "not visited yet"
    else:
        days = (today - line.last_seen).days
        ago = "today" if days <= 0 else f"{count(days, 'day', 'days')} ago"
        seen = f"last seen {short_date(line.last_seen)} ({ago})"
    state = line.state.label if line.state is not None else "no goal yet"
    return f"• <@{line.user_id}> · {seen} · {state}"


def build_caseload_modal(caseload: Sequence[CaseloadLine], *, today: date) -> dict[str, Any]:
    """Every teacher of a coach, one line each, packed into as few sections as fit."""
    blocks: list[Dict] = []
    if not caseload:
        blocks.append(section("No teachers are assigned to you yet."))
    else:
        blocks.append(
            context(
                f"{count(len(caseload), 'teacher', 'teachers')}, not seen longest first. "
                "Last seen counts visits that happened and coaching you logged with them."
            )
        )
        chunk: list[str] = []
        size = 0
        placed = 0
        for line in (_caseload_line(c, today) for c in caseload):
            if size + len(line) + 1 > MAX_SECTION and chunk:
                blocks.append(section("\n".join(chunk)))
                placed += len(chunk)
                chunk, size = [], 0
                if len(blocks) >= MAX_MODAL_BLOCKS - 2:
                    break
            chunk.append(line)
            size += len(line) + 1
        else:
            if chunk:
                blocks.append(section("\n".join(chunk)))
                placed += len(chunk)
        if placed < len(caseload):
            blocks.append(context(f"and {len(caseload) - placed} more"))
    return modal(CASELOAD_TITLE, blocks, callback_id=Callback.CASELOAD.value, close="Done")


def short_date(day: date) -> str:
    return f"{MONTHS[day.month - 1][:3]} {day.day}"
