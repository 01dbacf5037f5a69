"""`coachbot demo`: a school week played against the built-in Slack stand-in, no tokens needed.

The real app runs as in production (the same HTTP endpoint, rules, planners and outbox, SQLite in
a temporary folder); the demo sends the signed requests Slack would send, moves a simulated clock
through the week, runs the scheduler's planning and delivery at each moment, and checks that
every step produced what it should. It exits non-zero if one did not.
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time as clock_time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import SecretStr

from bot.app import jobs
from bot.app.runtime import Runtime
from bot.app.settings import Settings
from bot.demo.render import Names, render_call, render_submission
from bot.demo.standin import Call, SlackStandin
from bot.ids import Action, Callback, Input
from bot.rules.calendar import Closure
from bot.rules.roster import import_roster
from bot.rules.school_calendar import save_calendar
from bot.slack.client import make_delivery_client
from bot.slack.directory import SlackDirectory
from bot.slack.messaging import SlackSender
from bot.slack.payloads import (
    TEAM_ID,
    SlackSender as SignedPoster,
    app_home_opened,
    block_action,
    event_callback,
    slash_command,
    view_submission,
)
from storage import migrate
from storage.db import make_engine

SCHOOL_TZ = ZoneInfo("America/New_York")
MONDAY = date(2026, 11, 30)
HOLIDAY = date(2026, 12, 3)  # Thursday
DAYS = ("mon", "tue", "wed", "thu", "fri")
TOKEN = "xoxb-0000000000-0000000000-demotokenvalue"  # noqa: S105 - the stand-in's, not a secret
SECRET = "demo0signing0secret0000000000000"  # noqa: S105 - signs requests to itself

# The school: a lead coach, two coaches, six teachers, in New York and Chicago.
PEOPLE = {
    "U0DEMOLEAD": ("Dana Reyes", "America/New_York", "dana@lincoln.example"),
    "U0DEMOJORD": ("Jordan Blake", "America/Chicago", "jordan@lincoln.example"),
    "U0DEMOPRIY": ("Priya Shah", "America/New_York", "priya@lincoln.example"),
    "U0DEMOALVA": ("Ms. Alvarez", "America/New_York", "alvarez@lincoln.example"),
    "U0DEMOBROO": ("Mr. Brooks", "America/New_York", "brooks@lincoln.example"),
    "U0DEMOCHEN": ("Ms. Chen", "America/Chicago", "chen@lincoln.example"),
    "U0DEMODIAZ": ("Mr. Diaz", "America/Chicago", "diaz@lincoln.example"),
    "U0DEMOEVAN": ("Ms. Evans", "America/New_York", "evans@lincoln.example"),
    "U0DEMOFOXX": ("Mr. Fox", "America/New_York", "fox@lincoln.example"),
}
CHANNELS = {"C0DEMOMATH": "plc-math", "C0DEMOELAA": "plc-ela"}
LEAD, JORDAN, PRIYA = "U0DEMOLEAD", "U0DEMOJORD", "U0DEMOPRIY"
ALVAREZ, BROOKS = "U0DEMOALVA", "U0DEMOBROO"
ROSTER = f"""slack_user_id,role,school,team,plc_channel,assigned_coach,expertise,weekly_capacity
{LEAD},lead coach,Lincoln,,,,data use,4
{JORDAN},coach,Lincoln,,,,math;student engagement,5
{PRIYA},coach,Lincoln,,,,literacy,5
{ALVAREZ},teacher,Lincoln,Grade 7,C0DEMOMATH,{JORDAN},,
{BROOKS},teacher,Lincoln,Grade 7,C0DEMOELAA,{PRIYA},,
U0DEMOCHEN,teacher,Lincoln,Grade 8,C0DEMOMATH,{JORDAN},,
U0DEMODIAZ,teacher,Lincoln,Grade 8,C0DEMOMATH,{JORDAN},,
U0DEMOEVAN,teacher,Lincoln,Grade 6,C0DEMOELAA,{PRIYA},,
U0DEMOFOXX,teacher,Lincoln,Grade 6,C0DEMOELAA,{PRIYA},,
"""


@dataclass
class Entry:
    """One thing a person saw in Slack."""

    day: str
    at: str
    who: str
    what: str
    text: str


@dataclass
class Transcript:
    entries: list[Entry] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    steps: int = 0


class _Tracking(ThreadPoolExecutor):
    """Bolt's listener pool, remembering its work so each step can wait for its listeners."""

    def __init__(self) -> None:
        super().__init__(max_workers=16, thread_name_prefix="listener")
        self.futures: list[Future[Any]] = []
        self._lock = threading.Lock()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self.futures.append(future)
        return future

    def settle(self) -> None:
        with self._lock:
            pending = list(self.futures)
        wait(pending, timeout=30)


