"""The aggregate coaching report in Block Kit: totals, tiers, then schools and coaches.

Pure: it renders a Report that bot/reads/report.py already made safe (small groups merged, figures
that would give one away left out), shows a subset of its numbers, and adds nothing about any
one teacher, so nothing here can be subtracted into a figure about fewer than five.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Final

from bot.rules.domain import SUPPORT_TIERS, SupportType
from bot.rules.policy import MIN_GROUP_SIZE
from bot.views.common import MAX_SECTION, clip, count, escape
from bot.views.plain import context, header, section

MAX_BLOCKS = 20
MAX_NAME = 80
# Room kept at the end of every section for "_…and 1234 more…_".
_MORE_ROOM = 80
_SEP = " · "
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

SMALL_GROUPS = (
    f"Counts only. Groups of fewer than {MIN_GROUP_SIZE} teachers are merged or hidden, and so "
    "is any count that would let one be worked out from the others."
)
TOO_FEW = (
    f"Fewer than {MIN_GROUP_SIZE} teachers were visited in this period, so there is nothing "
    "to show without risking identifying someone."
)

# --------------------------------------------------------------------------- the report
# As bot/reads/report.py makes it: the figures only, already safe to show.

TIERS: Final[tuple[int, ...]] = tuple(sorted(set(SUPPORT_TIERS.values())))
TIER_NAMES: Final[dict[int, str]] = {tier: f"Tier {tier}" for tier in TIERS}

Cell = int | None  # None: withheld, so that no figure about 1-4 teachers can be worked out


@dataclass(frozen=True)
class Group:
    """One row of a report: a group's counts, never anything about one teacher.

    `teachers` is how many distinct teachers were visited in the period: the number the
    small-group rule reads. A cell is None when withheld; so are cycles and coverage, which
    are also None where they mean nothing (a kind of support, a tier).
    """

    kind: str  # district, tier, support_type, school or coach
    name: str
    teachers: int
    visits: int
    minutes: int
    visits_by_type: Mapping[SupportType, Cell]
    minutes_by_tier: Mapping[int, Cell]
    coverage: float | None = None  # share of the group's active teachers seen in 21 days
    cycles_started: int | None = None  # None where cycles mean nothing (a kind of support)
    cycles_completed: int | None = None
    merged: bool = False  # an "Other ..." group made of smaller ones


@dataclass(frozen=True)
class Report:
    """What happened in coaching between two local dates (the end excluded)."""

    team_id: str
    start: date
    end: date
    tz: str
    district: Group | None  # None when fewer than MIN_GROUP_SIZE teachers in all
    tiers: list[Group] = field(default_factory=list)
    support_types: list[Group] = field(default_factory=list)
    schools: list[Group] = field(default_factory=list)
    coaches: list[Group] = field(default_factory=list)
    # Cycles under way whose goal has a starting point and an end measure about students;
    # None when withheld (about 1-4 teachers).
    cycles_with_evidence: int | None = None

    def groups(self) -> list[Group]:
        """Every row, district first, then tiers, kinds of support, schools and coaches."""
        head = [self.district] if self.district is not None else []
        return [*head, *self.tiers, *self.support_types, *self.schools, *self.coaches]


def build_report_blocks(report: Report) -> list[dict[str, Any]]:
    """At most MAX_BLOCKS blocks; long lists end with "and N more" (the CSV has them all)."""
    blocks: list[dict[str, Any]] = [header(f"Coaching report: {_period(report)}")]
    district = report.district
    if district is None:
        blocks += [section(TOO_FEW), context(SMALL_GROUPS)]
        return blocks
    text = _district_text(district)
    if report.cycles_with_evidence is not None:
        text += f"\nCycles with student evidence: {report.cycles_with_evidence}."
    blocks.append(section(text))
    fields = [_tier_field(group) for group in report.tiers][:10]
    if fields:
        blocks.append({"type": "section", "fields": fields})
    if report.support_types:
        kinds = [_kind_line(group) for group in report.support_types]
        blocks.append(section("\n".join(["*By kind of support*", *kinds])))
    room = MAX_BLOCKS - len(blocks) - 1  # the context line closes the report
    schools = [_line(group) for group in report.schools]
    coaches = [_line(group) for group in report.coaches]
    need_schools = len(_pack("By school", schools, room))
    need_coaches = len(_pack("By coach", coaches, room))
    if need_schools + need_coaches > room:
        need_schools = min(need_schools, max(room // 2, room - need_coaches))
        need_coaches = room - need_schools
    for text in _pack("By school", schools, need_schools) + _pack(
        "By coach", coaches, need_coaches
    ):
        blocks.append(section(text))
    blocks.append(context(SMALL_GROUPS))
    return blocks


# --------------------------------------------------------------------------- pieces


def _day(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def _period(report: Report) -> str:
    last = report.end - timedelta(days=1)
    if last <= report.start:
        return _day(report.start)
    return f"{_day(report.start)} – {_day(last)}"


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def _district_text(district: Group) -> str:
    lines = [
        f"*{count(district.visits, 'visit', 'visits')}* with "
        f"{count(district.teachers, 'teacher', 'teachers')}, {district.minutes:,} minutes in all."
    ]
    if district.coverage is not None:
        lines.append(f"Seen in the last 3 weeks: {_percent(district.coverage)} of active teachers.")
    cycles = _cycles(district)
    if cycles:
        lines.append(f"Coaching cycles: {cycles}.")
    return "\n".join(lines)


def _cycles(group: Group) -> str:
    """ "3 started, 1 completed", leaving out a count withheld so no one can be worked out."""
    parts = []
    if group.cycles_started is not None:
        parts.append(f"{group.cycles_started} started")
    if group.cycles_completed is not None:
        parts.append(f"{group.cycles_completed} completed")
    return ", ".join(parts)


def _tier_field(group: Group) -> dict[str, str]:
    tier = next((t for t, name in TIER_NAMES.items() if name == group.name), None)
    kinds = ", ".join(kind.label.lower() for kind in SupportType if kind.tier == tier)
    text = (
        f"*{escape(group.name)}* ({kinds})\n"
        f"{group.minutes:,} min in {count(group.visits, 'visit', 'visits')}"
    )
    return {"type": "mrkdwn", "text": clip(text, 2000)}


def _kind_line(group: Group) -> str:
    return (
        f"• {escape(clip(group.name, MAX_NAME))}: {count(group.visits, 'visit', 'visits')}, "
        f"{group.minutes:,} min"
    )


def _line(group: Group) -> str:
    parts = [
        f"{count(group.visits, 'visit', 'visits')} with "
        f"{count(group.teachers, 'teacher', 'teachers')}"
    ]
    tier_one = group.minutes_by_tier.get(1)
    if group.minutes and tier_one is not None:
        parts.append(f"{group.minutes:,} min ({_percent(tier_one / group.minutes)} tier 1)")
    else:
        parts.append(f"{group.minutes:,} min")
    if group.coverage is not None:
        parts.append(f"{_percent(group.coverage)} seen in 3 weeks")
    cycles = _cycles(group)
    if cycles:
        parts.append(f"cycles {cycles}")
    return f"• *{escape(clip(group.name, MAX_NAME))}*: " + _SEP.join(parts)


def _pack(title: str, lines: list[str], most: int) -> list[str]:
    """Lines under a bold title, in at most `most` sections of Slack's size."""
    if most < 1:
        return []
    if not lines:
        return [f"*{title}*\nNo group large enough to show."]
    chunks: list[list[str]] = [[f"*{title}*"]]
    size = len(title) + 2
    for index, line in enumerate(lines):
        if size + 1 + len(line) > MAX_SECTION - _MORE_ROOM:
            if len(chunks) == most:
                more = len(lines) - index
                chunks[-1].append(f"_…and {more} more in the CSV export._")
                break
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line) + 1
    return ["\n".join(chunk) for chunk in chunks]
