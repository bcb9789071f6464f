"""The index's deterministic fakes: ``FakeEmbedder`` (hashed bag of words) and ``MemoryStore``.

``FakeEmbedder`` gives texts that share words similar vectors, so retrieval behaves sensibly
with no model to load; ``history`` records every call. ``MemoryStore`` is the ``Store``
contract in plain Python and NumPy (brute-force cosine search), nothing on disk: a write builds
a new immutable state under a lock and swaps it in, so writes are atomic and readers always see
one consistent state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from index.embedding.base import EmbedKind
from index.store.base import Item, StoreBase
from index.store.rows import StoreStats, is_revision
from index.types import Article, ArticleInfo, Chunk

_WORD = re.compile(r"\w+", re.UNICODE)


class FakeEmbedder:
    """Deterministic hashed bag-of-words vectors (``dim`` buckets, L2-normalised)."""

    def __init__(self, dim: int = 64, name: str = "fake-embedder") -> None:
        self.name = name
        self.dim = dim
        self.history: list[tuple[EmbedKind, tuple[str, ...]]] = []
        self.warmed = False

    def warm(self) -> None:
        self.warmed = True

    def embed(
        self, texts: Sequence[str], *, kind: EmbedKind = "document"
    ) -> npt.NDArray[np.float32]:
        self.history.append((kind, tuple(texts)))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                stem = word[:5]
                digest = hashlib.blake2b(stem.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dim] += 1.0
            norm = float(np.linalg.norm(out[row]))
            if norm > 0:
                out[row] /= norm
            else:
                out[row, 0] = 1.0
        return out


@dataclass(frozen=True)
class _Entry:
    article: Article
    chunks: tuple[Chunk, ...]
    vectors: npt.NDArray[np.float32]
    added_at: dt.datetime
    sequence: int

    def info(self) -> ArticleInfo:
        a, chunks = self.article, len(self.chunks)
        return ArticleInfo(
            a.id, a.title, a.date, a.source, a.url, a.origin, chunks, self.added_at, a.author
        )


@dataclass(frozen=True)
class _State:
    entries: dict[str, _Entry] = field(default_factory=dict)
    generation: int = 0
    sequence: int = 0


class MemoryStore(StoreBase):
    """An in-memory ``Store`` for a given model name and vector dimension."""

    def __init__(self, model_name: str = "memory", dim: int = 64) -> None:
        super().__init__(model_name, dim)
        self._lock = threading.RLock()
        self._state = _State()
        self._matrix: tuple[int, list[str], npt.NDArray[np.float32]] | None = None

    @property
    def generation(self) -> int:
        return self._state.generation

    def upsert_many(self, items: Sequence[Item]) -> list[str]:
        prepared = self._checked(items)
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
        return [entry.info() for entry in entries]

    def chunks(self, keys: Sequence[str]) -> list[Chunk]:
        """Chunks by key, in the order asked; unknown keys are left out."""
        by_key = {chunk.key: chunk for chunk in self.all_chunks()}
        return [by_key[key] for key in keys if key in by_key]

    def article_vectors(self, article_id: str) -> tuple[list[Chunk], npt.NDArray[np.float32]]:
        entry = self._state.entries.get(article_id)
        if entry is None:
            return [], np.zeros((0, self.dim), dtype=np.float32)
        return list(entry.chunks), entry.vectors

    def all_chunks(self) -> list[Chunk]:
        return [chunk for entry in self._state.entries.values() for chunk in entry.chunks]

    def search(self, vector: npt.NDArray[np.float32], k: int) -> list[tuple[str, float]]:
        query = self._query(vector)[0]
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
                matrix = np.concatenate(rows) if rows else np.zeros((0, self.dim), np.float32)
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
