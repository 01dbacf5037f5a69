"""Reflection prompts in Slack: answering, sharing, and the teacher's snooze, pause and stop."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.app.deps import Deps
from bot.ids import Action, Block, Callback
from bot.rules import outbox, reflections
from bot.rules.domain import DEFAULT_TIMEZONE
from bot.rules.people import actor_for
from bot.rules.policy import Actor
from bot.slack.messaging import (
    Location,
    answer_privately,
    clicked_channel,
    known_click,
    send_dm,
    update_message,
)
from bot.views import reflections as views
from bot.views.common import build_notice_view, record_id
from storage.models import Person, Reflection
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

# Which block of the answer modal shows a refusal about a field.
ANSWER_BLOCKS = {"answer": Block.REFLECT_ANSWER, "share": Block.REFLECT_SHARE}


def register(app: App) -> None:
    app.action(Action.REFLECT_OPEN)(handle_reflect_open)
    app.view(Callback.REFLECT)(handle_reflect_submission)
    app.action(Action.REFLECT_SNOOZE)(handle_reflect_snooze)
    app.action(Action.REFLECT_STOP)(handle_reflect_stop)
    app.action(Action.REFLECT_PAUSE)(handle_reflect_pause_open)
    app.view(Callback.PAUSE)(handle_pause_submission)


# --------------------------------------------------------------------------- helpers


def _deps(context: BoltContext) -> Deps:
    deps: Deps = context["deps"]
    return deps


def _who(body: dict[str, Any]) -> tuple[str, str]:
    user = body["user"]
    return str(user.get("team_id") or body["team"]["id"]), str(user["id"])


def _actor(uow: UnitOfWork, deps: Deps, body: dict[str, Any]) -> Actor:
    return actor_for(uow, *_who(body), deps.admin_ids)


def _today(deps: Deps, person: Person | None) -> date:
    return deps.now().astimezone(ZoneInfo(person.timezone if person else DEFAULT_TIMEZONE)).date()


def _number(text: str | None) -> int | None:
    return record_id(text)


def _clicked_id(body: dict[str, Any]) -> int:
    """The reflection id a button carries; 0 (no such reflection) when it is not one."""
    return _number(str(body["actions"][0].get("value") or "")) or 0


def _in_view(body: dict[str, Any]) -> bool:
    """Clicked in a modal: answers are pushed onto it (the Home tab opens a new one instead)."""
    in_view = (body.get("container") or {}).get("type") == "view"
    return in_view and (body.get("view") or {}).get("type", "modal") == "modal"


def _prompt_to_update(
    uow: UnitOfWork, body: dict[str, Any], reflection: Reflection
) -> Location | None:
    """The prompt message to show the teacher's choice in: the one clicked when it is one of
    this reflection's prompts the outbox sent them, else the newest of those.

    Never the place a payload names on its own say-so.
    """
    sent = outbox.sent_about(
        uow, person_id=reflection.teacher_id, ref=reflections.ref_for(reflection)
    )
    clicked = known_click(body, sent, about=f"reflection {reflection.id}")
    return clicked or (sent[0] if sent else None)


def _tell(client: WebClient, body: dict[str, Any], text: str) -> None:
    """A short answer only the person who clicked sees: on the modal, or see answer_privately."""
    if _in_view(body):
        client.views_push(trigger_id=body["trigger_id"], view=build_notice_view("Reflection", text))
        return
    notice = views.build_reflection_notice(text)
    answer_privately(client, _who(body)[1], notice, clicked=clicked_channel(body))


def _show(client: WebClient, body: dict[str, Any], view: dict[str, Any]) -> None:
    if _in_view(body):
        client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        client.views_open(trigger_id=body["trigger_id"], view=view)


# --------------------------------------------------------------------------- answering


def handle_reflect_open(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Reflect: the answer modal, for the reflection's own teacher only."""
    ack()
    deps = _deps(context)
    with deps.uow() as uow:
        actor = _actor(uow, deps, body)
        try:
            reflection = reflections.load_own(uow, actor, _clicked_id(body))
        except reflections.ReflectionRefused as refused:
            _tell(client, body, refused.message)
            return
        coach = uow.people.get(reflection.coach_id) if reflection.coach_id else None
        view = views.build_answer_form(
            reflection_id=reflection.id,
            question=reflection.question,
            can_share=coach is not None and coach.active,
            initial_answer=reflection.answer,
            initial_shared=reflection.shared_with_coach,
        )
    _show(client, body, view)


