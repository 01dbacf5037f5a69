"""The Slack-backed Directory: users.info and users.lookupByEmail."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.rules.people import SlackProfile, profile_from_user

_NOT_FOUND = {"user_not_found", "users_not_found", "user_not_visible"}


class SlackDirectory:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def user_info(self, user_id: str) -> SlackProfile | None:
        return self._user(self.client.users_info, user=user_id)

    def lookup_email(self, email: str) -> SlackProfile | None:
        return self._user(self.client.users_lookupByEmail, email=email)

    def _user(self, method: Any, **kwargs: str) -> SlackProfile | None:
        try:
            response = method(**kwargs)
        except SlackApiError as exc:
            if exc.response.get("error") in _NOT_FOUND:
                return None
            raise
        return profile_from_user(response["user"])
