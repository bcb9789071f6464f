"""Hybrid retrieval: dense (store) and lexical (BM25) candidates fused by reciprocal rank."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

from index.embedding.base import Embedder
from index.store.base import Store
from index.types import Article, Passage

logger = logging.getLogger(__name__)

_ARTICLE_CACHE_SIZE = 256


class Lexical(Protocol):
    """Keyword candidates: BM25 in process (``LexicalIndex``) or a database's full-text search."""

    def refresh(self) -> None:
        """Build now what the first search would (off the hot path)."""
        ...

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """``(chunk key, score)``, best first."""
        ...


class Searcher(Protocol):
    """Finds the passages that best answer a question."""

    def search(
        self, query: str, k: int | None = None, *, timings: dict[str, float] | None = None
    ) -> list[Passage]:
        """Best passages first; per-stage milliseconds are added to ``timings`` if given."""
        ...


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int) -> list[tuple[str, float]]:
    """Fuse rankings (best first) by ``sum(1 / (k + rank))`` with ranks from 1.

    A key repeated within one ranking counts once, at its best rank. Ties are broken by the
    best rank a key reached, then by first appearance, so the result is deterministic.
    """
    if k < 0:
        raise ValueError(f"the fusion constant must not be negative, got {k}")
    scores: dict[str, float] = {}
    best: dict[str, int] = {}
    for ranking in rankings:
        unique = list(dict.fromkeys(ranking))
        for rank, key in enumerate(unique, start=1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
            best[key] = min(best.get(key, rank), rank)
    return sorted(scores.items(), key=lambda item: (-item[1], best[item[0]]))


class _Clock:
    """Adds elapsed milliseconds per stage to a timings dict (or does nothing without one)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self._timings = timings
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        if self._timings is not None:
            self._timings[name] = self._timings.get(name, 0.0) + (now - self._last) * 1000
        self._last = now


class HybridSearcher:
    """``Searcher`` over a store: dense + BM25 candidates, fused, loaded as ``Passage``s."""

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        lexical: Lexical,
        *,
        k: int = 8,
        k_dense: int = 30,
        k_lexical: int = 30,
        rrf_k: int = 60,
    ) -> None:
        if min(k, k_dense, k_lexical) < 1 or rrf_k < 0:
            raise ValueError("k, k_dense and k_lexical must be positive, rrf_k not negative")
        self._store = store
        self._embedder = embedder
        self._lexical = lexical
        self._k = k
        self._k_dense = k_dense
        self._k_lexical = k_lexical
        self._rrf_k = rrf_k
        self._articles: OrderedDict[str, Article] = OrderedDict()
        self._cache_generation = -1
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Build (or load) the lexical index for the store as it is now, off the hot path."""
        self._lexical.refresh()

    def search(
        self, query: str, k: int | None = None, *, timings: dict[str, float] | None = None
    ) -> list[Passage]:
        """The ``k`` (default: the configured ``k``) best passages for ``query``, best first.

        With ``timings``, adds milliseconds for ``embed``, ``dense``, ``lexical`` and ``fuse``.
        """
        limit = self._k if k is None else k
        if limit <= 0 or not query.strip() or len(self._store) == 0:
            return []
        clock = _Clock(timings)
        vector = self._embedder.embed([query], kind="query")[0]
        clock.lap("embed_ms")
        dense = self._store.search(vector, self._k_dense)
        clock.lap("dense_ms")
        lexical = self._lexical.search(query, self._k_lexical)
        clock.lap("lexical_ms")
        fused = reciprocal_rank_fusion(
            [[key for key, _ in dense], [key for key, _ in lexical]], self._rrf_k
        )
        dense_hits = {key: (rank, score) for rank, (key, score) in enumerate(dense, start=1)}
        lexical_hits = {key: (rank, score) for rank, (key, score) in enumerate(lexical, start=1)}
        chunks = {chunk.key: chunk for chunk in self._store.chunks([key for key, _ in fused])}
        passages: list[Passage] = []
        for key, score in fused:
            chunk = chunks.get(key)
            article = self._article(chunk.article_id) if chunk is not None else None
            if chunk is None or article is None:
                continue  # removed by a write since the candidates were found
            dense_rank, dense_score = dense_hits.get(key, (None, None))
            lexical_rank, lexical_score = lexical_hits.get(key, (None, None))
            passages.append(
                Passage(chunk, article, score, dense_score, lexical_score, dense_rank, lexical_rank)
            )
            if len(passages) == limit:
                break
        clock.lap("fuse_ms")
        logger.debug(
            "search: %d dense, %d lexical, %d fused, %d passages",
            len(dense),
            len(lexical),
            len(fused),
            len(passages),
        )
        return passages

    def _article(self, article_id: str) -> Article | None:
        """The article, from a small LRU cache emptied whenever the store changes (a revised
        header keeps the article's id)."""
        with self._lock:
            if self._cache_generation != self._store.generation:
                self._articles.clear()
                self._cache_generation = self._store.generation
            article = self._articles.get(article_id)
            if article is not None:
                self._articles.move_to_end(article_id)
                return article
        try:
            article = self._store.get_article(article_id)
        except KeyError:
            return None
        with self._lock:
            self._articles[article_id] = article
            while len(self._articles) > _ARTICLE_CACHE_SIZE:
                self._articles.popitem(last=False)
        return article
