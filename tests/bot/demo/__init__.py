"""Tests of bot/demo/."""
