"""Choosing the store by its URL and the lexical search beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.errors import ConfigError
from index.lexical import LexicalIndex
from index.store.factory import open_lexical, open_store
from index.store.sqlite_faiss import FaissStore
from tests.index.conftest import DIM, MODEL


def test_without_a_url_the_store_is_sqlite_and_faiss_with_bm25(tmp_path: Path) -> None:
    with open_store(tmp_path, MODEL, DIM) as store:
        assert isinstance(store, FaissStore)
        assert isinstance(open_lexical(store, "bm25", tmp_path), LexicalIndex)
        with pytest.raises(ConfigError, match="needs the PostgreSQL store"):
            open_lexical(store, "postgres", tmp_path)


def test_a_url_of_another_kind_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="must start with postgresql://, not mysql:"):
        open_store(tmp_path, MODEL, DIM, url="mysql://user:secret@host/db")
