"""The store group of ``Settings``: where the articles, chunks and vectors are kept."""

from __future__ import annotations

from pydantic import Field, SecretStr

from bot.config.group import Group
from index.store.rows import HNSW_EF_SEARCH


class StoreSettings(Group):
    url: SecretStr | None = None
    """A postgresql:// URL: keep the articles in that PostgreSQL database (with pgvector). Empty:
    SQLite + FAISS in the data directory."""

    hnsw_ef_search: int = Field(default=HNSW_EF_SEARCH, ge=1, le=1000)
    """HNSW candidates a PostgreSQL dense search visits: more finds more of the true nearest."""
