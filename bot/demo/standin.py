"""A local HTTP stand-in for the Slack Web API that the real slack_sdk WebClient can call."""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import math
import random
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from bot.demo.block_kit import check_blocks, check_view

__all__ = ["Call", "SlackStandin"]

logger = logging.getLogger(__name__)

JsonDict = dict[str, Any]

_MAX_MESSAGE_TEXT = 40_000
# Slack accepts these as JSON strings inside form-encoded bodies.
_JSON_STRING_FIELDS = ("blocks", "attachments", "view", "metadata")
_EPOCH = 1_700_000_000

# --------------------------------------------------------------------------- the stand-in


@dataclass(frozen=True)
class Call:
    """One request the stand-in received and how it answered."""

    method: str
    args: dict[str, Any]
    token: str | None
    status: int
    response: dict[str, Any]
    received_at: float = 0.0  # the stand-in's clock when the request arrived (perf_counter)
    delay: float = 0.0  # how long the answer was held back (Slack being slow)


@dataclass(frozen=True)
class _Reply:
    status: int
    body: JsonDict
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Scripted:
    """One scripted answer: `reply` instead of Slack's own (None: Slack's own); `accept` does
    the work first, as a Slack that posts and then fails to say so; `delay` holds the answer."""

    reply: _Reply | None
    accept: bool = False
    delay: float = 0.0


@dataclass(frozen=True)
class _Storm:
    rate_limited: float
    server_errors: float
    retry_after: int
    accepted: float
    dice: random.Random