def handle_reflect_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Save the answer; the coach hears only when the teacher chose to share it."""
    deps = _deps(context)
    form, errors = views.parse_answer_form(view["state"]["values"])
    if form is None:
        ack(response_action="errors", errors=errors)
        return
    reflection_id = _number(view.get("private_metadata")) or 0
    try:
        with deps.uow() as uow:
            actor = _actor(uow, deps, body)
            saved = reflections.answer(uow, actor, reflection_id, form.text, form.share, deps.now())
            coach = saved.tell_coach
            teacher = uow.session.get_one(Person, saved.reflection.teacher_id)
            shared_message = (
                views.build_shared_reflection(
                    teacher_user_id=teacher.user_id,
                    question=saved.reflection.question,
                    answer=form.text,
                    updated=saved.updated,
                )
                if coach is not None
                else None
            )
    except reflections.ReflectionRefused as refused:
        block = ANSWER_BLOCKS.get(refused.field, Block.REFLECT_ANSWER)
        ack(response_action="errors", errors={block: refused.message})
        return
    # Saved first: a Slack hiccup below cannot lose the teacher's words.
    ack(
        response_action="update",
        view=build_notice_view("Reflection saved", views.saved_text(shared=form.share)),
    )
    if coach is not None and shared_message is not None:
        send_dm(client, coach, shared_message)


# --------------------------------------------------------------------------- the teacher's say


def handle_reflect_snooze(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Tomorrow: ask again the next school day; the message says when."""
    ack()
    deps = _deps(context)
    now = deps.now()
    with deps.uow() as uow:
        actor = _actor(uow, deps, body)
        try:
            due = reflections.snooze(
                uow, actor, _clicked_id(body), now, views.build_reflection_prompt
            )
        except reflections.ReflectionRefused as refused:
            _tell(client, body, refused.message)
            return
        reflection = reflections.load_own(uow, actor, _clicked_id(body))
        teacher = uow.session.get_one(Person, reflection.teacher_id)
        zone = ZoneInfo(teacher.timezone)
        note = views.snoozed_note(due.astimezone(zone).date(), now.astimezone(zone).date())
        message = views.build_reflection_prompt(
            reflections.prompt_card(uow, reflection), note=note, reflect_only=True
        )
        where = _prompt_to_update(uow, body, reflection)
    if where is not None:
        update_message(client, *where, message)


def handle_reflect_stop(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Stop these: no more prompts; this one can still be answered."""
    ack()
    deps = _deps(context)
    reflection_id = _clicked_id(body)
    with deps.uow() as uow:
        actor = _actor(uow, deps, body)
        try:
            reflections.stop(uow, actor, deps.now(), reflection_id=reflection_id)
        except reflections.ReflectionRefused as refused:
            _tell(client, body, refused.message)
            return
        reflection = reflections.load_own(uow, actor, reflection_id)
        card = reflections.prompt_card(uow, reflection)
        where = _prompt_to_update(uow, body, reflection)
    message = views.build_reflection_prompt(card, note=views.STOPPED_NOTE, reflect_only=True)
    if where is not None:
        update_message(client, *where, message)


def handle_reflect_pause_open(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Pause prompts: a date picker, for the reflection's own teacher only."""
    ack()
    deps = _deps(context)
    with deps.uow() as uow:
        actor = _actor(uow, deps, body)
        try:
            reflection = reflections.load_own(uow, actor, _clicked_id(body))
        except reflections.ReflectionRefused as refused:
            _tell(client, body, refused.message)
            return
        teacher = uow.session.get_one(Person, reflection.teacher_id)
        view = views.build_pause_form(today=_today(deps, teacher), reflection_id=reflection.id)
    _show(client, body, view)


def handle_pause_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    deps = _deps(context)
    reflection_id = _number(view.get("private_metadata"))
    try:
        with deps.uow() as uow:
            actor = _actor(uow, deps, body)
            me = uow.people.get(actor.person_id) if actor.person_id is not None else None
            day, errors = views.parse_pause_form(view["state"]["values"], today=_today(deps, me))
            if day is None:
                ack(response_action="errors", errors=errors)
                return
            reflections.pause_until(uow, actor, day, deps.now(), reflection_id=reflection_id)
    except reflections.ReflectionRefused as refused:
        ack(response_action="errors", errors={Block.PAUSE_UNTIL: refused.message})
        return
    ack(response_action="update", view=build_notice_view("Prompts paused", views.paused_text(day)))
