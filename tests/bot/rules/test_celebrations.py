"""Celebrations: the draft's words, the teacher's say, and who may post what, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.app.deps import Deps
from bot.demo.block_kit import check_blocks, check_view
from bot.ids import Action, Callback, Input
from bot.rules import celebrations
from bot.rules.celebrations import (
    ALREADY_POSTED,
    BEING_POSTED,
    NOT_YOURS,
    YOU_DECLINED,
    CelebrationRefused,
)
from bot.rules.people import actor_for
from bot.rules.policy import Actor
from bot.views import celebrations as views
from storage.models import (
    Celebration,
    Debrief,
    DebriefNote,
    Goal,
    Person,
    Reflection,
    Visit,
)

TEAM, OTHER_TEAM = "T0COACH", "T0OTHER"
TEACHER, OTHER_TEACHER, COACH = "U0TEACH001", "U0TEACH002", "U0COACH001"
PLC = "C0PLCMATH1"
NY = "America/New_York"
NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
QUESTION = "How can I get more of my students explaining their reasoning?"
SECRETS = ("SECRET-EVIDENCE", "SECRET-NOTE", "SECRET-NEXT", "SECRET-REFLECTION", "SECRET-PLACE")


@pytest.fixture
def people(deps: Deps) -> Deps:
    with deps.uow() as uow:
        coach = uow.people.add(
            Person(team_id=TEAM, user_id=COACH, display_name="Jordan", role="coach", timezone=NY)
        )
        uow.people.add(
            Person(
                team_id=TEAM,
                user_id=TEACHER,
                display_name="Ms. Alvarez",
                timezone=NY,
                assigned_coach_id=coach.id,
                plc_channel_id=PLC,
            )
        )
        uow.people.add(Person(team_id=TEAM, user_id=OTHER_TEACHER, timezone=NY))
        # Someone in another workspace with the same user id as the teacher.
        uow.people.add(Person(team_id=OTHER_TEAM, user_id=TEACHER, timezone=NY))
        uow.commit()
    return deps


def person(deps: Deps, user_id: str, team: str = TEAM) -> Person:
    with deps.uow() as uow:
        found = uow.people.get_by_user(team, user_id)
        assert found is not None
        uow.session.expunge(found)
        return found


def actor(deps: Deps, user_id: str, team: str = TEAM) -> Actor:
    with deps.uow() as uow:
        return actor_for(uow, team, user_id)


def met_goal(deps: Deps, *, status: str = "met") -> int:
    """A goal, met, with private things said around it that must never reach a draft."""
    teacher, coach = person(deps, TEACHER), person(deps, COACH)
    with deps.uow() as uow:
        goal = Goal(
            team_id=TEAM,
            teacher_id=teacher.id,
            coach_id=coach.id,
            question=QUESTION,
            focus_area="math",
            evidence="SECRET-EVIDENCE half the class explains a step",
            status=status,
            created_at=NOW - timedelta(days=30),
            updated_at=NOW,
            closed_at=NOW if status == "met" else None,
        )
        uow.session.add(goal)
        uow.session.flush()
        visit = Visit(
            team_id=TEAM,
            teacher_id=teacher.id,
            coach_id=coach.id,
            goal_id=goal.id,
            starts_at=NOW - timedelta(days=10),
            ends_at=NOW - timedelta(days=10, minutes=-45),
            support_type="observe",
            focus="SECRET-PLACE the back table",
            note="SECRET-NOTE on the invitation",
            status="accepted",
            outcome="happened",
            created_at=NOW,
            updated_at=NOW,
        )
        uow.session.add(visit)
        uow.session.flush()
        debrief = Debrief(
            team_id=TEAM,
            visit_id=visit.id,
            teacher_id=teacher.id,
            coach_id=coach.id,
            starts_at=NOW - timedelta(days=9),
            ends_at=NOW - timedelta(days=9, minutes=-30),
            place="SECRET-PLACE room 112",
            created_at=NOW,
        )
        uow.session.add(debrief)
        uow.session.flush()
        uow.session.add(
            DebriefNote(
                debrief_id=debrief.id,
                author_id=coach.id,
                strengths="SECRET-NOTE she waits for every hand",
                try_next="SECRET-NOTE sentence stems",
                next_step="SECRET-NEXT try stems in period 3",
                created_at=NOW,
                updated_at=NOW,
            )
        )
        uow.session.add(
            Reflection(
                team_id=TEAM,
                teacher_id=teacher.id,
                coach_id=coach.id,
                visit_id=visit.id,
                question="What did you notice?",
                answer="SECRET-REFLECTION I was nervous",
                shared_with_coach=True,
                created_at=NOW,
                answered_at=NOW,
            )
        )
        uow.commit()
        return goal.id


def offer(deps: Deps, goal_id: int) -> Celebration | None:
    with deps.uow() as uow:
        found = celebrations.offer_for_goal(uow, uow.session.get_one(Goal, goal_id), NOW)
        if found is not None:
            uow.session.expunge(found)
        uow.commit()
        return found


def stored(deps: Deps, celebration_id: int) -> Celebration:
    with deps.uow() as uow:
        found = uow.session.get_one(Celebration, celebration_id)
        uow.session.expunge(found)
        return found


def draft(deps: Deps) -> Celebration:
    found = offer(deps, met_goal(deps))
    assert found is not None
    return found


def post(deps: Deps, user_id: str, celebration_id: int, when: datetime = NOW) -> None:
    """Claim and record a post, as the handler does around Slack's answer."""
    who = actor(deps, user_id)
    with deps.uow() as uow:
        celebrations.start_posting(uow, who, celebration_id, when)
        uow.commit()
    with deps.uow() as uow:
        celebrations.mark_posted(uow, who, celebration_id, "1700000000.000100", when)
        uow.commit()


