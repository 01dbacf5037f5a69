"""Results kept for a few minutes: built once, rebuilt when old, per key."""

from __future__ import annotations

from bot.reads.kept import Kept


def test_a_result_is_built_once_then_again_when_it_is_old() -> None:
    now = [1000.0]
    kept: Kept[str] = Kept(ttl=300, clock=lambda: now[0])
    built: list[str] = []

    def build(name: str) -> str:
        built.append(name)
        return f"report {len(built)}"

    assert kept.get(("T1", "2026-12-01"), lambda: build("a")) == "report 1"
    now[0] += 299
    assert kept.get(("T1", "2026-12-01"), lambda: build("b")) == "report 1"
    assert kept.get(("T2", "2026-12-01"), lambda: build("c")) == "report 2"
    now[0] += 1
    assert kept.get(("T1", "2026-12-01"), lambda: build("d")) == "report 3"
    assert built == ["a", "c", "d"]
    kept.forget()
    assert kept.get(("T1", "2026-12-01"), lambda: build("e")) == "report 4"
