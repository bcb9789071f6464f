"""Opens the configured store (SQLite + FAISS in the data directory, or PostgreSQL by URL) and
the lexical search beside it."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, overload

from index.chunking import ChunkingOptions
from index.errors import ConfigError
from index.lexical import LexicalIndex
from index.search import Lexical
from index.sentence_cache import SentenceCache, SentenceVectorCache
from index.store.base import Store
from index.store.rows import HNSW_EF_SEARCH
from index.store.sqlite_faiss import FaissStore
from index.store.vector_index import VectorIndexPolicy

if TYPE_CHECKING:
    from index.store.postgres import PostgresStore


@overload
def open_store(
    index_dir: Path,
    model_name: str,
    dim: int,
    policy: VectorIndexPolicy | None = None,
    *,
    chunking: ChunkingOptions | None = None,
) -> FaissStore: ...


@overload
def open_store(
    index_dir: Path,
    model_name: str,
    dim: int,
    policy: VectorIndexPolicy | None = None,
    *,
    chunking: ChunkingOptions | None = None,
    url: str,
    ef_search: int = HNSW_EF_SEARCH,
) -> Store: ...


def open_store(
    index_dir: Path,
    model_name: str,
    dim: int,
    policy: VectorIndexPolicy | None = None,
    *,
    chunking: ChunkingOptions | None = None,
    url: str = "",
    ef_search: int = HNSW_EF_SEARCH,
) -> Store:
    """The store for this embedding model: with a ``postgresql://`` ``url`` the PostgreSQL one
    in that database, else the SQLite + FAISS one in ``index_dir`` (created when new) for this
    chunking (whose dense search visits ``ef_search`` HNSW candidates).

    Raises ``IndexModelMismatchError`` when the index was built with another model,
    ``IndexSettingsMismatchError`` when with other chunking or for another index format,
    ``IndexCorruptError`` when its database is unreadable, ``IndexSchemaError`` when a
    PostgreSQL schema has another version and ``ConfigError`` for a URL of another kind.
    """
    if not url:
        return FaissStore(index_dir, model_name, dim, policy, chunking=chunking)
    check_store_url(url)
    from index.store.postgres import PostgresStore  # (psycopg loads only for this store)

    return PostgresStore.open(url, model_name, dim, chunking=chunking, ef_search=ef_search)


def check_store_url(url: str) -> None:
    """Raises ``ConfigError`` unless ``url`` is a PostgreSQL one."""
    if not url.startswith(("postgresql://", "postgres://")):
        raise ConfigError(
            f"the store URL must start with postgresql://, not {url.partition(':')[0]}:"
        )


def loading(store: Store) -> AbstractContextManager[None]:
    """Held around "load the corpus when the store is empty", so that processes starting at
    once over one shared store load it once: the PostgreSQL store's lock; nothing for the
    SQLite one (its data directory belongs to one process)."""
    postgres = _postgres(store)
    return postgres.exclusive() if postgres is not None else nullcontext()


def listen(store: Store, on_change: Callable[[], None]) -> AbstractContextManager[object]:
    """Call ``on_change()`` after every write (a burst of them once), where other processes
    write too: the PostgreSQL store's ``LISTEN``; nothing for the SQLite one (one process)."""
    postgres = _postgres(store)
    return postgres.listen(on_change) if postgres is not None else nullcontext()


def open_sentence_cache(store: Store, directory: Path) -> SentenceCache:
    """The sentence-vector cache beside ``store``: the PostgreSQL store's table when it is
    that store (shared by every worker), else ``sentences.sqlite`` in ``directory``."""
    postgres = _postgres(store)
    if postgres is not None:
        return postgres.sentence_vectors
    return SentenceVectorCache(directory / "sentences.sqlite", store.dim)


def _postgres(store: Store) -> PostgresStore | None:
    """``store`` when it is the PostgreSQL one (psycopg loads only for that store)."""
    if isinstance(store, FaissStore):
        return None
    from index.store.postgres import PostgresStore

    return store if isinstance(store, PostgresStore) else None


def open_lexical(store: Store, kind: str, directory: Path | None) -> Lexical:
    """The lexical search: ``"bm25"`` (in process, built from the store's chunks and saved in
    ``directory``: give None for a shared database, whose saved BM25 files could belong to
    another of its states) or ``"postgres"`` (the PostgreSQL store's full-text search)."""
    if kind == "bm25":
        return LexicalIndex(store, directory)
    if kind != "postgres":
        raise ConfigError(f"unknown lexical search {kind!r}: use bm25 or postgres")
    from index.store.postgres import PostgresStore
    from index.store.postgres_lexical import PostgresLexical

    if not isinstance(store, PostgresStore):
        raise ConfigError(
            "search.lexical = postgres needs the PostgreSQL store: set store.url",
            user_message="The lexical search 'postgres' needs NEWSBOT_STORE__URL.",
        )
    return PostgresLexical(store)
