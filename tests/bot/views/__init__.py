"""Tests of bot/views/."""
