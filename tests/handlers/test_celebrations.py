"""Celebrations end to end: signed requests in, and exactly what each channel receives."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

import handlers.celebrations as celebration_handlers
import handlers.shared as shared_handlers
from bot.demo.standin import Call
from bot.ids import Action, Callback, Input
from bot.rules.celebrations import NOT_YOURS
from bot.views import celebrations as views
from handlers.common import add_routes
from storage.models import Celebration, DebriefNote, Goal, Person, Reflection
from tests import factories
from tests.conftest import Running
from tests.handlers.test_invite_flow import (
    COACH,
    COACH2,
    OTHER_TEACHER,
    TEACHER,
    TEAM,
    click,
    dms_to,
    ephemerals_to,
    school,  # noqa: F401 - the fixture
    words,
)

PLC = "C0PLCMATH1"
PUBLIC, PRIVATE, PRIVATE_IN = "C0PUBLIC01", "G0PRIVATE1", "G0PRIVIN01"
QUESTION = "How can I get more of my students explaining their reasoning?"
MY_WORDS = "We did it!\nMy 3rd period explains their thinking now. Thank you <@U0COACH001> & team"


def registered(running: Running) -> bool:
    return any(
        getattr(listener, "ack_function", None) is celebration_handlers.handle_celebrate_post
        for listener in running.app._listeners
    )


@pytest.fixture
def celebrating(school: Running) -> Running:  # noqa: F811
    """The school, celebrations listened for, a PLC channel coachbot is in, and others."""
    running = school
    if not registered(running):
        add_routes(running.app, celebration_handlers.ROUTES)
    running.slack.add_channel(PLC, name="plc-math", is_member=True)
    running.slack.add_channel(PUBLIC, name="grade-3", is_member=False)
    running.slack.add_channel(PRIVATE, name="grade-3-team", is_private=True, is_member=False)
    running.slack.add_channel(PRIVATE_IN, name="math-team", is_private=True, is_member=True)
    with running.deps.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        assert teacher is not None
        teacher.plc_channel_id = PLC
        uow.commit()
    return running


def met_goal(running: Running) -> int:
    """A goal met, with private words around it that no post may ever contain."""
    now = running.clock.now
    with running.deps.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        coach = uow.people.get_by_user(TEAM, COACH)
        assert teacher is not None and coach is not None
        goal = Goal(
            team_id=TEAM,
            teacher_id=teacher.id,
            coach_id=coach.id,
            question=QUESTION,
            focus_area="math",
            evidence="SECRET-EVIDENCE half the class",
            status="met",
            created_at=now - timedelta(days=30),
            updated_at=now,
            closed_at=now,
        )
        uow.session.add(goal)
        uow.session.flush()
        uow.session.add(
            Reflection(
                team_id=TEAM,
                teacher_id=teacher.id,
                coach_id=coach.id,
                question="What did you notice?",
                answer="SECRET-REFLECTION I was nervous",
                created_at=now,
            )
        )
        uow.commit()
        return goal.id


def offered(running: Running) -> Call:
    """The goal is met and coachbot offers the teacher a draft; the offer DM."""
    goal_id = met_goal(running)
    assert shared_handlers.offer_celebration(running.app.client, running.deps, goal_id)
    offer = dms_to(running, TEACHER)[-1]
    assert offer.response["ok"]
    return offer


def the_celebration(running: Running) -> Celebration:
    with running.deps.uow() as uow:
        [celebration] = uow.session.scalars(select(Celebration)).all()
        uow.session.expunge(celebration)
        return celebration


def channel_posts(running: Running) -> list[Call]:
    """Every successful post anywhere but a direct message."""
    return [
        c
        for c in running.slack.calls_to("chat.postMessage")
        if not str(c.args["channel"]).startswith(("U", "D")) and c.response["ok"]
    ]


def form_values(text: str, channel: str, who: str | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {
        Input.CELEBRATE_TEXT: {Input.CELEBRATE_TEXT: {"type": "plain_text_input", "value": text}},
        Input.CELEBRATE_CHANNEL: {
            Input.CELEBRATE_CHANNEL: {
                "type": "conversations_select",
                "selected_conversation": channel,
            }
        },
    }
    if who is not None:
        values[Input.CELEBRATE_WHO] = {
            Input.CELEBRATE_WHO: {"type": "users_select", "selected_user": who}
        }
    return values


def submit(running: Running, user: str, values: dict[str, Any], metadata: str) -> Any:
    reply = running.sender.post(
        factories.view_submission(
            Callback.CELEBRATE, values, user_id=user, private_metadata=metadata
        )
    )
    assert reply.status == 200
    running.settle()
    return reply.json() if reply.body else None


def press(running: Running, user: str, action: str, value: str, message: Call) -> None:
    """Press a button, maybe one forged onto someone else's id."""
    where = (message.response["channel"], message.response["ts"])
    reply = running.sender.post(
        factories.block_action(action, user_id=user, value=value, message=where)
    )
    assert reply.status == 200
    running.settle()


