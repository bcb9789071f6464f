"""Sentence vectors for the reader: memory first, then the persistent cache, then the model.

Whatever the model computes here is stored in both caches, so each sentence piece is embedded
once per index, ideally at ingest time (``index.ingest`` fills the persistent cache).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from index.embedding.base import Embedder
from index.lru import LRUCache
from index.sentence_cache import SentenceCache


class SentenceVectors:
    """Vectors of sentence pieces and of questions, computed at most once."""

    def __init__(
        self,
        embedder: Embedder,
        store: SentenceCache | None = None,
        *,
        memory_size: int = 50_000,
    ) -> None:
        self._embedder = embedder
        self._store = store
        self._memory: LRUCache[str, npt.NDArray[np.float32]] = LRUCache(memory_size)
        self._queries: LRUCache[str, npt.NDArray[np.float32]] = LRUCache(1024)
        self.computed = 0  # pieces the model had to embed at question time

    def warm(self) -> None:
        self._embedder.warm()

    def query(self, text: str) -> npt.NDArray[np.float32]:
        vector = self._queries.get(text)
        if vector is None:
            vector = self._embedder.embed([text], kind="query")[0]
            self._queries.put(text, vector)
        return vector

    def pieces(self, keys: Sequence[str], texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Row i is the (document) vector of ``texts[i]``, cached under ``keys[i]``."""
        found: dict[str, npt.NDArray[np.float32]] = {}
        for key in keys:
            vector = self._memory.get(key)
            if vector is not None:
                found[key] = vector
        missing = [k for k in keys if k not in found]
        if missing and self._store is not None:
            stored = self._store.get_many(missing)
            for key, vector in stored.items():
                self._memory.put(key, vector)
            found.update(stored)
        todo = [i for i, k in enumerate(keys) if k not in found]
        if todo:
            fresh = self._embedder.embed([texts[i] for i in todo], kind="document")
            self.computed += len(todo)
            new = [(keys[i], vector) for i, vector in zip(todo, fresh, strict=True)]
            for key, vector in new:
                self._memory.put(key, vector)
                found[key] = vector
            if self._store is not None:
                self._store.put_many(new)
        if not keys:
            return np.zeros((0, self._embedder.dim), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)
