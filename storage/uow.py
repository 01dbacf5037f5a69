"""The unit of work: one transaction, and the repositories that work inside it."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from storage.db import SessionFactory
from storage.repositories import (
    AccessLogRepository,
    CelebrationRepository,
    CoachingLogRepository,
    DebriefNoteRepository,
    DebriefRepository,
    DistrictRepository,
    GoalRepository,
    NextStepAnswerRepository,
    OfficeHoursRepository,
    OutboxRepository,
    PersonRepository,
    PlcChannelRepository,
    ReflectionRepository,
    RequestSignatureRepository,
    SchoolRepository,
    SlackEventRepository,
    VisitRepository,
)


class ChangedMeanwhile(Exception):
    """Someone else changed a row between this transaction reading it and saving it.

    The database refused the save (its version no longer matched), and nothing was saved:
    the lost side of a race, answered like a stale button.
    """


class UnitOfWork:
    """One transaction, saved only by `commit()`; whatever is left uncommitted when the block
    ends, normally or by an exception, is rolled back.

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
            if exc_type is not None:
                session.rollback()
        finally:
            # Closing rolls back whatever was not committed, in the database; what was read
            # (or committed) stays readable after the block, so it can be told about.
            session.close()
            self._session = None
        if isinstance(exc, StaleDataError):
            raise ChangedMeanwhile from exc

    def commit(self) -> None:
        """Save now: the only way anything is saved. The block may go on to read."""
        self.session.commit()

    @property
    def access(self) -> AccessLogRepository:
        return AccessLogRepository(self.session)

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
    def coaching_logs(self) -> CoachingLogRepository:
        return CoachingLogRepository(self.session)

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
    def next_steps(self) -> NextStepAnswerRepository:
        return NextStepAnswerRepository(self.session)

    @property
    def reflections(self) -> ReflectionRepository:
        return ReflectionRepository(self.session)

    @property
    def celebrations(self) -> CelebrationRepository:
        return CelebrationRepository(self.session)

    @property
    def outbox(self) -> OutboxRepository:
        return OutboxRepository(self.session)

    @property
    def office_hours(self) -> OfficeHoursRepository:
        return OfficeHoursRepository(self.session)
