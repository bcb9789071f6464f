"""Reading and changing which model a store on disk says it was built with, without opening it.

Used to find indexes by their model and to carry an index over when the model's name changes
but its vectors do not (newsbot once named a model folder by its path, now by its identity).
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from index.errors import StoreError
from index.store import schema
from index.store.faiss_cache import MANIFEST_NAME, atomic_write

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StoreSummary:
    """What a store on disk holds, read without opening it as a ``Store``."""

    model_name: str
    articles: int


def read_summary(directory: Path) -> StoreSummary | None:
    """The model the store in ``directory`` was built with and its article count; None if it
    holds no readable newsbot database."""
    db = directory / schema.DB_NAME
    if not db.is_file():
        return None
    try:
        # Read-only: this may be another profile's index, perhaps open in another process.
        with contextlib.closing(
            sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        ) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'model_name'").fetchone()
            (articles,) = conn.execute("SELECT COUNT(*) FROM articles").fetchone()
    except sqlite3.Error:
        return None
    return StoreSummary(str(row[0]), int(articles)) if row else None


def rename_model(directory: Path, old: str, new: str) -> None:
    """Record ``new`` as the model of the store in ``directory``, built as ``old``.

    Only the name changes: the caller knows both name the same weights. The database first,
    then the FAISS manifest (were it left behind, the FAISS index would be rebuilt, not lost).
    Raises ``StoreError`` when the store is built with neither name or cannot be written.
    """
    db = directory / schema.DB_NAME
    if not db.is_file():  # (connecting would create an empty database)
        raise StoreError(f"{directory} holds no newsbot database")
    try:
        with contextlib.closing(schema.connect(db)) as conn:
            conn.execute("BEGIN IMMEDIATE")
            row = conn.execute("SELECT value FROM meta WHERE key = 'model_name'").fetchone()
            if row is None or row[0] not in (old, new):
                conn.execute("ROLLBACK")
                raise StoreError(f"{directory} was built with {row and row[0]!r}, not {old!r}")
            conn.execute("UPDATE meta SET value = ? WHERE key = 'model_name'", (new,))
            conn.execute("COMMIT")
        _rename_in_manifest(directory / MANIFEST_NAME, old, new)
    except (sqlite3.Error, OSError) as e:
        raise StoreError(f"cannot rename the model of {directory}: {e}") from e
    logger.debug("the store in %s now names its model %s (was %s)", directory, new, old)


def _rename_in_manifest(path: Path, old: str, new: str) -> None:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # no manifest: the FAISS index is rebuilt from the database anyway
    if isinstance(manifest, dict) and manifest.get("model_name") == old:
        manifest["model_name"] = new
        atomic_write(path, json.dumps(manifest).encode())
