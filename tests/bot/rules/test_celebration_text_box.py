"""A draft's text box shows names, and the names it showed are posted as mentions again."""

from __future__ import annotations

from bot.rules.celebrations import readable, with_mentions

NAMES = {"U0ANA": "Ana", "U0ANAMARIA": "Ana  Maria", "U0JO": "Jordan"}


def test_mentions_read_as_names_and_unknown_ones_stay_codes() -> None:
    text = "Thanks <@U0ANA> and <@U0ANAMARIA|ana.m>, and <@U0NOBODY>!"
    assert readable(text, NAMES) == "Thanks @Ana and @Ana Maria, and <@U0NOBODY>!"


def test_the_names_shown_go_back_to_mentions_longest_first() -> None:
    shown = "Thanks @Ana and @Ana Maria, and <@U0NOBODY>! @Anabel too"
    assert with_mentions(shown, NAMES) == (
        "Thanks <@U0ANA> and <@U0ANAMARIA>, and <@U0NOBODY>! @Anabel too"
    )


def test_an_email_address_or_a_mention_code_is_left_alone() -> None:
    text = "Write to me@Jordan.org or <@U0JO>"
    assert with_mentions(text, NAMES) == text


def test_a_round_trip_keeps_the_words() -> None:
    draft = "Celebrating a win: <@U0JO> and their coach <@U0ANA> :tada:"
    assert with_mentions(readable(draft, NAMES), NAMES) == draft