class _ApiError(Exception):
    def __init__(self, error: str, messages: list[str] | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages or []

    def body(self) -> JsonDict:
        body: JsonDict = {"ok": False, "error": self.error}
        if self.messages:
            body["response_metadata"] = {"messages": list(self.messages)}
        return body


def _missing(name: str) -> _ApiError:
    return _ApiError("invalid_arguments", [f"[ERROR] missing required field: {name}"])


@dataclass(frozen=True)
class _User:
    id: str
    name: str
    real_name: str
    tz: str
    email: str | None
    deleted: bool
    is_bot: bool


@dataclass
class _Channel:
    id: str
    name: str
    is_private: bool
    is_member: bool
    is_mpim: bool = False


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true")
    return bool(value)


def _dm_user(channel: str) -> str | None:
    """The user id behind a stand-in DM channel id ("D" + user id), if it is one."""
    if channel.startswith(("DU", "DW")):
        return channel[1:]
    return None


class SlackStandin:
    """A Slack Web API stand-in served over HTTP on 127.0.0.1 for slack_sdk's WebClient."""

    app_id = "A0COACHBOT"

    def __init__(
        self,
        *,
        team_id: str = "T0COACH",
        bot_user_id: str = "U0COACHBOT",
        bot_token: str | None = None,
    ) -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = "B" + bot_user_id[1:]
        self.bot_token = bot_token
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._lifecycle = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._calls: list[Call] = []
        self._scripted: dict[str, deque[_Scripted]] = {}
        self._storms: dict[str, _Storm] = {}
        self._outage: _Reply | None = None
        self._port = 0
        self._down = False
        self._clock: Callable[[], float] = time.perf_counter
        # Set to end every held answer at once (stop, or a test forgetting everything).
        self._release = threading.Event()
        self._users: dict[str, _User] = {}
        self._channels: dict[str, _Channel] = {}
        self._mpims: dict[tuple[str, ...], str] = {}
        self._messages: dict[str, list[JsonDict]] = {}
        self._views: dict[str, JsonDict] = {}
        self._external_ids: dict[str, str] = {}
        self._homes: dict[str, JsonDict] = {}
        # File uploads: started (getUploadURLExternal), their bytes, and files shared per channel.
        self._uploads: dict[str, JsonDict] = {}
        self._files: dict[str, list[JsonDict]] = {}
        self._ts_seq = 0
        self._view_seq = 0
        self._rate_limits: dict[str, tuple[float | None, int | None]] = {}
        self._rate_seen: dict[str, deque[tuple[float, str]]] = {}
        self._rate_last: dict[tuple[str, str], float] = {}
        self.rate_limited_count = 0
        self._handlers: dict[str, Callable[[JsonDict], JsonDict]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
            "conversations.info": self._conversations_info,
            "conversations.join": self._conversations_join,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "apps.connections.open": self._apps_connections_open,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
        }
        self.add_user(bot_user_id, name="coachbot", real_name="Coachbot", is_bot=True)

    # lifecycle

    def start(self) -> SlackStandin:
        with self._lifecycle:
            if self._server is not None:
                raise RuntimeError("SlackStandin is already running")
            self._release = threading.Event()
            self._serve(_Server(self, self._port if self._down else 0))
            self._down = False
        return self

    def _serve(self, server: _Server) -> None:
        """Serve on a thread; the caller holds the lifecycle lock."""
        # A short poll interval keeps stop() from stalling each test by half a second.
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="slack-standin",
            daemon=True,
        )
        thread.start()
        self._server, self._thread, self._port = server, thread, server.server_port

    def stop(self) -> None:
        self._release.set()
        with self._lifecycle:
            server, thread = self._server, self._thread
            self._server = self._thread = None
            self._down = False
        if server is None or thread is None:
            return
        server.shutdown()
        server.server_close()
        thread.join()

    def refuse_connections(self) -> None:
        """Slack unreachable: the port stops listening, so every call is refused."""
        with self._lifecycle:
            server, thread = self._server, self._thread
            if server is None or thread is None:
                raise RuntimeError("SlackStandin is not running; call start() first")
            self._server = self._thread = None
            self._down = True
        server.shutdown()
        server.server_close()
        thread.join()

    def accept_connections(self) -> None:
        """Slack reachable again, on the same address."""
        with self._lifecycle:
            if not self._down:
                return
            self._serve(_Server(self, self._port))
            self._down = False

    def __enter__(self) -> SlackStandin:
        return self.start()

    def __exit__(self, *_exc_info: object) -> None:
        self.stop()  # the same whether the block ended well or raised

    @property
    def url(self) -> str:
        if self._server is None and not self._down:
            raise RuntimeError("SlackStandin is not running; call start() first")
        return f"http://127.0.0.1:{self._port}/api/"

    # inspection

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self._calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until `count` calls to `method` were answered; return all calls to it."""
        with self._cond:
            arrived = self._cond.wait_for(
                lambda: sum(call.method == method for call in self._calls) >= count,
                timeout=timeout,
            )
            matching = [call for call in self._calls if call.method == method]
            if not arrived:
                seen = ", ".join(call.method for call in self._calls) or "nothing"
                raise AssertionError(
                    f"expected {count} call(s) to {method} within {timeout}s, "
                    f"got {len(matching)}; calls received: {seen}"
                )
            return matching

    def messages_in(self, channel: str) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._messages.get(_dm_user(channel) or channel, []))

    def files_in(self, channel: str) -> list[dict[str, Any]]:
        """Files shared in a channel or DM: id, name, title, initial_comment and content (text)."""
        with self._lock:
            return copy.deepcopy(self._files.get(_dm_user(channel) or channel, []))

    def home_of(self, user_id: str) -> dict[str, Any] | None:
        with self._lock:
            return copy.deepcopy(self._homes.get(user_id))

    def forget_everything(self) -> None:
        """Back to the state of a new stand-in (its bot user only), the server left running
        (or running again, on the same address, if it was refusing connections)."""
        self._release.set()
        self.accept_connections()
        with self._lock:
            self._release = threading.Event()
            self._clock = time.perf_counter
            self._forget_exchanges()
            self._users.clear()
            self._channels.clear()
            self._mpims.clear()
            self._ts_seq = self._view_seq = 0
            self._rate_limits.clear()
            self._rate_seen.clear()
            self._rate_last.clear()
            self.rate_limited_count = 0
        self.add_user(self.bot_user_id, name="coachbot", real_name="Coachbot", is_bot=True)

    def reset(self) -> None:
        """Forget calls, scripted failures, messages and views; keep users and channels."""
        with self._lock:
            self._forget_exchanges()

    def _forget_exchanges(self) -> None:
        """Calls, scripted answers, messages, views and files (the lock is held)."""
        self._calls.clear()
        self._scripted.clear()
        self._storms.clear()
        self._outage = None
        self._messages.clear()
        self._views.clear()
        self._external_ids.clear()
        self._homes.clear()
        self._uploads.clear()
        self._files.clear()

    # scripting

    def fail_next(self, method: str, error: str, *, times: int = 1) -> None:
        self._script(method, _Scripted(_Reply(200, {"ok": False, "error": error})), times)

    def rate_limit_next(self, method: str, retry_after: int = 0, *, times: int = 1) -> None:
        self._script(method, _Scripted(_rate_limited_reply(retry_after)), times)

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Do the next call's work at once but hold its answer back `seconds` (real time): a
        client that gives up sooner never learns that Slack did it."""
        if seconds <= 0:
            raise ValueError("seconds must be positive")
        self._script(method, _Scripted(None, delay=seconds), times)

    def set_clock(self, clock: Callable[[], float]) -> None:
        """Read time from `clock` (seconds) for `Call.received_at` and the rate limits, so a
        test that drives time sees calls where its own clock put them."""
        with self._lock:
            self._clock = clock

    def outage(self, status: int | None = 503) -> None:
        """Answer every call with this 5xx, without doing its work, until `outage(None)`."""
        with self._lock:
            self._outage = None if status is None else _server_error_reply(status)

    def storm(
        self,
        method: str,
        *,
        rate_limited: float = 0.0,
        server_errors: float = 0.0,
        retry_after: int = 1,
        accepted: float = 0.5,
        seed: int = 0,
    ) -> None:
        """Answer a share of the calls to `method` at random: 429 (with `retry_after`) or 500;
        of the 500s, the share `accepted` did the work first. Zero shares end the storm."""
        if not 0 <= rate_limited + server_errors <= 1 or not 0 <= accepted <= 1:
            raise ValueError("shares must be between 0 and 1")
        with self._lock:
            if rate_limited or server_errors:
                dice = random.Random(seed)  # noqa: S311 - a test's dice, not a secret
                self._storms[method] = _Storm(
                    rate_limited, server_errors, retry_after, accepted, dice
                )
            else:
                self._storms.pop(method, None)

    def limit_rate(
        self,
        method: str,
        *,
        per_channel_per_second: float | None = None,
        per_minute: int | None = None,
    ) -> None:
        """Answer `method` like Slack's rate limits: 429 with Retry-After once a limit is hit.

        per_channel_per_second limits each channel; per_minute limits the whole workspace over
        any sliding 60 seconds.
        """
        with self._cond:
            self._rate_limits[method] = (per_channel_per_second, per_minute)

    def _rate_limited(self, method: str, args: JsonDict, now: float) -> _Reply | None:
        limits = self._rate_limits.get(method)
        if limits is None:
            return None
        per_channel, per_minute = limits
        channel = str(args.get("channel", ""))
        wait = 0.0
        recent = self._rate_seen.setdefault(method, deque())
        while recent and now - recent[0][0] >= 60.0:
            recent.popleft()
        if per_minute is not None and len(recent) >= per_minute:
            wait = max(wait, 60.0 - (now - recent[0][0]))
        if per_channel is not None:
            last = self._rate_last.get((method, channel))
            if last is not None and now - last < 1.0 / per_channel:
                wait = max(wait, 1.0 / per_channel - (now - last))
        if wait > 0:
            self.rate_limited_count += 1
            return _Reply(
                429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(math.ceil(wait))}
            )
        recent.append((now, channel))
        self._rate_last[(method, channel)] = now
        return None

    def server_error_next(
        self, method: str, status: int = 503, *, times: int = 1, after_accepting: bool = False
    ) -> None:
        """Answer the next calls with a 5xx; `after_accepting` does the work first (a Slack
        that posted the message and then failed to say so)."""
        reply = _server_error_reply(status)
        self._script(method, _Scripted(reply, accept=after_accepting), times)

    def _script(self, method: str, scripted: _Scripted, times: int) -> None:
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._scripted.setdefault(method, deque()).extend([scripted] * times)

    def _stormy(self, method: str, args: JsonDict) -> _Reply | None:
        storm = self._storms.get(method)
        if storm is None:
            return None
        roll = storm.dice.random()
        if roll < storm.rate_limited:
            return _rate_limited_reply(storm.retry_after)
        if roll < storm.rate_limited + storm.server_errors:
            if storm.dice.random() < storm.accepted:
                self._run(method, args)
            return _server_error_reply(500)
        return None

    # directory

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        real_name: str | None = None,
        tz: str = "America/New_York",
        email: str | None = None,
        deleted: bool = False,
        is_bot: bool = False,
    ) -> None:
        ZoneInfo(tz)  # fail here, not later inside a request, on a misspelt zone
        user = _User(user_id, name, real_name or name, tz, email, deleted, is_bot)
        with self._lock:
            self._users[user_id] = user

    def add_channel(
        self, channel_id: str, *, name: str, is_private: bool = False, is_member: bool = False
    ) -> None:
        with self._lock:
            self._channels[channel_id] = _Channel(channel_id, name, is_private, is_member)

    # request handling (called from server threads)

    def _respond(
        self,
        method: str,
        query: str,
        body: bytes,
        content_type: str,
        charset: str,
        authorization: str | None,
    ) -> _Reply:
        received = self._clock()
        parse_error: _ApiError | None = None
        try:
            args = _parse_args(query, body, content_type, charset)
        except _ApiError as error:
            parse_error, args = error, {}
        token_field = args.pop("token", None)
        token = _bearer(authorization) or (token_field if isinstance(token_field, str) else None)
        with self._cond:
            queue = self._scripted.get(method)
            scripted = queue.popleft() if queue else None
            release = self._release
            if scripted is not None and scripted.reply is not None:
                if scripted.accept:
                    self._run(method, args)
                reply = scripted.reply
            elif self._outage is not None:
                reply = self._outage
            elif parse_error is not None:
                reply = _Reply(200, parse_error.body())
            elif method not in self._handlers:
                reply = _Reply(200, {"ok": False, "error": "unknown_method"})
            elif not token:
                reply = _Reply(200, {"ok": False, "error": "not_authed"})
            elif (limited := self._rate_limited(method, args, received)) is not None:
                reply = limited
            elif (stormy := self._stormy(method, args)) is not None:
                reply = stormy
            # Socket Mode uses an app-level token, never the bot token.
            elif (
                self.bot_token is not None
                and token != self.bot_token
                and method != "apps.connections.open"
            ):
                reply = _Reply(200, {"ok": False, "error": "invalid_auth"})
            else:
                reply = self._run(method, args)
            delay = scripted.delay if scripted is not None else 0.0
            self._calls.append(
                Call(method, args, token, reply.status, copy.deepcopy(reply.body), received, delay)
            )
            self._cond.notify_all()
        if delay:
            release.wait(delay)
        return reply

    def _run(self, method: str, args: JsonDict) -> _Reply:
        try:
            return _Reply(200, self._handlers[method](args))
        except _ApiError as error:
            return _Reply(200, error.body())
        except Exception as error:
            # A bug in the stand-in must show up in the test, not hang the client.
            logger.exception("slack stand-in failed on %s", method)
            return _Reply(500, {"ok": False, "error": "standin_failure", "detail": repr(error)})

    # helpers for handlers; the lock is held

    def _next_ts(self) -> str:
        self._ts_seq += 1
        return f"{_EPOCH + self._ts_seq // 10_000}.{(self._ts_seq % 10_000) * 100:06d}"

    def _target(self, channel: Any) -> tuple[str, str]:
        """Where a message to `channel` is stored, and the channel id Slack would answer."""
        if not isinstance(channel, str) or not channel:
            raise _ApiError("channel_not_found")
        if channel.startswith(("U", "W")) or _dm_user(channel):
            user_id = _dm_user(channel) or channel
            user = self._users.get(user_id)
            if user is not None and user.deleted:
                raise _ApiError("channel_not_found")
            return user_id, "D" + user_id
        if channel.startswith("D"):
            return channel, channel
        known = self._channels.get(channel)
        if known is None:
            raise _ApiError("channel_not_found")
        if not known.is_member:
            raise _ApiError("not_in_channel")
        return channel, channel

    def _find_message(self, key: str, ts: Any) -> JsonDict:
        for message in self._messages.get(key, []):
            if message["ts"] == ts:
                return message
        raise _ApiError("message_not_found")

    def _check_message(self, args: JsonDict) -> None:
        blocks = args.get("blocks")
        if blocks is not None:
            if not isinstance(blocks, list):
                raise _ApiError("invalid_blocks_format")
            errors = check_blocks(blocks, surface="message")
            if errors:
                raise _ApiError("invalid_blocks", errors)
        attachments = args.get("attachments")
        if attachments is not None and not isinstance(attachments, list):
            raise _ApiError("invalid_attachments")
        if len(_text_arg(args)) > _MAX_MESSAGE_TEXT:
            raise _ApiError("msg_too_long")
        if not _text_arg(args) and not blocks and not attachments:
            raise _ApiError("no_text")

    def _view_arg(self, args: JsonDict, expected: str) -> JsonDict:
        view = args.get("view")
        if view is None:
            raise _missing("view")
        if not isinstance(view, dict):
            raise _ApiError("invalid_arguments", ["[ERROR] must be an object [json-pointer:/view]"])
        errors = check_view(view)
        if view.get("type") in ("modal", "home") and view.get("type") != expected:
            errors.insert(0, f"[ERROR] must be {expected} [json-pointer:/view/type]")
        if errors:
            raise _ApiError("invalid_arguments", errors)
        return view

    def _store_view(self, view: JsonDict, previous: JsonDict | None = None) -> JsonDict:
        if previous is None:
            self._view_seq += 1
            view_id = f"V{self._view_seq:010d}"
            root_id, previous_id = view_id, None
        else:
            view_id = previous["id"]
            root_id, previous_id = previous["root_view_id"], previous["previous_view_id"]
            self._external_ids.pop(previous["external_id"], None)
        self._ts_seq += 1
        stored: JsonDict = {
            "id": view_id,
            "team_id": self.team_id,
            "type": view["type"],
            "blocks": copy.deepcopy(view.get("blocks", [])),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{_EPOCH + self._ts_seq}.{self._ts_seq:08x}",
            "title": copy.deepcopy(view.get("title")),
            "clear_on_close": _truthy(view.get("clear_on_close", False)),
            "notify_on_close": _truthy(view.get("notify_on_close", False)),
            "close": copy.deepcopy(view.get("close")),
            "submit": copy.deepcopy(view.get("submit")),
            "previous_view_id": previous_id,
            "root_view_id": root_id,
            "app_id": self.app_id,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
        self._views[view_id] = stored
        if stored["external_id"]:
            self._external_ids[stored["external_id"]] = view_id
        return stored

    def _user_object(self, user: _User) -> JsonDict:
        now = datetime.now(ZoneInfo(user.tz))
        offset = now.utcoffset()
        profile: JsonDict = {
            "real_name": user.real_name,
            "real_name_normalized": user.real_name,
            "display_name": user.name,
            "display_name_normalized": user.name,
            "team": self.team_id,
        }
        if user.email is not None:
            profile["email"] = user.email
        return {
            "id": user.id,
            "team_id": self.team_id,
            "name": user.name,
            "deleted": user.deleted,
            "real_name": user.real_name,
            "tz": user.tz,
            "tz_label": now.tzname(),
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "is_bot": user.is_bot,
            "is_admin": False,
            "is_app_user": False,
            "profile": profile,
        }

    def _channel_object(self, channel: _Channel) -> JsonDict:
        return {
            "id": channel.id,
            "name": channel.name,
            "name_normalized": channel.name,
            "is_channel": not channel.is_mpim,
            "is_group": False,
            "is_im": False,
            "is_mpim": channel.is_mpim,
            "is_private": channel.is_private,
            "is_archived": False,
            "is_general": False,
            "is_member": channel.is_member,
            "created": _EPOCH,
        }

    def _im_object(self, user_id: str) -> JsonDict:
        user = self._users.get(user_id)
        return {
            "id": "D" + user_id,
            "created": _EPOCH,
            "is_im": True,
            "is_org_shared": False,
            "user": user_id,
            "is_user_deleted": user is not None and user.deleted,
        }

    # Web API methods

    def _auth_test(self, args: JsonDict) -> JsonDict:
        return {
            "ok": True,
            "url": "https://coachbot-standin.slack.com/",
            "team": "Coachbot Stand-in",
            "user": "coachbot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, args: JsonDict) -> JsonDict:
        key, channel = self._target(args.get("channel"))
        self._check_message(args)
        ts = self._next_ts()
        message: JsonDict = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "ts": ts,
            "text": _text_arg(args),
            "blocks": copy.deepcopy(args.get("blocks", [])),
        }
        for extra in ("thread_ts", "attachments", "metadata"):
            if extra in args:
                message[extra] = copy.deepcopy(args[extra])
        self._messages.setdefault(key, []).append(message)
        return {"ok": True, "channel": channel, "ts": ts, "message": copy.deepcopy(message)}

    def _chat_post_ephemeral(self, args: JsonDict) -> JsonDict:
        self._target(args.get("channel"))
        user_id = args.get("user")
        if not isinstance(user_id, str) or not user_id:
            raise _missing("user")
        user = self._users.get(user_id)
        if user is not None and user.deleted:
            raise _ApiError("user_not_in_channel")
        self._check_message(args)
        return {"ok": True, "message_ts": self._next_ts()}

    def _chat_update(self, args: JsonDict) -> JsonDict:
        key, channel = self._target(args.get("channel"))
        message = self._find_message(key, args.get("ts"))
        merged = {"text": message["text"], "blocks": message["blocks"], **args}
        self._check_message(merged)
        if "text" in args:
            message["text"] = _text_arg(args)
        for replaced in ("blocks", "attachments", "metadata"):
            if replaced in args:
                message[replaced] = copy.deepcopy(args[replaced])
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        return {
            "ok": True,
            "channel": channel,
            "ts": message["ts"],
            "text": message["text"],
            "message": copy.deepcopy(message),
        }

    def _chat_delete(self, args: JsonDict) -> JsonDict:
        key, channel = self._target(args.get("channel"))
        message = self._find_message(key, args.get("ts"))
        self._messages[key].remove(message)
        return {"ok": True, "channel": channel, "ts": message["ts"]}

    def _views_open(self, args: JsonDict) -> JsonDict:
        trigger_id = args.get("trigger_id")
        if not isinstance(trigger_id, str) or not trigger_id:
            raise _missing("trigger_id")
        view = self._view_arg(args, "modal")
        external_id = view.get("external_id")
        if external_id and external_id in self._external_ids:
            raise _ApiError("duplicate_external_id")
        return {"ok": True, "view": copy.deepcopy(self._store_view(view))}

    def _views_update(self, args: JsonDict) -> JsonDict:
        view_id, external_id = args.get("view_id"), args.get("external_id")
        if not view_id and not external_id:
            raise _missing("view_id")
        if view_id:
            current = self._views.get(str(view_id))
        else:
            current = self._views.get(self._external_ids.get(str(external_id), ""))
        if current is None:
            raise _ApiError("not_found")
        given_hash = args.get("hash")
        if given_hash is not None and given_hash != current["hash"]:
            raise _ApiError("hash_conflict")
        view = self._view_arg(args, current["type"])
        stored = self._store_view(view, previous=current)
        for user_id, home in self._homes.items():
            if home["id"] == stored["id"]:
                self._homes[user_id] = stored
        return {"ok": True, "view": copy.deepcopy(stored)}

    def _views_publish(self, args: JsonDict) -> JsonDict:
        user_id = args.get("user_id")
        if not isinstance(user_id, str) or not user_id:
            raise _missing("user_id")
        view = self._view_arg(args, "home")
        current = self._homes.get(user_id)
        given_hash = args.get("hash")
        if current is not None and given_hash is not None and given_hash != current["hash"]:
            raise _ApiError("hash_conflict")
        stored = self._store_view(view, previous=current)
        self._homes[user_id] = stored
        return {"ok": True, "view": copy.deepcopy(stored)}

    def _users_info(self, args: JsonDict) -> JsonDict:
        user = self._users.get(str(args.get("user", "")))
        if user is None:
            raise _ApiError("user_not_found")
        return {"ok": True, "user": self._user_object(user)}

    def _users_lookup_by_email(self, args: JsonDict) -> JsonDict:
        wanted = str(args.get("email", "")).strip().lower()
        for user in self._users.values():
            if wanted and user.email is not None and user.email.lower() == wanted:
                return {"ok": True, "user": self._user_object(user)}
        raise _ApiError("users_not_found")

    def _conversations_info(self, args: JsonDict) -> JsonDict:
        channel_id = str(args.get("channel", ""))
        user_id = _dm_user(channel_id)
        if user_id is not None:
            return {"ok": True, "channel": self._im_object(user_id)}
        channel = self._channels.get(channel_id)
        # Slack hides private channels from bots that are not in them.
        if channel is None or (channel.is_private and not channel.is_member):
            raise _ApiError("channel_not_found")
        return {"ok": True, "channel": self._channel_object(channel)}

    def _conversations_join(self, args: JsonDict) -> JsonDict:
        channel_id = str(args.get("channel", ""))
        if channel_id.startswith("D"):
            raise _ApiError("method_not_supported_for_channel_type")
        channel = self._channels.get(channel_id)
        if channel is None:
            raise _ApiError("channel_not_found")
        if channel.is_private:
            raise _ApiError("method_not_supported_for_channel_type")
        reply: JsonDict = {"ok": True}
        if channel.is_member:
            reply["warning"] = "already_in_channel"
        channel.is_member = True
        reply["channel"] = self._channel_object(channel)
        return reply

    def _conversations_history(self, args: JsonDict) -> JsonDict:
        key, _channel = self._target(args.get("channel"))
        limit = int(args.get("limit") or 100)
        oldest = float(args.get("oldest") or 0)
        messages = [m for m in self._messages.get(key, []) if float(m["ts"]) >= oldest]
        newest_first = [copy.deepcopy(m) for m in reversed(messages)][:limit]
        if not _truthy(args.get("include_all_metadata")):
            for message in newest_first:
                message.pop("metadata", None)
        return {"ok": True, "messages": newest_first, "has_more": len(messages) > limit}

    def _conversations_open(self, args: JsonDict) -> JsonDict:
        requested = args.get("users")
        if isinstance(requested, str):
            user_ids = [part.strip() for part in requested.split(",") if part.strip()]
        elif isinstance(requested, list):
            user_ids = [str(part) for part in requested]
        else:
            user_ids = []
        if not user_ids:
            channel_id = args.get("channel")
            if isinstance(channel_id, str) and _dm_user(channel_id):
                user_ids = [channel_id[1:]]
            else:
                raise _ApiError("users_list_not_supplied")
        for user_id in user_ids:
            user = self._users.get(user_id)
            if user is not None and user.deleted:
                raise _ApiError("user_disabled")
        if len(user_ids) == 1:
            im = self._im_object(user_ids[0])
            return {
                "ok": True,
                "channel": im if _truthy(args.get("return_im")) else {"id": im["id"]},
            }
        members = tuple(sorted(set(user_ids)))
        mpim_id = self._mpims.get(members)
        if mpim_id is None:
            mpim_id = f"G0MPIM{len(self._mpims) + 1:04d}"
            self._mpims[members] = mpim_id
            name = "mpdm-" + "--".join(members).lower() + "-1"
            self._channels[mpim_id] = _Channel(mpim_id, name, True, True, is_mpim=True)
        return {"ok": True, "channel": {"id": mpim_id}}

    # files_upload_v2: a URL per file, the bytes posted there, then one call sharing them all.

    def _files_get_upload_url_external(self, args: JsonDict) -> JsonDict:
        filename = args.get("filename")
        try:
            length = int(args.get("length", ""))
        except (TypeError, ValueError) as error:
            raise _ApiError("invalid_arguments") from error
        if not isinstance(filename, str) or not filename or length < 0:
            raise _ApiError("invalid_arguments")
        file_id = f"F0FILE{len(self._uploads) + 1:05d}"
        self._uploads[file_id] = {"name": filename, "length": length, "content": None}
        return {
            "ok": True,
            "file_id": file_id,
            "upload_url": f"http://127.0.0.1:{self._port}/upload/v1/{file_id}",
        }

    def _receive_upload(self, file_id: str, body: bytes) -> _Reply:
        """The bytes of one file, posted to the URL getUploadURLExternal gave (no token)."""
        with self._cond:
            upload = self._uploads.get(file_id)
            if upload is None or upload["content"] is not None:
                return _Reply(404, {"ok": False, "error": "file_not_found"})
            if len(body) != upload["length"]:
                return _Reply(400, {"ok": False, "error": "length_mismatch"})
            upload["content"] = body
            self._calls.append(
                Call("upload", {"file_id": file_id}, None, 200, {"ok": True}, self._clock(), 0.0)
            )
            self._cond.notify_all()
        return _Reply(200, {"ok": True})

    def _files_complete_upload_external(self, args: JsonDict) -> JsonDict:
        files = args.get("files")
        if isinstance(files, str):
            try:
                files = json.loads(files)
            except json.JSONDecodeError as error:
                raise _ApiError("invalid_json") from error
        if not isinstance(files, list) or not files:
            raise _ApiError("invalid_arguments")
        shared: list[JsonDict] = []
        for item in files:
            file_id = item.get("id") if isinstance(item, dict) else None
            upload = self._uploads.get(file_id) if isinstance(file_id, str) else None
            if upload is None or upload["content"] is None:
                raise _ApiError("file_not_found")
            shared.append(
                {
                    "id": file_id,
                    "name": upload["name"],
                    "title": item.get("title") or upload["name"],
                    "content": upload["content"].decode("utf-8", errors="replace"),
                }
            )
        channel_id = args.get("channel_id") or args.get("channels")
        if channel_id:
            key, _ = self._target(channel_id)
            comment = args.get("initial_comment")
            for file in shared:
                self._files.setdefault(key, []).append({**file, "initial_comment": comment})
            self._messages.setdefault(key, []).append(
                {
                    "type": "message",
                    "user": self.bot_user_id,
                    "bot_id": self.bot_id,
                    "ts": self._next_ts(),
                    "text": comment if isinstance(comment, str) else "",
                    "files": [{"id": f["id"], "name": f["name"]} for f in shared],
                }
            )
        return {
            "ok": True,
            "files": [{"id": f["id"], "title": f["title"], "name": f["name"]} for f in shared],
        }

    def _apps_connections_open(self, args: JsonDict) -> JsonDict:
        # Nothing listens there: Socket Mode clients fail fast instead of hanging a test.
        return {"ok": True, "url": "ws://127.0.0.1:1/"}


def _rate_limited_reply(retry_after: int) -> _Reply:
    if retry_after < 0:
        raise ValueError("retry_after must not be negative")
    return _Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})


