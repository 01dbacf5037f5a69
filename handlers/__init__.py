"""Slack listeners: one module per feature, each with register(app)."""

from __future__ import annotations

from slack_bolt import App

from bot.app.deps import Deps
from handlers import (
    admin,
    celebrations,
    cycle,
    errors,
    home,
    invite,
    middleware,
    people,
    reflections,
)


def register_all(app: App, deps: Deps) -> None:
    middleware.register(app, deps)
    errors.register(app)
    # Bolt tries listeners in this order, so the busiest come first and admin last.
    invite.register(app)
    cycle.register(app)
    reflections.register(app)
    celebrations.register(app)
    home.register(app)
    people.register(app)
    admin.register(app)
