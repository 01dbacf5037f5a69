"""Celebrations: a win shared in a PLC channel, only ever in words its author chose.

When a teacher meets a goal they are offered a draft built from nothing but the goal's inquiry
question, its focus area and their coach's name: never notes, reflections, evidence or what
was said in a debrief. `/celebrate` starts a shout-out the author writes themselves. Only the
author may change, post or decline a celebration, and one is posted at most once.

Rules take `now` and never talk to Slack; handlers/celebrations.py posts after these saved.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.rules.domain import CelebrationStatus, GoalStatus
from bot.rules.limits import MAX_CELEBRATION, NO_CHANNEL, NO_WORDS, NOT_A_CHANNEL
from bot.rules.policy import Actor
from bot.rules.visits import VisitRefused
from storage.models import Celebration, Goal, Person
from storage.uow import UnitOfWork

DRAFT = CelebrationStatus.DRAFT
POSTING = CelebrationStatus.POSTING  # claimed by one request while it posts: posted once
POSTED = CelebrationStatus.POSTED
DECLINED = CelebrationStatus.DECLINED
NEVER = "never"  # Person.share_wins: no offers at all

MAX_QUESTION_IN_DRAFT = 500
# A claim older than this belongs to a request that died mid-post; the draft is free again.
STALE_CLAIM = timedelta(minutes=2)

NOT_YOURS = (
    "Sorry, only the person who wrote this celebration can change or post it. Nothing was posted."
)
GONE = "Sorry, that celebration is no longer here. Nothing was posted."
UNKNOWN = "Sorry, coachbot hasn't met you yet. Please try again in a minute."
ALREADY_POSTED = "This one was already posted, so it wasn't posted again."
YOU_DECLINED = "Nothing was posted: you chose not to share this one."
BEING_POSTED = "This one is being posted right now, so it wasn't posted twice."

_CHANNEL = re.compile(r"[CG][A-Z0-9]{2,31}", re.ASCII)
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


class CelebrationRefused(VisitRefused):
    """Not now, or not this person; `message` says why, kindly, and `field` where to show it."""

    def __init__(self, message: str, field: str = "text") -> None:
        super().__init__(message)
        self.field = field  # "text", "channel" or "who"


# --------------------------------------------------------------------------- words


def draft_text(
    *, teacher_user_id: str, coach_user_id: str | None, focus_area: str, question: str
) -> str:
    """The warm default a teacher is offered: their question, its area and their coach."""
    asked = " ".join(question.split())
    if len(asked) > MAX_QUESTION_IN_DRAFT:
        asked = asked[: MAX_QUESTION_IN_DRAFT - 1].rstrip() + "\u2026"
    who = f"<@{teacher_user_id}>"
    if coach_user_id:
        who += f" and their coach <@{coach_user_id}>"
    area = " ".join(focus_area.split())
    on = f" on {area}" if area else ""
    return f"Celebrating a win: {who} wrapped up a coaching cycle{on}: _{asked}_ :tada:"


def shout_out_text(author_user_id: str, subject_user_id: str | None) -> str:
    """How a shout-out to a colleague starts; empty when people celebrate their own win."""
    if not subject_user_id or subject_user_id == author_user_id:
        return ""
    return f"A shout-out to <@{subject_user_id}>: "


# --------------------------------------------------------------------------- the text box


def mentioned(text: str) -> set[str]:
    """The Slack user ids a draft mentions."""
    return set(_MENTION.findall(text))


def readable(text: str, names: dict[str, str]) -> str:
    """The draft as its text box shows it: each mention of someone named as "@Their Name".

    A plain text box shows Slack's mention codes as they are (`<@U0123>`), where a teacher
    expects the names they see everywhere else in Slack.
    """

    def name(found: re.Match[str]) -> str:
        known = names.get(found.group(1))
        return f"@{' '.join(known.split())}" if known else found.group(0)

    return _MENTION.sub(name, text)


def with_mentions(text: str, names: dict[str, str]) -> str:
    """Back from the text box: each "@Their Name" of someone the draft named is a mention
    again, so the post notifies them and shows their current name. Longer names first, so
    "@Ana Maria" is not read as "@Ana"."""
    for user_id, name in sorted(names.items(), key=lambda item: -len(item[1])):
        spoken = " ".join(name.split())
        if spoken:
            at_name = re.compile(rf"(?<![<\w])@{re.escape(spoken)}(?![\w])")
            text = at_name.sub(f"<@{user_id}>", text)
    return text


def names_for(uow: UnitOfWork, celebration: Celebration) -> dict[str, str]:
    """The names a draft's text box may show: of everyone its words mention, its author and
    the person it celebrates."""
    ids = mentioned(celebration.text)
    for person_id in (celebration.author_id, celebration.subject_id):
        if person_id is not None:
            ids.add(uow.people.get_one(person_id).user_id)
    return uow.people.names(celebration.team_id, ids)


def box_text(uow: UnitOfWork, celebration: Celebration) -> str:
    """The draft's words as its text box shows them, with names for mentions."""
    return readable(celebration.text, names_for(uow, celebration))