class Week:
    """The running app, the stand-in, a simulated clock, and the steps of the week."""

    def __init__(self, folder: Path, slack: SlackStandin) -> None:
        self.slack = slack
        self.now = datetime.combine(MONDAY, clock_time(6, 0), SCHOOL_TZ).astimezone(UTC)
        self.settings = Settings(
            slack_bot_token=SecretStr(TOKEN),
            slack_signing_secret=SecretStr(SECRET),
            slack_api_url=slack.url,
            database_url=SecretStr(f"sqlite:///{folder / 'demo.db'}"),
            port=0,
            coachbot_admins=(LEAD,),
            _env_file=None,  # type: ignore[call-arg]
        )
        self.engine = make_engine(self.settings.database_url.get_secret_value())
        migrate.upgrade(self.engine)
        self.executor = _Tracking()
        self.runtime = Runtime(
            self.settings, self.engine, host="127.0.0.1", executor=self.executor, clock=self.clock
        )
        self.sender = SlackSender(make_delivery_client(self.settings))
        self.transcript = Transcript()
        self.seen = 0
        self.names = Names(
            users={uid: name for uid, (name, _tz, _mail) in PEOPLE.items()}, channels=CHANNELS
        )
        self.poster: SignedPoster | None = None

    def clock(self) -> datetime:
        return self.now

    # ------------------------------------------------------------------- plumbing

    @contextmanager
    def serving(self) -> Iterator[None]:
        thread = threading.Thread(target=self.runtime.http.serve_forever, daemon=True)
        thread.start()
        self.poster = SignedPoster("127.0.0.1", self.runtime.http.port, SECRET)
        try:
            yield
        finally:
            self.runtime.http.stop()
            thread.join(10)
            self.executor.shutdown(wait=True)
            self.engine.dispose()

    def at(self, day: date, hour: int, minute: int = 0) -> None:
        """Move the clock to a school-local moment (forward only)."""
        moment = datetime.combine(day, clock_time(hour, minute), SCHOOL_TZ).astimezone(UTC)
        self.now = max(self.now, moment)

    def post(self, payload: tuple[str, str], actor: str) -> Any:
        assert self.poster is not None
        reply = self.poster.post(payload)
        self.executor.settle()
        self.record(actor)
        if reply.status != 200:
            self.fail(f"Slack's request was refused with HTTP {reply.status}")
        return reply.json() if reply.body else None

    def tick_at(self, day: date, *times: int | tuple[int, int]) -> None:
        """At each school-local time of the day in turn (an hour, or an hour and minute), what
        the scheduler does then."""
        for when in times:
            hour, minute = when if isinstance(when, tuple) else (when, 0)
            self.at(day, hour, minute)
            self.tick()

    def tick(self) -> None:
        """What the scheduler does at this moment: plan, ask for visit logs, deliver."""
        jobs.plan_messages(self.runtime.deps)
        jobs.prompt_visit_logs(self.runtime.deps, self.runtime.app.client)
        jobs.deliver_outbox(
            self.runtime.deps,
            self.sender,
            worker="demo",
            still_wanted=jobs.STILL_WANTED,
            budget_seconds=10,
        )
        self.record(None)

    def record(self, actor: str | None) -> None:
        calls = self.slack.calls
        for call in calls[self.seen :]:
            entry = self.entry(call, actor)
            if entry is not None:
                self.transcript.entries.append(entry)
        self.seen = len(calls)

    def entry(self, call: Call, actor: str | None) -> Entry | None:
        if call.status != 200 or not call.response.get("ok") or call.method == "views.publish":
            return None
        text = render_call(call, self.names, color=False)
        if text is None:
            return None
        target = str(call.args.get("channel") or call.args.get("user") or actor or "")
        if call.method == "chat.postEphemeral":
            target = str(call.args.get("user"))
        if target.startswith("D"):
            # The stand-in names a direct message "D" + the user id.
            target = target[1:] if target[1:2] in ("U", "W") else "U" + target[1:]
        who = self.names.users.get(target) or (
            f"#{CHANNELS[target]}" if target in CHANNELS else target
        )
        local = self.now.astimezone(SCHOOL_TZ)
        return Entry(DAYS[local.weekday()], f"{local:%H:%M}", who, call.method, text)

    def fail(self, why: str) -> None:
        local = self.now.astimezone(SCHOOL_TZ)
        self.transcript.failures.append(f"{DAYS[local.weekday()]} {local:%H:%M}: {why}")

    def expect(self, ok: bool, why: str) -> None:
        self.transcript.steps += 1
        if not ok:
            self.fail(why)

    def dms_to(self, user_id: str) -> list[Call]:
        return [
            c
            for c in self.slack.calls_to("chat.postMessage")
            if c.args.get("channel") == user_id and c.status == 200
        ]

    def last_dm(self, user_id: str, containing: str) -> Call | None:
        for call in reversed(self.dms_to(user_id)):
            if containing in str(call.args.get("text", "")) + str(call.args.get("blocks", "")):
                return call
        return None

    def opened(self) -> dict[str, Any]:
        calls = self.slack.calls_to("views.open") + self.slack.calls_to("views.push")
        latest = max(calls, key=lambda c: c.received_at)
        view: dict[str, Any] = latest.response.get("view") or latest.args["view"]
        return view

    def click(self, user: str, message: Call | None, action: str) -> None:
        if message is None:
            self.fail(f"no message with {action} for {self.names.users.get(user, user)}")
            return
        value = _button_value(message.args.get("blocks", []), action)
        if value is None:
            self.fail(f"the message has no {action} button")
            return
        where = (str(message.response["channel"]), str(message.response["ts"]))
        self.post(block_action(action, user_id=user, value=value, message=where), user)

    def choose(self, user: str, message: Call | None, action: str, ending: str) -> None:
        if message is None:
            self.fail(f"no message with {action}")
            return
        for block in message.args.get("blocks", []):
            accessory = block.get("accessory") or {}
            if accessory.get("action_id") == action:
                option = next(
                    (o for o in accessory.get("options", []) if o["value"].endswith(ending)), None
                )
                if option is not None:
                    where = (str(message.response["channel"]), str(message.response["ts"]))
                    payload = block_action(
                        action, user_id=user, selected_option=option, message=where
                    )
                    self.post(payload, user)
                    return
        self.fail(f"no {action} option ending {ending}")

    def submit(self, user: str, callback: str, values: dict[str, Any], metadata: str = "") -> Any:
        """Send a form; the transcript shows what the person sent, not only the empty form."""
        form = self.form(callback)
        if form is not None:
            local = self.now.astimezone(SCHOOL_TZ)
            self.transcript.entries.append(
                Entry(
                    DAYS[local.weekday()],
                    f"{local:%H:%M}",
                    self.names.users.get(user, user),
                    "sent",
                    render_submission(form, values, self.names),
                )
            )
        return self.post(
            view_submission(callback, values, user_id=user, private_metadata=metadata), user
        )

    def form(self, callback: str) -> dict[str, Any] | None:
        """The latest form opened with this callback id, as Slack showed it."""
        calls = self.slack.calls_to("views.open") + self.slack.calls_to("views.push")
        for call in sorted(calls, key=lambda c: c.received_at, reverse=True):
            view: dict[str, Any] = call.response.get("view") or call.args["view"]
            if view.get("callback_id") == callback:
                return view
        return None