def _server_error_reply(status: int) -> _Reply:
    if not 500 <= status <= 599:
        raise ValueError(f"status must be a 5xx code, not {status}")
    error = "service_unavailable" if status == 503 else "internal_error"
    return _Reply(status, {"ok": False, "error": error})


def _text_arg(args: JsonDict) -> str:
    text = args.get("text")
    if text is None:
        return ""
    return text if isinstance(text, str) else str(text)


def _bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


def _parse_args(query: str, body: bytes, content_type: str, charset: str) -> JsonDict:
    args: JsonDict = dict(parse_qsl(query, keep_blank_values=True))
    # WebClient labels even body-less requests (auth.test) as JSON, so only a body is parsed.
    if body:
        if content_type == "application/json":
            try:
                parsed = json.loads(body.decode(charset))
            except (UnicodeDecodeError, LookupError, json.JSONDecodeError) as error:
                raise _ApiError("invalid_json") from error
            if not isinstance(parsed, dict):
                raise _ApiError("invalid_json")
            args.update(parsed)
        elif content_type in ("application/x-www-form-urlencoded", "text/plain"):
            try:
                args.update(parse_qsl(body.decode(charset), keep_blank_values=True))
            except (UnicodeDecodeError, LookupError) as error:
                raise _ApiError("invalid_form_data") from error
        else:
            # multipart is only needed for file uploads, which coachbot does not do.
            raise _ApiError("invalid_form_data")
    for name in _JSON_STRING_FIELDS:
        value = args.get(name)
        if isinstance(value, str):
            # Undecodable text stays a string, so the handler reports Slack's format error.
            with contextlib.suppress(json.JSONDecodeError):
                args[name] = json.loads(value)
    return args


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Slack takes a burst of calls at once; the socket module's backlog of 5 would reset some.
    request_queue_size = 128

    def __init__(self, standin: SlackStandin, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.standin = standin

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hung up mid-answer (say, after its own timeout) is not a stand-in bug.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 so keep-alive clients work; every answer carries Content-Length.
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            self._write(_Reply(400, {"ok": False, "error": "invalid_form_data"}))
            return
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        if parts.path.startswith("/upload/v1/"):
            self._write(self.server.standin._receive_upload(parts.path.rsplit("/", 1)[-1], body))
            return
        method = parts.path.removeprefix("/api/").strip("/")
        reply = self.server.standin._respond(
            method,
            parts.query,
            body,
            self.headers.get_content_type(),
            self.headers.get_content_charset() or "utf-8",
            self.headers.get("Authorization"),
        )
        self._write(reply)

    def _write(self, reply: _Reply) -> None:
        payload = json.dumps(reply.body).encode("utf-8")
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