# --------------------------------------------------------------------------- starting one


def offer_for_goal(uow: UnitOfWork, goal: Goal, now: datetime) -> Celebration | None:
    """A draft for a met goal, for its teacher to post, change or keep to themselves.

    None when the teacher never wants offers, the goal isn't met, or it was offered already.
    """
    if goal.status != GoalStatus.MET:
        return None
    teacher = uow.people.get(goal.teacher_id)
    if teacher is None or not teacher.active or teacher.share_wins == NEVER:
        return None
    if uow.celebrations.get_by_goal(goal.id) is not None:
        return None
    coach = uow.people.get(goal.coach_id) if goal.coach_id else None
    text = draft_text(
        teacher_user_id=teacher.user_id,
        coach_user_id=coach.user_id if coach is not None and coach.active else None,
        focus_area=goal.focus_area,
        question=goal.question,
    )
    return _add_draft(uow, teacher, teacher, text, now, goal_id=goal.id)


def start_shout_out(
    uow: UnitOfWork, author: Person, subject: Person | None, now: datetime
) -> Celebration:
    """A new shout-out from `author` (to `subject`, themselves when None), still a draft."""
    if subject is not None and subject.team_id != author.team_id:
        raise CelebrationRefused("Choose someone from your own workspace.", "who")
    chosen = subject or author
    return _add_draft(uow, author, chosen, shout_out_text(author.user_id, chosen.user_id), now)


def _add_draft(
    uow: UnitOfWork,
    author: Person,
    about: Person,
    text: str,
    now: datetime,
    *,
    goal_id: int | None = None,
) -> Celebration:
    """A new draft by `author` about `about`, to post in the author's PLC channel unless they
    choose another."""
    draft = Celebration(
        team_id=author.team_id,
        author_id=author.id,
        subject_id=about.id,
        goal_id=goal_id,
        channel_id=author.plc_channel_id,
        text=text,
        status=DRAFT,
        created_at=now,
    )
    return uow.celebrations.add(draft)


# --------------------------------------------------------------------------- the author's say


def load_own(
    uow: UnitOfWork, actor: Actor, celebration_id: int, now: datetime | None = None
) -> Celebration:
    """The author's own draft, still open to change; refused for anyone else.

    A draft being posted is not open, unless its claim is stale at `now` (given).
    """
    celebration = _own(uow, actor, celebration_id)
    _check_open(celebration)
    if celebration.status == POSTING and not _stale(celebration, now):
        raise CelebrationRefused(BEING_POSTED)
    return celebration


