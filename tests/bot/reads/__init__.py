"""Tests of bot/reads/."""
