"""Celebrations in Slack: the offer after a goal is met, `/celebrate`, and posting to a channel.

Only what the author wrote or approved is posted, only by the author, and at most once. The
choice is saved before Slack is called; the post is recorded once Slack has it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.app.deps import Deps
from bot.ids import Action, Block, Callback, Command
from bot.rules import celebrations, outbox
from bot.rules.people import actor_for, ensure_person
from bot.rules.policy import Actor
from bot.slack.directory import SlackDirectory
from bot.slack.messaging import (
    Location,
    answer_privately,
    clicked_channel,
    known_click,
    send_dm,
    update_message,
)
from bot.views import celebrations as views
from bot.views.common import build_notice_view, command_text, record_id
from handlers.invite import MENTION
from storage.models import Goal, Person
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

# Which block of the modal shows a refusal about a field.
FORM_BLOCKS = {
    "text": Block.CELEBRATE_TEXT,
    "channel": Block.CELEBRATE_CHANNEL,
    "who": Block.CELEBRATE_WHO,
}
# Slack's answers that mean coachbot can't post in a channel it isn't in.
_CANNOT_JOIN = frozenset(
    {"not_in_channel", "channel_not_found", "method_not_supported_for_channel_type"}
)
_ARCHIVED = frozenset({"is_archived", "channel_is_archived"})
_SLACK_UNSURE = "Sorry, Slack couldn't tell us who you are just now. Please try again in a minute."
_STALE_FORM = "Sorry, this form is out of date. Please close it and start again."
# The outbox kind that records where an offer was sent (bot.rules.outbox.record_sent).
OFFER_KIND = "celebration_offer"


def register(app: App) -> None:
    app.command(Command.CELEBRATE)(handle_celebrate_command)
    app.action(Action.CELEBRATE_EDIT)(handle_celebrate_edit)
    app.action(Action.CELEBRATE_POST)(handle_celebrate_post)
    app.action(Action.CELEBRATE_DECLINE)(handle_celebrate_decline)
    app.view(Callback.CELEBRATE)(handle_celebrate_submission)


# --------------------------------------------------------------------------- helpers


def _deps(context: BoltContext) -> Deps:
    deps: Deps = context["deps"]
    return deps


def _who(body: dict[str, Any]) -> tuple[str, str]:
    if "user_id" in body:  # a slash command
        return str(body["team_id"]), str(body["user_id"])
    user = body["user"]
    return str(user.get("team_id") or body["team"]["id"]), str(user["id"])


def _actor(uow: UnitOfWork, deps: Deps, body: dict[str, Any]) -> Actor:
    return actor_for(uow, *_who(body), deps.admin_ids)


def _number(text: str | None) -> int | None:
    return record_id(text)


def _clicked_id(body: dict[str, Any]) -> int:
    """The celebration id a button carries; 0 (no such celebration) when it is not one."""
    return _number(str(body["actions"][0].get("value") or "")) or 0


def _offer_ref(celebration_id: int) -> str:
    return f"celebration:{celebration_id}"


def _offer_message(
    uow: UnitOfWork, celebration_id: int, author_id: int, body: dict[str, Any] | None
) -> Location | None:
    """Where coachbot sent the offer of this draft to its author, as stored when it was sent.

    A payload's message is only compared with it: a click from anywhere else is logged and
    that message left alone.
    """
    sent = outbox.sent_about(uow, person_id=author_id, ref=_offer_ref(celebration_id))
    if body is not None:
        known_click(body, sent, about=f"celebration {celebration_id}")
    return sent[0] if sent else None


def _in_view(body: dict[str, Any]) -> bool:
    return (body.get("container") or {}).get("type") == "view"


def _tell(client: WebClient, body: dict[str, Any], text: str) -> None:
    """A short private answer, where the person clicked."""
    if _in_view(body):
        client.views_push(trigger_id=body["trigger_id"], view=build_notice_view("Celebrate", text))
        return
    answer_privately(client, _who(body)[1], views.build_notice(text), clicked=clicked_channel(body))


def _show(client: WebClient, body: dict[str, Any], view: dict[str, Any]) -> None:
    if _in_view(body):
        client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        client.views_open(trigger_id=body["trigger_id"], view=view)


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
    return posted


# --------------------------------------------------------------------------- the offer


def offer_celebration(client: WebClient, deps: Deps, goal_id: int) -> bool:
    """After a goal is met: a draft for its teacher, sent to them; False when none is offered.

    Called once the goal's change is saved; the draft is saved before the message is sent.
    """
    with deps.uow() as uow:
        goal = uow.session.get(Goal, goal_id)
        if goal is None:
            return False
        celebration = celebrations.offer_for_goal(uow, goal, deps.now())
        if celebration is None:
            return False
        teacher = uow.session.get_one(Person, celebration.author_id)
        message = views.build_offer(celebration.id, celebration.text, celebration.channel_id)
        celebration_id = celebration.id
    where = send_dm(client, teacher, message)
    if where is None:
        return False
    with deps.uow() as uow:
        # Where the offer is, so its buttons update this message and no other.
        outbox.record_sent(
            uow,
            key=f"celebration-offer:{celebration_id}",
            person=teacher,
            kind=OFFER_KIND,
            ref=_offer_ref(celebration_id),
            where=where,
            now=deps.now(),
        )
    return True


# --------------------------------------------------------------------------- listeners


def handle_celebrate_command(
    ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """`/celebrate [@colleague]`: a shout-out the author writes, posted under their name."""
    ack()
    deps = _deps(context)
    mention = MENTION.search(command_text(command))
    with deps.uow() as uow:
        directory = SlackDirectory(client)
        me = ensure_person(uow, directory, *_who(command), deps.now())
        if me is None:
            return
        subject = (
            ensure_person(uow, directory, me.team_id, mention.group(1), deps.now())
            if mention
            else None
        )
        who = subject.user_id if subject is not None else me.user_id
        view = views.build_celebration_form(
            target=views.FormTarget(None),
            text=celebrations.shout_out_text(me.user_id, who),
            channel_id=me.plc_channel_id,
            who_user_id=who,
        )
    client.views_open(trigger_id=command["trigger_id"], view=view)


def handle_celebrate_edit(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Edit and post: the modal with the draft, for its author only."""
    ack()
    deps = _deps(context)
    with deps.uow() as uow:
        actor = _actor(uow, deps, body)
        try:
            celebration = celebrations.load_own(uow, actor, _clicked_id(body), deps.now())
        except celebrations.CelebrationRefused as refused:
            _tell(client, body, refused.message)
            return
        view = views.build_celebration_form(
            target=views.FormTarget(celebration.id),
            text=celebration.text,
            channel_id=celebration.channel_id,
        )
    _show(client, body, view)


