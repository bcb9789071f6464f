"""The persistent sentence-vector cache, and ingest filling it."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from answering.sentence_vectors import SentenceVectors
from index.chunking import split_sentences
from index.clauses import clause_pieces, dense_pieces, opens_with_pronoun, piece_key
from index.ingest import IngestOptions, ingest_paths
from index.sentence_cache import SentenceVectorCache
from tests.conftest import SAMPLE_ARTICLE
from tests.index.fakes import FakeEmbedder, MemoryStore


def _piece_count(text: str) -> int:
    spans = split_sentences(text)
    return sum(
        len(dense_pieces(s.slice(text), spans[i - 1].slice(text) if i else ""))
        for i, s in enumerate(spans)
    )


def test_vectors_survive_reopening(tmp_path: Path) -> None:
    cache = SentenceVectorCache(tmp_path / "s.sqlite", 4)
    vec = np.array([1, 2, 3, 4], dtype=np.float32)
    cache.put_many([("a:0:5:0", vec), ("a:6:9:0", vec * 2)])
    cache.close()
    again = SentenceVectorCache(tmp_path / "s.sqlite", 4)
    found = again.get_many(["a:0:5:0", "a:6:9:0", "missing"])
    assert set(found) == {"a:0:5:0", "a:6:9:0"}
    np.testing.assert_array_equal(found["a:6:9:0"], vec * 2)
    assert len(again) == 2


def test_vectors_of_another_dimension_are_ignored(tmp_path: Path) -> None:
    SentenceVectorCache(tmp_path / "s.sqlite", 4).put_many([("k", np.ones(4, np.float32))])
    assert SentenceVectorCache(tmp_path / "s.sqlite", 8).get_many(["k"]) == {}


def test_ingest_embeds_every_sentence_so_questions_need_not(tmp_path: Path) -> None:
    embedder = FakeEmbedder()
    store = MemoryStore(embedder.name, embedder.dim)
    cache = SentenceVectorCache(tmp_path / "s.sqlite", embedder.dim)
    ingest_paths(
        [SAMPLE_ARTICLE],
        store=store,
        embedder=embedder,
        options=IngestOptions(progress=False, embed_pieces=True),
        sentence_cache=cache,
    )
    article = store.get_article(store.articles()[0].id)
    spans = split_sentences(article.text)
    assert len(cache) == _piece_count(article.text)  # every sentence and its clause pieces
    vectors = SentenceVectors(embedder, cache)
    keys = [piece_key(article.id, s.start, s.end, 0) for s in spans]
    texts = [s.slice(article.text) for s in spans]
    calls = len(embedder.history)
    got = vectors.pieces(keys, texts)
    assert len(embedder.history) == calls and vectors.computed == 0
    np.testing.assert_allclose(got, embedder.embed(texts), rtol=1e-6)


def test_an_indexed_article_missing_from_the_cache_is_cached_by_the_next_ingest(
    tmp_path: Path,
) -> None:
    """As after a crash between the store's write and the cache's: the article is indexed,
    its sentences are not cached; ingesting it again (unchanged) fills the cache."""
    embedder = FakeEmbedder()
    store = MemoryStore(embedder.name, embedder.dim)
    options = IngestOptions(progress=False, embed_pieces=True)
    ingest_paths([SAMPLE_ARTICLE], store=store, embedder=embedder, options=options)
    cache = SentenceVectorCache(tmp_path / "s.sqlite", embedder.dim)
    report = ingest_paths(
        [SAMPLE_ARTICLE], store=store, embedder=embedder, options=options, sentence_cache=cache
    )
    assert report.added == [] and len(report.skipped) == 1
    article = store.get_article(store.articles()[0].id)
    assert len(cache) == _piece_count(article.text)
    calls = len(embedder.history)
    ingest_paths(
        [SAMPLE_ARTICLE], store=store, embedder=embedder, options=options, sentence_cache=cache
    )
    assert len(embedder.history) == calls  # nothing embedded again once cached


def test_pieces_computed_at_question_time_are_kept(tmp_path: Path) -> None:
    embedder = FakeEmbedder()
    cache = SentenceVectorCache(tmp_path / "s.sqlite", embedder.dim)
    vectors = SentenceVectors(embedder, cache)
    vectors.pieces(["x:0:3:1"], ["one clause here"])
    assert vectors.computed == 1 and len(cache) == 1
    fresh = SentenceVectors(embedder, cache)
    fresh.pieces(["x:0:3:1"], ["one clause here"])
    assert fresh.computed == 0


def test_dense_pieces() -> None:
    long = (
        "“We must search worldwide for ways to strengthen defense, "
        "and obtain licenses from partners,” he said."
    )
    assert clause_pieces("Too short, really.") == []
    assert len(clause_pieces(long)) >= 2
    assert opens_with_pronoun("They are essential for high-tech products.")
    assert not opens_with_pronoun("Theyre is not a word.")
    pieces = dense_pieces("They are essential.", "Rare earth minerals include lithium.")
    assert pieces == [
        "They are essential.",
        "Rare earth minerals include lithium. They are essential.",
    ]


def test_after_ingest_a_first_question_embeds_only_itself(tmp_path: Path) -> None:
    """With the clause pieces embedded at ingest, answering a new question embeds the question
    and nothing else (the reader finds every piece it scores in the cache)."""
    from bot.config.settings import Settings
    from bot.factory import build_components

    embedder = FakeEmbedder()
    settings = Settings(data_dir=tmp_path)
    components = build_components(settings, embedder=embedder)
    try:
        ingest_paths(
            [SAMPLE_ARTICLE],
            store=components.store,
            embedder=embedder,
            options=IngestOptions(progress=False, embed_pieces=True),
            sentence_cache=components.sentence_cache,
        )
        before = len(embedder.history)
        answer = components.answerer.answer("How many drones were intercepted?")
        assert answer.answer is not None and "37" in answer.answer
        assert [kind for kind, _ in embedder.history[before:]] == ["query"]
    finally:
        components.store.close()
        components.sentence_cache.close()
