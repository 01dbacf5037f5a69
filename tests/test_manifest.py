"""manifest.yml is valid for Slack and agrees with bot/ids.py both ways."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot.ids import BOT_SCOPES, Command, Event, Shortcut

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = Path(__file__).resolve().parent / "manifest.schema.json"


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "manifest.yml").read_text())
    return loaded


def test_manifest_validates_against_slacks_schema(manifest: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(manifest, schema)


def test_schema_check_would_catch_a_broken_manifest(manifest: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text())
    broken = {
        **manifest,
        "features": {**manifest["features"], "slash_commands": [{"command": "x"}]},
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_slash_commands_match_ids(manifest: dict[str, Any]) -> None:
    declared = {c["command"] for c in manifest["features"].get("slash_commands", [])}
    assert declared == {c.value for c in Command}


def test_events_match_ids(manifest: dict[str, Any]) -> None:
    declared = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert declared == {e.value for e in Event}


def test_shortcuts_match_ids(manifest: dict[str, Any]) -> None:
    declared = {s["callback_id"] for s in manifest["features"].get("shortcuts", [])}
    assert declared == {s.value for s in Shortcut}


def test_bot_scopes_are_exactly_what_the_code_uses(manifest: dict[str, Any]) -> None:
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == set(BOT_SCOPES)


def test_every_request_url_is_the_one_endpoint(manifest: dict[str, Any]) -> None:
    urls = [c["url"] for c in manifest["features"].get("slash_commands", [])]
    urls.append(manifest["settings"]["event_subscriptions"]["request_url"])
    urls.append(manifest["settings"]["interactivity"]["request_url"])
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert set(urls) == {"https://coachbot.example.org/slack/events"}


def test_home_tab_is_enabled_for_app_home_opened(manifest: dict[str, Any]) -> None:
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
