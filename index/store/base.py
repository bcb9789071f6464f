"""The ``Store`` contract, and ``StoreBase``: the part of it every store implements alike."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Final, Protocol

import numpy as np
import numpy.typing as npt

from index.closing import Closing
from index.store.rows import StoreStats, check_item, query_matrix
from index.types import Article, ArticleInfo, Chunk

#: One article of an ``upsert_many`` batch: the article, its chunks and their vectors.
Item = tuple[Article, Sequence[Chunk], npt.NDArray[np.float32]]
#: An item after ``StoreBase._checked``: chunks as a tuple, vectors validated and normalised.
Checked = tuple[Article, tuple[Chunk, ...], npt.NDArray[np.float32]]


class Store(Protocol):
    """Persistent articles + chunks + vectors in one data directory.

    Writes are atomic per call: after a crash at any point, the store opens at the state of
    the last completed write call. Readers see a consistent snapshot.
    """

    @property
    def model_name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def upsert(
        self, article: Article, chunks: Sequence[Chunk], vectors: npt.NDArray[np.float32]
    ) -> str:
        """Add an article with its chunks and their vectors (row i belongs to chunks[i]).

        Returns ``"added"``, ``"updated"`` (an article from the same origin with other content
        was replaced) or ``"skipped"`` (the same content is already stored).
        """
        ...

    def upsert_many(self, items: Sequence[Item]) -> list[str]:
        """``upsert`` for many articles in one atomic write."""
        ...

    def remove(self, article_id: str) -> bool:
        """Remove an article and its chunks; False if it was not there."""
        ...

    def has_content(self, article_id: str) -> bool:
        """Whether an article with this content hash is stored (to skip embedding it again)."""
        ...

    def get_article(self, article_id: str) -> Article:
        """The full article; raises ``KeyError`` when unknown."""
        ...

    def articles(self) -> list[ArticleInfo]:
        """Every article, newest first (by date, then by time added)."""
        ...

    def chunks(self, keys: Sequence[str]) -> list[Chunk]:
        """Chunks by ``Chunk.key``, in the order asked."""
        ...

    def article_vectors(self, article_id: str) -> tuple[list[Chunk], npt.NDArray[np.float32]]:
        """An article's chunks in order and their stored vectors (row i belongs to chunk i);
        nothing for an unknown article."""
        ...

    def all_chunks(self) -> list[Chunk]:
        """Every chunk (for building the lexical index)."""
        ...

    def search(self, vector: npt.NDArray[np.float32], k: int) -> list[tuple[str, float]]:
        """Dense search: ``(chunk key, cosine score)`` best first."""
        ...

    def __len__(self) -> int:
        """Number of chunks."""
        ...

    def stats(self) -> StoreStats:
        """Counts, generation and bytes on disk."""
        ...

    @property
    def generation(self) -> int:
        """Increases with every completed write (lets caches such as BM25 know to rebuild)."""
        ...

    def flush(self) -> None:
        """Write now what the store keeps on disk only from time to time (after an ingest)."""
        ...

    def close(self) -> None: ...


class StoreBase(Closing):
    """What every ``Store`` does the same way: its model and dimension, ``upsert`` as a batch
    of one, validating a batch before it is written, and closing at the end of a ``with``."""

    def __init__(self, model_name: str, dim: int) -> None:
        self.model_name: Final = model_name
        self.dim: Final = dim

    def upsert(
        self, article: Article, chunks: Sequence[Chunk], vectors: npt.NDArray[np.float32]
    ) -> str:
        return self.upsert_many([(article, chunks, vectors)])[0]

    @abstractmethod
    def upsert_many(self, items: Sequence[Item]) -> list[str]:
        """Write a batch of articles in one atomic write (see ``Store.upsert_many``)."""

    def _checked(self, items: Sequence[Item]) -> list[Checked]:
        """The batch validated, its vectors normalised (``ValueError`` before any write)."""
        return [
            (article, tuple(chunks), check_item(article, chunks, vectors, self.dim))
            for article, chunks, vectors in items
        ]

    def _query(self, vector: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        return query_matrix(vector, self.dim)

    def close(self) -> None:
        """Nothing to release."""