# --------------------------------------------------------------------------- the draft


def test_a_met_goal_offers_a_draft_from_the_question_area_and_coach_only(people: Deps) -> None:
    celebration = draft(people)
    teacher = person(people, TEACHER)
    assert (celebration.status, celebration.channel_id) == ("draft", PLC)
    assert celebration.author_id == celebration.subject_id == teacher.id
    assert celebration.text == (
        f"Celebrating a win: <@{TEACHER}> and their coach <@{COACH}> wrapped up a coaching "
        f"cycle on math: _{QUESTION}_ :tada:"
    )
    assert not any(secret in celebration.text for secret in SECRETS)
    assert "SECRET" not in str(views.build_offer(celebration.id, celebration.text, PLC))


@pytest.mark.sqlite_only
def test_a_teacher_who_never_shares_wins_gets_no_draft(people: Deps) -> None:
    with people.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        assert teacher is not None
        teacher.share_wins = "never"
        uow.commit()
    assert offer(people, met_goal(people)) is None
    with people.uow() as uow:
        assert uow.session.scalars(select(Celebration)).all() == []


@pytest.mark.sqlite_only
@pytest.mark.parametrize("status", ["active", "set_aside"])
def test_only_a_met_goal_is_celebrated(people: Deps, status: str) -> None:
    assert offer(people, met_goal(people, status=status)) is None


def test_a_goal_is_offered_once(people: Deps) -> None:
    goal_id = met_goal(people)
    assert offer(people, goal_id) is not None
    assert offer(people, goal_id) is None


@pytest.mark.sqlite_only
def test_without_a_coach_the_draft_names_only_the_teacher(people: Deps) -> None:
    goal_id = met_goal(people)
    with people.uow() as uow:
        uow.session.get_one(Goal, goal_id).coach_id = None
        uow.commit()
    celebration = offer(people, goal_id)
    assert celebration is not None
    assert celebration.text.startswith(f"Celebrating a win: <@{TEACHER}> wrapped up")


# --------------------------------------------------------------------------- the author's say


def test_the_author_edits_and_posts_once(people: Deps) -> None:
    celebration = draft(people)
    with people.uow() as uow:
        celebrations.edit(
            uow, actor(people, TEACHER), celebration.id, "  Our class did it!  ", "C0PLCELA01"
        )
        uow.commit()
    post(people, TEACHER, celebration.id)
    after = stored(people, celebration.id)
    assert (after.text, after.channel_id, after.status) == (
        "Our class did it!",
        "C0PLCELA01",
        "posted",
    )
    assert (after.slack_ts, after.posted_at) == ("1700000000.000100", NOW)


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "who",
    [(COACH, TEAM), (OTHER_TEACHER, TEAM), (TEACHER, OTHER_TEAM), ("U0NOBODY01", TEAM)],
)
def test_only_the_author_may_act(people: Deps, who: tuple[str, str]) -> None:
    celebration = draft(people)
    outsider = (
        actor(people, *who) if who[0] != "U0NOBODY01" else Actor(TEAM, who[0], person_id=None)
    )
    attempts = [
        lambda uow: celebrations.load_own(uow, outsider, celebration.id),
        lambda uow: celebrations.edit(uow, outsider, celebration.id, "planted", PLC),
        lambda uow: celebrations.decline(uow, outsider, celebration.id, NOW),
        lambda uow: celebrations.start_posting(uow, outsider, celebration.id, NOW),
        lambda uow: celebrations.mark_posted(uow, outsider, celebration.id, "1.2", NOW),
        lambda uow: celebrations.release(uow, outsider, celebration.id),
    ]
    for attempt in attempts:
        with pytest.raises(CelebrationRefused) as refused, people.uow() as uow:
            attempt(uow)
        assert refused.value.message in (NOT_YOURS, celebrations.UNKNOWN)
    after = stored(people, celebration.id)
    assert (after.text, after.status, after.slack_ts) == (celebration.text, "draft", None)


