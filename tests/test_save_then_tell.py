"""Save, then tell: no Slack call happens inside an open unit of work.

A person told "You accepted" about a change that is then rolled back was told something
untrue, and a transaction held open while Slack answers (or retries for seconds) keeps rows
locked. So every `with <...>.uow()` block in bot/ and handlers/ decides and commits; Slack is
called after the block, and what Slack answered is recorded in a second small block.

The check reads the code with `ast`: inside such a block it refuses
- a method of a Slack client (`client.chat_postMessage(...)`, `self.client...`),
- a helper that tells people (`send_dm`, `update_message`, `refresh_home`, ...),
- any call handed the Slack client (`_tell(client, ...)`), except `SlackDirectory(client)`,
  which only reads who someone is,
- an `ack(...)` carrying a view, before the block's `commit()`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ("bot", "handlers")
# Helpers that talk to Slack without being handed a client by name.
TELLING = frozenset(
    {
        "send_dm",
        "update_message",
        "refresh_home",
        "answer_privately",
        "update_own_view",
        "post_to_channel",
        "offer_celebration",
    }
)
# Reads a profile from Slack; tells no one anything.
READS_ONLY = frozenset({"SlackDirectory"})


def _is_uow_block(node: ast.With) -> bool:
    for item in node.items:
        call = item.context_expr
        if isinstance(call, ast.Call):
            func = call.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "uow" or name.endswith("_uow"):
                return True
    return False


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_client(node: ast.expr) -> bool:
    """`client`, or something's `.client` (an app's, a runtime's)."""
    if isinstance(node, ast.Name):
        return node.id == "client"
    return isinstance(node, ast.Attribute) and node.attr == "client"


def _slack_call(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute) and _is_client(func.value):
        return f"client.{func.attr}"
    name = _name(func)
    if name in TELLING:
        return name
    if name in READS_ONLY:
        return None
    handed = [*call.args, *(k.value for k in call.keywords)]
    if any(_is_client(arg) for arg in handed):
        return f"{name or 'a call'}(client, ...)"
    return None


def _calls(body: list[ast.stmt]) -> list[ast.Call]:
    """Calls in these statements, in source order, not looking into nested functions."""
    found: list[ast.Call] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            return
        if isinstance(node, ast.Call):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    for statement in body:
        visit(statement)
    return sorted(found, key=lambda c: (c.lineno, c.col_offset))


def problems_in(source: str, filename: str = "<code>") -> list[str]:
    """Each Slack call (or early ack with a view) inside an open unit of work, as file:line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.With) or not _is_uow_block(node):
            continue
        committed_at: int | None = None
        for call in _calls(node.body):
            if _name(call.func) == "commit" and committed_at is None:
                committed_at = call.lineno
            slack = _slack_call(call)
            if slack is not None:
                found.append(f"{filename}:{call.lineno}: {slack} inside a unit of work")
            elif (
                _name(call.func) == "ack"
                and any(k.arg == "view" for k in call.keywords)
                and committed_at is None
            ):
                found.append(f"{filename}:{call.lineno}: ack with a view before the commit")
    return found


def _sources() -> list[Path]:
    return sorted(p for folder in CHECKED for p in (ROOT / folder).rglob("*.py"))


def test_no_slack_call_happens_inside_a_unit_of_work() -> None:
    found = [
        problem
        for path in _sources()
        for problem in problems_in(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert found == []


BAD = """
def handle_accept(ack, body, client, deps):
    ack()
    with deps.uow() as uow:
        visit = accept(uow, body)
        send_dm(client, visit.teacher, {"text": "accepted"})
        client.views_publish(user_id="U1", view={})
        _tell(client, body, "You accepted.")
        uow.commit()


def handle_goal(ack, view, client, deps):
    with deps.uow() as uow:
        goal = save(uow, view)
        ack(response_action="update", view=goals_view(uow, goal))
        uow.commit()
"""

GOOD = """
def handle_accept(ack, body, client, deps):
    ack()
    with deps.uow() as uow:
        me = ensure_person(uow, SlackDirectory(client), body)
        visit = accept(uow, me, body)
        uow.commit()
        ack(response_action="update", view=card(visit))
    send_dm(client, visit.teacher, {"text": "accepted"})
    with deps.uow() as uow:
        remember(uow, visit.id)
        uow.commit()
"""


def test_the_check_finds_each_kind_of_early_slack_call() -> None:
    assert [problem.split(": ", 1)[1] for problem in problems_in(BAD)] == [
        "send_dm inside a unit of work",
        "client.views_publish inside a unit of work",
        "_tell(client, ...) inside a unit of work",
        "ack with a view before the commit",
    ]


def test_the_check_lets_save_then_tell_through() -> None:
    assert problems_in(GOOD) == []


@pytest.mark.parametrize("folder", CHECKED)
def test_the_check_reads_real_code(folder: str) -> None:
    # Guards against a rename leaving the check looking at nothing.
    assert any(
        _is_uow_block(node)
        for path in (ROOT / folder).rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.With)
    )