def open_editor(running: Running, offer: Call) -> dict[str, Any]:
    click(running, TEACHER, offer, Action.CELEBRATE_EDIT)
    [opened] = running.slack.calls_to("views.open")
    assert opened.response["ok"]
    view: dict[str, Any] = opened.args["view"]
    return view


# --------------------------------------------------------------------------- the whole story


def test_a_met_goal_is_offered_edited_and_posted_in_the_teachers_words(
    celebrating: Running,
) -> None:
    running = celebrating
    offer = offered(running)
    assert offer.args["text"] == views.OFFER_INTRO
    assert QUESTION in words(offer) and f"<#{PLC}>" in words(offer)
    assert "SECRET" not in str(running.slack.calls)
    labels = [
        e["text"]["text"]
        for b in offer.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert labels == ["Edit and post", "Post as is", "No thanks"]

    view = open_editor(running, offer)
    celebration = the_celebration(running)
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    # The text box shows names where the draft mentions people, as Slack shows them elsewhere.
    box = blocks[Input.CELEBRATE_TEXT]["element"]["initial_value"]
    assert box == celebration.text.replace(f"<@{TEACHER}>", "@Ms. Alvarez").replace(
        f"<@{COACH}>", "@Jordan"
    )
    assert box.startswith("Celebrating a win: @Ms. Alvarez and their coach @Jordan wrapped up")
    assert blocks[Input.CELEBRATE_CHANNEL]["element"]["initial_conversation"] == PLC
    assert Input.CELEBRATE_WHO not in blocks
    # Ids only: the offer to update is the one coachbot stored, not one the modal names.
    assert view["private_metadata"] == str(celebration.id)

    answer = submit(running, TEACHER, form_values(MY_WORDS, PLC), view["private_metadata"])
    assert answer["response_action"] == "update"
    assert f"Posted in <#{PLC}>" in str(answer["view"])

    [post] = channel_posts(running)
    assert post.args["channel"] == PLC
    escaped = MY_WORDS.replace("&", "&amp;")
    assert post.args["text"] == f"From <@{TEACHER}>: {escaped}"
    assert [b["text"]["text"] for b in post.args["blocks"] if b["type"] == "section"] == [escaped]
    assert running.slack.messages_in(PLC)[0]["text"] == post.args["text"]
    assert QUESTION not in str(post.args) and "SECRET" not in str(running.slack.calls)

    after = the_celebration(running)
    assert (after.status, after.text, after.slack_ts) == ("posted", MY_WORDS, post.response["ts"])
    [update] = running.slack.calls_to("chat.update")
    assert update.args["ts"] == offer.response["ts"]
    assert f"Posted in <#{PLC}>" in update.args["text"]
    assert all(b["type"] != "actions" for b in update.args["blocks"])

    # Offered once; and the post can't be made twice.
    assert not shared_handlers.offer_celebration(
        running.app.client, running.deps, after.goal_id or 0
    )
    again = submit(running, TEACHER, form_values("Again!", PLC), view["private_metadata"])
    assert "already posted" in again["errors"][Input.CELEBRATE_TEXT]
    click(running, TEACHER, offer, Action.CELEBRATE_POST)
    assert len(channel_posts(running)) == 1


def test_names_in_the_text_box_are_posted_as_mentions(celebrating: Running) -> None:
    running = celebrating
    view = open_editor(running, offered(running))
    box = {b.get("block_id"): b for b in view["blocks"]}[Input.CELEBRATE_TEXT]
    typed = box["element"]["initial_value"] + " Thanks @Jordan, and hello @Priya!"
    answer = submit(running, TEACHER, form_values(typed, PLC), view["private_metadata"])
    assert answer["response_action"] == "update"

    [post] = channel_posts(running)
    # The draft's people are mentioned (notified, shown by their current name); a name the
    # draft never held stays the words the teacher typed.
    assert post.args["text"].startswith(
        f"From <@{TEACHER}>: Celebrating a win: <@{TEACHER}> and their coach <@{COACH}> wrapped up"
    )
    assert post.args["text"].endswith(f"Thanks <@{COACH}>, and hello @Priya!")
    assert "@Ms. Alvarez" not in post.args["text"]


def test_post_as_is_posts_the_draft_once(celebrating: Running) -> None:
    running = celebrating
    offer = offered(running)
    draft = the_celebration(running).text
    click(running, TEACHER, offer, Action.CELEBRATE_POST)
    click(running, TEACHER, offer, Action.CELEBRATE_POST)  # pressed twice
    [post] = channel_posts(running)
    assert post.args["channel"] == PLC
    assert post.args["text"] == f"From <@{TEACHER}>: {views.safe_words(draft)}"
    assert QUESTION in post.args["text"]
    assert "already posted" in ephemerals_to(running, TEACHER)[-1]
    assert the_celebration(running).status == "posted"


def test_no_thanks_posts_nothing_anywhere(celebrating: Running) -> None:
    running = celebrating
    offer = offered(running)
    click(running, TEACHER, offer, Action.CELEBRATE_DECLINE)
    [update] = running.slack.calls_to("chat.update")
    assert update.args["text"] == "Kept to yourself. Congratulations all the same!"
    assert all(b["type"] != "actions" for b in update.args["blocks"])
    assert the_celebration(running).status == "declined"

    # Changing one's mind through the old buttons posts nothing either.
    click(running, TEACHER, offer, Action.CELEBRATE_POST)
    assert "you chose not to share this" in ephemerals_to(running, TEACHER)[-1]
    value = str(the_celebration(running).id)
    submit(running, TEACHER, form_values("Posted anyway", PLC), value)
    assert channel_posts(running) == []
    assert [c.args["channel"] for c in running.slack.calls_to("chat.postMessage")] == [TEACHER]
    assert running.slack.messages_in(PLC) == []


def test_a_teacher_who_never_shares_wins_is_not_asked(celebrating: Running) -> None:
    running = celebrating
    with running.deps.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        assert teacher is not None
        teacher.share_wins = "never"
        uow.commit()
    goal_id = met_goal(running)
    assert not shared_handlers.offer_celebration(running.app.client, running.deps, goal_id)
    assert running.slack.calls_to("chat.postMessage") == []


# --------------------------------------------------------------------------- channels


def test_a_public_channel_coachbot_is_not_in_is_joined_then_posted(celebrating: Running) -> None:
    running = celebrating
    view = open_editor(running, offered(running))
    answer = submit(running, TEACHER, form_values(MY_WORDS, PUBLIC), view["private_metadata"])
    assert answer["response_action"] == "update"
    [join] = running.slack.calls_to("conversations.join")
    assert join.args["channel"] == PUBLIC and join.response["ok"]
    [post] = channel_posts(running)
    assert post.args["channel"] == PUBLIC
    assert running.slack.messages_in(PUBLIC)[0]["text"].startswith(f"From <@{TEACHER}>: We did it!")
    assert the_celebration(running).channel_id == PUBLIC


def test_post_as_is_joins_a_public_plc_channel(celebrating: Running) -> None:
    running = celebrating
    with running.deps.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        assert teacher is not None
        teacher.plc_channel_id = PUBLIC
        uow.commit()
    click(running, TEACHER, offered(running), Action.CELEBRATE_POST)
    assert running.slack.calls_to("conversations.join")[0].args["channel"] == PUBLIC
    assert [p.args["channel"] for p in channel_posts(running)] == [PUBLIC]


@pytest.mark.parametrize("channel", [PRIVATE, "C0DELETED1"])
def test_a_private_channel_coachbot_is_not_in_is_explained_and_nothing_posted(
    celebrating: Running, channel: str
) -> None:
    running = celebrating
    view = open_editor(running, offered(running))
    answer = submit(running, TEACHER, form_values(MY_WORDS, channel), view["private_metadata"])
    assert answer == {
        "response_action": "errors",
        "errors": {Input.CELEBRATE_CHANNEL: views.PRIVATE_CHANNEL},
    }
    assert "/invite @coachbot" in views.PRIVATE_CHANNEL
    assert channel_posts(running) == []
    assert running.slack.messages_in(PRIVATE) == []
    after = the_celebration(running)
    assert (after.status, after.slack_ts) == ("draft", None)
    assert running.slack.calls_to("chat.update") == []

    # Once coachbot is invited, the same words go through.
    running.slack.add_channel(PRIVATE, name="grade-3-team", is_private=True, is_member=True)
    answer = submit(running, TEACHER, form_values(MY_WORDS, PRIVATE), view["private_metadata"])
    assert answer["response_action"] == "update"
    assert [p.args["channel"] for p in channel_posts(running)] == [PRIVATE]


def test_post_as_is_to_a_private_channel_coachbot_is_not_in_says_so(celebrating: Running) -> None:
    running = celebrating
    with running.deps.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        assert teacher is not None
        teacher.plc_channel_id = PRIVATE
        uow.commit()
    click(running, TEACHER, offered(running), Action.CELEBRATE_POST)
    assert ephemerals_to(running, TEACHER) == [views.PRIVATE_CHANNEL]
    assert channel_posts(running) == []
    assert the_celebration(running).status == "draft"


def test_without_a_plc_channel_post_as_is_asks_where(celebrating: Running) -> None:
    running = celebrating
    with running.deps.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        assert teacher is not None
        teacher.plc_channel_id = None
        uow.commit()
    offer = offered(running)
    click(running, TEACHER, offer, Action.CELEBRATE_POST)
    [opened] = running.slack.calls_to("views.open")
    assert opened.response["ok"]
    channel = next(
        b for b in opened.args["view"]["blocks"] if b.get("block_id") == Input.CELEBRATE_CHANNEL
    )
    assert "initial_conversation" not in channel["element"]
    assert channel_posts(running) == []


# --------------------------------------------------------------------------- only the author


@pytest.mark.parametrize("outsider", [COACH, COACH2, OTHER_TEACHER])
def test_nobody_else_can_post_edit_or_decline_with_a_forged_id(
    celebrating: Running, outsider: str
) -> None:
    running = celebrating
    offer = offered(running)
    celebration = the_celebration(running)
    value = str(celebration.id)
    for action in (Action.CELEBRATE_POST, Action.CELEBRATE_EDIT, Action.CELEBRATE_DECLINE):
        press(running, outsider, action, value, offer)
    # Slack says they clicked in the teacher's DM, which is not theirs: they are answered in
    # their own, and nothing is said in the teacher's.
    assert [c.args["text"] for c in dms_to(running, outsider)][-3:] == [NOT_YOURS] * 3
    assert ephemerals_to(running, outsider) == []
    answer = submit(running, outsider, form_values("Planted words", PLC), value)
    assert answer["errors"] == {Input.CELEBRATE_TEXT: NOT_YOURS}
    assert running.slack.calls_to("views.open") == []
    assert running.slack.calls_to("chat.update") == []
    assert channel_posts(running) == []
    after = the_celebration(running)
    assert (after.status, after.text, after.channel_id) == ("draft", celebration.text, PLC)
    assert QUESTION not in str([c for c in running.slack.calls if c.args.get("user") == outsider])


def test_a_forged_or_unknown_id_changes_nothing(celebrating: Running) -> None:
    running = celebrating
    offer = offered(running)
    for value in ("999", "abc", ""):
        press(running, TEACHER, Action.CELEBRATE_POST, value, offer)
    assert channel_posts(running) == []
    answer = submit(running, TEACHER, form_values("Words", PLC), "12:not-a-channel")
    assert answer["response_action"] == "errors"
    assert the_celebration(running).status == "draft"


# --------------------------------------------------------------------------- /celebrate


def test_a_shout_out_is_posted_under_the_authors_name(celebrating: Running) -> None:
    running = celebrating
    reply = running.sender.post(
        factories.slash_command("/celebrate", f"<@{OTHER_TEACHER}|brooks>", user_id=TEACHER)
    )
    assert reply.status == 200
    running.settle()
    [opened] = running.slack.calls_to("views.open")
    assert opened.response["ok"]
    view = opened.args["view"]
    assert view.get("private_metadata", "") == ""
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks[Input.CELEBRATE_WHO]["element"]["initial_user"] == OTHER_TEACHER
    start = blocks[Input.CELEBRATE_TEXT]["element"]["initial_value"]
    assert start == "A shout-out to @Mr. Brooks: "
    assert blocks[Input.CELEBRATE_CHANNEL]["element"]["initial_conversation"] == PLC

    text = start + "your number talks have the whole hallway curious <3"
    answer = submit(running, TEACHER, form_values(text, PRIVATE_IN, OTHER_TEACHER), "")
    assert answer["response_action"] == "update"
    [post] = channel_posts(running)
    assert post.args["channel"] == PRIVATE_IN
    assert post.args["text"] == (
        f"From <@{TEACHER}>: A shout-out to <@{OTHER_TEACHER}>: "
        "your number talks have the whole hallway curious &lt;3"
    )
    with running.deps.uow() as uow:
        [shout_out] = uow.session.scalars(select(Celebration)).all()
        author = uow.session.get_one(Person, shout_out.author_id)
        subject = uow.session.get_one(Person, shout_out.subject_id or 0)
        assert (author.user_id, subject.user_id) == (TEACHER, OTHER_TEACHER)
        assert (shout_out.status, shout_out.goal_id, shout_out.slack_ts) == (
            "posted",
            None,
            post.response["ts"],
        )


def test_a_shout_out_to_a_private_channel_coachbot_is_not_in_leaves_no_trace(
    celebrating: Running,
) -> None:
    running = celebrating
    running.sender.post(factories.slash_command("/celebrate", "", user_id=TEACHER))
    running.settle()
    [opened] = running.slack.calls_to("views.open")
    who = next(b for b in opened.args["view"]["blocks"] if b.get("block_id") == Input.CELEBRATE_WHO)
    assert who["element"]["initial_user"] == TEACHER
    answer = submit(running, TEACHER, form_values("Our team rocks", PRIVATE, TEACHER), "")
    assert answer["errors"] == {Input.CELEBRATE_CHANNEL: views.PRIVATE_CHANNEL}
    assert channel_posts(running) == []
    with running.deps.uow() as uow:
        assert uow.session.scalars(select(Celebration)).all() == []
        assert uow.session.scalars(select(DebriefNote)).all() == []


def test_an_empty_shout_out_is_refused_inline(celebrating: Running) -> None:
    running = celebrating
    answer = submit(running, TEACHER, form_values("   ", PLC), "")
    assert set(answer["errors"]) == {Input.CELEBRATE_TEXT}
    assert channel_posts(running) == []
