"""How much people may type or choose, and the kind words a form shows when they go past it.

Rules check these and views show them, so they live here, below both.
"""

from __future__ import annotations

# --------------------------------------------------------------------------- invitations

MAX_CLASS = 100
MAX_FOCUS = 500
MAX_NOTE = 1000
MAX_PROPOSAL_NOTE = 500
MAX_DECLINE_REASON = 500

# --------------------------------------------------------------------------- cycles

MAX_QUESTION = 500
MAX_EVIDENCE = 1000
MAX_PLACE = 300
MAX_NOTE_TEXT = 2000
MAX_STUDENT_MEASURE = 200  # a goal's "where students are now" and "where you want them"
MAX_STEP_LINE = 500  # "How did it go?" after trying a next step

# --------------------------------------------------------------------------- admin

MIN_CAPACITY = 1
MAX_CAPACITY = 40
MAX_TEACHERS = 100
MAX_NAME = 200  # schools and teams, as storage keeps them
MAX_CLOSURES_TEXT = 3000

# --------------------------------------------------------------------------- reflections

MAX_ANSWER = 3000
# The longest pause a form accepts; for longer, the teacher can stop prompts altogether.
MAX_PAUSE_DAYS = 365
PAUSE_AFTER_TODAY = "Choose a day after today: prompts start again on the day you choose."

# --------------------------------------------------------------------------- Home settings

MIN_NUDGE_CAP = 0
MAX_NUDGE_CAP = 20

# --------------------------------------------------------------------------- celebrations

MAX_CELEBRATION = 1500
NO_WORDS = "Please write a few words to share."
NO_CHANNEL = "Choose a channel to post in."
NOT_A_CHANNEL = "Choose a channel rather than a direct message."
