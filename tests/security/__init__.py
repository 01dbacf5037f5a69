"""Attacks on coachbot, each driving the real app as an attacker or a curious colleague would."""
