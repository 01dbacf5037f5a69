"""Take it with you: a person's whole record as JSON and Markdown, and an admin's export
recorded in that person's access log."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

from bot.app.deps import Deps
from bot.rules.access import lines_for
from bot.rules.erase import run_erase_command
from bot.rules.records_export import SCHEMA, export_own, run_export_command
from storage.models import Person
from tests.privacy.seed import ERASE, KEEP, seed

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def test_a_teachers_export_holds_their_whole_record(deps: Deps) -> None:
    with deps.uow() as uow:
        district = seed(uow, weeks=2)
        uow.commit()
    with deps.uow() as uow:
        files, rows = export_own(uow, uow.session.get_one(Person, district.teacher_id), NOW)
    assert set(files) == {
        "coachbot-record-U0PTEACH01-2026-12-01.json",
        "coachbot-record-U0PTEACH01-2026-12-01.md",
    }
    record = json.loads(files["coachbot-record-U0PTEACH01-2026-12-01.json"])
    assert record["schema"] == SCHEMA
    assert record["profile"]["user_id"] == "U0PTEACH01"
    assert record["profile"]["assigned_coach"] == "U0PCOACH01"
    assert len(record["goals"]) == 1 and record["goals"][0]["question"].startswith(ERASE)
    assert len(record["visits"]) == 2 and len(record["debriefs"]) == 2
    # Notes both sides wrote, reflections shared or not, celebrations by or about them.
    assert len(record["notes"]) == 4
    assert {n["author"] for n in record["notes"]} == {"U0PTEACH01", "U0PCOACH01"}
    # Her answers to the check-backs on next steps, in her words, and the goal's measures.
    assert [a["kind"] for a in record["next_step_answers"]] == ["tried"] * 4
    assert all(a["line"].startswith(ERASE) for a in record["next_step_answers"])
    assert record["goals"][0]["students_now"].startswith(ERASE)
    assert "## Answers to next steps" in files["coachbot-record-U0PTEACH01-2026-12-01.md"]
    assert sorted(r["shared_with_coach"] for r in record["reflections"]) == [
        False,
        False,
        True,
        True,
    ]
    assert len(record["celebrations"]) == 4
    assert [log["teachers"] for log in record["coaching_logs"]] == [["U0PTEACH01"]] * 2
    assert {m["kind"] for m in record["messages"]} == {"reflect", "nudge"}
    assert rows >= 2 + 2 + 4 + 4
    assert KEEP not in json.dumps(record)  # nothing of the colleague's
    markdown = files["coachbot-record-U0PTEACH01-2026-12-01.md"]
    assert markdown.startswith(f"# Your coachbot record: Teacher {ERASE} name")
    assert "## Reflections" in markdown and "## Who has seen your coaching record" in markdown


def test_a_coachs_export_never_holds_a_teachers_reflection(deps: Deps) -> None:
    with deps.uow() as uow:
        district = seed(uow, weeks=2)
        uow.commit()
    with deps.uow() as uow:
        files, _ = export_own(uow, uow.session.get_one(Person, district.coach_id), NOW)
    text = files["coachbot-record-U0PCOACH01-2026-12-01.json"]
    record = json.loads(text)
    assert record["reflections"] == []
    assert "reflection answer" not in text
    # The coach's own notes, never the teachers' notes on the same debriefs.
    assert record["notes"] and {n["author"] for n in record["notes"]} == {"U0PCOACH01"}
    assert len(record["visits"]) == 3  # two with the teacher, one with the colleague
    # A teacher's answers to next steps are hers to take, not the coach's.
    assert record["next_step_answers"] == [] and "how it went" not in text


def test_an_admins_export_is_written_and_shown_to_the_teacher(deps: Deps) -> None:
    with deps.uow() as uow:
        district = seed(uow, weeks=1)
        uow.commit()
    written: dict[str, str] = {}
    out = io.StringIO()
    code = run_export_command(
        deps.uow,
        "U0PTEACH01",
        NOW,
        out,
        written.__setitem__,
        by_user_id="U0PADMIN01",
    )
    assert code == 0 and len(written) == 2
    assert "recorded in that person's access log" in out.getvalue()
    with deps.uow() as uow:
        [line] = lines_for(uow, uow.session.get_one(Person, district.teacher_id))
    assert (line.who, line.role, line.what) == (
        "Admin Number 1",
        "coachbot admin",
        "exported your coaching record",
    )
    assert (
        run_export_command(deps.uow, "nobody@district.example", NOW, out, written.__setitem__) == 1
    )


def test_nothing_erased_is_in_a_later_export(deps: Deps) -> None:
    with deps.uow() as uow:
        district = seed(uow, weeks=1)
        uow.commit()
    assert run_erase_command(deps.uow, deps.engine, "U0PTEACH01", NOW, io.StringIO()) == 0
    with deps.uow() as uow:
        files, _ = export_own(uow, uow.session.get_one(Person, district.teacher_id), NOW)
        coach_files, _ = export_own(uow, uow.session.get_one(Person, district.coach_id), NOW)
    for content in (*files.values(), *coach_files.values()):
        assert ERASE not in content and "U0PTEACH01" not in content
