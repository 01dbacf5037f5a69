"""Erasing a person: what goes, what stays as counts, and that no marker survives anywhere."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import String, Text, func, select
from sqlalchemy.engine import make_url

from bot.app.deps import Deps
from bot.rules.erase import FREE_TEXT, REMOVED_MESSAGE, run_erase_command
from storage.models import (
    Base,
    Celebration,
    DebriefNote,
    Goal,
    OutboxMessage,
    Person,
    Reflection,
    RetentionRun,
    Visit,
)
from tests.privacy.seed import ERASE, KEEP, seed

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
PG_DUMP = Path("/usr/lib/postgresql/15/bin/pg_dump")

# String columns that hold no words a person typed: ids, states, kinds, times, Slack places.
NOT_FREE_TEXT = {
    "slack_events.event_id",
    "slack_events.event_type",
    "request_signatures.signature",
    "districts.team_id",
    "districts.name",
    "districts.timezone",
    "districts.weekdays",
    "schools.team_id",
    "schools.name",
    "schools.weekdays",
    "closures.team_id",
    "closures.reason",
    "plc_channels.team_id",
    "plc_channels.channel_id",
    "plc_channels.name",
    "people.team_id",
    "people.timezone",
    "people.role",
    "people.plc_channel_id",
    "people.share_wins",
    "coach_expertise.area",
    "visits.team_id",
    "visits.support_type",
    "visits.status",
    "visits.proposed_by",
    "visits.coach_channel",
    "visits.coach_ts",
    "visits.teacher_channel",
    "visits.teacher_ts",
    "visits.outcome",
    "visits.logged_support_type",
    "goals.team_id",
    "goals.focus_area",
    "goals.status",
    "debriefs.team_id",
    "next_step_answers.kind",
    "outbox.key",
    "outbox.team_id",
    "outbox.channel",
    "outbox.kind",
    "outbox.ref",
    "outbox.status",
    "outbox.leased_by",
    "outbox.slack_channel",
    "outbox.slack_ts",
    "send_budgets.name",
    "reflections.team_id",
    "celebrations.team_id",
    "coaching_logs.team_id",
    "coaching_logs.support_type",
    "celebrations.channel_id",
    "celebrations.status",
    "celebrations.slack_ts",
    "access_log.team_id",
    "access_log.viewer_role",
    "access_log.kind",
    "access_log.path",
    "retention_runs.reason",
    "retention_runs.counts",
    "nudges_sent.key",
    "nudges_sent.ref",
    "office_hours.team_id",
    "days_out.team_id",
}


def test_every_free_text_column_is_known_to_the_erase() -> None:
    columns = {
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, String | Text)
    }
    assert columns - NOT_FREE_TEXT == set(FREE_TEXT)


def _erase(
    deps: Deps, who: str, *, dry_run: bool = False
) -> tuple[int, str, list[tuple[str, str]]]:
    out = io.StringIO()
    rewritten: list[tuple[str, str]] = []

    def rewrite(channel: str, ts: str, message: dict[str, object]) -> None:
        assert message == REMOVED_MESSAGE
        rewritten.append((channel, ts))

    code = run_erase_command(
        deps.uow,
        deps.engine,
        who,
        NOW,
        out,
        dry_run=dry_run,
        rewrite=rewrite,
        by_user_id="U0PADMIN01",
    )
    return code, out.getvalue(), rewritten


def _count(deps: Deps, model: type[Base]) -> int:
    with deps.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_dry_run_counts_and_changes_nothing(deps: Deps) -> None:
    with deps.uow() as uow:
        seed(uow)
        uow.commit()
    before = {m: _count(deps, m) for m in (DebriefNote, Reflection, Celebration, OutboxMessage)}
    code, out, rewritten = _erase(deps, "u0pteach01@district.example", dry_run=True)
    assert code == 0
    assert "Would erase person" in out and "debrief_notes: 6" in out and "reflections: 6" in out
    assert "Dry run: nothing was changed." in out
    assert rewritten == []
    assert {m: _count(deps, m) for m in before} == before
    assert _count(deps, RetentionRun) == 0


def test_an_unknown_person_changes_nothing(deps: Deps) -> None:
    code, out, _ = _erase(deps, "U0NOBODY")
    assert code == 1
    assert "Nothing was changed" in out


def test_erase_keeps_counts_and_the_colleague_and_rewrites_messages(deps: Deps) -> None:
    with deps.uow() as uow:
        district = seed(uow)
        uow.commit()
    visits_before = _count(deps, Visit)
    code, out, rewritten = _erase(deps, "U0PTEACH01")
    assert code == 0 and "Erased person" in out
    # Every visit, goal and person is still counted, anonymously.
    assert _count(deps, Visit) == visits_before
    with deps.uow() as uow:
        teacher = uow.session.get_one(Person, district.teacher_id)
        assert teacher.user_id == f"erased-{teacher.id}" and teacher.display_name == ""
        assert teacher.email is None and not teacher.active
        goals = uow.goals.list_for_teacher(district.teacher_id)
        assert goals and all(g.question == "" and g.evidence is None for g in goals)
        # The colleague's record is whole, and the coach's own notes on it too.
        kept = uow.session.get_one(Goal, district.colleague_goal_id)
        assert kept.question.startswith(KEEP)
        assert uow.reflections.list_for_teacher(district.colleague_id)
        assert len(uow.access.list_for_teacher(district.colleague_id)) == 1
        assert uow.access.list_for_teacher(district.teacher_id) == []
        # No message is owed to the teacher or planned about them; the colleague's still is.
        pending = uow.session.scalars(select(OutboxMessage.text)).all()
        assert f"{KEEP} pending" in pending
        assert not [t for t in pending if ERASE in t]
        [run] = uow.session.scalars(select(RetentionRun)).all()
        assert run.reason == "erase" and '"debrief_notes": 6' in run.counts
    # DMs about the teacher's visits, the celebrations and the prompts sent to them.
    assert (f"D0T{district.teacher_id:04d}", "1700000000.000000") in rewritten
    assert ("C0PLCELA01", "1700000002.000000") in rewritten
    assert len(rewritten) >= 3 * 2 + 3 * 2


def test_a_coach_erased_leaves_the_teachers_words_and_tells_them(deps: Deps) -> None:
    with deps.uow() as uow:
        district = seed(uow)
        uow.commit()
    assert _erase(deps, "U0PCOACH01")[0] == 0
    with deps.uow() as uow:
        notes = uow.session.scalars(select(DebriefNote)).all()
        assert notes and all(n.author_id != district.coach_id for n in notes)
        assert all((n.strengths or "").startswith((ERASE, KEEP)) for n in notes)
        colleague = uow.session.get_one(Person, district.colleague_id)
        assert colleague.assigned_coach_id is None
        log = uow.access.list_for_teacher(district.colleague_id)
        assert [e.kind for e in log] == ["erase", "goal"]
        assert log[0].viewer_id == district.admin_id
        assert log[1].viewer_id is None  # the coach who read it is gone; the read is not
        assert uow.session.scalars(select(Visit.focus)).all().count(None) == 0


def _scan_sqlite(url: str) -> bytes:
    path = Path(make_url(url).database or "")
    data = path.read_bytes()
    for extra in (Path(f"{path}-wal"), Path(f"{path}-journal")):
        if extra.exists():
            data += extra.read_bytes()
    return data


def _scan_postgres(url: str) -> bytes:
    parsed = make_url(url)
    result = subprocess.run(
        [
            str(PG_DUMP),
            "--data-only",
            "-h",
            parsed.host or "127.0.0.1",
            "-p",
            str(parsed.port or 5432),
            "-U",
            parsed.username or "postgres",
            parsed.database or "",
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "PGPASSWORD": parsed.password or ""},
    )
    return result.stdout


def test_erased_means_erased_in_the_database_file_and_a_dump(deps: Deps) -> None:
    with deps.uow() as uow:
        seed(uow)
        uow.commit()
    url = deps.engine.url.render_as_string(hide_password=False)
    postgres = deps.engine.dialect.name == "postgresql"
    if postgres and not (PG_DUMP.exists() or shutil.which("pg_dump")):
        pytest.skip("pg_dump is not installed")
    scan = _scan_postgres if postgres else _scan_sqlite
    deps.engine.dispose()
    before = scan(url)
    assert ERASE.encode() in before and KEEP.encode() in before
    assert _erase(deps, "U0PTEACH01")[0] == 0
    deps.engine.dispose()
    after = scan(url)
    assert ERASE.encode() not in after
    assert b"U0PTEACH01" not in after and b"u0pteach01@district.example" not in after
    assert KEEP.encode() in after