@pytest.mark.sqlite_only
def test_a_deactivated_author_cannot_post(people: Deps) -> None:
    celebration = draft(people)
    with people.uow() as uow:
        teacher = uow.people.get_by_user(TEAM, TEACHER)
        assert teacher is not None
        teacher.active = False
        uow.commit()
    with pytest.raises(CelebrationRefused), people.uow() as uow:
        celebrations.start_posting(uow, actor(people, TEACHER), celebration.id, NOW)


def test_a_posted_celebration_cannot_be_posted_again(people: Deps) -> None:
    celebration = draft(people)
    post(people, TEACHER, celebration.id)
    who = actor(people, TEACHER)
    for attempt in (
        lambda uow: celebrations.start_posting(uow, who, celebration.id, NOW),
        lambda uow: celebrations.mark_posted(uow, who, celebration.id, "2.0", NOW),
        lambda uow: celebrations.edit(uow, who, celebration.id, "again", PLC),
        lambda uow: celebrations.decline(uow, who, celebration.id, NOW),
    ):
        with pytest.raises(CelebrationRefused) as refused, people.uow() as uow:
            attempt(uow)
        assert refused.value.message == ALREADY_POSTED
        assert "already posted" in refused.value.message
    assert stored(people, celebration.id).slack_ts == "1700000000.000100"


@pytest.mark.sqlite_only
def test_a_declined_celebration_is_never_posted(people: Deps) -> None:
    celebration = draft(people)
    who = actor(people, TEACHER)
    with people.uow() as uow:
        celebrations.decline(uow, who, celebration.id, NOW)
        uow.commit()
    for attempt in (
        lambda uow: celebrations.start_posting(uow, who, celebration.id, NOW),
        lambda uow: celebrations.mark_posted(uow, who, celebration.id, "2.0", NOW),
        lambda uow: celebrations.edit(uow, who, celebration.id, "changed my mind", PLC),
        lambda uow: celebrations.decline(uow, who, celebration.id, NOW),
    ):
        with pytest.raises(CelebrationRefused) as refused, people.uow() as uow:
            attempt(uow)
        assert refused.value.message == YOU_DECLINED
        assert "you chose not to share this" in refused.value.message
    assert stored(people, celebration.id).status == "declined"


def test_a_second_click_while_posting_does_not_post_twice(people: Deps) -> None:
    celebration = draft(people)
    who = actor(people, TEACHER)
    with people.uow() as uow:
        celebrations.start_posting(uow, who, celebration.id, NOW)
        uow.commit()
    for attempt in (
        lambda uow: celebrations.start_posting(uow, who, celebration.id, NOW),
        lambda uow: celebrations.decline(uow, who, celebration.id, NOW),
        lambda uow: celebrations.edit(uow, who, celebration.id, "x", PLC, NOW),
    ):
        with pytest.raises(CelebrationRefused) as refused, people.uow() as uow:
            attempt(uow)
        assert refused.value.message == BEING_POSTED
    # A claim left by a request that died is free again after a while.
    later = NOW + timedelta(minutes=5)
    with people.uow() as uow:
        celebrations.start_posting(uow, who, celebration.id, later)
        uow.commit()
    assert stored(people, celebration.id).status == "posting"


