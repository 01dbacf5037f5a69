"""Signed requests to the app's real HTTP endpoint, as Slack sends them (v0 HMAC-SHA256)."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import time
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


def sign(secret: str, timestamp: int, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class SlackSender:
    """Posts to the running app like Slack does: signed, with Slack's headers."""

    def __init__(self, host: str, port: int, signing_secret: str, path: str = "/slack/events"):
        self.host, self.port, self.secret, self.path = host, port, signing_secret, path

    def post(
        self,
        payload: tuple[str, str],
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        retry_num: int | None = None,
        signed: bool = True,
    ) -> Reply:
        body, content_type = payload
        ts = int(time.time()) if timestamp is None else timestamp
        headers = {"Content-Type": content_type}
        if signed:
            headers["X-Slack-Request-Timestamp"] = str(ts)
            headers["X-Slack-Signature"] = signature or sign(self.secret, ts, body)
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return self.request("POST", self.path, body.encode(), headers)

    def get(self, path: str) -> Reply:
        return self.request("GET", path, None, {})

    def request(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Reply:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return Reply(response.status, response.read())
        finally:
            connection.close()
