"""Opens the configured store."""

from __future__ import annotations

from pathlib import Path

from index.store.sqlite_faiss import FaissStore


def open_store(index_dir: Path, model_name: str, dim: int) -> FaissStore:
    """The SQLite + FAISS store in ``index_dir`` (created when new) for this embedding model.

    Raises ``IndexModelMismatchError`` when the index was built with another model, and
    ``IndexCorruptError`` when its database is unreadable.
    """
    return FaissStore.open(index_dir, model_name, dim)
