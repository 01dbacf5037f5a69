"""Celebrations in Slack: the offer after a goal is met, `/celebrate`, and posting to a channel.

Only what the author wrote or approved is posted, only by the author, and at most once. The
choice is saved before Slack is called; the post is recorded once Slack has it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.app.deps import Deps
from bot.ids import Action, Callback, Command, Input
from bot.rules import celebrations, outbox
from bot.rules.people import ensure_person
from bot.rules.policy import Actor
from bot.slack.directory import SlackDirectory
from bot.slack.messaging import (
    Location,
    known_click,
    update_message,
)
from bot.views import celebrations as views
from bot.views.common import command_text
from handlers import common, shared
from storage.models import Person
from storage.uow import ChangedMeanwhile, UnitOfWork

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Which block of the modal shows a refusal about a field.
FORM_BLOCKS = {
    "text": Input.CELEBRATE_TEXT,
    "channel": Input.CELEBRATE_CHANNEL,
    "who": Input.CELEBRATE_WHO,
}
# Slack's answers that mean coachbot can't post in a channel it isn't in.
_CANNOT_JOIN = frozenset(
    {"not_in_channel", "channel_not_found", "method_not_supported_for_channel_type"}
)
_ARCHIVED = frozenset({"is_archived", "channel_is_archived"})
_CHANGED = "This changed while you were looking, so nothing was posted. Please try again."
_STALE_FORM = "Sorry, this form is out of date. Please close it and start again."


# --------------------------------------------------------------------------- helpers


def _offer_message(
    uow: UnitOfWork, celebration_id: int, author_id: int, body: dict[str, Any] | None
) -> Location | None:
    """Where coachbot sent the offer of this draft to its author, as stored when it was sent.

    A payload's message is only compared with it: a click from anywhere else is logged and
    that message left alone.
    """
    sent = outbox.sent_about(uow, person_id=author_id, ref=shared.offer_ref(celebration_id))
    if body is not None:
        known_click(body, sent, about=f"celebration {celebration_id}")
    return sent[0] if sent else None


def _attempt(
    client: WebClient, deps: Deps, body: dict[str, Any], step: Callable[[UnitOfWork, Actor], T]
) -> T | None:
    """common.attempt, with a refusal told under the title "Celebrate"."""
    return common.attempt(client, deps, body, step, changed=_CHANGED, title="Celebrate")


# --------------------------------------------------------------------------- posting


@dataclass(frozen=True)
class Posted:
    """What Slack said: the post's ts, or a message for the person saying why there is none."""

    ts: str | None
    problem: str = ""


def post_to_channel(client: WebClient, channel_id: str, message: dict[str, Any]) -> Posted:
    """Post; join a public channel coachbot isn't in and post again; never a private one."""
    try:
        return Posted(str(client.chat_postMessage(channel=channel_id, **message)["ts"]))
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "")
        if error != "not_in_channel":
            return _not_posted(channel_id, error)
    try:
        client.conversations_join(channel=channel_id)
    except SlackApiError as exc:
        return _not_posted(channel_id, str(exc.response.get("error") or ""))
    try:
        return Posted(str(client.chat_postMessage(channel=channel_id, **message)["ts"]))
    except SlackApiError as exc:
        return _not_posted(channel_id, str(exc.response.get("error") or ""))


def _not_posted(channel_id: str, error: str) -> Posted:
    logger.info("celebration not posted in %s: %s", channel_id, error)
    if error in _CANNOT_JOIN:
        return Posted(None, views.PRIVATE_CHANNEL)
    if error in _ARCHIVED:
        return Posted(None, views.ARCHIVED_CHANNEL)
    return Posted(None, views.SLACK_TROUBLE)


@dataclass(frozen=True)
class _Claimed:
    celebration_id: int
    author_user_id: str
    channel_id: str
    text: str
    offer: Location | None  # where its offer was sent, to show it posted


def _claim(
    uow: UnitOfWork,
    actor: Actor,
    celebration_id: int,
    deps: Deps,
    body: dict[str, Any] | None = None,
) -> _Claimed:
    celebration = celebrations.start_posting(uow, actor, celebration_id, deps.now())
    author = uow.session.get_one(Person, celebration.author_id)
    assert celebration.channel_id is not None  # start_posting refuses a draft without one
    offer = _offer_message(uow, celebration.id, author.id, body)
    return _Claimed(celebration.id, author.user_id, celebration.channel_id, celebration.text, offer)


def _post_claimed(client: WebClient, deps: Deps, actor: Actor, claimed: _Claimed) -> Posted:
    """Post a claimed draft, then record it as posted, or free it again when Slack said no."""
    posted = post_to_channel(
        client, claimed.channel_id, views.build_channel_post(claimed.author_user_id, claimed.text)
    )
    with deps.uow() as uow:
        if posted.ts is None:
            celebrations.release(uow, actor, claimed.celebration_id)
        else:
            celebrations.mark_posted(uow, actor, claimed.celebration_id, posted.ts, deps.now())
        uow.commit()
    return posted


# --------------------------------------------------------------------------- listeners


