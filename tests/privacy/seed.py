"""A district with one teacher's year of coaching, every free-text field holding marker text.

The teacher (and their coach's words about them) carry ERASE markers; a colleague's record
with the same coach carries KEEP markers, which must outlive the teacher's erase.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from storage.enums import CelebrationStatus, GoalStatus, OutboxStatus, StepAnswer, VisitStatus
from storage.models import (
    AccessEntry,
    Celebration,
    CoachExpertise,
    CoachingLog,
    CoachingLogTeacher,
    Debrief,
    DebriefNote,
    Goal,
    NextStepAnswer,
    OutboxMessage,
    Person,
    Reflection,
    School,
    Visit,
)
from storage.uow import UnitOfWork

TEAM = "T0PRIVACY"
ERASE = "ZQERASEZ"
KEEP = "ZQKEEPZ"
START = datetime(2025, 9, 2, 14, 0, tzinfo=UTC)


@dataclass(frozen=True)
class District:
    teacher_id: int
    colleague_id: int
    coach_id: int
    admin_id: int
    teacher_goal_ids: tuple[int, ...]
    colleague_goal_id: int


def _person(
    uow: UnitOfWork, team: str, user_id: str, name: str, role: str, mark: str, **kw: object
) -> Person:
    return uow.people.add(
        Person(
            team_id=team,
            user_id=user_id,
            display_name=name,
            email=f"{user_id.lower()}@district.example",
            role=role,
            team_name=f"{mark} team name",
            **kw,
        )
    )


def seed(uow: UnitOfWork, *, weeks: int = 3, team: str = TEAM) -> District:
    """One teacher with `weeks` weeks of visits, debriefs, notes both ways, reflections,
    celebrations and messages; a colleague with one cycle; their shared coach; an admin."""
    school = School(team_id=team, name="Riverside Elementary")
    uow.session.add(school)
    uow.session.flush()
    coach = _person(uow, team, "U0PCOACH01", "Coach Number 1", "coach", KEEP, school_id=school.id)
    uow.session.add(CoachExpertise(person_id=coach.id, area="literacy"))
    admin = _person(uow, team, "U0PADMIN01", "Admin Number 1", "admin", KEEP)
    teacher = _person(
        uow,
        team,
        "U0PTEACH01",
        f"Teacher {ERASE} name",
        "teacher",
        ERASE,
        school_id=school.id,
        assigned_coach_id=coach.id,
    )
    uow.session.add(CoachExpertise(person_id=teacher.id, area="math"))
    colleague = _person(
        uow,
        team,
        "U0PTEACH02",
        "Teacher Number 2",
        "teacher",
        KEEP,
        school_id=school.id,
        assigned_coach_id=coach.id,
    )
    goals = []
    for g in range(max(weeks // 6, 1)):
        goals.append(_goal(uow, teacher, coach, ERASE, g, closed=g < weeks // 6 - 1))
    for week in range(weeks):
        at = START + timedelta(weeks=week)
        goal = goals[min(week // 6, len(goals) - 1)]
        _cycle(uow, teacher, coach, goal, ERASE, at, week)
    kept_goal = _goal(uow, colleague, coach, KEEP, 0, closed=False)
    _cycle(uow, colleague, coach, kept_goal, KEEP, START + timedelta(days=1), 0)
    # The coach's daily list names both teachers: sent, it keeps only the colleague's words.
    _outbox(
        uow,
        coach,
        "daily-list:1",
        None,
        f"<@U0PTEACH01>: {ERASE} focus 0. <@U0PTEACH02>: {KEEP} focus 0",
        START,
        sent=True,
    )
    _outbox(uow, coach, "daily-list:2", None, f"{KEEP} only", START, sent=True)
    _outbox(uow, coach, "daily-list:3", None, f"{KEEP} pending", START, sent=False)
    uow.session.add(
        AccessEntry(
            team_id=team,
            teacher_id=colleague.id,
            viewer_id=coach.id,
            viewer_role="coach",
            kind="goal",
            goal_id=kept_goal.id,
            path="home",
            at=START,
        )
    )
    uow.session.flush()
    return District(
        teacher.id, colleague.id, coach.id, admin.id, tuple(g.id for g in goals), kept_goal.id
    )


def _goal(
    uow: UnitOfWork, teacher: Person, coach: Person, mark: str, n: int, *, closed: bool
) -> Goal:
    goal = Goal(
        team_id=teacher.team_id,
        teacher_id=teacher.id,
        coach_id=coach.id,
        question=f"{mark} question {n}: how might sentence stems help?",
        focus_area="literacy",
        evidence=f"{mark} evidence {n}",
        students_now=f"{mark} students now {n}",
        students_aim=f"{mark} students aim {n}",
        status=GoalStatus.MET if closed else GoalStatus.ACTIVE,
        created_at=START,
        updated_at=START,
        closed_at=START + timedelta(weeks=6) if closed else None,
    )
    return uow.goals.add(goal)


def _cycle(
    uow: UnitOfWork, teacher: Person, coach: Person, goal: Goal, mark: str, at: datetime, n: int
) -> None:
    visit = Visit(
        team_id=teacher.team_id,
        teacher_id=teacher.id,
        coach_id=coach.id,
        starts_at=at,
        ends_at=at + timedelta(minutes=45),
        class_name=f"{mark} class {n}",
        support_type="observe",
        focus=f"{mark} focus {n}",
        note=f"{mark} visit note {n}",
        status=VisitStatus.ACCEPTED,
        proposed_by="coach",
        proposal_note=f"{mark} proposal {n}",
        decline_reason=f"{mark} decline {n}",
        teacher_channel=f"D0T{teacher.id:04d}",
        teacher_ts=f"1700000000.{n:06d}",
        coach_channel=f"D0C{coach.id:04d}",
        coach_ts=f"1700000001.{n:06d}",
        created_at=at,
        updated_at=at,
        goal_id=goal.id,
        outcome="happened",
        logged_support_type="observe",
        logged_at=at,
    )
    uow.session.add(visit)
    uow.session.flush()
    debrief = Debrief(
        team_id=teacher.team_id,
        visit_id=visit.id,
        teacher_id=teacher.id,
        coach_id=coach.id,
        starts_at=at + timedelta(days=1),
        ends_at=at + timedelta(days=1, minutes=30),
        place=f"{mark} room {n}",
        created_at=at,
    )
    uow.session.add(debrief)
    uow.session.flush()
    for author in (teacher, coach):
        note = DebriefNote(
            debrief_id=debrief.id,
            author_id=author.id,
            strengths=f"{mark} strengths {n} by {author.id}",
            try_next=f"{mark} try next {n} by {author.id}",
            next_step=f"{mark} next step {n} by {author.id}",
            created_at=at,
            updated_at=at,
        )
        uow.session.add(note)
        uow.session.flush()
        # The teacher's answer to the check-back on the next step, in her words.
        uow.session.add(
            NextStepAnswer(
                note_id=note.id,
                teacher_id=teacher.id,
                kind=StepAnswer.TRIED,
                asked_on=(at + timedelta(days=7)).date(),
                line=f"{mark} how it went {n} on {author.id}",
                answered_at=at + timedelta(days=7),
            )
        )
    for shared in (False, True):
        uow.session.add(
            Reflection(
                team_id=teacher.team_id,
                teacher_id=teacher.id,
                coach_id=coach.id,
                visit_id=visit.id,
                question=f"{mark} reflection question {n}",
                answer=f"{mark} reflection answer {n} shared={shared}",
                shared_with_coach=shared,
                created_at=at,
                answered_at=at,
            )
        )
    for author in (teacher, coach):
        uow.session.add(
            Celebration(
                team_id=teacher.team_id,
                author_id=author.id,
                subject_id=teacher.id,
                goal_id=goal.id,
                channel_id="C0PLCELA01",
                text=f"{mark} celebration {n} by {author.id}",
                status=CelebrationStatus.POSTED,
                slack_ts=f"1700000002.{n:06d}",
                created_at=at,
                posted_at=at,
            )
        )
    log = CoachingLog(
        team_id=teacher.team_id,
        coach_id=coach.id,
        support_type="co_plan",
        on_day=at.date(),
        minutes=30,
        goal_id=goal.id,
        note=f"{mark} coaching log note {n}",
        created_at=at,
        updated_at=at,
    )
    log.teachers.append(CoachingLogTeacher(teacher_id=teacher.id))
    uow.session.add(log)
    uow.session.flush()
    _outbox(
        uow,
        teacher,
        f"reflect:visit:{visit.id}",
        f"visit:{visit.id}",
        f"{mark} prompt {n}",
        at,
        sent=True,
    )
    _outbox(
        uow, teacher, f"nudge:{visit.id}", f"visit:{visit.id}", f"{mark} nudge {n}", at, sent=False
    )
    _outbox(
        uow,
        coach,
        f"visit-log:{visit.id}",
        f"visit:{visit.id}",
        f"{mark} log {n}",
        at,
        sent=n % 2 == 0,
    )


def _outbox(
    uow: UnitOfWork,
    to: Person,
    key: str,
    ref: str | None,
    text: str,
    at: datetime,
    *,
    sent: bool,
) -> None:
    uow.session.add(
        OutboxMessage(
            key=key,
            team_id=to.team_id,
            person_id=to.id,
            channel=to.user_id,
            kind=key.split(":")[0],
            ref=ref,
            text=text,
            blocks=json.dumps([{"type": "section", "text": {"type": "mrkdwn", "text": text}}]),
            due_at=at,
            available_at=at,
            status=OutboxStatus.SENT if sent else OutboxStatus.PENDING,
            last_error=f"{text} error" if not sent else None,
            slack_channel=f"D0X{to.id:04d}" if sent else None,
            slack_ts=f"1700000003.{zlib.crc32(key.encode()) % 10**6:06d}" if sent else None,
            sent_at=at if sent else None,
            created_at=at,
        )
    )
    uow.session.flush()
