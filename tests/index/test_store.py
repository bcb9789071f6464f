"""The ``Store`` contract, run against ``FaissStore`` and ``MemoryStore`` alike."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import numpy.typing as npt
import pytest

from index.types import Chunk
from tests.index.conftest import (
    DIM,
    ELECTION,
    FLOOD,
    MARKET,
    MODEL,
    AnyStore,
    add_samples,
    make_article,
    make_item,
    paragraph_chunks,
    while_reading,
)
from tests.index.fakes import FakeEmbedder


def _query(embedder: FakeEmbedder, text: str) -> npt.NDArray[np.float32]:
    vector: npt.NDArray[np.float32] = embedder.embed([text], kind="query")[0]
    return vector


def _article_ids(hits: list[tuple[str, float]]) -> set[str]:
    return {key.rsplit(":", 1)[0] for key, _ in hits}


def test_new_store_is_empty(store: AnyStore, embedder: FakeEmbedder) -> None:
    assert (store.model_name, store.dim) == (MODEL, DIM)
    assert len(store) == 0
    assert store.generation == 0
    assert store.articles() == []
    assert store.all_chunks() == []
    assert store.search(_query(embedder, "anything"), 5) == []
    assert not store.has_content(ELECTION.id)
    with pytest.raises(KeyError):
        store.get_article(ELECTION.id)


def test_added_article_round_trips(store: AnyStore, embedder: FakeEmbedder) -> None:
    article, chunks, vectors = make_item(embedder, ELECTION)

    assert store.upsert(article, chunks, vectors) == "added"

    assert store.has_content(article.id)
    assert store.get_article(article.id) == article
    assert store.all_chunks() == chunks
    assert len(store) == len(chunks) == 2
    assert store.generation == 1
    assert chunks[1].sentences == store.chunks([chunks[1].key])[0].sentences


def test_same_content_is_skipped_without_a_new_generation(
    store: AnyStore, embedder: FakeEmbedder
) -> None:
    store.upsert(*make_item(embedder, ELECTION))

    assert store.upsert(*make_item(embedder, ELECTION)) == "skipped"
    assert store.generation == 1
    assert len(store.articles()) == 1


def test_new_content_from_the_same_origin_replaces_the_old(
    store: AnyStore, embedder: FakeEmbedder
) -> None:
    store.upsert(*make_item(embedder, ELECTION))
    old_keys = [chunk.key for chunk in paragraph_chunks(ELECTION)]
    revised = make_article(
        "Voters in Freedonia re-elected the mayor.\n\nA recount was refused.\n\nTurnout was low.",
        title=ELECTION.title,
        date=ELECTION.date,
        origin=ELECTION.origin,
    )

    assert store.upsert(*make_item(embedder, revised)) == "updated"

    assert not store.has_content(ELECTION.id)
    assert [info.id for info in store.articles()] == [revised.id]
    assert store.chunks(old_keys) == []
    assert len(store) == 3
    hits = store.search(_query(embedder, "election commission turnout record"), 10)
    assert _article_ids(hits) == {revised.id}
    assert store.generation == 2


def test_articles_without_origin_never_replace_each_other(
    store: AnyStore, embedder: FakeEmbedder
) -> None:
    first = make_article("One paragraph about trains.")
    second = make_article("Another paragraph about buses.")

    assert store.upsert_many([make_item(embedder, first), make_item(embedder, second)]) == [
        "added",
        "added",
    ]
    assert {info.id for info in store.articles()} == {first.id, second.id}


def test_remove(store: AnyStore, embedder: FakeEmbedder) -> None:
    store.upsert_many([make_item(embedder, ELECTION), make_item(embedder, FLOOD)])

    assert store.remove(ELECTION.id) is True
    assert store.remove(ELECTION.id) is False

    assert store.generation == 2
    assert not store.has_content(ELECTION.id)
    assert {chunk.article_id for chunk in store.all_chunks()} == {FLOOD.id}
    assert _article_ids(store.search(_query(embedder, "election turnout"), 10)) == {FLOOD.id}


def test_upsert_many_is_one_generation_and_reports_each_item(
    store: AnyStore, embedder: FakeEmbedder
) -> None:
    items = [make_item(embedder, ELECTION), make_item(embedder, FLOOD), make_item(embedder, FLOOD)]

    assert store.upsert_many(items) == ["added", "added", "skipped"]
    assert store.generation == 1
    assert store.upsert_many([]) == []
    assert store.generation == 1


def test_articles_are_newest_first_with_undated_last(
    store: AnyStore, embedder: FakeEmbedder
) -> None:
    older = make_article("Older news.", title="older", date=dt.date(2024, 1, 2))
    newest = make_article("Newest news.", title="newest", date=dt.date(2024, 3, 1))
    same_day = make_article("Same day, added later.", title="same day", date=dt.date(2024, 1, 2))
    for article in (older, MARKET, newest, same_day):
        store.upsert(*make_item(embedder, article))

    infos = store.articles()

    assert [info.title for info in infos] == ["newest", "same day", "older", MARKET.title]
    market = infos[-1]
    assert (market.origin, market.url, market.source, market.chunks) == (
        MARKET.origin,
        None,
        "Test Wire",
        2,
    )
    assert market.added_at.tzinfo is not None


def test_chunks_come_in_the_order_asked_and_skip_unknown_keys(
    store: AnyStore, embedder: FakeEmbedder
) -> None:
    _, chunks, _ = item = make_item(embedder, FLOOD)
    store.upsert(*item)
    keys = [chunks[1].key, "nope:0", chunks[0].key, "malformed", f"{FLOOD.id}:9"]

    assert store.chunks(keys) == [chunks[1], chunks[0]]


def test_search_ranks_the_matching_chunk_first(store: AnyStore, embedder: FakeEmbedder) -> None:
    add_samples(store, embedder)

    hits = store.search(_query(embedder, "rescue teams evacuated residents"), 3)

    assert hits[0][0] == f"{FLOOD.id}:1"
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True)
    assert 0.5 < scores[0] <= 1.0 + 1e-5
    assert len(hits) == 3
    assert len(store.search(_query(embedder, "rain"), 100)) == len(store)
    assert store.search(_query(embedder, "rain"), 0) == []


def test_search_rejects_a_vector_of_the_wrong_size(store: AnyStore) -> None:
    with pytest.raises(ValueError, match="shape"):
        store.search(np.ones(DIM + 1, dtype=np.float32), 3)


@pytest.mark.parametrize("problem", ["shape", "text", "foreign chunk"])
def test_invalid_items_are_rejected_and_change_nothing(
    store: AnyStore, embedder: FakeEmbedder, problem: str
) -> None:
    store.upsert(*make_item(embedder, FLOOD))
    article, chunks, vectors = make_item(embedder, ELECTION)
    if problem == "shape":
        vectors = vectors[:1]
    elif problem == "text":
        chunks[0] = dataclasses.replace(chunks[0], text="Voters elsewhere")
    else:
        chunks[0] = dataclasses.replace(chunks[0], article_id=FLOOD.id)

    with pytest.raises(ValueError):
        store.upsert_many([make_item(embedder, MARKET), (article, chunks, vectors)])

    assert store.generation == 1
    assert [info.id for info in store.articles()] == [FLOOD.id]


def test_an_article_without_chunks_can_be_stored(store: AnyStore) -> None:
    article = make_article("")

    assert store.upsert(article, [], np.zeros((0, DIM), dtype=np.float32)) == "added"
    assert store.articles()[0].chunks == 0


def test_stats_count_articles_and_chunks(store: AnyStore, embedder: FakeEmbedder) -> None:
    store.upsert_many([make_item(embedder, ELECTION), make_item(embedder, MARKET)])

    stats = store.stats()

    assert (stats.articles, stats.chunks, stats.generation) == (2, 4, 1)


def test_reads_are_safe_while_another_thread_writes(
    store: AnyStore, embedder: FakeEmbedder
) -> None:
    store.upsert(*make_item(embedder, ELECTION))
    query = _query(embedder, "news paragraph")

    def read() -> None:
        keys = [key for key, _ in store.search(query, 5)]
        chunks: list[Chunk] = store.chunks(keys)
        assert all(chunk.key in keys for chunk in chunks)
        store.articles()

    def write() -> None:
        added = []
        for n in range(15):
            article = make_article(f"News paragraph number {n}.")
            store.upsert(*make_item(embedder, article))
            added.append(article)
            if n % 3 == 2:
                assert store.remove(added[-2].id)

    assert while_reading(read, write) == []
    assert len(store) == 2 + 15 - 5
