"""The unit of work: one transaction, and the repositories that work inside it."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session

from storage.db import SessionFactory
from storage.repositories import (
    CelebrationRepository,
    DebriefNoteRepository,
    DebriefRepository,
    DistrictRepository,
    GoalRepository,
    OutboxRepository,
    PersonRepository,
    PlcChannelRepository,
    ReflectionRepository,
    RequestSignatureRepository,
    SchoolRepository,
    SlackEventRepository,
    VisitRepository,
)


class UnitOfWork:
    """One transaction: commits when the block ends normally, rolls back when it raises.

    Repositories flush but never commit; only the unit of work does.
    """

    def __init__(self, session_factory: SessionFactory) -> None:
        self._session_factory = session_factory
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside its `with` block")
        return self._session

    def __enter__(self) -> UnitOfWork:
        self._session = self._session_factory()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if exc_type is None:
                session.commit()
            else:
                session.rollback()
        finally:
            session.close()
            self._session = None

    def commit(self) -> None:
        """Save now, so what follows (telling people) sees the change; the block goes on."""
        self.session.commit()

    @property
    def events(self) -> SlackEventRepository:
        return SlackEventRepository(self.session)

    @property
    def request_signatures(self) -> RequestSignatureRepository:
        return RequestSignatureRepository(self.session)

    @property
    def people(self) -> PersonRepository:
        return PersonRepository(self.session)

    @property
    def schools(self) -> SchoolRepository:
        return SchoolRepository(self.session)

    @property
    def districts(self) -> DistrictRepository:
        return DistrictRepository(self.session)

    @property
    def plc_channels(self) -> PlcChannelRepository:
        return PlcChannelRepository(self.session)

    @property
    def visits(self) -> VisitRepository:
        return VisitRepository(self.session)

    @property
    def goals(self) -> GoalRepository:
        return GoalRepository(self.session)

    @property
    def debriefs(self) -> DebriefRepository:
        return DebriefRepository(self.session)

    @property
    def notes(self) -> DebriefNoteRepository:
        return DebriefNoteRepository(self.session)

    @property
    def reflections(self) -> ReflectionRepository:
        return ReflectionRepository(self.session)

    @property
    def celebrations(self) -> CelebrationRepository:
        return CelebrationRepository(self.session)

    @property
    def outbox(self) -> OutboxRepository:
        return OutboxRepository(self.session)
