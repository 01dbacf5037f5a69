"""Results worth keeping for a few minutes: what many people read and nobody needs to the second.

The Home of admins, leaders and lead coaches shows the last 30 days' aggregate report, the same
for everyone in a workspace; building it reads a month of visits. It is kept per workspace and
day for `ttl` seconds in each process, so a morning of people opening Home builds it once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")

HOME_REPORT_SECONDS = 300.0


class Kept(Generic[T]):
    """A small map of results, each kept for `ttl` seconds after it was built."""

    def __init__(
        self, ttl: float = HOME_REPORT_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl, self.clock = ttl, clock
        self._lock = threading.Lock()
        self._kept: dict[Hashable, tuple[float, T]] = {}

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        now = self.clock()
        with self._lock:
            found = self._kept.get(key)
            if found is not None and now - found[0] < self.ttl:
                return found[1]
        value = build()  # outside the lock: two builds at once cost time, never correctness
        with self._lock:
            self._kept = {k: v for k, v in self._kept.items() if now - v[0] < self.ttl}
            self._kept[key] = (now, value)
        return value

    def forget(self) -> None:
        with self._lock:
            self._kept.clear()
