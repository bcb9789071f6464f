"""The lexical side of the hybrid search as PostgreSQL full-text search over the store."""

from __future__ import annotations

from index.store.postgres import PostgresStore


class PostgresLexical:
    """``Lexical`` candidates from ``PostgresStore.lexical_search`` (``ts_rank_cd`` over the
    chunks' ``tsvector``): nothing to build or refresh in the process, every worker searches
    the committed state."""

    def __init__(self, store: PostgresStore) -> None:
        self._store = store

    def refresh(self) -> None:
        """Nothing to build: the database keeps its full-text index up to date."""

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        return self._store.lexical_search(query, k)
