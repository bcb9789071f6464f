"""The store group of ``Settings``: where the articles, chunks and vectors are kept."""

from __future__ import annotations

from pydantic import Field, SecretStr

from bot.config.answering import Group


class StoreSettings(Group):
    url: SecretStr | None = Field(
        default=None,
        description="A postgresql:// URL: keep the articles in that PostgreSQL database (with "
        "pgvector). Empty: SQLite + FAISS in the data directory.",
    )
