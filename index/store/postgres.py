"""``PostgresStore``: the ``Store`` in PostgreSQL with pgvector, shared by several processes.

Articles, chunks (offsets, sentence spans) and their vectors live in tables
(``index.store.postgres_schema``); dense search is pgvector's HNSW index over normalised
vectors (score = inner product), and ``lexical_search`` is PostgreSQL full-text search over a
generated ``tsvector`` column. Every write call is one transaction that takes the store's
advisory lock, bumps the generation and sends ``NOTIFY newsbot_store``, so a crash leaves the
last committed articles whole and other processes see the change by the generation (or hear
it: ``listen``). A server out of reach makes a call raise ``StoreUnavailableError``, and the
pool reconnects by itself once it is back (``index.store.postgres_pool``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Final, TypedDict, Unpack

import numpy as np
import numpy.typing as npt
import psycopg
from pgvector.psycopg import register_vector

from index.chunking import ChunkingOptions
from index.errors import StoreError
from index.store import postgres_schema, postgres_writes
from index.store.postgres_listen import ChangeListener
from index.store.postgres_pool import WAIT_S, borrowed, open_pool
from index.store.postgres_schema import LOAD_LOCK, WRITE_LOCK, Connection
from index.store.postgres_sentences import PostgresSentenceVectors
from index.store.recipe import IndexRecipe
from index.store.rows import HNSW_EF_SEARCH, StoreStats, check_item, query_matrix, split_key
from index.store.schema import chunk_from_row
from index.types import Article, ArticleInfo, Chunk

logger = logging.getLogger(__name__)

_Item = tuple[Article, Sequence[Chunk], npt.NDArray[np.float32]]
#: pgvector's most HNSW candidates: a search for more results than ``ef_search`` raises it for
#: its own transaction, up to this.
_MAX_EF_SEARCH = 1000
_DENSE = (
    "SELECT article_id, ordinal, -(embedding <#> %(q)s) FROM chunks"
    " ORDER BY embedding <#> %(q)s LIMIT %(k)s"
)


def _configure(conn: Connection, *, ef_search: int) -> None:
    """Prepare a new pooled connection: vectors as numpy arrays, the HNSW candidate list."""
    register_vector(conn)
    conn.execute(f"SET hnsw.ef_search = {int(ef_search)}")


class Options(TypedDict, total=False):
    """How ``PostgresStore`` opens: the chunking its articles are cut by (default: the default
    chunking), its most connections (8), how long a call waits for one (``WAIT_S``) and the
    HNSW candidates a dense search visits (``HNSW_EF_SEARCH``)."""

    chunking: ChunkingOptions | None
    pool_size: int
    wait_s: float
    ef_search: int


class PostgresStore:
    """The ``Store`` in the PostgreSQL database at ``url``. Safe to share between threads:
    each call borrows a pooled connection."""

    def __init__(self, url: str, model_name: str, dim: int, **options: Unpack[Options]) -> None:
        self.model_name: Final = model_name
        self.dim: Final = dim
        self._url = url
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                postgres_schema.create_extension(conn)
                register_vector(conn)
                recipe = IndexRecipe(options.get("chunking") or ChunkingOptions())
                postgres_schema.prepare(conn, model_name, dim, recipe)
            size, wait_s = options.get("pool_size", 8), options.get("wait_s", WAIT_S)
            self._ef_search = min(max(1, options.get("ef_search", HNSW_EF_SEARCH)), _MAX_EF_SEARCH)
            configure = functools.partial(_configure, ef_search=self._ef_search)
            self._pool = open_pool(url, size, configure, wait_s=wait_s)
        except psycopg.Error as e:
            raise StoreError(f"cannot open the PostgreSQL store: {e}") from e
        self.sentence_vectors: Final = PostgresSentenceVectors(self._pool, dim)
        logger.debug("opened the PostgreSQL store at generation %d", self.generation)

    @classmethod
    def open(cls, url: str, model_name: str, dim: int, **options: Unpack[Options]) -> PostgresStore:
        """Open the store in the database at ``url``, creating its tables when new.

        Raises ``IndexModelMismatchError`` when it was built with another model or dimension,
        ``IndexSettingsMismatchError`` when with other ``chunking`` or for another index
        format, ``IndexSchemaError`` for a schema of another version, ``StoreError`` when the
        database cannot be reached. Once open, a call that cannot reach the database within
        ``wait_s`` raises ``StoreUnavailableError``, and the store reconnects by itself when
        the server is back."""
        return cls(url, model_name, dim, **options)

    @property
    def generation(self) -> int:
        with borrowed(self._pool) as conn:
            return postgres_schema.read_generation(conn)

    # -- writes -------------------------------------------------------------------------------

    def upsert(
        self, article: Article, chunks: Sequence[Chunk], vectors: npt.NDArray[np.float32]
    ) -> str:
        return self.upsert_many([(article, chunks, vectors)])[0]

    def upsert_many(self, items: Sequence[_Item]) -> list[str]:
        checked = [(a, c, check_item(a, c, v, self.dim)) for a, c, v in items]
        with borrowed(self._pool) as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            statuses = [postgres_writes.write_article(conn, *item) for item in checked]
            if any(status != "skipped" for status in statuses):
                postgres_schema.bump_generation(conn)
        return statuses

    def remove(self, article_id: str) -> bool:
        with borrowed(self._pool) as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            removed = conn.execute("DELETE FROM articles WHERE id = %s", (article_id,)).rowcount
            if removed:
                postgres_schema.bump_generation(conn)
        return removed > 0

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """One process at a time in the block, across every process on this database (for
        "load the corpus when the store is empty": two workers starting at once load it once).
        The lock is the session's: a process that dies in the block releases it."""
        with borrowed(self._pool) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (LOAD_LOCK,))
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (LOAD_LOCK,))

    def listen(self, on_change: Callable[[], None]) -> ChangeListener:
        """Call ``on_change()`` after writes to this database, from any process (started now,
        stopped by closing what this returns)."""
        return ChangeListener(self._url, on_change)

    def flush(self) -> None:
        """Nothing to do: every write is committed when its call returns."""

    # -- reads --------------------------------------------------------------------------------

    def has_content(self, article_id: str) -> bool:
        with borrowed(self._pool) as conn:
            row = conn.execute("SELECT 1 FROM articles WHERE id = %s", (article_id,)).fetchone()
        return row is not None

    def get_article(self, article_id: str) -> Article:
        with borrowed(self._pool) as conn:
            article = postgres_writes.read_article(conn, article_id)
        if article is None:
            raise KeyError(article_id)
        return article

    def articles(self) -> list[ArticleInfo]:
        with borrowed(self._pool) as conn:
            return postgres_writes.read_infos(conn)

    def chunks(self, keys: Sequence[str]) -> list[Chunk]:
        """Chunks by key, in the order asked; unknown keys (e.g. since removed) are left out."""
        parts = [part for part in map(split_key, keys) if part is not None]
        if not parts:
            return []
        with borrowed(self._pool) as conn:
            rows = conn.execute(
                postgres_writes.CHUNKS_BY_KEY,
                ([article_id for article_id, _ in parts], [ordinal for _, ordinal in parts]),
            ).fetchall()
        return [chunk_from_row(row) for row in rows]

    def article_vectors(self, article_id: str) -> tuple[list[Chunk], npt.NDArray[np.float32]]:
        with borrowed(self._pool) as conn:
            rows = conn.execute(postgres_writes.CHUNKS_OF_ARTICLE, (article_id,)).fetchall()
        chunks = [chunk_from_row(row[:6]) for row in rows]
        matrix = np.array([row[6].to_numpy() for row in rows], dtype=np.float32)
        return chunks, matrix.reshape(len(rows), self.dim)

    def all_chunks(self) -> list[Chunk]:
        with borrowed(self._pool) as conn:
            rows = conn.execute(postgres_writes.ALL_CHUNKS).fetchall()
        return [chunk_from_row(row) for row in rows]

    def search(self, vector: npt.NDArray[np.float32], k: int) -> list[tuple[str, float]]:
        """Dense search over the HNSW index (approximate: it visits at least ``ef_search`` and
        ``k`` candidates, at most 1000, so ``k`` above 1000 finds at most 1000)."""
        query = query_matrix(vector, self.dim)[0]
        if k <= 0:
            return []
        params = {"q": query, "k": k}
        with borrowed(self._pool) as conn:
            if k <= self._ef_search:
                rows = conn.execute(_DENSE, params).fetchall()
            else:
                with conn.transaction():
                    ef_search = str(min(k, _MAX_EF_SEARCH))
                    conn.execute("SELECT set_config('hnsw.ef_search', %s, true)", (ef_search,))
                    rows = conn.execute(_DENSE, params).fetchall()
        return [(f"{article_id}:{ordinal}", float(score)) for article_id, ordinal, score in rows]

    def lexical_search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Full-text search: ``(chunk key, ts_rank_cd)`` best first; [] when no chunk matches.

        The query's words (English stemming, stop words dropped) are OR-ed, as BM25 scores any
        chunk with one of them: a question rarely has every word in one passage."""
        if k <= 0 or not query.strip():
            return []
        with borrowed(self._pool) as conn:
            rows = conn.execute(
                "WITH q AS (SELECT to_tsquery('english', replace("
                "  plainto_tsquery('english', %(text)s)::text, ' & ', ' | ')) AS query)"
                " SELECT c.article_id, c.ordinal, ts_rank_cd(c.tsv, q.query) AS rank"
                " FROM chunks c, q WHERE c.tsv @@ q.query"
                " ORDER BY rank DESC, c.id LIMIT %(k)s",
                {"text": query, "k": k},
            ).fetchall()
        return [(f"{article_id}:{ordinal}", float(rank)) for article_id, ordinal, rank in rows]

    def __len__(self) -> int:
        with borrowed(self._pool) as conn:
            row = conn.execute("SELECT count(*) FROM chunks").fetchone()
        return int(row[0]) if row is not None else 0

    def stats(self) -> StoreStats:
        """Counts and generation from one snapshot, and the bytes of the store's tables."""
        with borrowed(self._pool) as conn:
            row = conn.execute(
                "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM chunks),"
                " (SELECT value::bigint FROM meta WHERE key = 'generation'),"
                " pg_total_relation_size('articles') + pg_total_relation_size('chunks')"
                " + pg_total_relation_size('meta')"
            ).fetchone()
        if row is None:
            raise StoreError("the PostgreSQL store returned no statistics")
        articles, chunks, generation, size = (int(str(value)) for value in row)
        return StoreStats(articles, chunks, generation, size)

    def close(self) -> None:
        self._pool.close()
