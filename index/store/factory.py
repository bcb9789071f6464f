"""Opens the configured store."""

from __future__ import annotations

from pathlib import Path

from index.chunking import ChunkingOptions
from index.store.sqlite_faiss import FaissStore
from index.store.vector_index import VectorIndexPolicy


def open_store(
    index_dir: Path,
    model_name: str,
    dim: int,
    policy: VectorIndexPolicy | None = None,
    *,
    chunking: ChunkingOptions | None = None,
) -> FaissStore:
    """The SQLite + FAISS store in ``index_dir`` (created when new) for this embedding model
    and chunking.

    Raises ``IndexModelMismatchError`` when the index was built with another model,
    ``IndexSettingsMismatchError`` when with other chunking or for another index format, and
    ``IndexCorruptError`` when its database is unreadable.
    """
    return FaissStore(index_dir, model_name, dim, policy, chunking=chunking)
