"""Next steps that close, in Slack: the check-back's "Tried it" (and its "How did it go?" form),
"Need help" (and the invitation it offers) and "Not yet (remind me in a week)".

Each answer is saved first; then the check-back message shows it, the coach hears of a tried
step or a call for help, and both Homes show the cycle's new state.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.app.deps import Deps
from bot.ids import Action, Callback, Input
from bot.rules import next_steps as rules, outbox
from bot.rules.domain import StepAnswer
from bot.rules.policy import Actor
from bot.slack.messaging import Location, known_click, send_dm, update_message
from bot.views import next_steps as views
from bot.views.common import build_notice_view
from bot.views.invite import build_invite_form
from bot.views.visits import build_notice
from handlers import common, shared
from handlers.publish import refresh_home
from storage.models import Person
from storage.uow import ChangedMeanwhile, UnitOfWork

logger = logging.getLogger(__name__)

TITLE = "Next step"
STALE = "This message is out of date, so nothing was recorded."
RECORDED = "Recorded: you tried it. Thank you!"


@dataclass(frozen=True)
class _Told:
    """A recorded answer and what telling the teacher and the coach about it needs."""

    answered: rules.Answered
    teacher: Person
    coach: Person
    today: date
    where: Location | None  # the check-back message to show the answer in


def _saved(uow: UnitOfWork, deps: Deps, body: dict[str, Any], answered: rules.Answered) -> _Told:
    """After the commit: the people, and the check-back message coachbot sent the teacher
    (the one clicked when it is one of those, else the newest)."""
    step = answered.step
    sent = outbox.sent_about(uow, person_id=step.teacher.id, ref=rules.ref_for(step.note.id))
    clicked = known_click(body, sent, about=f"note {step.note.id} check-back")
    where = clicked or (sent[0] if sent else None)
    return _Told(answered, step.teacher, step.coach, common.today(deps, step.teacher), where)


def _tell(client: WebClient, deps: Deps, body: dict[str, Any], told: _Told) -> None:
    """The teacher sees the answer where they were asked; the coach hears of a tried step or a
    call for help; both Homes show the cycle's state."""
    answered = told.answered
    coach_user_id = told.coach.user_id if told.coach.active else None
    shown = views.build_answered(
        next_step=answered.step.words,
        kind=answered.kind,
        coach_user_id=coach_user_id,
        line=answered.line,
        remind_on=answered.remind_on,
        today=told.today,
        note_id=answered.step.note.id,
    )
    if told.where is not None:
        update_message(client, *told.where, shown)
    elif "actions" in body:
        common.tell(client, body, shown, title=TITLE)
    if answered.kind is not StepAnswer.NOT_YET:
        send_dm(
            client,
            told.coach,
            views.build_coach_told(
                teacher_user_id=told.teacher.user_id,
                next_step=answered.step.words,
                kind=answered.kind,
                line=answered.line,
            ),
        )
    logger.info("next step answered: note=%s kind=%s", answered.step.note.id, answered.kind.value)
    refresh_home(client, deps, (told.teacher.id, told.coach.id))


def _clicked_step(ack: Ack, body: dict[str, Any], client: WebClient) -> rules.StepRef | None:
    """The check-back a button is about, once the click is acknowledged; None once the person
    has been told the button is out of date."""
    ack()
    ref = rules.parse_step_ref(common.clicked_value(body))
    if ref is None:
        common.tell(client, body, build_notice(STALE), title=TITLE)
    return ref


def _answer(
    ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps, kind: StepAnswer
) -> None:
    """ "Need help" and "Not yet": recorded at the click."""
    ref = _clicked_step(ack, body, client)
    if ref is None:
        return

    def record(uow: UnitOfWork, actor: Actor) -> _Told:
        answered = rules.answer_step(uow, actor, ref, kind, deps.now())
        uow.commit()
        return _saved(uow, deps, body, answered)

    told = common.attempt(client, deps, body, record, title=TITLE)
    if told is not None:
        _tell(client, deps, body, told)


def handle_step_help(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    _answer(ack, body, client, deps, StepAnswer.NEED_HELP)


def handle_step_not_yet(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    _answer(ack, body, client, deps, StepAnswer.NOT_YET)


# --------------------------------------------------------------------------- "Tried it"


def handle_step_tried_open(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """ "Tried it": the one-line form, for a check-back still waiting for this teacher."""
    ref = _clicked_step(ack, body, client)
    if ref is None:
        return
    step = common.attempt(
        client, deps, body, lambda uow, actor: rules.open_step(uow, actor, ref), title=TITLE
    )
    if step is not None:
        common.show(client, body, views.build_tried_form(value=ref.value, next_step=step.words))


def handle_step_tried_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    line, errors = views.parse_tried_form(view["state"]["values"])
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ref = rules.parse_step_ref(view.get("private_metadata"))
    if ref is None:
        ack(response_action="update", view=build_notice_view(TITLE, STALE))
        return
    try:
        with deps.uow() as uow:
            actor = common.actor(uow, deps, body)
            answered = rules.answer_step(uow, actor, ref, StepAnswer.TRIED, deps.now(), line)
            uow.commit()
            told = _saved(uow, deps, body, answered)
    except rules.StepRefused as refused:
        ack(response_action="update", view=build_notice_view(TITLE, refused.message))
        return
    except ChangedMeanwhile:
        ack(response_action="errors", errors={Input.NEXT_STEP_LINE: common.CHANGED})
        return
    # Saved: only now is the teacher thanked and the coach told.
    ack(response_action="update", view=build_notice_view(TITLE, RECORDED))
    _tell(client, deps, body, told)


# --------------------------------------------------------------------------- after "Need help"


def handle_step_invite(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """ "Invite your coach" after "Need help": the invitation form, with that coach and the next
    step as its focus, for the step's own teacher only."""
    ack()
    note_id = common.clicked_id(body)

    def form(uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
        step = rules.load_step(uow, actor, note_id)
        coach = step.coach if step.coach.active else None
        view = build_invite_form(
            today=common.today(deps, step.teacher),
            coach_user_id=coach.user_id if coach else None,
            goals=shared.goal_choices(uow, step.teacher),
            focus=views.invite_focus(step.words),
        )
        if coach is None:
            return view
        # The coach's open times, as /invite-coach offers them.
        return shared.with_open_times(
            uow, view, coach, step.teacher, step.teacher, deps.now(), "INVITE"
        )

    view = common.attempt(client, deps, body, form, title=TITLE)
    if view is not None:
        common.show(client, body, view)


ROUTES: common.Routes = {
    Action.NEXT_STEP_TRIED: handle_step_tried_open,
    Callback.NEXT_STEP_TRIED: handle_step_tried_submission,
    Action.NEXT_STEP_HELP: handle_step_help,
    Action.NEXT_STEP_NOT_YET: handle_step_not_yet,
    Action.NEXT_STEP_INVITE: handle_step_invite,
}
