"""What every store shares: input validation, vector normalisation, chunk keys and stats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from index.errors import IndexModelMismatchError
from index.types import Article, Chunk

#: HNSW candidates a PostgreSQL dense search visits (pgvector's default is 40).
HNSW_EF_SEARCH = 100


@dataclass(frozen=True, slots=True)
class StoreStats:
    """A store's size: counts, the current generation and the bytes it takes on disk."""

    articles: int
    chunks: int
    generation: int
    size_bytes: int


def normalize_rows(vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Rows scaled to unit length (all-zero rows stay zero), as C-contiguous float32."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


def check_item(
    article: Article, chunks: Sequence[Chunk], vectors: npt.NDArray[np.float32], dim: int
) -> npt.NDArray[np.float32]:
    """Validate one ``upsert`` item and return its vectors normalised.

    Raises ``ValueError`` when the vectors are not ``(len(chunks), dim)`` finite numbers, or a
    chunk does not belong to the article, repeats an ordinal or does not match its offsets.
    """
    if not article.id:
        raise ValueError("article has an empty id")
    array = np.asarray(vectors, dtype=np.float32)
    if array.shape != (len(chunks), dim):
        raise ValueError(
            f"vectors of {article.id} have shape {array.shape}, expected {(len(chunks), dim)}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"vectors of {article.id} contain NaN or infinity")
    ordinals: set[int] = set()
    for chunk in chunks:
        if chunk.article_id != article.id:
            raise ValueError(f"chunk {chunk.key} does not belong to article {article.id}")
        if chunk.ordinal in ordinals:
            raise ValueError(f"chunk ordinal {chunk.ordinal} repeats in article {article.id}")
        ordinals.add(chunk.ordinal)
        in_range = 0 <= chunk.start <= chunk.end <= len(article.text)
        if not in_range or article.text[chunk.start : chunk.end] != chunk.text:
            raise ValueError(f"chunk {chunk.key} text does not match the article at its offsets")
    return normalize_rows(array)


def query_matrix(vector: npt.NDArray[np.float32], dim: int) -> npt.NDArray[np.float32]:
    """A query vector (shape ``(dim,)`` or ``(1, dim)``) as a normalised ``(1, dim)`` matrix."""
    array = np.asarray(vector, dtype=np.float32)
    if array.size != dim or array.ndim > 2:
        raise ValueError(f"query vector has shape {array.shape}, expected ({dim},)")
    return normalize_rows(array.reshape(1, dim))


def split_key(key: str) -> tuple[str, int] | None:
    """``"<article id>:<ordinal>"`` -> ``(article id, ordinal)``; None when malformed."""
    article_id, sep, ordinal = key.rpartition(":")
    if not sep or not article_id or not ordinal.isdigit():
        return None
    return article_id, int(ordinal)


def is_revision(stored: Article, incoming: Article) -> bool:
    """Whether ``incoming`` (same body, so same id) revises ``stored``'s header: it comes from
    the same origin and its title, date, source, url or author differ. A duplicate from another
    origin is not a revision."""
    same_origin = bool(incoming.origin) and stored.origin == incoming.origin
    header = (stored.title, stored.date, stored.source, stored.url, stored.author)
    new = (incoming.title, incoming.date, incoming.source, incoming.url, incoming.author)
    return same_origin and header != new


def check_model(built_model: str, built_dim: int, model_name: str, dim: int) -> None:
    """Refuse a store built with another embedding model or dimension than the configured."""
    if built_model != model_name or built_dim != dim:
        built_with = f"{built_model} (dim {built_dim})"
        configured = f"{model_name} (dim {dim})"
        raise IndexModelMismatchError(
            f"the index was built with {built_with} but {configured} is configured; "
            "re-index the articles (move the index folder away and run `newsbot ingest` again) "
            "or configure the original model",
            built_with=built_with,
            configured=configured,
        )
