"""Telling people about a visit: its card for one reader, calendar links, restating a message
coachbot sent about it, and the cancel and decline announcements.

One place for invitations, nudges, reflections and the Home tab alike, so every message about
a visit shows the same details. Messages are updated only where coachbot stored that it posted
them, never where a payload points.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk import WebClient

from bot.rules.calendar_links import google_link, ics_token, outlook_link
from bot.rules.domain import SupportType, VisitStatus
from bot.rules.visits import calendar_event_for
from bot.slack.messaging import Location, location, send_dm, update_message
from bot.views import invite as views
from storage.models import Person, Visit

COACH, TEACHER = "coach", "teacher"


def card_in_zone(visit: Visit, tz: str) -> views.VisitCard:
    """The visit as a message shows it to a reader in zone `tz`."""
    return views.VisitCard(
        visit_id=visit.id,
        version=visit.version,
        teacher_user_id=visit.teacher.user_id,
        coach_user_id=visit.coach.user_id,
        starts_at=visit.starts_at,
        ends_at=visit.ends_at,
        tz=tz,
        class_name=visit.class_name,
        support=SupportType(visit.support_type),
        focus=visit.focus,
        note=visit.note,
        status=VisitStatus(visit.status),
        proposed_starts_at=visit.proposed_starts_at,
        proposed_ends_at=visit.proposed_ends_at,
        proposed_by=visit.proposed_by,
        proposal_note=visit.proposal_note,
        decline_reason=visit.decline_reason,
    )


def card_for(visit: Visit, viewer: Person) -> views.VisitCard:
    """The visit as `viewer` reads it, in their own time zone."""
    return card_in_zone(visit, viewer.timezone)


def calendar_links(visit: Visit, public_url: str | None, link_key: bytes) -> views.CalendarLinks:
    """Google and Outlook links, and a signed .ics download when the server has a public URL."""
    event = calendar_event_for(visit)
    ics = None
    if public_url and link_key:
        ics = f"{public_url}calendar/{ics_token(link_key, visit.id)}.ics"
    return views.CalendarLinks(google=google_link(event), outlook=outlook_link(event), ics=ics)


def other_side(side: str) -> str:
    return TEACHER if side == COACH else COACH


def person_on(visit: Visit, side: str) -> Person:
    return visit.coach if side == COACH else visit.teacher


def stored_message(visit: Visit, side: str) -> Location | None:
    """Where coachbot last posted to this side about the visit."""
    if side == COACH:
        return location(visit.coach_channel, visit.coach_ts)
    return location(visit.teacher_channel, visit.teacher_ts)


def restate(
    client: WebClient,
    visit: Visit,
    side: str,
    headline: str,
    also: Location | None = None,
) -> None:
    """Turn one person's message about the visit into its current state, without buttons.

    The message is the one coachbot stored, never the one a payload names; `also` is another
    message coachbot sent them about the visit (a reminder they answered from).
    """
    message = views.build_status_update(
        card_for(visit, person_on(visit, side)), viewer=side, headline=headline
    )
    stored = stored_message(visit, side)
    for place in (stored, also if also != stored else None):
        if place is not None:
            update_message(client, *place, message)


def announce_cancel(
    client: WebClient, visit: Visit, teacher_headline: str, also: Location | None = None
) -> None:
    """The teacher called the visit off: both messages restated, and the coach told."""
    restate(client, visit, TEACHER, teacher_headline, also)
    restate(
        client, visit, COACH, f":no_entry_sign: <@{visit.teacher.user_id}> cancelled this visit."
    )
    send_dm(client, visit.coach, views.build_cancelled(card_for(visit, visit.coach)))


def announce_decline(client: WebClient, visit: Visit, others: Sequence[views.OtherCoach]) -> None:
    """The coach can't make it: both messages restated, and the teacher offered other coaches."""
    restate(client, visit, COACH, "You declined.")
    restate(client, visit, TEACHER, f"<@{visit.coach.user_id}> can't make this one.")
    send_dm(
        client, visit.teacher, views.build_declined(card_for(visit, visit.teacher), others=others)
    )
