"""``FaissStore``: SQLite as the source of truth, a FAISS inner-product index as a derived cache.

The data directory holds:

    newsbot.sqlite  articles, chunks and their float32 vectors (WAL mode). Every write call is
                    one transaction that bumps ``meta.generation`` when it changes something.
    vectors.faiss   ``IndexIDMap2(IndexFlatIP)`` keyed by chunk rowid, replaced atomically.
    vectors.json    the generation ``vectors.faiss`` reflects (and its size), replaced the same way.

The FAISS file is written at most every ``save_interval_s`` while writes go on, and by
``flush`` (the end of an ingest) and ``close``: rewriting it after every batch cost more than
the batch's own write on large stores.

The FAISS file is only used when its manifest's generation, its vector count and its ids match
the database; otherwise it is rebuilt from the stored vectors. A crash between the database
commit and the FAISS save thus costs one rebuild on the next open, never consistency.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from index.chunking import ChunkingOptions
from index.errors import IndexCorruptError, StoreError
from index.store import schema, sqlite_reads, sqlite_writes, vector_index
from index.store.base import Item, StoreBase
from index.store.connections import Connections
from index.store.faiss_cache import Added, FaissCache, VectorSnapshot
from index.store.recipe import IndexRecipe
from index.store.rows import StoreStats
from index.store.sqlite_vectors import load_vectors
from index.store.vector_index import VectorIndexPolicy
from index.types import Article, ArticleInfo, Chunk

logger = logging.getLogger(__name__)

_CORRUPT_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
_Body = Callable[[sqlite3.Connection, list[int], list[Added]], list[str]]


class FaissStore(StoreBase):
    """The on-disk ``Store`` in ``path``, created when new, for articles cut by ``chunking``
    (by default, the default chunking); safe to share between threads.

    Opening raises ``IndexModelMismatchError`` when the index was built with another model or
    dimension, ``IndexSettingsMismatchError`` when with other chunking or for another index
    format, ``IndexCorruptError`` when the database is not a newsbot database.

    Writes are serialised by a lock and use one connection; each reading thread gets its own
    connection (kept until :meth:`close`, so use a fixed pool of threads). Searches use an
    immutable FAISS snapshot that writes replace, copy-on-write.
    """

    def __init__(
        self,
        path: Path,
        model_name: str,
        dim: int,
        policy: VectorIndexPolicy | None = None,
        *,
        save_interval_s: float = 30.0,
        chunking: ChunkingOptions | None = None,
    ) -> None:
        super().__init__(model_name, dim)
        self._path = Path(path)
        self._save_interval_s = save_interval_s
        self._saved_at = time.monotonic()
        self._unsaved = False
        self._lock = threading.RLock()
        self._path.mkdir(parents=True, exist_ok=True)
        self._connections = Connections(self.db_path)
        recipe = IndexRecipe(chunking or ChunkingOptions())
        try:
            schema.prepare(self._connections.writer, model_name, dim, recipe, self._path)
            self._cache = FaissCache(self._path, model_name, dim, policy)
            self._vectors = self._load_vectors()
        except sqlite3.DatabaseError as e:
            self.close()
            if getattr(e, "sqlite_errorcode", 0) & 0xFF in _CORRUPT_CODES:
                raise IndexCorruptError(f"{self.db_path} is not a readable database: {e}") from e
            raise StoreError(f"cannot open {self.db_path}: {e}") from e
        except BaseException:
            self.close()
            raise
        logger.debug(
            "opened the store in %s at generation %d (%d vectors)",
            self._path,
            self._vectors.generation,
            len(self._vectors.keys),
        )

    @property
    def path(self) -> Path:
        return self._path

    @property
    def db_path(self) -> Path:
        return self._path / schema.DB_NAME

    @property
    def generation(self) -> int:
        return schema.read_generation(self._reader())

    # -- writes -------------------------------------------------------------------------------

    def upsert_many(self, items: Sequence[Item]) -> list[str]:
        prepared = self._checked(items)

        def body(conn: sqlite3.Connection, removed: list[int], added: list[Added]) -> list[str]:
            return [
                sqlite_writes.write_article(conn, article, chunks, vectors, removed, added)
                for article, chunks, vectors in prepared
            ]

        return self._transaction(body)

    def remove(self, article_id: str) -> bool:
        def body(conn: sqlite3.Connection, removed: list[int], added: list[Added]) -> list[str]:
            return [
                "removed" if sqlite_writes.delete_article(conn, article_id, removed) else "skipped"
            ]

        return self._transaction(body) == ["removed"]

    def _transaction(self, body: _Body) -> list[str]:
        """Run ``body`` as one write transaction; bump the generation when it changed rows."""
        removed: list[int] = []
        added: list[Added] = []
        with self._lock:
            self._connections.check_open()
            conn = self._connections.writer
            conn.execute("BEGIN IMMEDIATE")
            try:
                base = schema.read_generation(conn)
                statuses = body(conn, removed, added)
                changed = any(status != "skipped" for status in statuses)
                if changed:
                    schema.write_generation(conn, base + 1)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            if changed:
                self._publish(base, removed, added)
        return statuses

    def _publish(self, base: int, removed: list[int], added: list[Added]) -> None:
        """After a commit: swap in the updated vectors, then save them (a derived cache)."""
        current = self._vectors
        count = len(current.keys) - len(removed) + len(added)
        if current.generation != base:  # another process wrote in between: reload it all
            self._vectors = self._load_vectors(base=current)
        elif vector_index.needs_rebuild(current.index, count, self._cache.policy):
            kind, nlist = vector_index.plan(count, self._cache.policy)
            logger.info("switching to an %s index (%d lists) for %d vectors", kind, nlist, count)
            self._vectors = self._load_vectors(rebuild=True)
        else:
            self._vectors = current.apply(base + 1, removed, added)
            self._unsaved = True
            if time.monotonic() - self._saved_at >= self._save_interval_s:
                self._save()

    def _save(self) -> None:
        self._cache.save(self._vectors)
        self._saved_at = time.monotonic()
        self._unsaved = False

    def flush(self) -> None:
        with self._lock:
            if self._unsaved and not self._connections.closed:
                self._save()

    # -- reads --------------------------------------------------------------------------------

    def has_content(self, article_id: str) -> bool:
        return sqlite_reads.has_article(self._reader(), article_id)

    def get_article(self, article_id: str) -> Article:
        return sqlite_writes.read_article(self._reader(), article_id)

    def articles(self) -> list[ArticleInfo]:
        return sqlite_reads.article_infos(self._reader())

    def chunks(self, keys: Sequence[str]) -> list[Chunk]:
        """Chunks by key, in the order asked; unknown keys (e.g. since removed) are left out."""
        return sqlite_reads.chunks_by_key(self._reader(), keys)

    def article_vectors(self, article_id: str) -> tuple[list[Chunk], npt.NDArray[np.float32]]:
        return sqlite_reads.article_vectors(self._reader(), article_id, self.dim)

    def all_chunks(self) -> list[Chunk]:
        return sqlite_reads.all_chunks(self._reader())

    def search(self, vector: npt.NDArray[np.float32], k: int) -> list[tuple[str, float]]:
        query = self._query(vector)
        if k <= 0:
            return []
        return self._current_vectors().search(query, k)

    def __len__(self) -> int:
        return sqlite_reads.chunk_count(self._reader())

    def stats(self) -> StoreStats:
        """Counts, generation and bytes on disk (database with WAL, FAISS file, manifest)."""
        articles, chunks, generation = sqlite_reads.counts(self._reader())
        names = [schema.DB_NAME, f"{schema.DB_NAME}-wal", f"{schema.DB_NAME}-shm"]
        files = [self._path / name for name in names] + self._cache.files()
        size = sum(path.stat().st_size for path in files if path.is_file())
        return StoreStats(articles, chunks, generation, size)

    # -- vectors ------------------------------------------------------------------------------

    def _current_vectors(self) -> VectorSnapshot:
        """The in-memory vectors, reloaded first if the database moved on (another process)."""
        snapshot = self._vectors
        if snapshot.generation == self.generation:
            return snapshot
        # A write is publishing its vectors (or rebuilding the index): search the last
        # complete snapshot instead of waiting for it. Its articles are whole; the newest
        # batch is searchable by words until the swap.
        if not self._lock.acquire(blocking=False):
            return snapshot
        try:
            if self._vectors.generation != self.generation:
                self._vectors = self._load_vectors(base=self._vectors)
            return self._vectors
        finally:
            self._lock.release()

    def _load_vectors(
        self, *, rebuild: bool = False, base: VectorSnapshot | None = None
    ) -> VectorSnapshot:
        return load_vectors(self._reader(), self._cache, rebuild=rebuild, base=base)

    def _reader(self) -> sqlite3.Connection:
        return self._connections.reader()

    def close(self) -> None:
        try:
            self.flush()
        finally:
            with self._lock:
                self._connections.close()
