"""Every slash command, event, action_id, callback_id and block_id coachbot uses, in one place.

`manifest.yml` declares the commands, shortcuts and events listed here; a test keeps the two
in step both ways.
"""

from __future__ import annotations

from enum import StrEnum


class Command(StrEnum):
    """Slash commands; each is declared under `features.slash_commands` in manifest.yml."""

    INVITE_COACH = "/invite-coach"
    COACHBOT = "/coachbot"
    COACH_GOAL = "/coach-goal"
    DEBRIEF = "/debrief"
    CELEBRATE = "/celebrate"


class Event(StrEnum):
    """Events API subscriptions; each is declared under `settings.event_subscriptions`."""

    APP_HOME_OPENED = "app_home_opened"
    USER_CHANGE = "user_change"


class Shortcut(StrEnum):
    """Global and message shortcuts (callback ids); declared under `features.shortcuts`."""


class Action(StrEnum):
    """action_id of interactive elements."""

    ADMIN_OPEN_COACH = "admin_open_coach"
    ADMIN_OPEN_ASSIGN = "admin_open_assign"
    ADMIN_OPEN_CALENDAR = "admin_open_calendar"
    ADMIN_CALENDAR_SCHOOL = "admin_calendar_school"
    # Invitations: buttons on messages (value "<visit id>:<version>").
    INVITE_ACCEPT = "invite_accept"
    INVITE_SUGGEST = "invite_suggest"
    INVITE_DECLINE = "invite_decline"
    INVITE_CANCEL = "invite_cancel"
    INVITE_RESCHEDULE = "invite_reschedule"
    INVITE_OTHER_COACH = "invite_other_coach"  # value: a coach's user id
    CALENDAR_GOOGLE = "calendar_google"  # URL buttons: Slack still reports the click
    CALENDAR_OUTLOOK = "calendar_outlook"
    CALENDAR_ICS = "calendar_ics"
    # Goals and cycles.
    GOAL_NEW = "goal_new"
    GOAL_EDIT = "goal_edit"  # value: goal id
    GOAL_MET = "goal_met"  # value: goal id
    GOAL_SET_ASIDE = "goal_set_aside"  # value: goal id
    # The visit log, asked of the coach after a visit ends (value "<visit id>:<version>").
    VISIT_LOG_HAPPENED = "visit_log_happened"  # a static select of support types
    VISIT_LOG_MISSED = "visit_log_missed"  # a static select of reasons
    # Debriefs.
    DEBRIEF_SCHEDULE = "debrief_schedule"  # value: visit id
    DEBRIEF_NOTES = "debrief_notes"  # value: debrief id
    # Answers to a check-back on a next step (value "<note id>:<check-back day>").
    NEXT_STEP_TRIED = "next_step_tried"
    NEXT_STEP_HELP = "next_step_help"
    NEXT_STEP_NOT_YET = "next_step_not_yet"
    NEXT_STEP_INVITE = "next_step_invite"  # value: note id; the invitation form, pre-filled
    # Reflection prompts and the teacher's say over them (value: reflection id).
    REFLECT_OPEN = "reflect_open"
    REFLECT_SNOOZE = "reflect_snooze"
    REFLECT_PAUSE = "reflect_pause"
    REFLECT_STOP = "reflect_stop"
    # Celebrations (value: celebration id).
    CELEBRATE_EDIT = "celebrate_edit"
    CELEBRATE_POST = "celebrate_post"
    CELEBRATE_DECLINE = "celebrate_decline"
    # The Home tab's buttons, and its settings form.
    HOME_INVITE = "home_invite"
    HOME_GOALS = "home_goals"
    HOME_DEBRIEF = "home_debrief"
    HOME_SETTINGS = "home_settings"
    HOME_CASELOAD = "home_caseload"
    HOME_ACCESS_LOG = "home_access_log"  # a teacher's "See everything": who has seen their record
    HOME_ADMIN = "home_admin"
    COACHING_LOG_OPEN = "coaching_log_open"  # "Log coaching" on the coach's Home
    COACHING_LOG_CORRECT = "coaching_log_correct"  # "Correct" on a logged activity's answer
    # Office hours: the coach's Home buttons.
    HOME_OFFICE_HOURS = "home_office_hours"
    HOME_DAYS_OUT = "home_days_out"


