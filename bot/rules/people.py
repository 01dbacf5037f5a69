"""People: Slack users as roster rows, kept fresh from Slack, and who each one is to the policy."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.rules.domain import DEFAULT_TIMEZONE, Role
from bot.rules.policy import Actor
from storage.models import Person
from storage.uow import UnitOfWork

# Names and time zones change rarely; a week-old copy is refreshed on the next interaction.
STALE_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class SlackProfile:
    """What coachbot keeps from a Slack user object."""

    user_id: str
    team_id: str
    display_name: str
    email: str | None
    timezone: str | None
    deleted: bool = False
    is_bot: bool = False


def profile_from_user(user: Mapping[str, Any]) -> SlackProfile:
    """Read a `users.info` / `users.lookupByEmail` / `user_change` user object."""
    profile = user.get("profile") or {}
    name = (
        profile.get("display_name")
        or profile.get("real_name")
        or user.get("real_name")
        or user.get("name")
        or user["id"]
    )
    return SlackProfile(
        user_id=str(user["id"]),
        team_id=str(user.get("team_id") or profile.get("team") or ""),
        display_name=str(name)[:200],
        email=(profile.get("email") or None),
        timezone=user.get("tz") or None,
        deleted=bool(user.get("deleted", False)),
        is_bot=bool(user.get("is_bot", False)),
    )


class Directory(Protocol):
    """Looks people up in Slack; None when Slack does not know them."""

    def user_info(self, user_id: str) -> SlackProfile | None: ...

    def lookup_email(self, email: str) -> SlackProfile | None: ...


def valid_timezone(name: str | None, fallback: str = DEFAULT_TIMEZONE) -> str:
    if name:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return fallback
        return name
    return fallback


def sync_person(uow: UnitOfWork, team_id: str, profile: SlackProfile, now: datetime) -> Person:
    """Create or refresh a person's row from their Slack profile."""
    person = uow.people.get_by_user(team_id, profile.user_id)
    if person is None:
        person = uow.people.add(
            Person(
                team_id=team_id,
                user_id=profile.user_id,
                role=Role.TEACHER.value,
                display_name=profile.display_name,
                timezone=valid_timezone(profile.timezone),
                email=profile.email,
                active=not profile.deleted,
                synced_at=now,
            )
        )
        return person
    person.display_name = profile.display_name
    person.timezone = valid_timezone(profile.timezone, person.timezone)
    person.email = profile.email or person.email
    person.active = not profile.deleted
    person.synced_at = now
    return person


def ensure_person(
    uow: UnitOfWork, directory: Directory, team_id: str, user_id: str, now: datetime
) -> Person | None:
    """The person's row, fetched from Slack when new or stale; None if Slack has no such user."""
    person = uow.people.get_by_user(team_id, user_id)
    if person is not None and person.synced_at and now - person.synced_at < STALE_AFTER:
        return person
    profile = directory.user_info(user_id)
    if profile is None:
        return person
    return sync_person(uow, team_id, profile, now)


def apply_user_change(uow: UnitOfWork, team_id: str, profile: SlackProfile, now: datetime) -> bool:
    """Update someone coachbot already knows from a `user_change` event; True if they are known.

    People coachbot has never met are not added: a workspace's every profile edit is not ours.
    """
    if uow.people.get_by_user(team_id, profile.user_id) is None:
        return False
    sync_person(uow, team_id, profile, now)
    return True


def actor_for(
    uow: UnitOfWork, team_id: str, user_id: str, admin_ids: Collection[str] = ()
) -> Actor:
    """Who is acting, for the policy; someone without a row is a teacher with no records."""
    person = uow.people.get_by_user(team_id, user_id)
    if person is None:
        return Actor(team_id, user_id, None, Role.TEACHER, admin=user_id in admin_ids)
    role = Role(person.role)
    return Actor(
        team_id=team_id,
        user_id=user_id,
        person_id=person.id,
        role=role,
        admin=role.administers or user_id in admin_ids,
        active=person.active,
    )
