"""An ``Embedder`` that remembers recent question vectors, so the search and the reader,
which both need the question's vector, embed a question once (and a repeated question not
at all). Documents pass straight through."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from index.embedding.base import Embedder, EmbedKind
from index.lru import LRUCache

#: Question vectors kept.
QUERY_CACHE_SIZE = 1024


class QueryCachingEmbedder:
    """Wraps ``embedder``; single-question ``embed(..., kind="query")`` calls are cached."""

    def __init__(self, embedder: Embedder, size: int = QUERY_CACHE_SIZE) -> None:
        self._inner = embedder
        self._queries: LRUCache[str, npt.NDArray[np.float32]] = LRUCache(size)

    @property
    def name(self) -> str:
        return self._inner.name

    @property
    def dim(self) -> int:
        return self._inner.dim

    def embed(
        self, texts: Sequence[str], *, kind: EmbedKind = "document"
    ) -> npt.NDArray[np.float32]:
        if kind != "query" or len(texts) != 1:
            return self._inner.embed(texts, kind=kind)
        vector = self._queries.get(texts[0])
        if vector is None:
            vector = self._inner.embed(texts, kind="query")[0]
            self._queries.put(texts[0], vector)
        return vector[np.newaxis, :]

    def warm(self) -> None:
        self._inner.warm()
