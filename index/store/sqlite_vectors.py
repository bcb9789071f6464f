"""The vectors of a ``FaissStore`` at its database's generation, from the fastest source that
is right: a snapshot in memory or the FAISS file brought up to the database, else a rebuild
from the stored vectors."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Sequence

from index.store import schema, vector_index
from index.store.connections import read_transaction
from index.store.faiss_cache import FaissCache, VectorSnapshot


def load_vectors(
    conn: sqlite3.Connection,
    cache: FaissCache,
    *,
    rebuild: bool = False,
    base: VectorSnapshot | None = None,
) -> VectorSnapshot:
    """In one read transaction on ``conn``: ``base`` (an in-memory snapshot) or the FAISS file
    brought up to the database, else (or with ``rebuild``) a snapshot built from the stored
    vectors. A snapshot that differs from the saved files is saved."""
    with read_transaction(conn):
        generation = schema.read_generation(conn)
        rows = conn.execute("SELECT id, article_id, ordinal FROM chunks ORDER BY id")
        keys = {int(rowid): f"{article_id}:{ordinal}" for rowid, article_id, ordinal in rows}
        fetch = functools.partial(_stored_vectors, conn)
        if rebuild:
            snapshot = None
        elif base is not None and _can_catch_up(cache, base, generation, len(keys)):
            return cache.catch_up(base, generation, keys, fetch)
        else:
            snapshot = cache.load(generation, keys, fetch)
        if snapshot is None:
            blobs = conn.execute("SELECT chunk_id, vector FROM vectors ORDER BY chunk_id")
            snapshot = cache.build(generation, keys, blobs.fetchall())
        if snapshot.generation != cache.saved_generation:
            cache.save(snapshot)
    return snapshot


def _can_catch_up(cache: FaissCache, base: VectorSnapshot, generation: int, count: int) -> bool:
    """Whether ``base`` is not ahead of the database and its kind of index still fits."""
    return base.generation <= generation and not vector_index.needs_rebuild(
        base.index, count, cache.policy
    )


def _stored_vectors(conn: sqlite3.Connection, rowids: Sequence[int]) -> list[tuple[int, bytes]]:
    """The stored vectors of ``rowids`` (sorted): the rows from the first one on, as chunks
    added since a snapshot are nearly always the newest."""
    wanted = set(rowids)
    rows = conn.execute(
        "SELECT chunk_id, vector FROM vectors WHERE chunk_id >= ? ORDER BY chunk_id",
        (min(wanted),),
    )
    return [(int(rowid), blob) for rowid, blob in rows if rowid in wanted]
