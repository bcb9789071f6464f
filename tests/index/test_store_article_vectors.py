"""``Store.article_vectors``: an article's chunks with the vectors stored for them."""

from __future__ import annotations

import numpy as np

from tests.index.conftest import DIM, ELECTION, FLOOD, AnyStore, make_item
from tests.index.fakes import FakeEmbedder


def test_an_articles_chunks_come_in_order_with_their_stored_vectors(
    store: AnyStore, embedder: FakeEmbedder
) -> None:
    items = [make_item(embedder, ELECTION), make_item(embedder, FLOOD)]
    store.upsert_many(items)
    for article, chunks, vectors in items:
        found, stored = store.article_vectors(article.id)
        assert found == chunks
        assert stored.shape == (len(chunks), DIM) and stored.dtype == np.float32
        np.testing.assert_allclose(stored, vectors, rtol=1e-6, atol=1e-6)


def test_an_unknown_or_removed_article_has_none(store: AnyStore, embedder: FakeEmbedder) -> None:
    store.upsert_many([make_item(embedder, FLOOD)])
    store.remove(FLOOD.id)
    for article_id in (FLOOD.id, "unknown"):
        chunks, vectors = store.article_vectors(article_id)
        assert chunks == [] and vectors.shape == (0, DIM)
