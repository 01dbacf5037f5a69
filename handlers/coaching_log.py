"""The coaching log in Slack: "Log coaching" on the coach's Home and `/coachbot log`, the form's
submission, and correcting a log's kind or length."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.app.deps import Deps
from bot.ids import Action, Callback, Input
from bot.rules import coaching_log as rules
from bot.rules.people import ensure_person
from bot.rules.policy import Actor
from bot.slack.directory import SlackDirectory
from bot.slack.messaging import send_dm
from bot.views import coaching_log as views
from bot.views.common import build_notice_view, escape
from bot.views.visits import build_notice
from bot.views.when import short_minutes
from handlers import common
from handlers.publish import refresh_home
from storage.models import CoachingLog, Person
from storage.uow import ChangedMeanwhile, UnitOfWork

logger = logging.getLogger(__name__)

NOT_A_COACH = "Logging coaching is for coaches. Thank you for asking!"


def register(app: App) -> None:
    app.action(Action.COACHING_LOG_OPEN)(open_log_command)
    app.view(Callback.COACHING_LOG)(handle_log_submission)
    app.action(Action.COACHING_LOG_CORRECT)(handle_log_correct_open)
    app.view(Callback.COACHING_LOG_CORRECTION)(handle_log_correction)


def open_log_command(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """`/coachbot log`, and "Log coaching" on the coach's Home: the same form."""
    ack()
    view = _form_for(client, deps, body)
    if view is None:
        common.tell(client, body, build_notice(NOT_A_COACH))
        return
    common.show(client, body, view)


def _form_for(client: WebClient, deps: Deps, body: dict[str, Any]) -> dict[str, Any] | None:
    with deps.uow() as uow:
        me = common.me(uow, deps, SlackDirectory(client), body)
        actor = common.actor(uow, deps, body)
        if me is None or not actor.coaches:
            return None
        has_plcs = uow.plc_channels.count_for_team(me.team_id) > 0
        goals = [
            views.GoalChoice(goal_id, teacher.user_id, teacher.display_name or "A teacher", q)
            for goal_id, teacher, q in rules.active_goal_choices(uow, me)
        ]
        return views.build_log_form(today=common.today(deps, me), has_plcs=has_plcs, goals=goals)


def handle_log_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    now = deps.now()
    directory = SlackDirectory(client)
    with deps.uow() as uow:
        me = common.submitter(ack, uow, deps, directory, body, Input.COACHING_LOG_KIND)
        if me is None:
            return
        today = common.today(deps, me)
        form = common.accepted(ack, views.parse_log_form(view["state"]["values"], today=today))
        if form is None:
            return
        teachers: list[Person] = []
        for user_id in form.teacher_user_ids:
            teacher = ensure_person(uow, directory, me.team_id, user_id, now)
            if teacher is None:
                ack(
                    response_action="errors",
                    errors={Input.COACHING_LOG_TEACHERS: "Slack doesn't know someone you chose."},
                )
                return
            teachers.append(teacher)
        new = rules.LogInput(
            form.support,
            form.day,
            form.minutes,
            tuple(teachers),
            form.plc_channel_id,
            form.goal_id,
            form.note,
        )
        try:
            log = rules.log_coaching(uow, common.actor(uow, deps, body), me, new, today, now)
            uow.commit()
        except rules.LogRefused as refused:
            ack(response_action="errors", errors={_block(refused.field): refused.message})
            return
        card = _card(log, now)
        teacher_ids = [t.id for t in teachers]
        note_to = teachers[0] if log.note and len(teachers) == 1 else None
        note = log.note
    # Saved: now the coach sees it, the teacher gets the note, and Homes show the new time.
    ack(response_action="update", view=views.build_logged(card, today=today))
    logger.info("coaching logged: kind=%s teachers=%d", card.support.value, len(teacher_ids))
    if note_to is not None and note:
        send_dm(client, note_to, views.build_note_message(me.user_id, card, note))
    refresh_home(client, deps, [me.id, *teacher_ids])


def _block(field: str) -> str:
    return {
        "day": Input.COACHING_LOG_DAY,
        "minutes": Input.COACHING_LOG_MINUTES,
        "teachers": Input.COACHING_LOG_TEACHERS,
        "plc": Input.COACHING_LOG_PLC,
        "goal": Input.COACHING_LOG_GOAL,
        "note": Input.COACHING_LOG_NOTE,
    }.get(field, Input.COACHING_LOG_KIND)


def _card(log: CoachingLog, now: datetime) -> views.LoggedCard:
    return views.LoggedCard(
        log_id=log.id,
        version=log.version,
        support=rules.support_of(log),
        day=log.on_day,
        minutes=log.minutes,
        teacher_user_ids=tuple(t.teacher.user_id for t in log.teachers),
        plc_channel_id=log.plc_channel.channel_id if log.plc_channel else None,
        correctable=rules.correctable(log, now),
    )


def handle_log_correct_open(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    ack()
    ref = views.parse_log_ref(common.clicked_value(body))

    def load(uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
        log_id, _version = ref or (0, 0)
        log = rules.load_own(uow, actor, log_id)
        return views.build_correct_form(_card(log, deps.now()))

    view = common.attempt(client, deps, body, load)
    if view is not None:
        common.show(client, body, view)


def handle_log_correction(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, deps: Deps
) -> None:
    now = deps.now()
    answer = common.accepted(ack, views.parse_correct_form(view["state"]["values"]))
    ref = views.parse_log_ref(view.get("private_metadata"))
    if answer is None:
        return
    support, minutes = answer
    log_id, version = ref or (0, 0)
    try:
        with deps.uow() as uow:
            actor = common.actor(uow, deps, body)
            try:
                log = rules.correct_log(uow, actor, log_id, version, support, minutes, now)
                uow.commit()
            except rules.LogRefused as refused:
                ack(response_action="errors", errors={_block(refused.field): refused.message})
                return
            coach_id = log.coach_id
            teacher_ids = [t.teacher_id for t in log.teachers]
            text = f"Corrected: {support.label}, {short_minutes(minutes)}. Thank you!"
    except ChangedMeanwhile:
        ack(response_action="errors", errors={Input.COACHING_LOG_KIND: common.CHANGED})
        return
    ack(response_action="update", view=build_notice_view("Coaching logged", escape(text)))
    refresh_home(client, deps, [coach_id, *teacher_ids])
