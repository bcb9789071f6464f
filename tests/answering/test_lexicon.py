"""Tokens with offsets, cached by text."""

from __future__ import annotations

from answering.lexicon import Token, stems_with_parts, tokenize

TEXT = "Ukraine’s air force said 37 of the 65 drones were shot down over a five-story block."


def test_tokens_carry_text_lowercase_stem_and_offsets() -> None:
    tokens = tokenize(TEXT)
    assert [t.text for t in tokens[:3]] == ["Ukraine’s", "air", "force"]
    first = tokens[0]
    assert first == Token("Ukraine’s", "ukraine’s", "ukrain", 0, 9)
    assert all(TEXT[t.start : t.end] == t.text for t in tokens)
    assert first.is_capitalized and not first.is_stop and tokenize("the")[0].is_stop
    assert {"five-stori", "five", "stori"} <= stems_with_parts(TEXT)


def test_the_cache_hands_out_copies() -> None:
    tokens = tokenize(TEXT)
    tokens.clear()  # a caller's list is its own
    again = tokenize(TEXT)
    assert len(again) == 16 and again == tokenize(TEXT) and again is not tokenize(TEXT)
