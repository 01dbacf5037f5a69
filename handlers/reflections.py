"""Reflection prompts in Slack: answering, sharing, and the teacher's snooze, pause and stop."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.app.deps import Deps
from bot.ids import Action, Callback, Input
from bot.rules import outbox, reflections
from bot.rules.cards import PromptCard
from bot.rules.policy import Actor
from bot.slack.messaging import (
    Location,
    known_click,
    send_dm,
    update_message,
)
from bot.views import reflections as views
from bot.views.common import build_notice_view
from handlers import common
from storage.models import Person, Reflection
from storage.uow import ChangedMeanwhile, UnitOfWork

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Which block of the answer modal shows a refusal about a field.
ANSWER_BLOCKS = {"answer": Input.REFLECT_ANSWER, "share": Input.REFLECT_SHARE}


# --------------------------------------------------------------------------- helpers


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


# The teacher, the prompt's card, and where the prompt is to show the teacher's choice.
_Prompt = tuple[Person, PromptCard, Location | None]


def _prompt(uow: UnitOfWork, actor: Actor, body: dict[str, Any], reflection_id: int) -> _Prompt:
    """A prompt as it is to be shown again, after a choice about it was saved."""
    reflection = reflections.load_own(uow, actor, reflection_id)
    teacher = uow.session.get_one(Person, reflection.teacher_id)
    card = reflections.prompt_card(uow, reflection)
    return teacher, card, _prompt_to_update(uow, body, reflection)


def _attempt(
    client: WebClient, deps: Deps, body: dict[str, Any], step: Callable[[UnitOfWork, Actor], T]
) -> T | None:
    """common.attempt, with a refusal told under the title "Reflection"."""
    return common.attempt(client, deps, body, step, title="Reflection")


# --------------------------------------------------------------------------- answering


def handle_reflect_open(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """Reflect: the answer modal, for the reflection's own teacher only."""
    ack()

    def load(uow: UnitOfWork, actor: Actor) -> tuple[Reflection, Person | None]:
        reflection = reflections.load_own(uow, actor, common.clicked_id(body))
        return reflection, uow.people.get(reflection.coach_id) if reflection.coach_id else None

    found = _attempt(client, deps, body, load)
    if found is None:
        return
    reflection, coach = found
    view = views.build_answer_form(
        reflection_id=reflection.id,
        question=reflection.question,
        can_share=coach is not None and coach.active,
        initial_answer=reflection.answer,
        initial_shared=reflection.shared_with_coach,
    )
    common.show(client, body, view)


def handle_reflect_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    """Save the answer; the coach hears only when the teacher chose to share it."""
    form = common.accepted(ack, views.parse_answer_form(view["state"]["values"]))
    if form is None:
        return
    reflection_id = common.number(view.get("private_metadata")) or 0
    try:
        with deps.uow() as uow:
            actor = common.actor(uow, deps, body)
            saved = reflections.answer(uow, actor, reflection_id, form.text, form.share, deps.now())
            uow.commit()
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
        block = ANSWER_BLOCKS.get(refused.field, Input.REFLECT_ANSWER)
        ack(response_action="errors", errors={block: refused.message})
        return
    except ChangedMeanwhile:
        ack(response_action="errors", errors={Input.REFLECT_ANSWER: common.CHANGED})
        return
    # Saved first: a Slack hiccup below cannot lose the teacher's words.
    ack(
        response_action="update",
        view=build_notice_view("Reflection saved", views.saved_text(shared=form.share)),
    )
    if coach is not None and shared_message is not None:
        send_dm(client, coach, shared_message)


# --------------------------------------------------------------------------- the teacher's say


def handle_reflect_snooze(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """Tomorrow: ask again the next school day; the message says when."""
    ack()
    now = deps.now()
    reflection_id = common.clicked_id(body)

    def snooze(uow: UnitOfWork, actor: Actor) -> tuple[datetime, _Prompt]:
        due = reflections.snooze(uow, actor, reflection_id, now, views.build_reflection_prompt)
        uow.commit()
        return due, _prompt(uow, actor, body, reflection_id)

    done = _attempt(client, deps, body, snooze)
    if done is None:
        return
    due, (teacher, card, where) = done
    zone = ZoneInfo(teacher.timezone)
    note = views.snoozed_note(due.astimezone(zone).date(), now.astimezone(zone).date())
    message = views.build_reflection_prompt(card, note=note, reflect_only=True)
    if where is not None:
        update_message(client, *where, message)


def handle_reflect_stop(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """Stop these: no more prompts; this one can still be answered."""
    ack()
    reflection_id = common.clicked_id(body)

    def stop(uow: UnitOfWork, actor: Actor) -> _Prompt:
        reflections.stop(uow, actor, deps.now(), reflection_id=reflection_id)
        uow.commit()
        return _prompt(uow, actor, body, reflection_id)

    done = _attempt(client, deps, body, stop)
    if done is None:
        return
    _teacher, card, where = done
    message = views.build_reflection_prompt(card, note=views.STOPPED_NOTE, reflect_only=True)
    if where is not None:
        update_message(client, *where, message)


def handle_reflect_pause_open(
    ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    """Pause prompts: a date picker, for the reflection's own teacher only."""
    ack()

    def load(uow: UnitOfWork, actor: Actor) -> tuple[Reflection, Person]:
        reflection = reflections.load_own(uow, actor, common.clicked_id(body))
        return reflection, uow.session.get_one(Person, reflection.teacher_id)

    found = _attempt(client, deps, body, load)
    if found is None:
        return
    reflection, teacher = found
    view = views.build_pause_form(today=common.today(deps, teacher), reflection_id=reflection.id)
    common.show(client, body, view)


def handle_pause_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    reflection_id = common.number(view.get("private_metadata"))
    try:
        with deps.uow() as uow:
            actor = common.actor(uow, deps, body)
            me = uow.people.get(actor.person_id) if actor.person_id is not None else None
            day = common.accepted(
                ack, views.parse_pause_form(view["state"]["values"], today=common.today(deps, me))
            )
            if day is None:
                return
            reflections.pause_until(uow, actor, day, deps.now(), reflection_id=reflection_id)
            uow.commit()
    except reflections.ReflectionRefused as refused:
        ack(response_action="errors", errors={Input.PAUSE_UNTIL: refused.message})
        return
    ack(response_action="update", view=build_notice_view("Prompts paused", views.paused_text(day)))


ROUTES: common.Routes = {
    Action.REFLECT_OPEN: handle_reflect_open,
    Callback.REFLECT: handle_reflect_submission,
    Action.REFLECT_SNOOZE: handle_reflect_snooze,
    Action.REFLECT_STOP: handle_reflect_stop,
    Action.REFLECT_PAUSE: handle_reflect_pause_open,
    Callback.PAUSE: handle_pause_submission,
}
