"""Every path that reads a teacher's record for someone else is watched by the access log.

Two halves: a scan of the listeners and jobs for every call of a rule or read model that reads
goals, cycle stories, debrief notes or shared reflections, each of which must sit in a
function that watches (bot/rules/access.py `watching`); and each path driven for a coach,
with the row it leaves in the teacher's log.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The rules and read models that read a teacher's record (through bot/rules/policy.py).
READERS = {
    "cycles_of",
    "caseload",
    "home_data",
    "visible_reflections",
    "plan_daily_lists",
}
# Where those reads are started: the listeners and the scheduled jobs.
ENTRY_POINTS = [*sorted((ROOT / "handlers").glob("*.py")), ROOT / "bot" / "app" / "jobs.py"]


def _called_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _unwatched_reads(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    # Outside any function (a table of planners), a reader is run unwatched by whoever runs it.
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        refs = {n.attr for n in ast.walk(statement) if isinstance(n, ast.Attribute)}
        names = {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)}
        for read in sorted((refs | names) & READERS):
            found.append(f"{path.relative_to(ROOT)}:{statement.lineno} module: {read}")
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        calls = [n for n in ast.walk(function) if isinstance(n, ast.Call)]
        names = {_called_name(c) for c in calls}
        # A reference without a call (a planner listed in a table) counts as a read too.
        refs = {n.attr for n in ast.walk(function) if isinstance(n, ast.Attribute)}
        reads = (names | refs) & READERS
        if reads and "watching" not in names:
            found.append(
                f"{path.relative_to(ROOT)}:{function.lineno} {function.name}: {sorted(reads)}"
            )
    return found


PENDING: set[str] = set()


def test_every_read_path_is_watched() -> None:
    unwatched = {_without_line(line) for path in ENTRY_POINTS for line in _unwatched_reads(path)}
    assert unwatched == PENDING


def _without_line(found: str) -> str:
    where, _, what = found.partition(" ")
    return f"{where.rsplit(':', 1)[0]} {what}"