def edit(
    uow: UnitOfWork,
    actor: Actor,
    celebration_id: int,
    text: str,
    channel_id: str | None,
    now: datetime | None = None,
) -> Celebration:
    """The author's words and channel, as they will be posted.

    `text` is what the text box held: the names it showed become mentions again.
    """
    celebration = load_own(uow, actor, celebration_id, now)
    celebration.text = _words(with_mentions(text, names_for(uow, celebration)))
    celebration.channel_id = _channel(channel_id)
    return celebration


def decline(uow: UnitOfWork, actor: Actor, celebration_id: int, now: datetime) -> Celebration:
    """No thanks: the draft is kept to the author and never posted."""
    celebration = load_own(uow, actor, celebration_id, now)
    celebration.status = DECLINED
    celebration.posted_at = None
    return celebration


def start_posting(uow: UnitOfWork, actor: Actor, celebration_id: int, now: datetime) -> Celebration:
    """Claim the draft for posting, so a second click or submit cannot post it twice.

    Commit before posting; then `mark_posted` once Slack has it, or `release` if it could not.
    """
    celebration = _own(uow, actor, celebration_id)
    _check_open(celebration)
    _words(celebration.text)
    _channel(celebration.channel_id)
    if not uow.celebrations.claim_for_posting(celebration, now, stale_before=now - STALE_CLAIM):
        _check_open(celebration)
        raise CelebrationRefused(BEING_POSTED)
    return celebration


def release(uow: UnitOfWork, actor: Actor, celebration_id: int) -> None:
    """The post did not happen: a goal's draft is open again; a new shout-out is forgotten
    (its words are still in the author's modal)."""
    celebration = _own(uow, actor, celebration_id)
    if celebration.status != POSTING:
        return
    if celebration.goal_id is None:
        uow.celebrations.remove(celebration)
        return
    celebration.status = DRAFT
    celebration.posted_at = None


def mark_posted(
    uow: UnitOfWork, actor: Actor, celebration_id: int, ts: str, now: datetime
) -> Celebration:
    """Slack has the post: record where, so it is never posted again."""
    celebration = _own(uow, actor, celebration_id)
    _check_open(celebration)
    celebration.status = POSTED
    celebration.slack_ts = ts
    celebration.posted_at = now
    return celebration


# --------------------------------------------------------------------------- helpers


def _own(uow: UnitOfWork, actor: Actor, celebration_id: int) -> Celebration:
    if actor.person_id is None:
        raise CelebrationRefused(UNKNOWN)
    celebration = uow.celebrations.get_for(
        celebration_id, lambda found: _require_author(actor, found)
    )
    if celebration is None:
        raise CelebrationRefused(GONE)
    return celebration


def _require_author(actor: Actor, celebration: Celebration) -> None:
    if (
        celebration.team_id != actor.team_id
        or celebration.author_id != actor.person_id
        or not actor.active
    ):
        raise CelebrationRefused(NOT_YOURS)


def _stale(celebration: Celebration, now: datetime | None) -> bool:
    claimed_at = celebration.posted_at
    return now is not None and claimed_at is not None and claimed_at < now - STALE_CLAIM


def _check_open(celebration: Celebration) -> None:
    if celebration.status == POSTED:
        raise CelebrationRefused(ALREADY_POSTED)
    if celebration.status == DECLINED:
        raise CelebrationRefused(YOU_DECLINED)


def _words(text: str) -> str:
    words = text.strip()
    if not words:
        raise CelebrationRefused(NO_WORDS)
    if len(words) > MAX_CELEBRATION:
        raise CelebrationRefused(
            f"Please keep this to {MAX_CELEBRATION} characters or fewer; it has {len(words)} now."
        )
    return words


def _channel(channel_id: str | None) -> str:
    if not channel_id:
        raise CelebrationRefused(NO_CHANNEL, "channel")
    if not _CHANNEL.fullmatch(channel_id):
        raise CelebrationRefused(NOT_A_CHANNEL, "channel")
    return channel_id
