"""Slack listeners: one module per feature, each with its table of ROUTES."""

from __future__ import annotations

from slack_bolt import App

from bot.app.deps import Deps
from handlers import (
    admin,
    celebrations,
    coaching_log,
    common,
    cycle,
    errors,
    home,
    invite,
    middleware,
    next_steps,
    office_hours,
    people,
    reflections,
)


def register_all(app: App, deps: Deps) -> None:
    middleware.register(app, deps)
    errors.register(app)
    # Bolt tries listeners in this order, so the busiest come first and admin last.
    for feature in (
        invite,
        cycle,
        next_steps,
        reflections,
        celebrations,
        home,
        office_hours,
        people,
        admin,
    ):
        common.add_routes(app, feature.ROUTES)
    coaching_log.register(app)
