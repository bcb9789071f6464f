"""The store's schema over time: an index built before articles had an author still opens,
migrated in place, and the author round-trips in both stores."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from index.errors import IndexCorruptError, IndexModelMismatchError
from index.store import schema
from tests.index.conftest import ELECTION, FLOOD, AnyStore, make_item, open_faiss
from tests.index.fakes import FakeEmbedder


def _as_version_1(path: Path) -> None:
    """Rewrite the database in ``path`` as version 1 wrote it: the articles table without the
    author column (rows kept) and schema version 1 in the meta table."""
    conn = sqlite3.connect(path / schema.DB_NAME)
    with conn:
        conn.execute("ALTER TABLE articles DROP COLUMN author")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.close()


def _version_1_index(path: Path, embedder: FakeEmbedder) -> None:
    """An index in ``path`` holding ``ELECTION``, as version 1 wrote it."""
    with open_faiss(path) as store:
        store.upsert(*make_item(embedder, ELECTION))
    _as_version_1(path)


def _columns(path: Path) -> tuple[list[str], str]:
    conn = sqlite3.connect(path / schema.DB_NAME)
    try:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(articles)")]
        (version,) = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    finally:
        conn.close()
    return columns, str(version)


def test_a_version_1_index_is_migrated_in_place_and_keeps_its_articles(
    tmp_path: Path, embedder: FakeEmbedder
) -> None:
    _version_1_index(tmp_path, embedder)
    assert "author" not in _columns(tmp_path)[0]

    with open_faiss(tmp_path) as store:
        assert store.get_article(ELECTION.id) == ELECTION
        assert [info.author for info in store.articles()] == [None]
        assert store.search(embedder.embed(["Freedonia turnout"], kind="query")[0], 1)
        signed = dataclasses.replace(FLOOD, author="Mira Okafor")
        assert store.upsert(*make_item(embedder, signed)) == "added"

    columns, version = _columns(tmp_path)
    assert "author" in columns
    assert version == str(schema.SCHEMA_VERSION) == "2"
    with open_faiss(tmp_path) as store:  # a migrated index opens as it is
        assert store.get_article(FLOOD.id).author == "Mira Okafor"
        assert {info.id: info.author for info in store.articles()} == {
            FLOOD.id: "Mira Okafor",
            ELECTION.id: None,
        }


def test_a_version_1_index_opened_with_another_model_is_refused_and_left_as_it_was(
    tmp_path: Path, embedder: FakeEmbedder
) -> None:
    _version_1_index(tmp_path, embedder)
    with pytest.raises(IndexModelMismatchError):
        open_faiss(tmp_path, model="another-model")
    assert _columns(tmp_path)[1] == "1"  # not migrated: still version 1
    assert "author" not in _columns(tmp_path)[0]


def test_an_index_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    with open_faiss(tmp_path):
        pass
    conn = sqlite3.connect(tmp_path / schema.DB_NAME)
    with conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    with pytest.raises(IndexCorruptError, match="schema version 99"):
        open_faiss(tmp_path)


def test_the_author_round_trips_and_a_new_author_revises_the_article(
    store: AnyStore, embedder: FakeEmbedder
) -> None:
    signed = dataclasses.replace(ELECTION, author="Mira Okafor")
    assert store.upsert(*make_item(embedder, signed)) == "added"
    assert store.get_article(signed.id) == signed
    assert [info.author for info in store.articles()] == ["Mira Okafor"]
    other = dataclasses.replace(signed, author="Dana Price")
    assert store.upsert(*make_item(embedder, other)) == "updated"
    assert store.get_article(signed.id).author == "Dana Price"
