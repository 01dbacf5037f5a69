"""What listeners and jobs need besides the Slack payload, built once in main."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import utc_now
from bot.reads.kept import Kept
from bot.rules.domain import DEFAULT_EXPERTISE_AREAS
from bot.views.report import Report
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Deps:
    engine: Engine
    session_factory: sessionmaker[Session]
    clock: Callable[[], datetime] = field(default=utc_now)
    admin_ids: frozenset[str] = frozenset()  # COACHBOT_ADMINS
    expertise_areas: tuple[str, ...] = DEFAULT_EXPERTISE_AREAS
    public_url: str | None = None  # with a trailing slash
    link_key: bytes = b""  # signs .ics links
    # The Home's 30-day aggregate report, per workspace and day, kept a few minutes.
    home_reports: Kept[Report] = field(default_factory=Kept, compare=False)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    def now(self) -> datetime:
        return self.clock()