def _button_value(blocks: list[dict[str, Any]], action: str) -> str | None:
    for block in blocks:
        elements = block.get("elements", []) if block.get("type") == "actions" else []
        accessory = block.get("accessory")
        for element in [*elements, *([accessory] if accessory else [])]:
            if element.get("action_id") == action:
                return str(element.get("value", ""))
    return None


def _one(block: str, state: dict[str, Any]) -> dict[str, Any]:
    return {block: {block: state}}


def _text(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def _option(value: str) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": {"value": value}}


# ----------------------------------------------------------------------- the week


def seed(week: Week) -> None:
    for user_id, (name, tz, email) in PEOPLE.items():
        week.slack.add_user(user_id, name=name, real_name=name, tz=tz, email=email)
    for channel_id, name in CHANNELS.items():
        week.slack.add_channel(channel_id, name=name)
    directory = SlackDirectory(week.runtime.app.client)
    with week.runtime.deps.uow() as uow:
        report = import_roster(
            uow,
            directory,
            TEAM_ID,
            ROSTER,
            week.now,
            areas=week.runtime.deps.expertise_areas,
        )
        save_calendar(
            uow,
            TEAM_ID,
            None,
            weekdays=frozenset(range(5)),
            day_start=clock_time(7, 0),
            day_end=clock_time(17, 0),
            closures=[Closure(HOLIDAY, HOLIDAY, "Staff development day")],
        )
        uow.commit()
    week.expect(report.applied and not report.problems, "the roster was imported")


def monday(week: Week) -> None:
    day = MONDAY
    week.tick_at(day, 7, 8)
    week.expect(
        all(week.last_dm(c, "Your day") for c in (JORDAN, PRIYA)),
        "every coach with teachers got a daily list",
    )
    week.expect(
        not week.last_dm(LEAD, "Your day"), "the lead coach, with no teachers, got no empty list"
    )
    _goals(week, day)
    _office_hours(week, day)
    invitation = _booking(week, day)
    _answers(week, day, invitation)


def _goals(week: Week, day: date) -> None:
    """Both teachers set a goal; Ms. Alvarez's says where her students are and where she wants
    them."""
    week.at(day, 8, 30)
    week.post(event_callback(app_home_opened(ALVAREZ)), ALVAREZ)
    goal = {
        **_one(
            Input.GOAL_QUESTION,
            _text("How can I get more of my students explaining their reasoning out loud?"),
        ),
        **_one(Input.GOAL_FOCUS, _option("math")),
        **_one(Input.GOAL_EVIDENCE, _text("Half the class can explain a step to a partner")),
        **_one(Input.GOAL_STUDENTS_NOW, _text("12 of 28 explain a step")),
        **_one(Input.GOAL_STUDENTS_AIM, _text("20 of 28")),
        **_one(Input.GOAL_TARGET, {"type": "datepicker", "selected_date": None}),
        **_one(Input.GOAL_COACH, {"type": "users_select", "selected_user": JORDAN}),
    }
    week.submit(ALVAREZ, Callback.GOAL, goal)
    brooks_goal = {
        **goal,
        **_one(Input.GOAL_QUESTION, _text("How do I help quiet readers join book talks?")),
        **_one(Input.GOAL_FOCUS, _option("literacy")),
        **_one(Input.GOAL_EVIDENCE, _text("Every reader adds one idea to a book talk each week")),
        **_one(Input.GOAL_STUDENTS_NOW, _text(None)),
        **_one(Input.GOAL_STUDENTS_AIM, _text(None)),
        **_one(Input.GOAL_COACH, {"type": "users_select", "selected_user": PRIYA}),
    }
    week.submit(BROOKS, Callback.GOAL, brooks_goal)
    week.expect(bool(week.last_dm(JORDAN, "set a coaching goal")), "Jordan heard about the goal")


def _booking(week: Week, day: date) -> Call | None:
    """Ms. Alvarez books the first of Jordan's open times; the invitation he got."""
    week.at(day, 9, 30)
    week.post(slash_command("/invite-coach", "", user_id=ALVAREZ), ALVAREZ)
    form = week.opened()
    goal_block = next((b for b in form["blocks"] if b.get("block_id") == Input.INVITE_GOAL), None)
    goal_value = (goal_block or {}).get("element", {}).get("initial_option", {}).get("value")
    # She books the first of Jordan's open times with one click: Tuesday 9:00 in Chicago is
    # 10:00 for her in New York.
    slots = next((b for b in form["blocks"] if b.get("block_id") == Input.INVITE_SLOT), None)
    first = ((slots or {}).get("element", {}).get("options") or [{}])[0]
    week.expect(
        first.get("text", {}).get("text") == "Tue Dec 1, 10:00–10:45 AM",
        "Ms. Alvarez was offered Jordan's open times, in her own zone",
    )
    booked = _invite(day + timedelta(days=1), "10:00", "model", goal_value)
    booked[Input.INVITE_TIME][Input.INVITE_TIME]["selected_time"] = None
    booked |= _one(
        Input.INVITE_SLOT,
        {"type": "radio_buttons", "selected_option": {"value": first.get("value", "")}},
    )
    week.submit(ALVAREZ, Callback.INVITE, booked)
    invitation = week.last_dm(JORDAN, "would love you to visit")
    week.expect(invitation is not None, "Jordan got Ms. Alvarez's invitation")
    week.expect(
        "9:00–9:45 AM (CST)"
        in json.dumps((invitation.args if invitation else {}), ensure_ascii=False),
        "the booked open time reached Jordan on his own clock",
    )

    return invitation


def _answers(week: Week, day: date, invitation: Call | None) -> None:
    """Jordan accepts; Priya suggests another time for Mr. Brooks, who accepts it."""
    week.at(day, 10)
    week.post(slash_command("/invite-coach", f"<@{PRIYA}|priya>", user_id=BROOKS), BROOKS)
    week.submit(BROOKS, Callback.INVITE, _invite(day + timedelta(days=1), "13:00", "observe", None))
    week.at(day, 10, 30)
    week.click(JORDAN, invitation, Action.INVITE_ACCEPT)
    week.expect(bool(week.last_dm(ALVAREZ, "accepted")), "Ms. Alvarez heard Jordan accepted")
    week.click(PRIYA, week.last_dm(PRIYA, "would love you to visit"), Action.INVITE_SUGGEST)
    proposal = week.opened()
    week.submit(
        PRIYA,
        Callback.PROPOSE,
        {
            **_one(
                Input.PROPOSE_DATE,
                {"type": "datepicker", "selected_date": str(day + timedelta(days=2))},
            ),
            **_one(Input.PROPOSE_TIME, {"type": "timepicker", "selected_time": "09:00"}),
            **_one(Input.PROPOSE_LENGTH, _option("45")),
            **_one(Input.PROPOSE_NOTE, _text("Wednesday mornings work better for me.")),
        },
        proposal.get("private_metadata", ""),
    )
    suggested = week.last_dm(BROOKS, "suggested another time")
    week.expect(suggested is not None, "Mr. Brooks got Priya's suggested time")
    week.at(day, 11)
    week.click(BROOKS, suggested, Action.INVITE_ACCEPT)
    week.expect(bool(week.last_dm(PRIYA, "You're visiting")), "Priya's visit is confirmed")


def _office_hours(week: Week, day: date) -> None:
    """Jordan opens "Office hours" on his Home and sets two windows with 45-minute visits."""
    week.at(day, 8, 45)
    home = {"type": "home", "id": "V0DEMOHOME"}
    week.post(block_action(Action.HOME_OFFICE_HOURS, user_id=JORDAN, view=home), JORDAN)
    form = week.opened()
    week.expect(form.get("callback_id") == Callback.OFFICE_HOURS, "Jordan opened office hours")
    typed = {"HOURS_TUESDAY": "9:00-11:30", "HOURS_THURSDAY": "1-3pm"}
    values = _one(Input.HOURS_LENGTH, _option("45"))
    for name in ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"):
        values |= _one(Input[f"HOURS_{name}"], _text(typed.get(f"HOURS_{name}")))
    week.submit(JORDAN, Callback.OFFICE_HOURS, values)
    shown = [c for c in week.slack.calls_to("views.publish") if c.args["user_id"] == JORDAN]
    week.expect(
        bool(shown)
        and "Tue 9:00–11:30 AM; Thu 1:00–3:00 PM" in json.dumps(shown[-1].args, ensure_ascii=False),
        "Jordan's Home shows his office hours",
    )


def _invite(day: date, start: str, support: str, goal: str | None) -> dict[str, Any]:
    values = {
        **_one(Input.INVITE_COACH, {"type": "users_select", "selected_user": None}),
        **_one(Input.INVITE_DATE, {"type": "datepicker", "selected_date": str(day)}),
        **_one(Input.INVITE_TIME, {"type": "timepicker", "selected_time": start}),
        **_one(Input.INVITE_LENGTH, _option("45")),
        **_one(Input.INVITE_SUPPORT, _option(support)),
        **_one(
            Input.INVITE_CLASS, _text("Period 3 Math" if support == "model" else "Period 5 ELA")
        ),
        **_one(Input.INVITE_FOCUS, _text("How students explain their thinking in pairs")),
        **_one(Input.INVITE_NOTE, _text(None)),
    }
    coach = JORDAN if support == "model" else PRIYA
    values[Input.INVITE_COACH][Input.INVITE_COACH]["selected_user"] = coach
    if goal:
        values.update(_one(Input.INVITE_GOAL, _option(goal)))
    return values


def tuesday(week: Week) -> None:
    day = MONDAY + timedelta(days=1)
    week.tick_at(day, 7, 8)
    week.expect(bool(week.last_dm(JORDAN, "Period 3 Math")), "Jordan's list shows today's visit")
    week.tick_at(day, (10, 50))
    prompt = week.last_dm(JORDAN, "How did your visit")
    week.expect(prompt is not None, "Jordan was asked how the visit went")
    week.choose(JORDAN, prompt, Action.VISIT_LOG_HAPPENED, ":model")
    week.tick_at(day, (15, 30))
    reflection = week.last_dm(ALVAREZ, "reflect")
    week.expect(reflection is not None, "Ms. Alvarez got a private reflection prompt")
    week.click(ALVAREZ, reflection, Action.REFLECT_OPEN)
    opened = week.opened()
    week.submit(
        ALVAREZ,
        Callback.REFLECT,
        {
            **_one(Input.REFLECT_ANSWER, _text("Pairs explained more when I waited longer.")),
            **_one(Input.REFLECT_SHARE, {"type": "checkboxes", "selected_options": []}),
        },
        opened.get("private_metadata", ""),
    )
    _log_plc(week, day)


def _log_plc(week: Week, day: date) -> None:
    """Jordan logs the math PLC's hour with two of his teachers: work no teacher invited him to."""
    week.at(day, 16)
    week.post(slash_command("/coachbot", "log", user_id=JORDAN), JORDAN)
    form = week.opened()
    week.expect(form.get("callback_id") == Callback.COACHING_LOG, "Jordan opened the coaching log")
    reply = week.submit(
        JORDAN,
        Callback.COACHING_LOG,
        {
            **_one(Input.COACHING_LOG_KIND, _option("plc")),
            **_one(Input.COACHING_LOG_DAY, {"type": "datepicker", "selected_date": str(day)}),
            **_one(Input.COACHING_LOG_MINUTES, _option("60")),
            **_one(
                Input.COACHING_LOG_TEACHERS,
                {"type": "multi_users_select", "selected_users": [ALVAREZ, "U0DEMOCHEN"]},
            ),
            **_one(
                Input.COACHING_LOG_PLC,
                {"type": "conversations_select", "selected_conversation": "C0DEMOMATH"},
            ),
            **_one(Input.COACHING_LOG_NOTE, _text(None)),
        },
    )
    said = json.dumps(reply or {})
    week.expect("with 2 teachers in <#C0DEMOMATH>" in said, "the PLC hour was logged once")


def wednesday(week: Week) -> None:
    day = MONDAY + timedelta(days=2)
    week.tick_at(day, 7, 8, (9, 50))
    week.choose(
        PRIYA, week.last_dm(PRIYA, "How did your visit"), Action.VISIT_LOG_HAPPENED, ":observe"
    )
    week.at(day, 11)
    week.post(slash_command("/debrief", "", user_id=JORDAN), JORDAN)
    form = week.opened()
    visit_block: dict[str, Any] = next(
        (b for b in form["blocks"] if b.get("block_id") == Input.DEBRIEF_VISIT), {}
    )
    options = visit_block.get("element", {}).get("options", [])
    visit_value = options[0]["value"] if options else "0"
    week.submit(
        JORDAN,
        Callback.DEBRIEF,
        {
            **_one(Input.DEBRIEF_VISIT, _option(visit_value)),
            **_one(Input.DEBRIEF_DATE, {"type": "datepicker", "selected_date": str(day)}),
            **_one(Input.DEBRIEF_TIME, {"type": "timepicker", "selected_time": "14:00"}),
            **_one(Input.DEBRIEF_LENGTH, _option("30")),
            **_one(Input.DEBRIEF_PLACE, _text("Room 112")),
        },
    )
    scheduled = week.last_dm(ALVAREZ, "Debrief with")
    week.expect(scheduled is not None, "both heard about the debrief")
    week.at(day, 14, 45)
    debrief_id = (
        _button_value(scheduled.args.get("blocks", []), Action.DEBRIEF_NOTES) if scheduled else ""
    )
    notes = {
        **_one(
            Input.NOTE_STRENGTHS, _text("Students built on each other's ideas without prompting.")
        ),
        **_one(Input.NOTE_TRY_NEXT, _text("Sentence stems for explaining a step.")),
        **_one(Input.NOTE_NEXT_STEP, _text("Try the stems in Period 3 for a week.")),
        **_one(Input.NOTE_CHECK_BACK, {"type": "datepicker", "selected_date": "2026-12-04"}),
    }
    week.submit(JORDAN, Callback.NOTES, notes, debrief_id or "")
    # Her own notes keep the step; Jordan's check-back day is the one coachbot asks about.
    own = {**notes, **_one(Input.NOTE_CHECK_BACK, {"type": "datepicker", "selected_date": None})}
    week.submit(ALVAREZ, Callback.NOTES, own, debrief_id or "")
    week.tick_at(day, (15, 30), (16, 45))


def thursday(week: Week) -> None:
    day = HOLIDAY
    before = len(week.slack.calls_to("chat.postMessage"))
    week.tick_at(day, *range(6, 19, 2))
    week.expect(
        len(week.slack.calls_to("chat.postMessage")) == before,
        "nothing was sent on the holiday",
    )


def friday(week: Week) -> None:
    day = MONDAY + timedelta(days=4)
    week.tick_at(day, 7, 8)
    _tried_it(week, day)
    week.at(day, 10)
    for teacher in (ALVAREZ, BROOKS):
        week.post(slash_command("/coach-goal", "", user_id=teacher), teacher)
        story = week.opened()
        goal_id = _button_value(story.get("blocks", []), Action.GOAL_MET)
        week.post(
            block_action(
                Action.GOAL_MET,
                user_id=teacher,
                value=goal_id,
                view={
                    "id": story.get("id", ""),
                    "external_id": story.get("external_id", ""),
                    "callback_id": Callback.GOALS,
                },
            ),
            teacher,
        )
    offer = week.last_dm(ALVAREZ, "Congratulations")
    week.expect(offer is not None, "Ms. Alvarez was offered a celebration post")
    week.click(ALVAREZ, offer, Action.CELEBRATE_EDIT)
    edit = week.opened()
    words = "Our pairs are explaining their math out loud now. Thank you, Jordan! 🎉"
    week.submit(
        ALVAREZ,
        Callback.CELEBRATE,
        {
            **_one(Input.CELEBRATE_TEXT, _text(words)),
            **_one(
                Input.CELEBRATE_CHANNEL,
                {"type": "conversations_select", "selected_conversation": "C0DEMOMATH"},
            ),
        },
        edit.get("private_metadata", ""),
    )
    posted = [
        c for c in week.slack.calls_to("chat.postMessage") if c.args.get("channel") == "C0DEMOMATH"
    ]
    week.expect(
        bool(posted) and words in str(posted[-1].args), "the celebration was posted in her words"
    )
    week.click(BROOKS, week.last_dm(BROOKS, "Congratulations"), Action.CELEBRATE_DECLINE)
    week.expect(
        not [
            c
            for c in week.slack.calls_to("chat.postMessage")
            if c.args.get("channel") == "C0DEMOELAA"
        ],
        "Mr. Brooks said no thanks, so nothing was posted",
    )
    week.tick_at(day, 14, 15)
    week.expect(bool(week.last_dm(JORDAN, "Your week")), "Jordan got the weekly digest")


def _tried_it(week: Week, day: date) -> None:
    """Ms. Alvarez's check-back on her next step: she tried it, and says how it went."""
    check_back = week.last_dm(ALVAREZ, "How is it going with your next step")
    week.expect(check_back is not None, "Ms. Alvarez was asked how her next step is going")
    week.at(day, 9)
    week.click(ALVAREZ, check_back, Action.NEXT_STEP_TRIED)
    form = week.opened()
    week.submit(
        ALVAREZ,
        Callback.NEXT_STEP_TRIED,
        _one(Input.NEXT_STEP_LINE, _text("Pairs used the stems; 20 of 28 explained a step today.")),
        form.get("private_metadata", ""),
    )
    week.expect(
        bool(week.last_dm(JORDAN, "tried the next step")), "Jordan heard she tried the next step"
    )
    week.post(slash_command("/coach-goal", f"<@{ALVAREZ}>", user_id=JORDAN), JORDAN)
    story = json.dumps(week.opened())
    week.expect(
        "Tried the next step" in story and "Students now: 12 of 28" in story,
        "her story shows the step tried and where her students started",
    )


STEPS: tuple[Callable[[Week], None], ...] = (monday, tuesday, wednesday, thursday, friday)


def play(progress: Any = None) -> tuple[Transcript, SlackStandin]:
    with tempfile.TemporaryDirectory() as folder, SlackStandin(bot_token=TOKEN) as slack:
        week = Week(Path(folder), slack)
        with week.serving():
            seed(week)
            for step in STEPS:
                if progress is not None:
                    progress.write(f"\rPlaying {step.__name__.capitalize():10}")
                    progress.flush()
                step(week)
            if progress is not None:
                progress.write("\r" + " " * 24 + "\r")
        week.transcript.entries.sort(key=lambda e: (DAYS.index(e.day), e.at))
        return week.transcript, slack


def duplicates(slack: SlackStandin) -> int:
    """Messages the outbox sent twice (by key)."""
    keys = Counter(
        str(((c.args.get("metadata") or {}).get("event_payload") or {}).get("key"))
        for c in slack.calls_to("chat.postMessage")
        if c.status == 200 and c.args.get("metadata")
    )
    return sum(n - 1 for n in keys.values() if n > 1)


def run(day: str | None, person: str | None, json_path: Path | None, out: Any = sys.stdout) -> int:
    started = time.perf_counter()
    out.write(
        "coachbot demo: a week at Lincoln, Monday November 30 to Friday December 4, 2026.\n"
        "A lead coach, two coaches and six teachers in New York and Chicago; Thursday is a\n"
        "staff development day. Times below are New York time; each person's messages show\n"
        "their own. The Slack here is coachbot's built-in stand-in: nothing leaves this machine.\n"
    )
    transcript, slack = play(sys.stderr if sys.stderr.isatty() else None)
    entries = [
        e
        for e in transcript.entries
        if (day is None or e.day == day) and (person is None or person.lower() in e.who.lower())
    ]
    current = None
    for entry in entries:
        if entry.day != current:
            current = entry.day
            out.write(f"\n══ {entry.day.capitalize()} ══\n")
        out.write(f"\n── {entry.at} · {entry.who} ({entry.what})\n{entry.text}\n")
    per_person = Counter(e.who for e in transcript.entries)
    twice = duplicates(slack)
    out.write("\n══ Summary ══\n")
    for who, number in sorted(per_person.items()):
        out.write(f"  {who:18} {number:3} messages and views\n")
    out.write(
        f"  steps checked {transcript.steps}, problems {len(transcript.failures)}, "
        f"sent twice {twice}, {time.perf_counter() - started:.1f} s\n"
    )
    for failure in transcript.failures:
        out.write(f"  ✗ {failure}\n")
    if json_path is not None:
        data = {
            "entries": [asdict(e) for e in transcript.entries],
            "failures": transcript.failures,
            "duplicates": twice,
        }
        json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    return 1 if transcript.failures or twice else 0
