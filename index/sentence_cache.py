"""Persistent sentence vectors: ``sentences.sqlite`` beside the index, one per embedding model.

(With the PostgreSQL store the same map is a table in its database,
``index.store.postgres_sentences``: ``SentenceCache`` is what both provide.)

Ingest fills it for every sentence of every new article, so answering a question looks
vectors up instead of running the model over dozens of sentences. It is a cache: a missing
entry (a crash between the store write and this one, an older index) is computed when first
needed and stored then. Keys come from ``pieces.piece_key``; article ids are content hashes,
so entries never go stale.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

logger = logging.getLogger(__name__)

_SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)"
_BATCH = 500


class SentenceCache(Protocol):
    """A persistent map from piece key to a float32 vector, safe to share between threads."""

    def get_many(self, keys: Sequence[str]) -> dict[str, npt.NDArray[np.float32]]:
        """The stored vectors of ``keys`` (missing keys are absent from the result)."""
        ...

    def put_many(self, items: Iterable[tuple[str, npt.NDArray[np.float32]]]) -> None:
        """Store vectors; a failed write is logged, not raised (it is a cache)."""
        ...

    def __len__(self) -> int: ...

    def close(self) -> None: ...


class SentenceVectorCache:
    """Thread-safe persistent map from piece key to a float32 vector of ``dim``."""

    def __init__(self, path: Path, dim: int) -> None:
        self._path = path
        self._dim = dim
        self._local = threading.local()
        self._write_lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._write_lock:
            conn = self._conn()
            conn.execute(_SCHEMA)
            conn.commit()

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._path, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def get_many(self, keys: Sequence[str]) -> dict[str, npt.NDArray[np.float32]]:
        """The stored vectors of ``keys`` (missing keys are absent from the result)."""
        found: dict[str, npt.NDArray[np.float32]] = {}
        conn = self._conn()
        for i in range(0, len(keys), _BATCH):
            part = list(keys[i : i + _BATCH])
            marks = ",".join("?" * len(part))
            for key, blob in conn.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({marks})", part
            ):
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape == (self._dim,):
                    found[key] = vector
        return found

    def put_many(self, items: Iterable[tuple[str, npt.NDArray[np.float32]]]) -> None:
        rows = [(key, np.asarray(v, dtype=np.float32).tobytes()) for key, v in items]
        if not rows:
            return
        with self._write_lock:
            conn = self._conn()
            try:
                conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
                conn.commit()
            except sqlite3.Error:
                conn.rollback()
                logger.warning("could not store %d sentence vectors", len(rows), exc_info=True)

    def __len__(self) -> int:
        row = self._conn().execute("SELECT COUNT(*) FROM vectors").fetchone()
        return int(row[0])

    def close(self) -> None:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
