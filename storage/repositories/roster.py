"""People, schools, the district's calendar and PLC channels."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Table, func, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from storage.models import Closure, District, Person, PlcChannel, School
from storage.repositories.base import Repository, RowRepository, insert_if_absent

# Roles that coach teachers (bot.rules.domain.Role values; storage keeps plain strings).
COACH_ROLES = ("coach", "lead_coach")


class PersonRepository(RowRepository[Person]):
    model = Person

    def get_one(self, person_id: int) -> Person:
        """A person who must exist (a row's own teacher, say); raises if they do not."""
        return self.session.get_one(Person, person_id)

    def get_by_user(self, team_id: str, user_id: str) -> Person | None:
        return self.session.scalar(
            select(Person).where(Person.team_id == team_id, Person.user_id == user_id)
        )

    def names(self, team_id: str, user_ids: Iterable[str]) -> dict[str, str]:
        """Display names of the people among `user_ids` coachbot knows (with a name)."""
        wanted = set(user_ids)
        if not wanted:
            return {}
        rows = self.session.execute(
            select(Person.user_id, Person.display_name).where(
                Person.team_id == team_id, Person.user_id.in_(wanted)
            )
        )
        return {user_id: name for user_id, name in rows if name and name.strip()}

    def list_for_team(self, team_id: str) -> list[Person]:
        return self.all(
            select(Person)
            .where(Person.team_id == team_id)
            .options(selectinload(Person.expertise), selectinload(Person.school))
            .order_by(Person.user_id)
        )

    def count_active(self, team_id: str) -> dict[tuple[str, bool], int]:
        """Active people by (role, has an assigned coach), counted by the database."""
        assigned = Person.assigned_coach_id.is_not(None)
        rows = self.session.execute(
            select(Person.role, assigned, func.count())
            .where(Person.team_id == team_id, Person.active.is_(True))
            .group_by(Person.role, assigned)
        )
        return {(str(role), bool(has_coach)): int(n) for role, has_coach, n in rows}

    def list_coaches(self, team_id: str) -> list[Person]:
        return self.all(
            select(Person)
            .where(
                Person.team_id == team_id,
                Person.role.in_(COACH_ROLES),
                Person.active.is_(True),
            )
            .options(selectinload(Person.expertise))
            .order_by(Person.display_name)
        )


class SchoolRepository(RowRepository[School]):
    model = School

    def get_by_name(self, team_id: str, name: str) -> School | None:
        return self.session.scalar(
            select(School).where(School.team_id == team_id, School.name == name)
        )

    def get_or_add(self, team_id: str, name: str) -> School:
        school = self.get_by_name(team_id, name)
        if school is None:
            school = self.add(School(team_id=team_id, name=name))
        return school

    def list_for_team(self, team_id: str) -> list[School]:
        return self.all(select(School).where(School.team_id == team_id).order_by(School.name))

    def count_for_team(self, team_id: str) -> int:
        query = select(func.count()).select_from(School).where(School.team_id == team_id)
        return int(self.session.scalar(query) or 0)


class DistrictRepository(Repository):
    def get_or_add(self, team_id: str) -> District:
        """The workspace's district row, added with the defaults on first use; two replicas
        adding it at once both get the one row (INSERT ... ON CONFLICT DO NOTHING)."""
        district = self.session.get(District, team_id)
        if district is None:
            table: Table = District.__table__  # type: ignore[assignment]
            insert_if_absent(self.session, table, {"team_id": team_id})
            district = self.session.get_one(District, team_id)
        return district

    def closures(self, team_id: str, school_id: int | None) -> list[Closure]:
        """The closures that apply to a school: its own and the district's."""
        school_match: ColumnElement[bool] = Closure.school_id.is_(None)
        if school_id is not None:
            school_match = or_(school_match, Closure.school_id == school_id)
        return self.all(
            select(Closure)
            .where(Closure.team_id == team_id, school_match)
            .order_by(Closure.first_day, Closure.id)
        )

    def all_closures(self, team_id: str) -> list[Closure]:
        """Every closure of the workspace, the district's and each school's, in date order."""
        return self.all(
            select(Closure)
            .where(Closure.team_id == team_id)
            .order_by(Closure.first_day, Closure.id)
        )

    def own_closures(self, team_id: str, school_id: int | None) -> list[Closure]:
        """Closures entered for exactly this school, or for the district when school_id is None."""
        school_match = (
            Closure.school_id.is_(None) if school_id is None else Closure.school_id == school_id
        )
        return self.all(
            select(Closure)
            .where(Closure.team_id == team_id, school_match)
            .order_by(Closure.first_day, Closure.id)
        )


class PlcChannelRepository(Repository):
    def list_for_team(self, team_id: str) -> list[PlcChannel]:
        return self.all(
            select(PlcChannel).where(PlcChannel.team_id == team_id).order_by(PlcChannel.channel_id)
        )

    def count_for_team(self, team_id: str) -> int:
        query = select(func.count()).select_from(PlcChannel).where(PlcChannel.team_id == team_id)
        return int(self.session.scalar(query) or 0)

    def ensure(self, team_id: str, channel_id: str, name: str = "") -> bool:
        """Record a PLC channel; True when it was new."""
        return insert_if_absent(
            self.session,
            PlcChannel.__table__,  # type: ignore[arg-type]
            {"team_id": team_id, "channel_id": channel_id, "name": name},
            key="id",
        )
