"""Sentence reranking: the ``Reranker`` protocol, its candidates and a score cache.

A reranker scores (question, sentence) pairs after the reader has picked its candidate
sentences, so a stronger model (a cross-encoder, ``rerank_crossencoder``) can reorder them.
No cross-encoder is packaged here (see ``shared/MODELS.md``); the real one loads a local
model folder (``tests/answering/fakes.py`` has a stand-in for tests).
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Protocol

from answering.question import Question
from answering.readers.extractive import Reading
from index.chunking import split_sentences
from index.lru import LRUCache
from index.types import Span

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SentenceCandidate:
    """A sentence to score: its text, some context, and a key that identifies it for caching.

    ``context`` is the article title and the neighbouring sentences (may be empty); ``key`` is
    ``(article id, start, end)`` of the sentence in its article's text.
    """

    text: str
    context: str
    key: tuple[str, int, int]
    title: str = ""  # the article's title alone (trained rerankers read it after the sentence)
    previous: str = ""  # the sentence before it in its article (context-reading rerankers)


def candidate_from_reading(reading: Reading) -> SentenceCandidate:
    """The candidate for a reading's sentence: title and the chunk's neighbours as context."""
    article = reading.article
    spans = reading.passage.chunk.sentences
    index = next((i for i, s in enumerate(spans) if s.start == reading.sentence.start), None)
    around = (
        [spans[j].slice(article.text) for j in (index - 1, index + 1) if 0 <= j < len(spans)]
        if index is not None
        else []
    )
    context = " ".join(part for part in (article.title, *around) if part)
    return SentenceCandidate(
        text=reading.sentence.slice(article.text),
        context=context,
        key=(article.id, reading.sentence.start, reading.sentence.end),
        title=article.title,
        previous=previous_sentence(article.text, reading.sentence.start),
    )


def previous_sentence(text: str, start: int) -> str:
    """The sentence before the one starting at ``start`` in ``text`` (empty for the first),
    by the same splitter the index uses; it may lie in the paragraph before (news paragraphs
    are often one sentence long)."""
    spans = _sentence_spans(text)
    i = bisect.bisect_left([s.start for s in spans], start)
    return spans[i - 1].slice(text) if i > 0 else ""


@lru_cache(maxsize=256)
def _sentence_spans(text: str) -> tuple[Span, ...]:
    return tuple(split_sentences(text))


class Reranker(Protocol):
    """Scores candidate sentences for a question: one score per candidate, higher is better."""

    def rerank(self, question: Question, candidates: Sequence[SentenceCandidate]) -> list[float]:
        """Return ``len(candidates)`` scores, in the candidates' order."""
        ...

    def warm(self) -> None:
        """Load the model now (start-up), so the first question is not slow."""
        ...


class ScoreCache(LRUCache[Hashable, float]):
    """A thread-safe LRU map from a hashable key to a float score, with hit counts."""


def cached_rerank(
    cache: ScoreCache,
    question: Question,
    candidates: Sequence[SentenceCandidate],
    predict: Callable[[str, Sequence[SentenceCandidate]], list[float]],
) -> list[float]:
    """Scores for ``candidates``: cached ones by ``(question text, candidate key)``, the rest
    from one ``predict(question text, missing candidates)`` call (then cached)."""
    scores: list[float | None] = [cache.get((question.text, c.key)) for c in candidates]
    missing = [i for i, s in enumerate(scores) if s is None]
    if missing:
        fresh = predict(question.text, [candidates[i] for i in missing])
        for i, score in zip(missing, fresh, strict=True):
            cache.put((question.text, candidates[i].key), score)
            scores[i] = score
    logger.debug("reranked %d of %d candidates (rest cached)", len(missing), len(candidates))
    return [s if s is not None else 0.0 for s in scores]


def apply_reranker(
    question: Question,
    readings: Sequence[Reading],
    reranker: Reranker,
    *,
    weight: float,
    top: int,
) -> list[Reading]:
    """Blend a reranker's scores into the ``top`` readings: ``(1 - weight) * reader score +
    weight * reranker score`` (kept as ``Reading.rerank``); the rest keep their order below,
    scored as if the reranker gave them 0. Returns readings best first."""
    head = list(readings[:top])
    if not head:
        return list(readings)
    scores = reranker.rerank(question, [candidate_from_reading(r) for r in head])
    blended = [
        replace(r, score=(1.0 - weight) * r.score + weight * s, rerank=s)
        for r, s in zip(head, scores, strict=True)
    ]
    blended.sort(key=lambda r: r.score, reverse=True)
    # The rest as if the reranker gave them 0: on the blend's scale, and still below the
    # head (readings come best first, and a blend is never below its reader share).
    rest = [replace(r, score=(1.0 - weight) * r.score) for r in readings[top:]]
    return blended + rest
