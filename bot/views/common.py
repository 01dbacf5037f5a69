"""Words and small builders shared by several views."""

from __future__ import annotations

SORRY_TEXT = (
    "Sorry, something went wrong on coachbot's side. Please try again in a minute; "
    "if it keeps happening, let your coaching team know."
)

COACHING_IS = (
    "Instructional coaching is support, never evaluation: a coach works alongside you on a "
    "goal you choose, and what you and your coach say to each other stays between the two of you."
)
