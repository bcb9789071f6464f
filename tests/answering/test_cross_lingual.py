"""Questions in another language than the articles: types, scoring, declines, the notice
and the operator's hint."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from answering.decline import DeclinePolicy, DeclineReason, decline_reason
from answering.english_only import english_only_notice, tell_operator
from answering.pipeline import AnswerPolicy, PipelineAnswerer
from answering.question import AnswerType, analyze_question
from answering.readers.extractive import ExtractiveReader, Reading
from answering.scoring import CROSS_LINGUAL, Features, Weights
from answering.types import Answer
from bot.plain_text import render_answer
from index.lexical import LexicalIndex
from index.search import HybridSearcher
from prompts.i18n import t
from tests.index.fakes import FakeEmbedder, MemoryStore


@pytest.mark.parametrize(
    ("question", "kind", "lang"),
    [
        ("Скільки будинків пошкоджено на Сумщині?", AnswerType.COUNT, "uk"),
        ("Хто губернатор Черкаської області?", AnswerType.PERSON, "uk"),
        ("Сколько людей погибло в Харьковской области?", AnswerType.COUNT, "ru"),
        ("Где упала ракета?", AnswerType.PLACE, "ru"),
        ("Коли це сталося?", AnswerType.TIME, "uk"),
    ],
)
def test_ukrainian_and_russian_question_words(question: str, kind: AnswerType, lang: str) -> None:
    q = analyze_question(question)
    assert (q.answer_type, q.lang) == (kind, lang)


def _reading(score: float, **features: float) -> Reading:
    f = Features(dense=0.0, coverage=0.0, context=0.0, names=0.0, answer_type=0.0, retrieval=0.0)
    return Reading(None, None, None, score, replace(f, **features))  # type: ignore[arg-type]


def test_cross_lingual_declines_use_only_their_own_bound() -> None:
    policy = DeclinePolicy(min_cross_lingual=0.5)
    # No shared words at all: the lexical checks would decline, the cross-lingual one does not.
    strong = _reading(0.6, dense=0.7, answer_type=1.0)
    assert decline_reason(strong, policy) is not None
    assert decline_reason(strong, policy, cross_lingual=True) is None
    weak = _reading(0.45, dense=0.5)
    assert decline_reason(weak, policy, cross_lingual=True) is DeclineReason.WEAK_EVIDENCE


def test_cross_lingual_weights_ignore_lexical_features() -> None:
    f = Features(dense=0.5, coverage=1.0, context=1.0, names=1.0, answer_type=1.0, retrieval=1.0)
    assert CROSS_LINGUAL.score(f) == pytest.approx(0.8 * 0.5 + 0.2 * 1.0)
    assert Weights().score(f) > CROSS_LINGUAL.score(f)


def _answerer(
    store: MemoryStore, embedder: FakeEmbedder, *, multilingual: bool
) -> PipelineAnswerer:
    searcher = HybridSearcher(store, embedder, LexicalIndex(store))
    policy = AnswerPolicy(decline=DeclinePolicy(), multilingual=multilingual)
    return PipelineAnswerer(searcher, ExtractiveReader(embedder), policy)


@pytest.fixture
def operator_untold() -> None:
    """The operator's hint is logged once per process: this test sees it logged."""
    tell_operator.cache_clear()


@pytest.mark.usefixtures("operator_untold")
@pytest.mark.parametrize(
    ("question", "lang", "told"),
    [
        ("Скільки будинків пошкоджено на Сумщині?", "uk", "англійською"),
        ("Сколько людей погибло в Харьковской области?", "ru", "на английском"),
    ],
)
def test_english_profile_tells_the_asker_in_their_language_and_the_operator_in_the_log(
    sample_store: MemoryStore,
    fake_embedder: FakeEmbedder,
    caplog: pytest.LogCaptureFixture,
    question: str,
    lang: str,
    told: str,
) -> None:
    answerer = _answerer(sample_store, fake_embedder, multilingual=False)
    with caplog.at_level(logging.INFO, logger="answering"):
        answer = answerer.answer(question)
        answerer.answer(question)
    # What the keyword search found, when it passes the checks of any answer; else the decline.
    notice = "english_only" if answer.declined else "english_only_found"
    assert answer.lang == lang and answer.notice == notice
    text = render_answer(answer)
    assert told in text and text.startswith(t(f"answer.{notice}", lang))
    assert (t("answer.decline", lang) in text) == answer.declined
    assert "NEWSBOT_" not in text and "models install" not in text
    hints = [r for r in caplog.records if "NEWSBOT_PROFILE=multilingual" in r.getMessage()]
    assert len(hints) == 1 and hints[0].levelno == logging.WARNING
    assert "newsbot models install multilingual" in hints[0].getMessage()
    assert question not in caplog.text  # the user's text is not logged above DEBUG
    english = answerer.answer("how many drones were intercepted?")
    assert english.notice is None


def test_an_answer_from_the_keyword_search_is_introduced_as_such() -> None:
    declined = Answer("Що сталося?", None, lang="uk")
    found = Answer("Скільки дронів 37?", "37", lang="uk")
    assert english_only_notice(declined) == "english_only"
    assert english_only_notice(found) == "english_only_found"
    text = render_answer(replace(found, notice="english_only_found"))
    assert text.startswith(t("answer.english_only_found", "uk"))
    assert "NEWSBOT_" not in text and "models install" not in text


def test_multilingual_profile_gives_no_notice(
    sample_store: MemoryStore, fake_embedder: FakeEmbedder
) -> None:
    answer = _answerer(sample_store, fake_embedder, multilingual=True).answer(
        "Сколько людей погибло в Харьковской области?"
    )
    assert answer.notice is None and answer.lang == "ru"
