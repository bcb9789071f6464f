"""Fuzzing the answer cache's key (``normalize_question``) with any unicode.

The key is stable, and questions that differ only in case, spacing or trailing ``?!.…`` share it.

The check is a plain function, shared with ``bench/fuzz.py`` through ``TARGETS``.
"""

from __future__ import annotations

from hypothesis import strategies as st

from bot.telegram.state.answer_cache import normalize_question
from tests.answering.test_fuzz_question import RAW
from tests.fuzzing import FuzzTarget, fuzz_each


def check_cache_key(question: str, ending: str) -> None:
    """The key is its own key, folded, single-spaced, without trailing ``?!.…``; the same
    question in other case, spacing or ending has the same key."""
    key = normalize_question(question)
    assert normalize_question(key) == key
    assert key == key.casefold() and key == key.strip()
    assert not key.endswith(("?", "!", ".", "…"))
    assert all(not ch.isspace() or ch == " " for ch in key) and "  " not in key
    assert normalize_question(f"\n {question.casefold()}{ending}") == key
    assert normalize_question("\u3000\t".join(question.split(" "))) == key


CACHE_KEYS = FuzzTarget(
    "answer cache keys",
    check_cache_key,
    {"question": RAW, "ending": st.text(st.sampled_from(" \t\n?!.…\u2028"), max_size=6)},
)
TARGETS = (CACHE_KEYS,)
test_targets = fuzz_each(TARGETS)
