"""SQLAlchemy 2 typed models; every datetime is timezone-aware and stored as UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.enums import (
    CelebrationStatus,
    GoalStatus,
    OutboxStatus,
    StepAnswer,
    VisitOutcome,
    VisitStatus,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime that refuses naive values and always reads back in UTC.

    SQLite has no time zone type, so without this a value would come back naive.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused: pass a timezone-aware value")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime from the database, got {type(value)!r}")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _states(enum: type[StrEnum], length: int) -> Enum:
    """A status column read and written as its enum, stored as the same plain string.

    No native enum type and no CHECK constraint, so the schema is the VARCHAR it always was
    and a new state needs no migration.
    """
    return Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda states: [state.value for state in states],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime}


class InWorkspace:
    """A record of one Slack workspace: its own id, and the workspace's team_id, indexed so a
    workspace's records are listed by it. (Tables searched by team_id only through a unique
    constraint, or never, declare their own.)

    Both columns are sorted first, where the tables have always had them.
    """

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    team_id: Mapped[str] = mapped_column(String(32), index=True, sort_order=-1)


class SlackEvent(Base):
    """An Events API delivery already taken, so a redelivery by Slack is handled once."""

    __tablename__ = "slack_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(index=True)


class RequestSignature(Base):
    """A signed request already taken: a repeat of its signature within Slack's five minutes
    is a replay. Rows older than that are purged, since such a request is refused as stale."""

    __tablename__ = "request_signatures"

    signature: Mapped[str] = mapped_column(String(80), primary_key=True)
    signed_at: Mapped[datetime] = mapped_column(index=True)


class District(Base):
    """One Slack workspace's district: its default week, hours and time zone."""

    __tablename__ = "districts"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    # School days as date.weekday() numbers, "0,1,2,3,4" for Monday to Friday.
    weekdays: Mapped[str] = mapped_column(String(20), default="0,1,2,3,4")
    day_start: Mapped[time] = mapped_column(Time, default=time(7, 0))
    day_end: Mapped[time] = mapped_column(Time, default=time(17, 0))


class School(InWorkspace, Base):
    """A school; a week or hours left empty follow the district's."""

    __tablename__ = "schools"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    weekdays: Mapped[str | None] = mapped_column(String(20))
    day_start: Mapped[time | None] = mapped_column(Time)
    day_end: Mapped[time | None] = mapped_column(Time)


class Closure(InWorkspace, Base):
    """Non-school days: a holiday, a break, a testing window. No school means district-wide."""

    __tablename__ = "closures"

    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="No school")


class PlcChannel(InWorkspace, Base):
    """A Slack channel where a professional learning community celebrates wins."""

    __tablename__ = "plc_channels"
    __table_args__ = (UniqueConstraint("team_id", "channel_id"),)

    channel_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200), default="")