def test_a_failed_post_frees_a_draft_and_forgets_a_new_shout_out(people: Deps) -> None:
    celebration = draft(people)
    who = actor(people, TEACHER)
    with people.uow() as uow:
        celebrations.start_posting(uow, who, celebration.id, NOW)
        uow.commit()
    with people.uow() as uow:
        celebrations.release(uow, who, celebration.id)
        uow.commit()
    assert (stored(people, celebration.id).status, stored(people, celebration.id).posted_at) == (
        "draft",
        None,
    )

    with people.uow() as uow:
        me = uow.people.get_by_user(TEAM, TEACHER)
        assert me is not None
        shout_out = celebrations.start_shout_out(uow, me, None, NOW)
        celebrations.edit(uow, who, shout_out.id, "Thanks, team!", PLC)
        celebrations.start_posting(uow, who, shout_out.id, NOW)
        shout_out_id = shout_out.id
        uow.commit()
    with people.uow() as uow:
        celebrations.release(uow, who, shout_out_id)
        uow.commit()
    with people.uow() as uow:
        assert uow.session.get(Celebration, shout_out_id) is None


@pytest.mark.sqlite_only
def test_a_shout_out_is_the_authors_to_a_colleague(people: Deps) -> None:
    with people.uow() as uow:
        me = uow.people.get_by_user(TEAM, TEACHER)
        colleague = uow.people.get_by_user(TEAM, OTHER_TEACHER)
        assert me is not None and colleague is not None
        shout_out = celebrations.start_shout_out(uow, me, colleague, NOW)
        assert (shout_out.author_id, shout_out.subject_id, shout_out.goal_id) == (
            me.id,
            colleague.id,
            None,
        )
        assert (shout_out.channel_id, shout_out.status) == (PLC, "draft")
        assert shout_out.text == f"A shout-out to <@{OTHER_TEACHER}>: "
        mine = celebrations.start_shout_out(uow, me, None, NOW)
        assert (mine.subject_id, mine.text) == (me.id, "")
        stranger = uow.people.get_by_user(OTHER_TEAM, TEACHER)
        assert stranger is not None
        with pytest.raises(CelebrationRefused) as refused:
            celebrations.start_shout_out(uow, me, stranger, NOW)
        assert refused.value.field == "who"
        uow.commit()


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("text", "channel", "field"),
    [
        ("   ", PLC, "text"),
        ("x" * 1501, PLC, "text"),
        ("Fine words", None, "channel"),
        ("Fine words", "D0TEACH001", "channel"),
        ("Fine words", "U0TEACH002", "channel"),
    ],
)
def test_edits_are_checked(people: Deps, text: str, channel: str | None, field: str) -> None:
    celebration = draft(people)
    with pytest.raises(CelebrationRefused) as refused, people.uow() as uow:
        celebrations.edit(uow, actor(people, TEACHER), celebration.id, text, channel)
    assert refused.value.field == field
    assert stored(people, celebration.id).text == celebration.text


# --------------------------------------------------------------------------- views


def test_the_offer_has_the_draft_and_three_buttons() -> None:
    message = views.build_offer(7, "Celebrating a win: <@U0TEACH001> & co", PLC)
    assert check_blocks(message["blocks"], surface="message") == []
    assert message["text"].startswith(":tada: Congratulations on meeting your goal!")
    assert "&gt;" not in str(message["blocks"][1]) and ">Celebrating a win" in str(message)
    assert "&amp; co" in str(message["blocks"][1])
    [actions] = [b for b in message["blocks"] if b["type"] == "actions"]
    assert [(e["action_id"], e["text"]["text"], e["value"]) for e in actions["elements"]] == [
        (Action.CELEBRATE_EDIT, "Edit and post", "7"),
        (Action.CELEBRATE_POST, "Post as is", "7"),
        (Action.CELEBRATE_DECLINE, "No thanks", "7"),
    ]
    assert actions["elements"][0]["style"] == "primary"
    for done in (views.build_offer_posted("Words", PLC), views.build_offer_declined()):
        assert check_blocks(done["blocks"], surface="message") == []
        assert all(b["type"] != "actions" for b in done["blocks"])
    assert f"Posted in <#{PLC}>" in views.build_offer_posted("Words", PLC)["text"]
    no_channel = views.build_offer(7, "Words", None)
    assert check_blocks(no_channel["blocks"], surface="message") == []


