"""Reciprocal rank fusion and the hybrid searcher."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from index.lexical import LexicalIndex
from index.search import HybridSearcher, Searcher, reciprocal_rank_fusion
from index.types import Article, Chunk
from tests.index.conftest import (
    DIM,
    ELECTION,
    FLOOD,
    MODEL,
    SAMPLES,
    AnyStore,
    add_samples,
    make_article,
    make_item,
)
from tests.index.fakes import FakeEmbedder, MemoryStore

# -- reciprocal rank fusion -------------------------------------------------------------------


def test_rrf_of_one_ranking_keeps_its_order() -> None:
    assert reciprocal_rank_fusion([["a", "b", "c"]], 60) == [
        ("a", 1 / 61),
        ("b", 1 / 62),
        ("c", 1 / 63),
    ]


def test_rrf_sums_over_rankings() -> None:
    fused = dict(reciprocal_rank_fusion([["a", "b"], ["b", "c"]], 10))

    assert fused == pytest.approx({"a": 1 / 11, "b": 1 / 12 + 1 / 11, "c": 1 / 12})


def test_rrf_prefers_keys_found_by_both() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c", "d"], ["e", "f", "d"]], 60)

    assert fused[0][0] == "d"


def test_rrf_counts_a_repeated_key_once_at_its_best_rank() -> None:
    assert reciprocal_rank_fusion([["a", "b", "a"]], 0) == [("a", 1.0), ("b", 0.5)]


def test_rrf_breaks_ties_by_best_rank_then_first_appearance() -> None:
    fused = reciprocal_rank_fusion([["x", "y"], ["y", "x"], ["z"]], 5)

    assert [key for key, _ in fused] == ["x", "y", "z"]
    assert fused[0][1] == fused[1][1]


def test_rrf_of_nothing_is_empty() -> None:
    assert reciprocal_rank_fusion([], 60) == []
    assert reciprocal_rank_fusion([[], []], 60) == []


def test_rrf_rejects_a_negative_constant() -> None:
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"]], -1)


# -- hybrid searcher --------------------------------------------------------------------------


class CountingStore(MemoryStore):
    """A ``MemoryStore`` that counts article loads and can pretend chunks vanished."""

    def __init__(self) -> None:
        super().__init__(MODEL, DIM)
        self.article_loads: list[str] = []
        self.vanished: set[str] = set()

    def get_article(self, article_id: str) -> Article:
        self.article_loads.append(article_id)
        return super().get_article(article_id)

    def chunks(self, keys: Sequence[str]) -> list[Chunk]:
        return [chunk for chunk in super().chunks(keys) if chunk.key not in self.vanished]


def _searcher(store: AnyStore, embedder: FakeEmbedder, **kwargs: int) -> HybridSearcher:
    return HybridSearcher(store, embedder, LexicalIndex(store), **kwargs)


@pytest.fixture
def counting(embedder: FakeEmbedder) -> CountingStore:
    store = CountingStore()
    add_samples(store, embedder)
    return store


def test_passages_carry_chunk_article_and_scores(store: AnyStore, embedder: FakeEmbedder) -> None:
    add_samples(store, embedder)
    searcher: Searcher = _searcher(store, embedder, k=3)

    passages = searcher.search("Who evacuated the residents?")

    assert len(passages) == 3
    best = passages[0]
    assert best.chunk.key == f"{FLOOD.id}:1"
    assert best.article == FLOOD
    assert best.chunk.text == FLOOD.text[best.chunk.start : best.chunk.end]
    assert (best.dense_rank, best.lexical_rank) == (1, 1)
    assert best.dense_score is not None and best.lexical_score is not None
    assert best.score == pytest.approx(2 / 61)
    scores = [p.score for p in passages]
    assert scores == sorted(scores, reverse=True)


def test_a_passage_found_by_one_retriever_has_no_rank_from_the_other(
    store: AnyStore, embedder: FakeEmbedder
) -> None:
    add_samples(store, embedder)

    passages = _searcher(store, embedder, k=10).search("flooded valley")

    dense_only = [p for p in passages if p.lexical_rank is None]
    assert dense_only
    assert all(p.lexical_score is None and p.dense_rank is not None for p in dense_only)


def test_the_query_is_embedded_as_a_query(counting: CountingStore, embedder: FakeEmbedder) -> None:
    embedder.history.clear()

    _searcher(counting, embedder).search("interest rates")

    assert embedder.history == [("query", ("interest rates",))]


def test_k_limits_and_overrides(counting: CountingStore, embedder: FakeEmbedder) -> None:
    searcher = _searcher(counting, embedder, k=2)

    assert len(searcher.search("news")) == 2
    assert len(searcher.search("news", k=5)) == 5
    assert searcher.search("news", k=0) == []


def test_an_empty_store_or_query_returns_nothing_without_embedding(
    store: AnyStore, embedder: FakeEmbedder
) -> None:
    searcher = _searcher(store, embedder)

    assert searcher.search("anything") == []
    store.upsert(*make_item(embedder, ELECTION))
    embedder.history.clear()
    assert searcher.search("   ") == []
    assert embedder.history == []


def test_articles_are_cached_between_searches(
    counting: CountingStore, embedder: FakeEmbedder
) -> None:
    searcher = _searcher(counting, embedder, k=6)

    searcher.search("election turnout")
    searcher.search("election results")

    assert sorted(counting.article_loads) == sorted(article.id for article in SAMPLES)


def test_chunks_that_vanished_are_skipped(counting: CountingStore, embedder: FakeEmbedder) -> None:
    counting.vanished.add(f"{FLOOD.id}:1")

    passages = _searcher(counting, embedder, k=3).search("Who evacuated the residents?")

    assert len(passages) == 3
    assert f"{FLOOD.id}:1" not in {p.chunk.key for p in passages}


def test_a_removed_article_is_not_returned(store: AnyStore, embedder: FakeEmbedder) -> None:
    extra = make_article("Evacuated residents returned home.", origin="/corpus/extra.txt")
    store.upsert_many([make_item(embedder, a) for a in (FLOOD, extra)])
    searcher = _searcher(store, embedder)
    assert extra.id in {p.article.id for p in searcher.search("evacuated residents")}

    store.remove(extra.id)

    assert {p.article.id for p in searcher.search("evacuated residents")} == {FLOOD.id}


def test_invalid_settings_are_refused(embedder: FakeEmbedder) -> None:
    store = MemoryStore(MODEL, DIM)
    with pytest.raises(ValueError):
        _searcher(store, embedder, k_dense=0)
