"""Signed requests to the app's real HTTP endpoint; the code lives in bot.slack.payloads."""

from bot.slack.payloads import Reply, SlackSender, sign  # noqa: F401 - re-exported for the tests
