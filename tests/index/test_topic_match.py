"""TopicMatcher: followed topics against the passages of new articles, one search each."""

from __future__ import annotations

import datetime as dt

import pytest

from index.topic_match import TopicMatcher
from tests.index.conftest import DIM, make_article, make_item
from tests.index.fakes import FakeEmbedder, MemoryStore

FLOOD = make_article(
    "The river burst its banks overnight and the town of Varnel was flooded.\n\n"
    "Officials in Varnel said 140 homes were flooded and 12 families were moved to a school.",
    title="Floods in Varnel",
    date=dt.date(2025, 3, 1),
)
HARBOUR = make_article(
    "The harbour of Lindqvist handled 52 cargo ships in February.\n\n"
    "Dock workers said the new cranes doubled the speed of unloading.",
    title="Harbour report",
    date=dt.date(2025, 3, 3),
)
BOUND = 0.4


@pytest.fixture
def embedder() -> FakeEmbedder:
    return FakeEmbedder(DIM)


@pytest.fixture
def store(embedder: FakeEmbedder) -> MemoryStore:
    built = MemoryStore(dim=DIM)
    built.upsert_many([make_item(embedder, FLOOD), make_item(embedder, HARBOUR)])
    return built


def test_each_topic_matches_its_article_at_its_best_passage(
    store: MemoryStore, embedder: FakeEmbedder
) -> None:
    matcher = TopicMatcher(store, embedder, min_score=BOUND)
    hits = matcher.match(
        ["homes flooded in Varnel", "cargo ships in Lindqvist harbour", "tennis final"],
        [FLOOD.id, HARBOUR.id],
    )
    found = {(hit.topic, hit.article.id): hit for hit in hits}
    assert set(found) == {
        ("homes flooded in Varnel", FLOOD.id),
        ("cargo ships in Lindqvist harbour", HARBOUR.id),
    }
    flood = found["homes flooded in Varnel", FLOOD.id]
    assert flood.chunk.text.startswith("Officials in Varnel said 140 homes")  # the best passage
    assert flood.chunk.text in FLOOD.text  # verbatim
    assert flood.score >= BOUND
    assert flood.score == pytest.approx((flood.dense_score + flood.lexical_score) / 2)
    assert flood.lexical_score == 1.0  # every word of the topic is in the passage


def test_one_search_per_article_for_all_topics_and_topics_embedded_once(
    store: MemoryStore, embedder: FakeEmbedder
) -> None:
    embedder.history.clear()  # (the store's passages were embedded when it was built)
    matcher = TopicMatcher(store, embedder, min_score=BOUND)
    topics = [f"topic number {i} about Varnel" for i in range(50)]
    matcher.match(topics + topics[:5], [FLOOD.id, HARBOUR.id, FLOOD.id])
    assert matcher.searches == 2  # one per distinct article, whatever the number of topics
    assert matcher.embedded == 50  # each distinct topic once
    assert [kind for kind, _ in embedder.history] == ["query"]  # no passage embedded again
    matcher.match(topics, [HARBOUR.id])
    assert matcher.embedded == 50  # cached
    assert matcher.searches == 3


def test_nothing_below_the_bound_and_nothing_for_unknown_articles(
    store: MemoryStore, embedder: FakeEmbedder
) -> None:
    strict = TopicMatcher(store, embedder, min_score=1.01)
    assert strict.match(["homes flooded in Varnel"], [FLOOD.id]) == []
    matcher = TopicMatcher(store, embedder, min_score=BOUND)
    assert matcher.match(["homes flooded in Varnel"], ["no-such-article"]) == []
    assert matcher.match([], [FLOOD.id]) == []
    assert matcher.match(["  "], [FLOOD.id]) == []


def test_a_topic_of_stopwords_only_is_matched_by_meaning_alone(
    store: MemoryStore, embedder: FakeEmbedder
) -> None:
    matcher = TopicMatcher(store, embedder, min_score=0.0)
    [hit] = matcher.match(["the of and"], [FLOOD.id])
    assert hit.lexical_score == 0.0