class Person(Base):
    """Someone coachbot has met in Slack, keyed by workspace and Slack user id."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    role: Mapped[str] = mapped_column(String(16), default="teacher")
    # False once Slack says the account is deactivated: nothing more is sent to them.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    synced_at: Mapped[datetime | None]
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="SET NULL"))
    team_name: Mapped[str | None] = mapped_column(String(200))
    plc_channel_id: Mapped[str | None] = mapped_column(String(32))
    assigned_coach_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    weekly_capacity: Mapped[int] = mapped_column(Integer, default=5)
    # A coach's daily visit list: local time (None means 07:00), and whether an empty day
    # still gets a short note.
    daily_list_at: Mapped[time | None] = mapped_column(Time)
    daily_list_when_empty: Mapped[bool] = mapped_column(Boolean, default=True)
    # A teacher's own say over reflection prompts and nudges.
    prompts_stopped: Mapped[bool] = mapped_column(Boolean, default=False)
    prompts_paused_until: Mapped[date | None] = mapped_column(Date)
    weekly_nudge_cap: Mapped[int | None] = mapped_column(Integer)
    # "ask" (offer a draft each time) or "never" (no celebration offers).
    share_wins: Mapped[str] = mapped_column(String(8), default="ask")

    school: Mapped[School | None] = relationship()
    # Loaded when read (lists of people ask for it with selectinload): most requests never do.
    expertise: Mapped[list[CoachExpertise]] = relationship(
        cascade="all, delete-orphan", order_by="CoachExpertise.area"
    )

    @property
    def areas(self) -> list[str]:
        return [e.area for e in self.expertise]


class CoachExpertise(Base):
    """An area a coach is known for, used to suggest the right coach."""

    __tablename__ = "coach_expertise"
    __table_args__ = (UniqueConstraint("person_id", "area"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    area: Mapped[str] = mapped_column(String(64))


class Visit(InWorkspace, Base):
    """A coach's visit to a teacher's class (or a co-planning meeting), from invitation on."""

    __tablename__ = "visits"
    # A coach's next days of visits, and suggested times, read by index (office hours' slots).
    __table_args__ = (
        Index("ix_visits_coach_id_starts_at", "coach_id", "starts_at"),
        Index("ix_visits_coach_id_proposed_starts_at", "coach_id", "proposed_starts_at"),
    )

    teacher_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column(index=True)
    class_name: Mapped[str | None] = mapped_column(String(100))
    support_type: Mapped[str] = mapped_column(String(32))
    focus: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[VisitStatus] = mapped_column(
        _states(VisitStatus, 16), default=VisitStatus.PENDING, index=True
    )
    # A suggested new time waits here until the other person accepts it.
    proposed_starts_at: Mapped[datetime | None]
    proposed_ends_at: Mapped[datetime | None]
    proposed_by: Mapped[str | None] = mapped_column(String(16))  # "coach" or "teacher"
    proposal_note: Mapped[str | None] = mapped_column(Text)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    # Where each person's latest message about this visit is, to update it in place.
    coach_channel: Mapped[str | None] = mapped_column(String(32))
    coach_ts: Mapped[str | None] = mapped_column(String(32))
    teacher_channel: Mapped[str | None] = mapped_column(String(32))
    teacher_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(index=True)
    # Bumped by the rules on every change; buttons carry it so a stale message is recognised,
    # and every UPDATE carries the version it read, so of two changes at once one is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)
    goal_id: Mapped[int | None] = mapped_column(
        ForeignKey("goals.id", ondelete="SET NULL"), index=True
    )
    # The visit log: asked once after the visit ends, answered by the coach.
    log_prompted_at: Mapped[datetime | None]
    outcome: Mapped[VisitOutcome | None] = mapped_column(_states(VisitOutcome, 32))
    logged_support_type: Mapped[str | None] = mapped_column(String(32))
    logged_at: Mapped[datetime | None]

    teacher: Mapped[Person] = relationship(foreign_keys=[teacher_id], lazy="joined")
    coach: Mapped[Person] = relationship(foreign_keys=[coach_id], lazy="joined")

    __mapper_args__ = {  # noqa: RUF012 - typed by DeclarativeBase
        "version_id_col": version,
        "version_id_generator": False,
    }


class Goal(InWorkspace, Base):
    """A teacher's inquiry question with a coach: it opens a coaching cycle."""

    __tablename__ = "goals"

    teacher_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    coach_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    question: Mapped[str] = mapped_column(Text)
    focus_area: Mapped[str] = mapped_column(String(64))
    evidence: Mapped[str | None] = mapped_column(Text)
    # What success looks like in students, measured: where they are now and where the teacher
    # wants them ("12 of 28 explain a step", "20 of 28"). Both optional.
    students_now: Mapped[str | None] = mapped_column(Text)
    students_aim: Mapped[str | None] = mapped_column(Text)
    target_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[GoalStatus] = mapped_column(_states(GoalStatus, 16), default=GoalStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime] = mapped_column(index=True)
    closed_at: Mapped[datetime | None]
    # Checked by the database on every UPDATE and bumped by it: of two changes at once, one
    # is refused (StaleDataError) instead of both being told they succeeded.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - typed by DeclarativeBase

    teacher: Mapped[Person] = relationship(foreign_keys=[teacher_id], lazy="joined")
    coach: Mapped[Person | None] = relationship(foreign_keys=[coach_id], lazy="joined")


class Debrief(InWorkspace, Base):
    """A conversation after a visit: when and where; what was said lives in its notes."""

    __tablename__ = "debriefs"
    __table_args__ = (Index("ix_debriefs_coach_id_starts_at", "coach_id", "starts_at"),)

    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column(index=True)
    place: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(index=True)
    # Checked and bumped by the database, as Goal.version.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - typed by DeclarativeBase

    visit: Mapped[Visit] = relationship(lazy="joined")
    teacher: Mapped[Person] = relationship(foreign_keys=[teacher_id], lazy="joined")
    coach: Mapped[Person] = relationship(foreign_keys=[coach_id], lazy="joined")


