"""``MemoryStore``: the ``Store`` contract in plain Python and NumPy, nothing on disk.

The reference implementation (brute-force cosine search) and a fast test double. A write
builds a new immutable state under a lock and swaps it in, so writes are atomic and readers
always see one consistent state.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from index.store.rows import StoreStats, check_item, is_revision, query_matrix
from index.types import Article, ArticleInfo, Chunk

_Item = tuple[Article, Sequence[Chunk], npt.NDArray[np.float32]]


@dataclass(frozen=True)
class _Entry:
    article: Article
    chunks: tuple[Chunk, ...]
    vectors: npt.NDArray[np.float32]
    added_at: dt.datetime
    sequence: int


@dataclass(frozen=True)
class _State:
    entries: dict[str, _Entry] = field(default_factory=dict)
    generation: int = 0
    sequence: int = 0


class MemoryStore:
    """An in-memory ``Store`` for a given model name and vector dimension."""

    def __init__(self, model_name: str = "memory", dim: int = 64) -> None:
        self._model_name = model_name
        self._dim = dim
        self._lock = threading.RLock()
        self._state = _State()
        self._matrix: tuple[int, list[str], npt.NDArray[np.float32]] | None = None

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def generation(self) -> int:
        return self._state.generation

    def upsert(
        self, article: Article, chunks: Sequence[Chunk], vectors: npt.NDArray[np.float32]
    ) -> str:
        return self.upsert_many([(article, chunks, vectors)])[0]

    def upsert_many(self, items: Sequence[_Item]) -> list[str]:
        prepared = [
            (article, tuple(chunks), check_item(article, chunks, vectors, self._dim))
            for article, chunks, vectors in items
        ]
        with self._lock:
            entries = dict(self._state.entries)
            sequence = self._state.sequence
            now = dt.datetime.now(dt.UTC)
            statuses: list[str] = []
            for article, chunks, vectors in prepared:
                status = "added"
                if article.origin:  # an older version from the same file or URL
                    for old in [
                        e
                        for e in entries.values()
                        if e.article.origin == article.origin and e.article.id != article.id
                    ]:
                        del entries[old.article.id]
                        status = "updated"
                if article.id in entries:
                    if not is_revision(entries[article.id].article, article):
                        statuses.append(status if status == "updated" else "skipped")
                        continue
                    del entries[article.id]
                    status = "updated"
                sequence += 1
                entries[article.id] = _Entry(article, chunks, vectors, now, sequence)
                statuses.append(status)
            if any(status != "skipped" for status in statuses):
                self._state = _State(entries, self._state.generation + 1, sequence)
        return statuses

    def remove(self, article_id: str) -> bool:
        with self._lock:
            if article_id not in self._state.entries:
                return False
            entries = dict(self._state.entries)
            del entries[article_id]
            self._state = replace(self._state, entries=entries, generation=self.generation + 1)
            return True

    def has_content(self, article_id: str) -> bool:
        return article_id in self._state.entries

    def get_article(self, article_id: str) -> Article:
        return self._state.entries[article_id].article

    def articles(self) -> list[ArticleInfo]:
        entries = sorted(
            self._state.entries.values(),
            key=lambda e: (e.article.date is not None, e.article.date or dt.date.min, e.sequence),
            reverse=True,
        )
        return [
            ArticleInfo(
                id=e.article.id,
                title=e.article.title,
                date=e.article.date,
                source=e.article.source,
                url=e.article.url,
                origin=e.article.origin,
                chunks=len(e.chunks),
                added_at=e.added_at,
                author=e.article.author,
            )
            for e in entries
        ]

    def chunks(self, keys: Sequence[str]) -> list[Chunk]:
        """Chunks by key, in the order asked; unknown keys are left out."""
        by_key = {chunk.key: chunk for chunk in self.all_chunks()}
        return [by_key[key] for key in keys if key in by_key]

    def article_vectors(self, article_id: str) -> tuple[list[Chunk], npt.NDArray[np.float32]]:
        entry = self._state.entries.get(article_id)
        if entry is None:
            return [], np.zeros((0, self._dim), dtype=np.float32)
        return list(entry.chunks), entry.vectors

    def all_chunks(self) -> list[Chunk]:
        return [chunk for entry in self._state.entries.values() for chunk in entry.chunks]

    def search(self, vector: npt.NDArray[np.float32], k: int) -> list[tuple[str, float]]:
        query = query_matrix(vector, self._dim)[0]
        keys, matrix = self._vectors()
        if k <= 0 or not keys:
            return []
        scores = matrix @ query
        order = np.argsort(-scores, kind="stable")[:k]
        return [(keys[i], float(scores[i])) for i in order]

    def _vectors(self) -> tuple[list[str], npt.NDArray[np.float32]]:
        with self._lock:
            state = self._state
            if self._matrix is None or self._matrix[0] != state.generation:
                keys = [c.key for e in state.entries.values() for c in e.chunks]
                rows = [e.vectors for e in state.entries.values()]
                matrix = np.concatenate(rows) if rows else np.zeros((0, self._dim), np.float32)
                self._matrix = (state.generation, keys, matrix)
            return self._matrix[1], self._matrix[2]

    def __len__(self) -> int:
        return sum(len(entry.chunks) for entry in self._state.entries.values())

    def stats(self) -> StoreStats:
        """Counts and generation; nothing is on disk."""
        state = self._state
        chunks = sum(len(entry.chunks) for entry in state.entries.values())
        return StoreStats(len(state.entries), chunks, state.generation, 0)

    def flush(self) -> None:
        """Nothing is on disk."""

    def close(self) -> None:
        """Nothing to release."""