def test_the_forms_are_valid_and_carry_their_target() -> None:
    target = views.FormTarget(12, ("DU0TEACH001", "1700000000.000100"))
    draft_form = views.build_celebration_form(target=target, text="x" * 2000, channel_id=PLC)
    assert check_view(draft_form) == []
    assert draft_form["callback_id"] == Callback.CELEBRATE
    assert views.parse_form_metadata(draft_form["private_metadata"]) == target
    ids = [b.get("block_id") for b in draft_form["blocks"]]
    assert Input.CELEBRATE_WHO not in ids
    text_block = draft_form["blocks"][ids.index(Input.CELEBRATE_TEXT)]
    assert text_block["element"]["max_length"] == 1500
    assert text_block["element"]["multiline"] is True
    assert len(text_block["element"]["initial_value"]) == 1500
    channel_block = draft_form["blocks"][ids.index(Input.CELEBRATE_CHANNEL)]["element"]
    assert channel_block["type"] == "conversations_select"
    assert channel_block["initial_conversation"] == PLC
    assert channel_block["filter"] == {"include": ["public", "private"], "exclude_bot_users": True}

    new = views.build_celebration_form(
        target=views.FormTarget(None), text="", channel_id=None, who_user_id=TEACHER
    )
    assert check_view(new) == []
    assert new.get("private_metadata", "") == ""
    assert views.parse_form_metadata("") == views.FormTarget(None)
    [who] = [b for b in new["blocks"] if b.get("block_id") == Input.CELEBRATE_WHO]
    assert who["optional"] is True and who["element"]["initial_user"] == TEACHER
    assert who["label"]["text"] == "Who are you celebrating?"
    assert views.parse_form_metadata("12:<script>") is None
    assert views.parse_form_metadata("0") is None


def _values(text: str | None, channel: str | None, who: str | None = None) -> dict[str, Any]:
    return {
        Input.CELEBRATE_TEXT: {Input.CELEBRATE_TEXT: {"type": "plain_text_input", "value": text}},
        Input.CELEBRATE_CHANNEL: {
            Input.CELEBRATE_CHANNEL: {
                "type": "conversations_select",
                "selected_conversation": channel,
            }
        },
        Input.CELEBRATE_WHO: {Input.CELEBRATE_WHO: {"type": "users_select", "selected_user": who}},
    }


def test_the_form_is_parsed_with_errors_by_block() -> None:
    form, errors = views.parse_celebration_form(
        _values("  We did it  ", PLC, OTHER_TEACHER), shout_out=True
    )
    assert errors == {}
    assert form == views.CelebrationForm("We did it", PLC, OTHER_TEACHER)
    form, _ = views.parse_celebration_form(
        _values("We did it", PLC, OTHER_TEACHER), shout_out=False
    )
    assert form is not None and form.who_user_id is None
    form, errors = views.parse_celebration_form(_values(" ", None), shout_out=True)
    assert form is None
    assert set(errors) == {Input.CELEBRATE_TEXT, Input.CELEBRATE_CHANNEL}
    _, errors = views.parse_celebration_form(_values("x" * 1501, "DU0X"), shout_out=False)
    assert "1500 characters" in errors[Input.CELEBRATE_TEXT]
    assert errors[Input.CELEBRATE_CHANNEL] == views.NOT_A_CHANNEL


def test_the_post_is_the_authors_words_exactly_under_their_name() -> None:
    words = "Thanks <@U0COACH001|jordan> & <!channel> for <https://x.example|this>!\n*Yay*"
    message = views.build_channel_post(TEACHER, words)
    escaped = (
        "Thanks <@U0COACH001> &amp; &lt;!channel&gt; for &lt;https://x.example|this&gt;!\n*Yay*"
    )
    assert message["text"] == f"From <@{TEACHER}>: {escaped}"
    assert check_blocks(message["blocks"], surface="message") == []
    assert message["blocks"][0]["elements"][0]["text"] == f"From <@{TEACHER}>"
    assert message["blocks"][1]["text"]["text"] == escaped
    assert "<!channel>" not in str(message)


def test_long_escaped_words_are_split_without_losing_any() -> None:
    words = ("<@U0COACH001> a&&&&&&&&b " * 60).strip()  # 1,499 characters, 3,400 once escaped
    message = views.build_channel_post(TEACHER, words)
    assert check_blocks(message["blocks"], surface="message") == []
    sections = [b["text"]["text"] for b in message["blocks"][1:]]
    assert len(sections) > 1
    assert " ".join(sections) == views.safe_words(words)
    worst = views.build_channel_post(TEACHER, "&" * 1500)
    assert check_blocks(worst["blocks"], surface="message") == []
    assert "".join(b["text"]["text"] for b in worst["blocks"][1:]) == "&amp;" * 1500
