"""`coachbot demo` plays its week and keeps every promise: the transcript is the evidence.

The week is played once; the test runs the demo's `run` over that played week, with and
without filters, so the rendering, the filters and the JSON are the command's own.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.demo import week
from bot.demo.standin import SlackStandin


@pytest.fixture(scope="module")
def played() -> tuple[week.Transcript, SlackStandin]:
    return week.play()


@pytest.fixture
def run(
    played: tuple[week.Transcript, SlackStandin], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., int]]:
    """The demo command's `run`, playing the module's week instead of a new one."""
    monkeypatch.setattr(week, "play", lambda progress=None: played)
    yield week.run


def test_the_demo_week(tmp_path: Path, run: Callable[..., int]) -> None:
    out = io.StringIO()
    transcript_file = tmp_path / "week.json"
    assert run(None, None, transcript_file, out) == 0
    data = json.loads(transcript_file.read_text())
    assert data["failures"] == [] and data["duplicates"] == 0
    entries = data["entries"]

    def saw(who: str, words: str, day: str | None = None) -> bool:
        return any(
            e["who"] == who and words in e["text"] and (day is None or e["day"] == day)
            for e in entries
        )

    # Coaches: their 07:00 lists, invitations, the visit log, the Friday digest.
    for coach in ("Jordan Blake", "Priya Shah"):
        for day in ("mon", "tue", "wed", "fri"):
            assert saw(coach, "Your day:", day), f"{coach} had no list on {day}"
    # The lead coach has no teachers of their own: no "Nothing on your calendar" every day.
    assert not saw("Dana Reyes", "Your day:")
    assert saw("Jordan Blake", "@Ms. Alvarez would love you to visit Period 3 Math", "mon")
    # She booked it from Jordan's office hours, offered in her own zone.
    assert saw("Jordan Blake", "Tuesday: 9:00-11:30", "mon")
    booked = "Open times in Jordan Blake's office hours: Tue Dec 1, 10:00–10:45 AM"
    assert saw("Ms. Alvarez", booked, "mon")
    assert saw("Jordan Blake", "How did your visit with @Ms. Alvarez go?", "tue")
    assert saw("Jordan Blake", "Your week in coaching", "fri")
    # Teachers: an acceptance, a suggested time, a private reflection, a celebration offer.
    assert saw("Ms. Alvarez", "accepted", "mon")
    assert saw("Mr. Brooks", "suggested another time", "mon")
    assert saw("Ms. Alvarez", "A moment to reflect, just for you", "tue")
    assert saw("Ms. Alvarez", "Congratulations", "fri")
    # The approved celebration, in her words; the declined one nowhere.
    assert saw("#plc-math", "Our pairs are explaining their math out loud now", "fri")
    assert not any(e["who"] == "#plc-ela" for e in entries)
    # The holiday is silent.
    assert not [e for e in entries if e["day"] == "thu"]
    text = out.getvalue()
    assert "══ Summary ══" in text and "problems 0, sent twice 0" in text

    # The same week, filtered by day and person. In this one test: playing the week takes
    # about 10 s of a core, and pytest-xdist 3.8's --dist loadgroup no longer keeps two tests
    # in one process on pytest 9.2 (pytest-dev/pytest-xdist#1386).
    out = io.StringIO()
    assert run("tue", "priya", None, out) == 0
    shown = [line for line in out.getvalue().splitlines() if line.startswith("── ")]
    assert shown and all("Priya Shah" in line for line in shown)
    assert "══ Mon ══" not in out.getvalue() and "══ Tue ══" in out.getvalue()
