"""coachbot: the instructional-coaching cycle in Slack."""
