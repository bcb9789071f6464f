"""The reranking protocol's pieces: candidates, the score cache and the fake reranker."""

from __future__ import annotations

import dataclasses

import pytest

from answering.question import analyze_question
from answering.readers.extractive import Reading
from answering.rerankers.base import (
    Reranker,
    ScoreCache,
    SentenceCandidate,
    candidate_from_reading,
    previous_sentence,
)
from answering.scoring import Features
from tests.answering.conftest import ATTACK, passages_for
from tests.answering.fakes import FakeReranker

QUESTION = analyze_question("How many drones were shot down?")
FEATURES = Features(dense=0, coverage=0, context=0, names=1, answer_type=0, retrieval=1)


def test_candidate_is_frozen_and_hashable() -> None:
    cand = SentenceCandidate("Text.", "Title", ("id", 0, 5))
    assert {cand, SentenceCandidate("Text.", "Title", ("id", 0, 5))} == {cand}
    with pytest.raises(dataclasses.FrozenInstanceError):
        cand.text = "other"  # type: ignore[misc]


def test_candidate_from_reading_takes_title_and_neighbours() -> None:
    (passage,) = passages_for(ATTACK)
    first, middle, last = passage.chunk.sentences
    reading = Reading(passage, middle, None, 0.5, FEATURES)
    cand = candidate_from_reading(reading)
    assert cand.text == "The air force said 37 of the 65 drones were shot down."
    assert cand.key == (ATTACK.id, middle.start, middle.end)
    assert cand.context == (
        "Overnight attack Russia launched an attack overnight. Power was restored by noon."
    )
    edge = candidate_from_reading(Reading(passage, first, None, 0.5, FEATURES))
    assert edge.context == f"{ATTACK.title} {middle.slice(ATTACK.text)}"
    assert edge.text == first.slice(ATTACK.text) == "Russia launched an attack overnight."
    assert last.slice(ATTACK.text) == "Power was restored by noon."


def test_candidate_from_reading_takes_the_sentence_before() -> None:
    (passage,) = passages_for(ATTACK)
    first, middle, _ = passage.chunk.sentences
    cand = candidate_from_reading(Reading(passage, middle, None, 0.5, FEATURES))
    assert cand.previous == "Russia launched an attack overnight."
    assert cand.title == ATTACK.title
    assert candidate_from_reading(Reading(passage, first, None, 0.5, FEATURES)).previous == ""


def test_previous_sentence_reads_across_paragraphs_and_whole_sentences() -> None:
    text = "Drones attacked Kyiv overnight.\n\nThe air force said 37 were shot down."
    assert previous_sentence(text, text.index("The air")) == "Drones attacked Kyiv overnight."
    assert previous_sentence(text, 0) == ""
    long_one = "Mr. Smith said " + "word " * 150 + "ends here. "  # over 600 characters
    text = "A short one. " + long_one + "Next sentence."
    assert previous_sentence(text, text.index("Next")) == long_one.strip()


def test_fake_reranker_scores_word_overlap_and_records_history() -> None:
    reranker = FakeReranker()
    protocol: Reranker = reranker
    cands = [
        SentenceCandidate("Power was restored, many said.", "", ("a", 0, 1)),
        SentenceCandidate("37 drones were shot down.", "", ("a", 2, 3)),
        SentenceCandidate("Nothing here.", "drones", ("a", 4, 5)),
    ]
    scores = protocol.rerank(QUESTION, cands)
    asked = 6  # how many drones were shot down
    assert scores == pytest.approx([1 / asked, 4 / asked, 0.1 / asked])
    assert max(range(3), key=scores.__getitem__) == 1
    assert reranker.history == [(QUESTION.text, tuple(cands))]
    assert not reranker.warmed
    reranker.warm()
    assert reranker.warmed
    assert reranker.rerank(QUESTION, []) == []
    assert len(reranker.history) == 2


def test_score_cache_is_a_bounded_lru() -> None:
    cache = ScoreCache(2)
    cache.put("a", 0.1)
    cache.put("b", 0.2)
    assert cache.get("a") == 0.1  # "a" is now the most recent
    cache.put("c", 0.3)  # evicts "b"
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == (0.1, 0.3)
    assert len(cache) == 2
    assert (cache.hits, cache.misses) == (3, 1)


def test_score_cache_of_size_zero_keeps_nothing() -> None:
    cache = ScoreCache(0)
    cache.put(("q", ("a", 0, 1)), 0.5)
    assert cache.get(("q", ("a", 0, 1))) is None
    assert len(cache) == 0
