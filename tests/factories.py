"""Payload factories for tests: Slack's bodies come from bot.slack.payloads; districts here."""

from __future__ import annotations

from typing import Any

from bot.slack.payloads import (  # noqa: F401 - re-exported for the tests
    API_APP_ID,
    TEAM_ID,
    app_home_opened,
    block_action,
    event_callback,
    slash_command,
    url_verification,
    user_change,
    view_submission,
)

# A district: coaches, teachers and PLC channels, as Slack knows them and as a roster file.
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")
PLC_CHANNELS = ("C0PLCMATH1", "C0PLCELA01", "C0PLCSCI01", "C0PLCK2001")
AREAS = ("literacy", "math", "science", "classroom environment", "student engagement")


def coach_id(n: int) -> str:
    return f"U0COACH{n:03d}"


def teacher_id(n: int) -> str:
    return f"U0TEACH{n:03d}"


def add_district(slack: Any, *, coaches: int = 5, teachers: int = 50) -> None:
    """Register the district's people with the Slack stand-in."""
    for n in range(1, coaches + 1):
        slack.add_user(
            coach_id(n),
            name=f"Coach {n}",
            real_name=f"Coach Number {n}",
            tz=ZONES[n % 2],
            email=f"coach{n}@district.example",
        )
    for n in range(1, teachers + 1):
        slack.add_user(
            teacher_id(n),
            name=f"Teacher {n}",
            real_name=f"Teacher Number {n}",
            tz=ZONES[n % len(ZONES)],
            email=f"teacher{n}@district.example",
        )


def roster_csv(*, coaches: int = 5, teachers: int = 50) -> str:
    """Coaches by user id, teachers by email, each teacher with a coach, school, team and PLC."""
    columns = "role,school,team,plc_channel,assigned_coach,expertise,weekly_capacity"
    lines = [f"slack_user_id,email,{columns}"]
    for n in range(1, coaches + 1):
        area = AREAS[n % len(AREAS)]
        lines.append(f"{coach_id(n)},,{'lead coach' if n == 1 else 'coach'},,,,,{area};data use,6")
    for n in range(1, teachers + 1):
        school = "Lincoln Elementary" if n % 2 else "Roosevelt Middle"
        plc = PLC_CHANNELS[n % len(PLC_CHANNELS)]
        lines.append(
            f",teacher{n}@district.example,teacher,{school},Grade {n % 6 + 1},{plc},"
            f"{coach_id(n % coaches + 1)},,"
        )
    return "\n".join(lines) + "\n"