class Input(StrEnum):
    """block_id and action_id of a form's inputs, one id for both: a form's state is read
    as `values[id][id]`."""

    COACH_USER = "coach_user"
    COACH_ROLE = "coach_role"
    COACH_AREAS = "coach_areas"
    COACH_CAPACITY = "coach_capacity"
    ASSIGN_TEACHERS = "assign_teachers"
    ASSIGN_COACH = "assign_coach"
    ASSIGN_SCHOOL = "assign_school"
    ASSIGN_TEAM = "assign_team"
    ASSIGN_PLC = "assign_plc"
    CALENDAR_WEEKDAYS = "calendar_weekdays"
    CALENDAR_START = "calendar_start"
    CALENDAR_END = "calendar_end"
    CALENDAR_CLOSURES = "calendar_closures"
    INVITE_COACH = "invite_coach"
    INVITE_DATE = "invite_date"
    INVITE_TIME = "invite_time"
    INVITE_LENGTH = "invite_length"
    INVITE_CLASS = "invite_class"
    INVITE_SUPPORT = "invite_support"
    INVITE_FOCUS = "invite_focus"
    INVITE_NOTE = "invite_note"
    PROPOSE_DATE = "propose_date"
    PROPOSE_TIME = "propose_time"
    PROPOSE_LENGTH = "propose_length"
    PROPOSE_NOTE = "propose_note"
    DECLINE_REASON = "decline_reason"
    INVITE_GOAL = "invite_goal"
    GOAL_QUESTION = "goal_question"
    GOAL_FOCUS = "goal_focus"
    GOAL_EVIDENCE = "goal_evidence"
    GOAL_STUDENTS_NOW = "goal_students_now"
    GOAL_STUDENTS_AIM = "goal_students_aim"
    GOAL_TARGET = "goal_target"
    GOAL_COACH = "goal_coach"
    DEBRIEF_VISIT = "debrief_visit"
    DEBRIEF_DATE = "debrief_date"
    DEBRIEF_TIME = "debrief_time"
    DEBRIEF_LENGTH = "debrief_length"
    DEBRIEF_PLACE = "debrief_place"
    NOTE_STRENGTHS = "note_strengths"
    NOTE_TRY_NEXT = "note_try_next"
    NOTE_NEXT_STEP = "note_next_step"
    NOTE_CHECK_BACK = "note_check_back"
    NEXT_STEP_LINE = "next_step_line"
    REFLECT_ANSWER = "reflect_answer"
    REFLECT_SHARE = "reflect_share"
    PAUSE_UNTIL = "pause_until"
    CELEBRATE_TEXT = "celebrate_text"
    CELEBRATE_CHANNEL = "celebrate_channel"
    CELEBRATE_WHO = "celebrate_who"
    SETTINGS_PROMPTS = "settings_prompts"
    SETTINGS_PAUSE_UNTIL = "settings_pause_until"
    SETTINGS_NUDGE_CAP = "settings_nudge_cap"
    SETTINGS_SHARE_WINS = "settings_share_wins"
    SETTINGS_LIST_TIME = "settings_list_time"
    SETTINGS_LIST_EMPTY = "settings_list_empty"
    COACHING_LOG_KIND = "coaching_log_kind"
    COACHING_LOG_DAY = "coaching_log_day"
    COACHING_LOG_MINUTES = "coaching_log_minutes"
    COACHING_LOG_TEACHERS = "coaching_log_teachers"
    COACHING_LOG_PLC = "coaching_log_plc"
    COACHING_LOG_GOAL = "coaching_log_goal"
    COACHING_LOG_NOTE = "coaching_log_note"
    # The open times of a coach's office hours the invitation and suggest-a-time forms offer
    # (an option's value is the slot's local start, in the zone of the person it was built for).
    INVITE_SLOT = "invite_slot"
    PROPOSE_SLOT = "propose_slot"
    # The coach's office-hours and out-of-office forms.
    HOURS_MONDAY = "hours_monday"
    HOURS_TUESDAY = "hours_tuesday"
    HOURS_WEDNESDAY = "hours_wednesday"
    HOURS_THURSDAY = "hours_thursday"
    HOURS_FRIDAY = "hours_friday"
    HOURS_LENGTH = "hours_length"
    OUT_FIRST = "out_first"
    OUT_LAST = "out_last"
    OUT_KEEP = "out_keep"


class Callback(StrEnum):
    """callback_id of modals."""

    ADMIN_MENU = "admin_menu"
    ADMIN_COACH = "admin_coach"
    ADMIN_ASSIGN = "admin_assign"
    ADMIN_CALENDAR = "admin_calendar"
    INVITE = "invite"
    PROPOSE = "propose"  # suggest another time (coach) or reschedule (teacher)
    DECLINE = "decline"
    GOAL = "goal"  # private_metadata: goal id when editing
    GOALS = "goals"  # the story of a teacher's cycles
    DEBRIEF = "debrief"
    NOTES = "notes"  # private_metadata: debrief id
    NEXT_STEP_TRIED = "next_step_tried_form"  # private_metadata: "<note id>:<check-back day>"
    REFLECT = "reflect"  # private_metadata: reflection id
    PAUSE = "pause"  # pause reflection prompts until a date
    CELEBRATE = "celebrate"  # private_metadata: "<id>[:<offer channel>:<offer ts>]", or empty
    SETTINGS = "settings"
    CASELOAD = "caseload"
    COACHING_LOG = "coaching_log"
    COACHING_LOG_CORRECTION = "coaching_log_correction"  # private_metadata: log id
    OFFICE_HOURS = "office_hours"
    DAYS_OUT = "days_out"


class Block(StrEnum):
    """block_id of blocks that listeners or tests look up."""

    HOME_INTRO = "home_intro"
    HOME_START = "home_start"
    HELP_TEXT = "help_text"
    ADMIN_SUMMARY = "admin_summary"
    CALENDAR_SCHOOL = "calendar_school"
    INVITE_WARNING = "invite_warning"
    VISIT_ACTIONS = "visit_actions"
    VISIT_LOG = "visit_log"
    DAILY_LIST = "daily_list"


# Bot scopes the code needs, and why; manifest.yml must request exactly these.
BOT_SCOPES: dict[str, str] = {
    "commands": "slash commands",
    "chat:write": "direct messages about invitations, visits and reminders",
    "channels:join": "join a public PLC channel to post a celebration a teacher approved",
    "im:history": "find a scheduled message that reached Slack just before a crash, not resend it",
    "im:write": "open the direct message that history lookup reads",
    "users:read": "each person's name, time zone and whether the account is active",
    "users:read.email": "roster files that name people by email (users.lookupByEmail)",
    "files:write": "send a person their own record as files (/coachbot my data)",
}
