"""An index records what it was built with (chunking, index format, newsbot version) and opens
only with the same: chunks cut another way never mix into it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from index.chunking import ChunkingOptions
from index.errors import IndexSettingsMismatchError, StoreError
from index.store import recipe, schema
from index.store.factory import open_store
from index.store.sqlite_faiss import FaissStore
from tests.index.conftest import DIM, ELECTION, MODEL, make_item
from tests.index.fakes import FakeEmbedder

WIDE = ChunkingOptions(max_chars=1200, overlap=2)


def _meta(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path / schema.DB_NAME)
    try:
        return {str(key): str(value) for key, value in conn.execute("SELECT key, value FROM meta")}
    finally:
        conn.close()


def _set_meta(path: Path, **values: str | None) -> None:
    """Change (or, with None, delete) meta entries, as another version would have left them."""
    conn = sqlite3.connect(path / schema.DB_NAME)
    with conn:
        for key, value in values.items():
            if value is None:
                conn.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                conn.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))
    conn.close()


def test_a_new_index_records_its_chunking_format_and_version(tmp_path: Path) -> None:
    with FaissStore(tmp_path, MODEL, DIM, chunking=WIDE):
        pass
    meta = _meta(tmp_path)
    assert meta["chunk_max_chars"] == "1200"
    assert meta["chunk_overlap"] == "2"
    assert meta["index_format"] == str(recipe.INDEX_FORMAT)
    assert meta["newsbot_version"] == recipe.newsbot_version() != ""


def test_an_index_opens_with_the_chunking_it_was_built_with(
    tmp_path: Path, embedder: FakeEmbedder
) -> None:
    with open_store(tmp_path, MODEL, DIM, chunking=WIDE) as store:
        store.upsert(*make_item(embedder, ELECTION))
    with open_store(tmp_path, MODEL, DIM, chunking=WIDE) as store:
        assert store.get_article(ELECTION.id) == ELECTION


@pytest.mark.parametrize(
    ("chunking", "differs"),
    [
        (ChunkingOptions(max_chars=200, overlap=2), "chunking max_chars=1200, now 200"),
        (ChunkingOptions(max_chars=1200, overlap=0), "chunking overlap=2, now 0"),
        (
            ChunkingOptions(),
            "chunking max_chars=1200, now 700; chunking overlap=2, now 1",
        ),
    ],
)
def test_other_chunking_is_refused_with_what_differs_and_how_to_rebuild(
    tmp_path: Path, embedder: FakeEmbedder, chunking: ChunkingOptions, differs: str
) -> None:
    with FaissStore(tmp_path, MODEL, DIM, chunking=WIDE) as store:
        store.upsert(*make_item(embedder, ELECTION))
    with pytest.raises(IndexSettingsMismatchError) as refused:
        FaissStore(tmp_path, MODEL, DIM, chunking=chunking)
    error = refused.value
    assert isinstance(error, StoreError)
    assert error.params["differences"] == differs
    for text in (str(error), error.user_message):
        assert differs in text
        assert str(tmp_path) in text
        assert "`newsbot ingest`" in text
    assert _meta(tmp_path)["chunk_max_chars"] == "1200"  # left as it was
    with FaissStore(tmp_path, MODEL, DIM, chunking=WIDE) as store:
        assert store.get_article(ELECTION.id) == ELECTION


@pytest.mark.parametrize("written", [str(recipe.INDEX_FORMAT - 1), str(recipe.INDEX_FORMAT + 1)])
def test_an_index_of_an_older_or_newer_format_is_refused(tmp_path: Path, written: str) -> None:
    with FaissStore(tmp_path, MODEL, DIM):
        pass
    _set_meta(tmp_path, index_format=written)
    with pytest.raises(
        IndexSettingsMismatchError, match=f"index format={written}, now {recipe.INDEX_FORMAT}"
    ):
        FaissStore(tmp_path, MODEL, DIM)


def test_an_index_from_before_the_recipe_gets_it_recorded_and_keeps_its_articles(
    tmp_path: Path, embedder: FakeEmbedder
) -> None:
    with FaissStore(tmp_path, MODEL, DIM, chunking=WIDE) as store:
        store.upsert(*make_item(embedder, ELECTION))
    _set_meta(tmp_path, **dict.fromkeys(recipe.KEYS))
    assert not set(recipe.KEYS) & set(_meta(tmp_path))

    with FaissStore(tmp_path, MODEL, DIM, chunking=WIDE) as store:
        assert store.get_article(ELECTION.id) == ELECTION
    meta = _meta(tmp_path)
    assert (meta["chunk_max_chars"], meta["chunk_overlap"]) == ("1200", "2")
    assert meta["index_format"] == str(recipe.INDEX_FORMAT)
    assert meta["newsbot_version"] == "unknown"  # which version built it is not known
    with pytest.raises(IndexSettingsMismatchError):  # recorded: now it is checked
        FaissStore(tmp_path, MODEL, DIM)
