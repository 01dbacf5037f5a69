"""Add-to-calendar for accepted visits: Google and Outlook links, and a signed .ics download."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

PRODID = "-//coachbot//visits//EN"
# A visit id is a database integer: at most ten digits, at most 2**31 - 1.
_MAX_VISIT_ID = 2**31 - 1
_SIGNATURE_LENGTH = 32
_MAX_TOKEN = len(str(_MAX_VISIT_ID)) + 1 + _SIGNATURE_LENGTH


@dataclass(frozen=True)
class CalendarEvent:
    """What goes on a calendar: never the focus or notes, which stay in Slack."""

    uid: str
    title: str
    starts_at: datetime
    ends_at: datetime
    description: str
    cancelled: bool = False
    sequence: int = 0


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_link(event: CalendarEvent) -> str:
    query = urlencode(
        {
            "action": "TEMPLATE",
            "text": event.title,
            "dates": f"{_utc_stamp(event.starts_at)}/{_utc_stamp(event.ends_at)}",
            "details": event.description,
        }
    )
    return f"https://calendar.google.com/calendar/render?{query}"


def outlook_link(event: CalendarEvent) -> str:
    query = urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": event.title,
            "startdt": event.starts_at.astimezone(UTC).isoformat(),
            "enddt": event.ends_at.astimezone(UTC).isoformat(),
            "body": event.description,
        }
    )
    return f"https://outlook.office.com/calendar/0/deeplink/compose?{query}"


def ics_bytes(event: CalendarEvent, *, now: datetime) -> bytes:
    """An iCalendar file with one event; a cancelled visit is sent as a cancellation."""
    # Imported here: icalendar is slow to import and only a calendar download needs it.
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if event.cancelled else "PUBLISH")
    item = Event()
    item.add("uid", event.uid)
    item.add("dtstamp", now.astimezone(UTC))
    item.add("dtstart", event.starts_at.astimezone(UTC))
    item.add("dtend", event.ends_at.astimezone(UTC))
    item.add("summary", event.title)
    item.add("description", event.description)
    item.add("sequence", event.sequence)
    item.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    calendar.add_component(item)
    return bytes(calendar.to_ical())


def link_key(bot_token: str) -> bytes:
    """The key that signs .ics links, derived so no new secret has to be configured."""
    return hashlib.sha256(b"coachbot calendar links\0" + bot_token.encode()).digest()


def ics_token(key: bytes, visit_id: int) -> str:
    signature = hmac.new(key, f"visit:{visit_id}".encode(), hashlib.sha256).hexdigest()
    return f"{visit_id}-{signature[:_SIGNATURE_LENGTH]}"


def visit_from_token(key: bytes, token: str) -> int | None:
    """The visit id a link was signed for, or None for a link nobody issued.

    A token longer than any coachbot issues, or whose id is no database id, is refused before
    anything is worked out from it.
    """
    if len(token) > _MAX_TOKEN or not token.isascii():
        return None
    visit_part, _, _signature = token.partition("-")
    if not visit_part.isdigit():
        return None
    visit_id = int(visit_part)
    if visit_id > _MAX_VISIT_ID:
        return None
    return visit_id if hmac.compare_digest(ics_token(key, visit_id), token) else None