def handle_celebrate_command(
    ack: Ack, command: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    """`/celebrate [@colleague]`: a shout-out the author writes, posted under their name."""
    ack()
    mention = common.MENTION.search(command_text(command))
    with deps.uow() as uow:
        directory = SlackDirectory(client)
        me = ensure_person(uow, directory, *common.who(command), deps.now())
        if me is None:
            return
        subject = (
            ensure_person(uow, directory, me.team_id, mention.group(1), deps.now())
            if mention
            else None
        )
        uow.commit()
        who = subject.user_id if subject is not None else me.user_id
        text = celebrations.readable(
            celebrations.shout_out_text(me.user_id, who), uow.people.names(me.team_id, {who})
        )
        view = views.build_celebration_form(
            target=views.FormTarget(None),
            text=text,
            channel_id=me.plc_channel_id,
            who_user_id=who,
        )
    client.views_open(trigger_id=command["trigger_id"], view=view)


def handle_celebrate_edit(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """Edit and post: the modal with the draft, for its author only."""
    ack()

    def load(uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
        draft = celebrations.load_own(uow, actor, common.clicked_id(body), deps.now())
        return views.build_celebration_form(
            target=views.FormTarget(draft.id),
            text=celebrations.box_text(uow, draft),
            channel_id=draft.channel_id,
        )

    view = _attempt(client, deps, body, load)
    if view is None:
        return
    common.show(client, body, view)


def handle_celebrate_post(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """Post as is: the draft, unchanged, in its channel."""
    ack()
    celebration_id = common.clicked_id(body)

    def claim(uow: UnitOfWork, actor: Actor) -> tuple[Actor, _Claimed | dict[str, Any]]:
        draft = celebrations.load_own(uow, actor, celebration_id, deps.now())
        if draft.channel_id is None:
            # No PLC channel on file: the author chooses one in the modal.
            target = views.FormTarget(draft.id)
            return actor, views.build_celebration_form(
                target=target, text=celebrations.box_text(uow, draft), channel_id=None
            )
        claimed = _claim(uow, actor, celebration_id, deps, body)
        uow.commit()
        return actor, claimed

    found = _attempt(client, deps, body, claim)
    if found is None:
        return
    actor, claimed = found
    if not isinstance(claimed, _Claimed):
        common.show(client, body, claimed)
        return
    posted = _post_claimed(client, deps, actor, claimed)
    if posted.ts is None:
        common.tell(client, body, views.build_notice(posted.problem), title="Celebrate")
        return
    if claimed.offer is not None:
        message = views.build_offer_posted(claimed.text, claimed.channel_id)
        update_message(client, *claimed.offer, message)


def handle_celebrate_decline(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """No thanks: kept to the teacher; nothing is posted anywhere."""
    ack()

    def decline(uow: UnitOfWork, actor: Actor) -> Location | None:
        declined = celebrations.decline(uow, actor, common.clicked_id(body), deps.now())
        uow.commit()
        return _offer_message(uow, declined.id, declined.author_id, body)

    offer = _attempt(client, deps, body, decline)
    if offer is not None:
        update_message(client, *offer, views.build_offer_declined())


def handle_celebrate_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    """Post from the modal. Slack is asked before the answer, so that a channel coachbot
    can't post in shows as an error under the channel, with the words still there."""
    target = views.parse_form_metadata(view.get("private_metadata"))
    if target is None:
        ack(response_action="errors", errors={Input.CELEBRATE_TEXT: _STALE_FORM})
        return
    shout_out = target.celebration_id is None
    form = common.accepted(
        ack, views.parse_celebration_form(view["state"]["values"], shout_out=shout_out)
    )
    if form is None:
        return
    now = deps.now()
    try:
        with deps.uow() as uow:
            actor = common.actor(uow, deps, body)
            if target.celebration_id is None:
                directory = SlackDirectory(client)
                me = ensure_person(uow, directory, *common.who(body), now)
                if me is None:
                    ack(
                        response_action="errors", errors={Input.CELEBRATE_TEXT: common.SLACK_UNSURE}
                    )
                    return
                actor = common.actor(uow, deps, body)
                subject = (
                    ensure_person(uow, directory, me.team_id, form.who_user_id, now)
                    if form.who_user_id
                    else None
                )
                uow.commit()  # whoever Slack told us about is known, whatever comes next
                if form.who_user_id and subject is None:
                    raise celebrations.CelebrationRefused(
                        "Slack doesn't know that person. Please choose someone else.", "who"
                    )
                celebration_id = celebrations.start_shout_out(uow, me, subject, now).id
            else:
                celebration_id = target.celebration_id
            celebrations.edit(uow, actor, celebration_id, form.text, form.channel_id, now)
            claimed = _claim(uow, actor, celebration_id, deps)
            uow.commit()
    except celebrations.CelebrationRefused as refused:
        block = FORM_BLOCKS.get(refused.field, Input.CELEBRATE_TEXT)
        ack(response_action="errors", errors={block: refused.message})
        return
    except ChangedMeanwhile:
        ack(response_action="errors", errors={Input.CELEBRATE_TEXT: _CHANGED})
        return
    posted = _post_claimed(client, deps, actor, claimed)
    if posted.ts is None:
        ack(response_action="errors", errors={Input.CELEBRATE_CHANNEL: posted.problem})
        return
    ack(response_action="update", view=views.build_posted_view(claimed.channel_id))
    # The offer it came from shows it posted: found where coachbot sent it, never taken from
    # the modal's metadata.
    if claimed.offer is not None:
        message = views.build_offer_posted(claimed.text, claimed.channel_id)
        update_message(client, *claimed.offer, message)


ROUTES: common.Routes = {
    Command.CELEBRATE: handle_celebrate_command,
    Action.CELEBRATE_EDIT: handle_celebrate_edit,
    Action.CELEBRATE_POST: handle_celebrate_post,
    Action.CELEBRATE_DECLINE: handle_celebrate_decline,
    Callback.CELEBRATE: handle_celebrate_submission,
}
