"""Coaching cycles, as the listeners know them: one name for the goal form (bot/views/goals.py),
the story of a teacher's cycles (story.py), the visit log (visit_log.py) and debriefs
(debrief.py)."""

from __future__ import annotations

from bot.views.debrief import (
    DebriefCard as DebriefCard,
    DebriefForm as DebriefForm,
    NoteForm as NoteForm,
    build_debrief_form as build_debrief_form,
    build_debrief_scheduled as build_debrief_scheduled,
    build_notes_form as build_notes_form,
    parse_debrief_form as parse_debrief_form,
    parse_notes_form as parse_notes_form,
)
from bot.views.goals import (
    GoalForm as GoalForm,
    build_goal_closed_notice as build_goal_closed_notice,
    build_goal_form as build_goal_form,
    offered_areas as offered_areas,
    parse_goal_form as parse_goal_form,
)
from bot.views.story import (
    CycleStory as CycleStory,
    DebriefLine as DebriefLine,
    NoteView as NoteView,
    VisitLine as VisitLine,
    build_goals_view as build_goals_view,
)
from bot.views.visit_log import (
    build_missed_visit_for_teacher as build_missed_visit_for_teacher,
    build_visit_log_prompt as build_visit_log_prompt,
    build_visit_logged as build_visit_logged,
    log_value as log_value,
    parse_log_value as parse_log_value,
)
