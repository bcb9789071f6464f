"""The ``Store`` contract of the stores that persist: SQLite + FAISS and PostgreSQL alike.

A store opened again (or opened twice, as two processes would) sees every committed write and
refuses another embedding model. The contract of a single open store (writes, reads, search,
order) is ``test_store.py``'s, over every backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from index.chunking import ChunkingOptions
from index.errors import IndexModelMismatchError, IndexSettingsMismatchError
from index.store.base import Store
from index.store.factory import open_sentence_cache, open_store
from tests.index.conftest import DIM, ELECTION, FLOOD, MARKET, MODEL, make_item
from tests.index.fakes import FakeEmbedder

Opener = Callable[..., Store]


@pytest.fixture(
    params=["sqlite_faiss", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens (again) one store of this backend: ``opener(model=MODEL, dim=DIM, chunking=None)``;
    every store it opened is closed after the test."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else ""
    opened: list[Store] = []

    def open_again(
        model: str = MODEL, dim: int = DIM, chunking: ChunkingOptions | None = None
    ) -> Store:
        store = open_store(tmp_path / "index", model, dim, chunking=chunking, url=url)
        opened.append(store)
        return store

    yield open_again
    for store in opened:
        store.close()


def test_a_reopened_store_holds_what_was_committed(opener: Opener, embedder: FakeEmbedder) -> None:
    first = opener()
    items = [make_item(embedder, article) for article in (ELECTION, FLOOD, MARKET)]
    first.upsert_many(items[:2])
    first.upsert(*items[2])
    first.remove(FLOOD.id)
    first.close()

    again = opener()

    assert again.generation == 3
    assert {info.id for info in again.articles()} == {ELECTION.id, MARKET.id}
    assert again.get_article(ELECTION.id) == ELECTION
    assert again.all_chunks() == items[0][1] + items[2][1]
    query = embedder.embed(["election commission turnout"], kind="query")[0]
    assert again.search(query, 1)[0][0] == f"{ELECTION.id}:1"
    stats = again.stats()
    assert (stats.articles, stats.chunks, stats.generation) == (2, 4, 3)
    assert stats.size_bytes > 0


def test_a_write_through_one_opening_is_seen_by_another(
    opener: Opener, embedder: FakeEmbedder
) -> None:
    writer, reader = opener(), opener()
    assert reader.generation == 0

    writer.upsert(*make_item(embedder, FLOOD))

    assert reader.generation == 1
    assert reader.has_content(FLOOD.id)
    assert len(reader) == 2
    query = embedder.embed(["rescue teams evacuated residents"], kind="query")[0]
    assert reader.search(query, 1)[0][0] == f"{FLOOD.id}:1"
    assert reader.upsert(*make_item(embedder, FLOOD)) == "skipped"


@pytest.mark.parametrize(("model", "dim"), [("another-model", DIM), (MODEL, DIM * 2)])
def test_another_model_or_dimension_is_refused_and_changes_nothing(
    opener: Opener, embedder: FakeEmbedder, model: str, dim: int
) -> None:
    store = opener()
    store.upsert(*make_item(embedder, ELECTION))
    store.close()

    with pytest.raises(IndexModelMismatchError) as refused:
        opener(model, dim)

    assert refused.value.params["built_with"] == f"{MODEL} (dim {DIM})"
    assert refused.value.params["configured"] == f"{model} (dim {dim})"
    again = opener()
    assert [info.id for info in again.articles()] == [ELECTION.id]


def test_stored_vectors_come_back_normalised(opener: Opener, embedder: FakeEmbedder) -> None:
    article, chunks, vectors = make_item(embedder, MARKET)
    store = opener()
    store.upsert(article, chunks, vectors * 3.0)

    _, stored = opener().article_vectors(MARKET.id)

    np.testing.assert_allclose(np.linalg.norm(stored, axis=1), 1.0, rtol=1e-5)


def test_other_chunking_is_refused_with_what_differs_and_changes_nothing(
    opener: Opener, embedder: FakeEmbedder
) -> None:
    wide = ChunkingOptions(max_chars=1200, overlap=2)
    store = opener(chunking=wide)
    store.upsert(*make_item(embedder, ELECTION))
    store.close()

    with pytest.raises(IndexSettingsMismatchError) as refused:
        opener(chunking=ChunkingOptions(max_chars=200, overlap=2))

    differs = "chunking max_chars=1200, now 200"
    assert refused.value.params["differences"] == differs
    for text in (str(refused.value), refused.value.user_message):
        assert differs in text
        assert "`newsbot ingest`" in text
    assert [info.id for info in opener(chunking=wide).articles()] == [ELECTION.id]


def test_the_sentence_vectors_are_kept_beside_the_store(opener: Opener, tmp_path: Path) -> None:
    vector = np.arange(DIM, dtype=np.float32)
    first = open_sentence_cache(opener(), tmp_path / "index")
    first.put_many([("a:0:5:0", vector), ("a:6:9:0", vector * 2)])
    first.put_many([("a:0:5:0", vector * 3)])  # the same key again: the last one is kept
    first.close()

    again = open_sentence_cache(opener(), tmp_path / "index")
    found = again.get_many(["a:0:5:0", "a:6:9:0", "missing"])

    assert found.keys() == {"a:0:5:0", "a:6:9:0"}
    np.testing.assert_array_equal(found["a:0:5:0"], vector * 3)
    np.testing.assert_array_equal(found["a:6:9:0"], vector * 2)
    assert len(again) == 2
    assert again.get_many([]) == {}
