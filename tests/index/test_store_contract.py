"""The ``Store`` contract of the stores that persist: SQLite + FAISS and PostgreSQL alike.

A store opened again (or opened twice, as two processes would) sees every committed write and
refuses another embedding model. The contract of a single open store (writes, reads, search,
order) is ``test_store.py``'s, over every backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from index.errors import IndexModelMismatchError
from index.store.base import Store
from index.store.factory import open_store
from tests.index.conftest import DIM, ELECTION, FLOOD, MARKET, MODEL, make_item
from tests.index.fakes import FakeEmbedder

Opener = Callable[..., Store]


@pytest.fixture(
    params=["sqlite_faiss", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens (again) one store of this backend: ``opener(model=MODEL, dim=DIM)``; every store
    it opened is closed after the test."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else ""
    opened: list[Store] = []

    def open_again(model: str = MODEL, dim: int = DIM) -> Store:
        store = open_store(tmp_path / "index", model, dim, url=url)
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
