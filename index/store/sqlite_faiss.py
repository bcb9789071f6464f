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
from types import TracebackType

import numpy as np
import numpy.typing as npt

from index.errors import IndexCorruptError, StoreError
from index.store import schema, sqlite_writes, vector_index
from index.store.faiss_cache import Added, FaissCache, VectorSnapshot
from index.store.rows import StoreStats, check_item, query_matrix, split_key
from index.store.sqlite_vectors import load_vectors
from index.store.vector_index import VectorIndexPolicy
from index.types import Article, ArticleInfo, Chunk

logger = logging.getLogger(__name__)

_Item = tuple[Article, Sequence[Chunk], npt.NDArray[np.float32]]
_CORRUPT_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
_Body = Callable[[sqlite3.Connection, list[int], list[Added]], list[str]]


class FaissStore:
    """The on-disk ``Store``. Open it with :meth:`open`; safe to share between threads.

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
    ) -> None:
        self._path = Path(path)
        self._save_interval_s = save_interval_s
        self._saved_at = time.monotonic()
        self._unsaved = False
        self._model_name = model_name
        self._dim = dim
        self._lock = threading.RLock()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._closed = False
        self._path.mkdir(parents=True, exist_ok=True)
        try:
            self._writer = self._connect()
            schema.prepare(self._writer, model_name, dim)
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

    @classmethod
    def open(
        cls,
        path: Path,
        model_name: str,
        dim: int,
        policy: VectorIndexPolicy | None = None,
        *,
        save_interval_s: float = 30.0,
    ) -> FaissStore:
        """Open the store in ``path``, creating it when new.

        Raises ``IndexModelMismatchError`` when it was built with another model or dimension,
        ``IndexCorruptError`` when the database is not a newsbot database.
        """
        return cls(path, model_name, dim, policy, save_interval_s=save_interval_s)

    @property
    def path(self) -> Path:
        return self._path

    @property
    def db_path(self) -> Path:
        return self._path / schema.DB_NAME

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def generation(self) -> int:
        return schema.read_generation(self._reader())

    # -- writes -------------------------------------------------------------------------------

    def upsert(
        self, article: Article, chunks: Sequence[Chunk], vectors: npt.NDArray[np.float32]
    ) -> str:
        return self.upsert_many([(article, chunks, vectors)])[0]

    def upsert_many(self, items: Sequence[_Item]) -> list[str]:
        prepared = [
            (article, list(chunks), check_item(article, chunks, vectors, self._dim))
            for article, chunks, vectors in items
        ]

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
            self._check_open()
            conn = self._writer
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
            if self._unsaved and not self._closed:
                self._save()

    # -- reads --------------------------------------------------------------------------------

    def has_content(self, article_id: str) -> bool:
        row = self._reader().execute("SELECT 1 FROM articles WHERE id = ?", (article_id,))
        return row.fetchone() is not None

    def get_article(self, article_id: str) -> Article:
        return sqlite_writes.read_article(self._reader(), article_id)

    def articles(self) -> list[ArticleInfo]:
        rows = self._reader().execute(
            "SELECT a.id, a.title, a.date, a.source, a.url, a.origin,"
            " (SELECT count(*) FROM chunks c WHERE c.article_id = a.id), a.added_at, a.author"
            " FROM articles a ORDER BY a.date IS NULL, a.date DESC, a.added_at DESC, a.rowid DESC"
        )
        return [schema.info_from_row(row) for row in rows.fetchall()]

    def chunks(self, keys: Sequence[str]) -> list[Chunk]:
        """Chunks by key, in the order asked; unknown keys (e.g. since removed) are left out."""
        conn = self._reader()
        found: list[Chunk] = []
        conn.execute("BEGIN")
        try:
            for key in keys:
                parts = split_key(key)
                if parts is None:
                    continue
                row = conn.execute(
                    f"SELECT {sqlite_writes.CHUNK_COLUMNS} FROM chunks"
                    " WHERE article_id = ? AND ordinal = ?",
                    parts,
                ).fetchone()
                if row is not None:
                    found.append(schema.chunk_from_row(row))
        finally:
            conn.execute("COMMIT")
        return found

    def article_vectors(self, article_id: str) -> tuple[list[Chunk], npt.NDArray[np.float32]]:
        rows = (
            self._reader()
            .execute(
                f"SELECT {sqlite_writes.CHUNK_COLUMNS}, v.vector FROM chunks"
                " JOIN vectors v ON v.chunk_id = chunks.id"
                " WHERE article_id = ? ORDER BY ordinal",
                (article_id,),
            )
            .fetchall()
        )
        chunks = [schema.chunk_from_row(row[:6]) for row in rows]
        matrix = np.frombuffer(b"".join(row[6] for row in rows), dtype=np.float32)
        return chunks, matrix.reshape(len(rows), self._dim).copy()

    def all_chunks(self) -> list[Chunk]:
        rows = self._reader().execute(
            f"SELECT {sqlite_writes.CHUNK_COLUMNS} FROM chunks ORDER BY id"
        )
        return [schema.chunk_from_row(row) for row in rows.fetchall()]

    def search(self, vector: npt.NDArray[np.float32], k: int) -> list[tuple[str, float]]:
        query = query_matrix(vector, self._dim)
        if k <= 0:
            return []
        return self._current_vectors().search(query, k)

    def __len__(self) -> int:
        return int(self._reader().execute("SELECT count(*) FROM chunks").fetchone()[0])

    def stats(self) -> StoreStats:
        """Counts, generation and bytes on disk (database with WAL, FAISS file, manifest)."""
        conn = self._reader()
        conn.execute("BEGIN")
        try:
            articles = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
            chunks = int(conn.execute("SELECT count(*) FROM chunks").fetchone()[0])
            generation = schema.read_generation(conn)
        finally:
            conn.execute("COMMIT")
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

    # -- connections --------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = schema.connect(self.db_path)
        with self._connections_lock:
            self._connections.append(conn)
        return conn

    def _reader(self) -> sqlite3.Connection:
        """This thread's own read connection."""
        self._check_open()
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"the store in {self._path} is closed")

    def close(self) -> None:
        try:
            self.flush()
        finally:
            with self._lock, self._connections_lock:
                self._closed = True
                for conn in self._connections:
                    conn.close()
                self._connections.clear()

    def __enter__(self) -> FaissStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