def handle_celebrate_post(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Post as is: the draft, unchanged, in its channel."""
    ack()
    deps = _deps(context)
    celebration_id = _clicked_id(body)
    claimed: _Claimed | None = None
    view: dict[str, Any] | None = None
    try:
        with deps.uow() as uow:
            actor = _actor(uow, deps, body)
            draft = celebrations.load_own(uow, actor, celebration_id, deps.now())
            if draft.channel_id is None:
                # No PLC channel on file: the author chooses one in the modal.
                view = views.build_celebration_form(
                    target=views.FormTarget(draft.id),
                    text=draft.text,
                    channel_id=None,
                )
            else:
                claimed = _claim(uow, actor, celebration_id, deps, body)
    except celebrations.CelebrationRefused as refused:
        _tell(client, body, refused.message)
        return
    if claimed is None:
        if view is not None:
            _show(client, body, view)
        return
    posted = _post_claimed(client, deps, actor, claimed)
    if posted.ts is None:
        _tell(client, body, posted.problem)
        return
    if claimed.offer is not None:
        message = views.build_offer_posted(claimed.text, claimed.channel_id)
        update_message(client, *claimed.offer, message)


def handle_celebrate_decline(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """No thanks: kept to the teacher; nothing is posted anywhere."""
    ack()
    deps = _deps(context)
    try:
        with deps.uow() as uow:
            actor = _actor(uow, deps, body)
            declined = celebrations.decline(uow, actor, _clicked_id(body), deps.now())
            offer = _offer_message(uow, declined.id, declined.author_id, body)
    except celebrations.CelebrationRefused as refused:
        _tell(client, body, refused.message)
        return
    if offer is not None:
        update_message(client, *offer, views.build_offer_declined())


def handle_celebrate_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Post from the modal. Slack is asked before the answer, so that a channel coachbot
    can't post in shows as an error under the channel, with the words still there."""
    deps = _deps(context)
    target = views.parse_form_metadata(view.get("private_metadata"))
    if target is None:
        ack(response_action="errors", errors={Block.CELEBRATE_TEXT: _STALE_FORM})
        return
    shout_out = target.celebration_id is None
    form, errors = views.parse_celebration_form(view["state"]["values"], shout_out=shout_out)
    if form is None:
        ack(response_action="errors", errors=errors)
        return
    now = deps.now()
    try:
        with deps.uow() as uow:
            actor = _actor(uow, deps, body)
            if target.celebration_id is None:
                directory = SlackDirectory(client)
                me = ensure_person(uow, directory, *_who(body), now)
                if me is None:
                    ack(response_action="errors", errors={Block.CELEBRATE_TEXT: _SLACK_UNSURE})
                    return
                actor = _actor(uow, deps, body)
                subject = (
                    ensure_person(uow, directory, me.team_id, form.who_user_id, now)
                    if form.who_user_id
                    else None
                )
                if form.who_user_id and subject is None:
                    raise celebrations.CelebrationRefused(
                        "Slack doesn't know that person. Please choose someone else.", "who"
                    )
                celebration_id = celebrations.start_shout_out(uow, me, subject, now).id
            else:
                celebration_id = target.celebration_id
            celebrations.edit(uow, actor, celebration_id, form.text, form.channel_id, now)
            claimed = _claim(uow, actor, celebration_id, deps)
    except celebrations.CelebrationRefused as refused:
        block = FORM_BLOCKS.get(refused.field, Block.CELEBRATE_TEXT)
        ack(response_action="errors", errors={block: refused.message})
        return
    posted = _post_claimed(client, deps, actor, claimed)
    if posted.ts is None:
        ack(response_action="errors", errors={Block.CELEBRATE_CHANNEL: posted.problem})
        return
    ack(response_action="update", view=views.build_posted_view(claimed.channel_id))
    # The offer it came from shows it posted: found where coachbot sent it, never taken from
    # the modal's metadata.
    if claimed.offer is not None:
        message = views.build_offer_posted(claimed.text, claimed.channel_id)
        update_message(client, *claimed.offer, message)
