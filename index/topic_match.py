"""Followed topics against the passages of newly added articles, one search per article.

For each new article, every topic is scored against every one of its chunks at once: a dense
score (the topics' cached query vectors times the chunks' stored vectors, one matrix product)
and a lexical score (the share of a topic's stemmed words that the chunk or its article's
header holds, one more product). The two rankings of the article's chunks are fused by
reciprocal rank, as ``index.search`` does, to pick each topic's best passage; the topic
matches when that passage's strength (the mean of its dense and lexical scores) reaches the
bound. Nothing but new topics is embedded: chunk vectors come from the store.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from index.embedding.base import Embedder
from index.keywords import KeywordTokenizer
from index.store.base import Store
from index.types import Article, Chunk, header_text


@dataclass(frozen=True, slots=True)
class TopicHit:
    """A topic's best passage in a new article, and how strongly it matched."""

    topic: str
    article: Article
    chunk: Chunk
    score: float
    dense_score: float
    lexical_score: float


class TopicMatching(Protocol):
    """Matches topics against the passages of given articles."""

    def match(self, topics: Sequence[str], article_ids: Sequence[str]) -> list[TopicHit]:
        """At most one hit per topic and article, for those at or above the bound."""
        ...


class TopicMatcher:
    """``TopicMatching`` over a store and an embedder; counts its searches (one per article).

    Thread-safe: the topic vectors are cached under a lock, and only the topics of the last
    call are kept, so the cache never outgrows the followed topics.
    """

    def __init__(
        self, store: Store, embedder: Embedder, *, min_score: float, rrf_k: int = 60
    ) -> None:
        if rrf_k < 0:
            raise ValueError("rrf_k must not be negative")
        self._store = store
        self._embedder = embedder
        self._min_score = min_score
        self._rrf_k = rrf_k
        self._vectors: dict[str, npt.NDArray[np.float32]] = {}
        self._terms: tuple[tuple[str, ...], dict[str, int], npt.NDArray[np.float32]] | None = None
        self._lock = threading.Lock()
        self._keywords = KeywordTokenizer()
        self.searches = 0
        self.embedded = 0

    @property
    def min_score(self) -> float:
        return self._min_score

    def match(self, topics: Sequence[str], article_ids: Sequence[str]) -> list[TopicHit]:
        distinct = list(dict.fromkeys(topic for topic in topics if topic.strip()))
        if not distinct or not article_ids:
            return []
        vectors = self._topic_vectors(distinct)
        vocabulary, coverage = self._topic_terms(distinct)
        hits: list[TopicHit] = []
        for article_id in dict.fromkeys(article_ids):
            hits.extend(self._search_article(distinct, vectors, vocabulary, coverage, article_id))
        return hits

    def _search_article(
        self,
        topics: list[str],
        vectors: npt.NDArray[np.float32],
        vocabulary: dict[str, int],
        coverage: npt.NDArray[np.float32],
        article_id: str,
    ) -> list[TopicHit]:
        with self._lock:
            self.searches += 1
        try:
            chunks, chunk_vectors = self._store.article_vectors(article_id)
            article = self._store.get_article(article_id)
        except KeyError:  # removed since it was added (even between the two reads)
            return []
        if not chunks:
            return []
        dense = vectors @ chunk_vectors.T
        lexical = coverage @ self._chunk_terms(article, chunks, vocabulary)
        fused = self._rrf(dense) + self._rrf(lexical)
        best = np.argmax(fused, axis=1)
        rows = np.arange(len(topics))
        strength = (dense[rows, best] + lexical[rows, best]) / 2
        return [
            TopicHit(
                topic=topics[i],
                article=article,
                chunk=chunks[int(best[i])],
                score=float(strength[i]),
                dense_score=float(dense[i, best[i]]),
                lexical_score=float(lexical[i, best[i]]),
            )
            for i in np.flatnonzero(strength >= self._min_score)
        ]

    def _rrf(self, scores: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        """Each row's reciprocal-rank score of its columns (rank 1 = the highest score)."""
        order = np.argsort(-scores, axis=1, kind="stable")
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, np.arange(1, scores.shape[1] + 1)[None, :], axis=1)
        return 1.0 / (self._rrf_k + ranks)

    def _topic_vectors(self, topics: list[str]) -> npt.NDArray[np.float32]:
        with self._lock:
            known = {topic: self._vectors[topic] for topic in topics if topic in self._vectors}
        missing = [topic for topic in topics if topic not in known]
        if missing:
            embedded = self._embedder.embed(missing, kind="query")
            known.update(zip(missing, embedded, strict=True))
        with self._lock:
            self.embedded += len(missing)
            self._vectors = known
        return np.stack([known[topic] for topic in topics]).astype(np.float32, copy=False)

    def _topic_terms(self, topics: list[str]) -> tuple[dict[str, int], npt.NDArray[np.float32]]:
        """The topics' word stems, and each topic's row of weights (1 / its number of stems);
        kept for the next call while the topics stay the same."""
        with self._lock:
            cached = self._terms
        if cached is not None and cached[0] == tuple(topics):
            return cached[1], cached[2]
        tokens = self._keywords.tokenize(topics)
        vocabulary: dict[str, int] = {}
        for words in tokens:
            for word in words:
                vocabulary.setdefault(word, len(vocabulary))
        coverage = np.zeros((len(topics), max(len(vocabulary), 1)), dtype=np.float32)
        for row, words in enumerate(tokens):
            distinct = set(words)
            for word in distinct:
                coverage[row, vocabulary[word]] = 1.0 / len(distinct)
        with self._lock:
            self._terms = (tuple(topics), vocabulary, coverage)
        return vocabulary, coverage

    def _chunk_terms(
        self, article: Article, chunks: Sequence[Chunk], vocabulary: dict[str, int]
    ) -> npt.NDArray[np.float32]:
        """Which topic stems (rows) each chunk, with its article's header, holds (columns)."""
        header = header_text(article.title, article.date)
        tokens = self._keywords.tokenize([f"{header}\n{chunk.text}" for chunk in chunks])
        present = np.zeros((max(len(vocabulary), 1), len(chunks)), dtype=np.float32)
        for column, words in enumerate(tokens):
            for word in set(words):
                index = vocabulary.get(word)
                if index is not None:
                    present[index, column] = 1.0
        return present
