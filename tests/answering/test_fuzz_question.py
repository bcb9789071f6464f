"""Fuzzing question normalisation and analysis with any unicode a user can send (controls,
format characters, lone surrogates from JSON escapes, RTL overrides, exotic spaces): the result
is a clean question or a typed ``InputError``, never a crash.

The checks are plain functions, shared with ``bench/fuzz.py`` through ``TARGETS``.
"""

from __future__ import annotations

import unicodedata

from hypothesis import strategies as st

from answering.question import AnswerType, analyze_question, normalize_question
from index.errors import EmptyQuestionError, QuestionTooLongError
from prompts.i18n import LANGUAGES
from tests.fuzzing import HOSTILE, FuzzTarget, fuzz

#: What users send: hostile pieces, any code point, lone surrogates (JSON escapes allow them).
RAW = st.lists(
    HOSTILE | st.just("\ud800") | st.text(st.characters(exclude_categories=()), max_size=12),
    max_size=16,
).map("".join)
MAX_CHARS = st.integers(0, 40) | st.just(500)


def _visible(text: str) -> list[str]:
    """The characters that are neither white space nor controls/format characters."""
    return [ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] != "C"]


def check_normalize(raw: str, max_chars: int) -> None:
    """A question in words within the limit is kept with all its visible characters, single
    spaces and no control or format characters, and normalising it again changes nothing;
    otherwise the error says why: no words (``EmptyQuestionError``) or too long."""
    try:
        text = normalize_question(raw, max_chars=max_chars)
    except EmptyQuestionError as e:
        assert e.user_message
        assert not any(ch.isalnum() for ch in _visible(raw))
        return
    except QuestionTooLongError as e:
        assert e.params == {"limit": max_chars} and str(max_chars) in e.user_message
        assert len(raw) > max_chars  # normalising never lengthens a question
        return
    assert 0 < len(text) <= max_chars
    assert [ch for ch in text if ch != " "] == _visible(raw)
    assert text == text.strip() and "  " not in text
    assert any(ch.isalnum() for ch in text)
    assert normalize_question(text, max_chars=max_chars) == text


def check_analyze(raw: str, lang_hint: str | None) -> None:
    """Analysis of any input is a ``Question`` of the normalised text in a supported language,
    or the same typed error normalisation gives."""
    try:
        question = analyze_question(raw, max_chars=500, lang_hint=lang_hint)
    except (EmptyQuestionError, QuestionTooLongError) as e:
        assert e.user_message
        return
    assert question.text == normalize_question(raw, max_chars=500)
    assert question.lang in LANGUAGES
    assert isinstance(question.answer_type, AnswerType)
    assert all(isinstance(term, str) and term for term in (*question.terms, *question.focus))


NORMALIZE = FuzzTarget(
    "question normalisation", check_normalize, {"raw": RAW, "max_chars": MAX_CHARS}
)
ANALYZE = FuzzTarget(
    "question analysis",
    check_analyze,
    {"raw": RAW, "lang_hint": st.none() | st.sampled_from(["uk-UA", "ru", "", "xx"]) | st.text()},
)
TARGETS = (NORMALIZE, ANALYZE)


def test_any_text_is_a_clean_question_or_a_typed_error() -> None:
    """Normalisation keeps every visible character, drops controls, and is idempotent."""
    fuzz(NORMALIZE)


def test_any_text_is_analysed_or_refused_with_a_typed_error() -> None:
    """Analysis never crashes on hostile unicode and agrees with normalisation."""
    fuzz(ANALYZE)
