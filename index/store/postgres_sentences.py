"""The sentence-vector cache as the PostgreSQL store's ``sentence_vectors`` table.

Keyed as ``sentences.sqlite`` is (``index.clauses.piece_key``; article ids are content
hashes, so entries never go stale), so every worker reads the vectors that any worker's
ingest stored, and a new worker needs no data directory of its own for them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from index.errors import StoreError
from index.store.postgres_pool import Pool, borrowed

logger = logging.getLogger(__name__)

_BATCH = 500


class PostgresSentenceVectors:
    """``SentenceCache`` over the store's pool (the store closes the pool, not this)."""

    def __init__(self, pool: Pool, dim: int) -> None:
        self._pool = pool
        self._dim = dim

    def get_many(self, keys: Sequence[str]) -> dict[str, npt.NDArray[np.float32]]:
        """The stored vectors of ``keys`` (missing keys, and vectors of another dimension,
        are absent from the result)."""
        found: dict[str, npt.NDArray[np.float32]] = {}
        with borrowed(self._pool) as conn:
            for i in range(0, len(keys), _BATCH):
                rows = conn.execute(
                    "SELECT key, vector FROM sentence_vectors WHERE key = ANY(%s)",
                    (list(keys[i : i + _BATCH]),),
                ).fetchall()
                for key, blob in rows:
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if vector.shape == (self._dim,):
                        found[str(key)] = vector
        return found

    def put_many(self, items: Iterable[tuple[str, npt.NDArray[np.float32]]]) -> None:
        """Store vectors in one transaction; a failure is logged (it is a cache: a missing
        vector is computed again when needed)."""
        # (in key order: two workers storing the same keys at once then never deadlock)
        rows = sorted((key, np.asarray(v, dtype=np.float32).tobytes()) for key, v in items)
        if not rows:
            return
        try:
            with borrowed(self._pool) as conn, conn.transaction(), conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO sentence_vectors (key, vector) VALUES (%s, %s)"
                    " ON CONFLICT (key) DO UPDATE SET vector = EXCLUDED.vector",
                    rows,
                )
        except StoreError:
            logger.warning("could not store %d sentence vectors", len(rows), exc_info=True)

    def __len__(self) -> int:
        with borrowed(self._pool) as conn:
            row = conn.execute("SELECT count(*) FROM sentence_vectors").fetchone()
        return int(row[0]) if row is not None else 0

    def close(self) -> None:
        """Nothing to release: the connections are the store's."""
