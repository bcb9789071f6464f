"""The question-vector cache in front of the embedder."""

from __future__ import annotations

import numpy as np

from index.embedding.query_cache import QueryCachingEmbedder
from tests.index.fakes import FakeEmbedder


def test_a_question_is_embedded_once_and_documents_always() -> None:
    inner = FakeEmbedder()
    cached = QueryCachingEmbedder(inner, size=2)
    first = cached.embed(["how many drones?"], kind="query")
    again = cached.embed(["how many drones?"], kind="query")
    np.testing.assert_array_equal(first, again)
    assert first.shape == (1, inner.dim) and cached.dim == inner.dim
    assert cached.name == inner.name
    cached.embed(["a passage"], kind="document")
    cached.embed(["a passage"], kind="document")
    cached.embed(["q1", "q2"], kind="query")  # batches pass through
    assert [kind for kind, _ in inner.history] == ["query", "document", "document", "query"]


def test_old_questions_are_forgotten() -> None:
    inner = FakeEmbedder()
    cached = QueryCachingEmbedder(inner, size=1)
    cached.embed(["one"], kind="query")
    cached.embed(["two"], kind="query")
    cached.embed(["one"], kind="query")
    assert [texts for _, texts in inner.history] == [("one",), ("two",), ("one",)]
