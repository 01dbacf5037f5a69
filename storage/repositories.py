"""Repositories: queries over one session; they flush, never commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import ColumnElement

from storage.models import (
    Closure,
    District,
    Person,
    PlcChannel,
    RequestSignature,
    School,
    SlackEvent,
)

# Roles that coach teachers (bot.rules.domain.Role values; storage keeps plain strings).
COACH_ROLES = ("coach", "lead_coach")


def insert_if_absent(
    session: Session, table: Table, values: dict[str, Any], *, key: str | None = None
) -> bool:
    """Insert a row unless one with the same key exists; True when this call inserted it.

    Uses the database's own ON CONFLICT so two replicas racing on one key cannot both win.
    """
    # RETURNING, because rowcount is not reported for this statement by every driver.
    returned = table.c[key] if key else next(iter(table.primary_key.columns))
    stmt = _insert_ignoring_conflicts(session, table).values(**values).returning(returned)
    return session.execute(stmt).first() is not None


def _insert_ignoring_conflicts(session: Session, table: Table) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING, in the session's own dialect."""
    dialect = session.get_bind().dialect.name
    # Imported here: each dialect module is slow to import and a process needs only one.
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table).on_conflict_do_nothing()
    raise NotImplementedError(f"unsupported database: {dialect}")  # pragma: no cover


class SlackEventRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def claim(self, event_id: str, event_type: str, now: datetime) -> bool:
        """Record an event delivery; False when it was already taken (a Slack retry)."""
        return insert_if_absent(
            self.session,
            SlackEvent.__table__,  # type: ignore[arg-type]
            {"event_id": event_id, "event_type": event_type, "received_at": now},
        )

    def purge_received_before(self, cutoff: datetime) -> int:
        """Forget deliveries older than Slack's retry window; returns how many."""
        result = self.session.execute(delete(SlackEvent).where(SlackEvent.received_at < cutoff))
        return int(getattr(result, "rowcount", 0))


class RequestSignatureRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def claim(self, signature: str, signed_at: datetime) -> bool:
        """Record a signed request; False when its signature was already taken (a replay).

        The primary key decides, so two replicas receiving the same request cannot both win.
        """
        return insert_if_absent(
            self.session,
            RequestSignature.__table__,  # type: ignore[arg-type]
            {"signature": signature, "signed_at": signed_at},
        )

    def claim_all(self, signatures: dict[str, datetime]) -> set[str]:
        """Record many signed requests in one statement; returns the signatures that were new."""
        if not signatures:
            return set()
        table: Table = RequestSignature.__table__  # type: ignore[assignment]
        rows = [{"signature": sig, "signed_at": at} for sig, at in signatures.items()]
        # Many rows as parameters of one cached statement, which SQLAlchemy sends as one
        # multi-row INSERT; built as literal VALUES it would be compiled afresh each time.
        stmt = _insert_ignoring_conflicts(self.session, table).returning(table.c.signature)
        return set(self.session.scalars(stmt, rows))

    def purge_signed_before(self, cutoff: datetime) -> int:
        """Forget signatures too old to be accepted again anyway; returns how many."""
        result = self.session.execute(
            delete(RequestSignature).where(RequestSignature.signed_at < cutoff)
        )
        return int(getattr(result, "rowcount", 0))


class PersonRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, person_id: int) -> Person | None:
        return self.session.get(Person, person_id)

    def get_by_user(self, team_id: str, user_id: str) -> Person | None:
        return self.session.scalar(
            select(Person).where(Person.team_id == team_id, Person.user_id == user_id)
        )

    def list_for_team(self, team_id: str) -> list[Person]:
        return list(
            self.session.scalars(
                select(Person)
                .where(Person.team_id == team_id)
                .options(selectinload(Person.expertise), selectinload(Person.school))
                .order_by(Person.user_id)
            )
        )

    def list_coaches(self, team_id: str) -> list[Person]:
        return list(
            self.session.scalars(
                select(Person)
                .where(
                    Person.team_id == team_id,
                    Person.role.in_(COACH_ROLES),
                    Person.active.is_(True),
                )
                .options(selectinload(Person.expertise))
                .order_by(Person.display_name)
            )
        )

    def add(self, person: Person) -> Person:
        self.session.add(person)
        self.session.flush()
        return person


class SchoolRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, school_id: int) -> School | None:
        return self.session.get(School, school_id)

    def get_by_name(self, team_id: str, name: str) -> School | None:
        return self.session.scalar(
            select(School).where(School.team_id == team_id, School.name == name)
        )

    def get_or_add(self, team_id: str, name: str) -> School:
        school = self.get_by_name(team_id, name)
        if school is None:
            school = School(team_id=team_id, name=name)
            self.session.add(school)
            self.session.flush()
        return school

    def list_for_team(self, team_id: str) -> list[School]:
        return list(
            self.session.scalars(
                select(School).where(School.team_id == team_id).order_by(School.name)
            )
        )


class DistrictRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get_or_add(self, team_id: str) -> District:
        district = self.session.get(District, team_id)
        if district is None:
            district = District(team_id=team_id)
            self.session.add(district)
            self.session.flush()
        return district

    def closures(self, team_id: str, school_id: int | None) -> list[Closure]:
        """The closures that apply to a school: its own and the district's."""
        school_match: ColumnElement[bool] = Closure.school_id.is_(None)
        if school_id is not None:
            school_match = or_(school_match, Closure.school_id == school_id)
        return list(
            self.session.scalars(
                select(Closure)
                .where(Closure.team_id == team_id, school_match)
                .order_by(Closure.first_day, Closure.id)
            )
        )

    def own_closures(self, team_id: str, school_id: int | None) -> list[Closure]:
        """Closures entered for exactly this school, or for the district when school_id is None."""
        school_match = (
            Closure.school_id.is_(None) if school_id is None else Closure.school_id == school_id
        )
        return list(
            self.session.scalars(
                select(Closure)
                .where(Closure.team_id == team_id, school_match)
                .order_by(Closure.first_day, Closure.id)
            )
        )


class PlcChannelRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def list_for_team(self, team_id: str) -> list[PlcChannel]:
        return list(
            self.session.scalars(
                select(PlcChannel)
                .where(PlcChannel.team_id == team_id)
                .order_by(PlcChannel.channel_id)
            )
        )

    def ensure(self, team_id: str, channel_id: str, name: str = "") -> bool:
        """Record a PLC channel; True when it was new."""
        return insert_if_absent(
            self.session,
            PlcChannel.__table__,  # type: ignore[arg-type]
            {"team_id": team_id, "channel_id": channel_id, "name": name},
            key="id",
        )
