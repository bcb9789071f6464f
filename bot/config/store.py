"""The store group of ``Settings``: where the articles, chunks and vectors are kept."""

from __future__ import annotations

from pydantic import SecretStr

from bot.config.group import Group


class StoreSettings(Group):
    url: SecretStr | None = None
    """A postgresql:// URL: keep the articles in that PostgreSQL database (with pgvector). Empty:
    SQLite + FAISS in the data directory."""
