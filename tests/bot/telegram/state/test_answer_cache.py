"""The answer cache's key: questions that differ in case, spacing or ending share it."""

from __future__ import annotations

import pytest

from bot.telegram.state.answer_cache import normalize_question

#: Questions and the cache key they share.
CACHE_KEYS = {
    "How many drones were intercepted?": "how many drones were intercepted",
    "  how many\tdrones   WERE intercepted ?! ": "how many drones were intercepted",
    "Скільки ракет збили…": "скільки ракет збили",
    "Straße?": "strasse",
    "?!": "",
}


@pytest.mark.parametrize(("question", "key"), CACHE_KEYS.items())
def test_questions_are_normalised_for_the_cache(question: str, key: str) -> None:
    assert normalize_question(question) == key