class DebriefNote(Base):
    """One person's notes on a debrief: strengths first, then what to try and when to check back.

    Read only by that teacher and that coach, through bot/rules/policy.py.
    """

    __tablename__ = "debrief_notes"
    __table_args__ = (UniqueConstraint("debrief_id", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    debrief_id: Mapped[int] = mapped_column(
        ForeignKey("debriefs.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    strengths: Mapped[str | None] = mapped_column(Text)
    try_next: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    check_back_on: Mapped[date | None] = mapped_column(Date, index=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(index=True)
    # Checked and bumped by the database, as Goal.version.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - typed by DeclarativeBase


class NextStepAnswer(Base):
    """A teacher's answer to the check-back on a next step: tried it, needs help, or not yet.

    One answer per note and check-back day (`asked_on`), so a double click records once; a
    "not yet" moves the note's check-back day, and the new day can be answered again. Read by
    that teacher and that debrief's coach only, as the note is.
    """

    __tablename__ = "next_step_answers"
    __table_args__ = (UniqueConstraint("note_id", "asked_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(
        ForeignKey("debrief_notes.id", ondelete="CASCADE"), index=True
    )
    teacher_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[StepAnswer] = mapped_column(_states(StepAnswer, 16))
    asked_on: Mapped[date] = mapped_column(Date)  # the check-back day this answers
    line: Mapped[str | None] = mapped_column(Text)  # "How did it go?", in the teacher's words
    remind_on: Mapped[date | None] = mapped_column(Date)  # "not yet": the day to ask again
    answered_at: Mapped[datetime] = mapped_column(index=True)  # a goal's activity, by minute


class OutboxMessage(Base):
    """A message the scheduler owes someone: written first, sent once, never lost.

    `key` is the idempotency key (`daily-list:<coach>:<local date>`); the unique constraint
    is what makes planning twice, or on two replicas, harmless.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    team_id: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    # What the message is about, so it can be dropped if that was settled before sending.
    ref: Mapped[str | None] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    blocks: Mapped[str | None] = mapped_column(Text)  # JSON
    due_at: Mapped[datetime] = mapped_column(index=True)
    available_at: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[OutboxStatus] = mapped_column(
        _states(OutboxStatus, 16), default=OutboxStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Failures that back off (5xx, timeouts, refused connections); a 429 waits as told instead.
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # An attempt may have reached Slack without its answer coming back (a timeout, a 5xx, a
    # crash mid-send): every later attempt looks the key up in Slack before posting again.
    maybe_sent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    lease_until: Mapped[datetime | None]
    # The claim holding the lease (worker name and a one-off suffix): only it records an outcome.
    leased_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(300))
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    # The nudges of a week, counted for the weekly cap every minute, by their kind and due time.
    __table_args__ = (Index("ix_outbox_kind_due_at", "kind", "due_at"),)


class SentNudge(Base):
    """Which nudge went to whom: kept after the outbox row that carried it is deleted, so no
    nudge is planned twice. Its key and what it was about (ids only, never the words), and
    when it was due; the outbox holds what delivery needs, and only for a while."""

    __tablename__ = "nudges_sent"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    ref: Mapped[str | None] = mapped_column(String(64), index=True)
    due_at: Mapped[datetime] = mapped_column(index=True)


class SendBudget(Base):
    """A rate budget every replica shares: the earliest moment the next call may be made.

    Milliseconds since the epoch, not a DateTime, so that taking a slot is one portable
    `UPDATE ... SET next_ms = max(next_ms, now) + interval`, atomic on every database. A 429's
    Retry-After moves it forward, which pauses every replica at once; so does an outage.
    """

    __tablename__ = "send_budgets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    # Failures in a row, on any replica, that say Slack is down (5xx, timeouts, refused
    # connections); past a few, every replica waits a growing back-off before trying again.
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Reflection(InWorkspace, Base):
    """A teacher's private reflection after a visit or debrief; theirs alone unless shared."""

    __tablename__ = "reflections"

    teacher_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("visits.id", ondelete="SET NULL"), index=True
    )
    debrief_id: Mapped[int | None] = mapped_column(
        ForeignKey("debriefs.id", ondelete="SET NULL"), index=True
    )
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    shared_with_coach: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    # Checked and bumped by the database, as Goal.version.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - typed by DeclarativeBase


class Celebration(InWorkspace, Base):
    """A win to post in a PLC channel: a draft until its teacher (or author) posts it.

    Only words the author wrote or approved are ever posted; never notes or reflections.
    """

    __tablename__ = "celebrations"

    author_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id", ondelete="SET NULL"))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[CelebrationStatus] = mapped_column(
        _states(CelebrationStatus, 16), default=CelebrationStatus.DRAFT
    )
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    posted_at: Mapped[datetime | None]
    # Checked and bumped by the database, as Goal.version.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - typed by DeclarativeBase


class AccessEntry(Base):
    """Someone other than the teacher read part of the teacher's coaching record.

    Shown to that teacher alone (and in their own export); append only, and kept as long as
    the teacher's record is: it goes when the teacher is erased. Ids and kinds only, never
    what was read.
    """

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    # Whose record was read.
    teacher_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # Who read it; None once that person is erased (the teacher still sees that someone did).
    viewer_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # What the reader was to the teacher then: "coach", "admin", "colleague".
    viewer_role: Mapped[str] = mapped_column(String(16))
    # goal, note, reflection (a read), or export, erase (an admin's).
    kind: Mapped[str] = mapped_column(String(16))
    # The goal a read was about, when known; the entry outlives it as "a goal".
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id", ondelete="SET NULL"))
    # Through what: "home", "goal story", "notes form", "daily list", "export", "erase", ...
    path: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(index=True)


class RetentionRun(Base):
    """What one pass of the retention policy (or one erase) removed: counts only."""

    __tablename__ = "retention_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "retention" for the daily job, "erase" for an erase by an admin or a closed account.
    reason: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    # JSON object of table-or-field -> rows removed or emptied.
    counts: Mapped[str] = mapped_column(Text)


class ClosedAccount(Base):
    """A person Slack reported deactivated or deleted, first seen so on `seen_at`: erased once
    the district's grace period has passed."""

    __tablename__ = "closed_accounts"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    seen_at: Mapped[datetime]


class CoachingLog(InWorkspace, Base):
    """Coaching a coach did and logged themselves: a kind, a day and minutes, with the teachers
    (none, one or several) or the PLC channel it was with."""

    __tablename__ = "coaching_logs"

    coach_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    support_type: Mapped[str] = mapped_column(String(32))
    on_day: Mapped[date] = mapped_column(Date, index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    plc_channel_id: Mapped[int | None] = mapped_column(
        ForeignKey("plc_channels.id", ondelete="SET NULL")
    )
    goal_id: Mapped[int | None] = mapped_column(
        ForeignKey("goals.id", ondelete="SET NULL"), index=True
    )
    note: Mapped[str | None] = mapped_column(Text)  # to the one teacher, private to the two
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - typed by DeclarativeBase

    coach: Mapped[Person] = relationship(foreign_keys=[coach_id], lazy="joined")
    plc_channel: Mapped[PlcChannel | None] = relationship(lazy="joined")
    teachers: Mapped[list[CoachingLogTeacher]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="CoachingLogTeacher.id"
    )


class CoachingLogTeacher(Base):
    """A teacher a logged activity was with; group work has one row per teacher."""

    __tablename__ = "coaching_log_teachers"
    __table_args__ = (UniqueConstraint("log_id", "teacher_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    log_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_logs.id", ondelete="CASCADE"), index=True
    )
    teacher_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)

    teacher: Mapped[Person] = relationship(lazy="joined")


class OfficeHours(Base):
    """A coach's office hours: the length of the visits they offer; the weekly windows are
    OfficeHourWindow rows, in the coach's own zone."""

    __tablename__ = "office_hours"

    coach_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[str] = mapped_column(String(32))
    visit_minutes: Mapped[int] = mapped_column(Integer, default=30)
    updated_at: Mapped[datetime]


class OfficeHourWindow(Base):
    """One weekly window of a coach's office hours: a weekday (0 is Monday) and local times."""

    __tablename__ = "office_hour_windows"
    __table_args__ = (UniqueConstraint("coach_id", "weekday", "starts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(Integer)
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)


class DayOut(Base):
    """A day a coach is out of office. No reason is kept: "out" never says why."""

    __tablename__ = "days_out"
    __table_args__ = (UniqueConstraint("coach_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    coach_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]
