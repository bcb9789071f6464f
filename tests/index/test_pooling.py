"""Vectors pooled from token vectors: masks over offsets, truncation, and an ingest whose
pooled vectors equal the encoded ones where the model's embedding is a mean of its tokens."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from index.chunking import chunk_article, split_sentences
from index.clauses import clause_pieces, clause_spans, dense_pieces, piece_key, piece_ranges
from index.documents.text import ParsedArticle
from index.embedding.pooling import Pool, sum_pools, token_masks
from index.ingest import IngestOptions, embedding_text, ingest_articles
from index.sentence_cache import SentenceVectorCache
from index.types import Article, Chunk, IngestReport
from tests.index.conftest import make_article
from tests.index.fakes import FakeEmbedder, MemoryStore
from tests.index.pooling_fake import FakePoolingEmbedder

# [CLS] "Drones hit Kyiv" [SEP]: special tokens have offsets (0, 0).
OFFSETS = [(0, 0), (0, 6), (7, 10), (11, 15), (0, 0)]
TEXT = (
    "Russia launched 65 drones overnight, the air force said on Tuesday, and 37 of them were "
    "shot down over five regions. They hit two schools in Kyiv, officials said.\n\n"
    "The mayor, Vitali Klitschko, said nobody was hurt in the capital overnight.\n\n"
    "Power was restored by the morning in all districts, the grid operator said."
)
ARTICLE = make_article(TEXT, title="Drone attack on Kyiv")


def test_a_range_selects_the_tokens_it_overlaps() -> None:
    masks, complete = token_masks(OFFSETS, [Pool(((7, 15),)), Pool(((0, 5),))], shift=0)
    assert masks.tolist() == [[0, 0, 1, 1, 0], [0, 1, 0, 0, 0]]
    assert complete.tolist() == [True, True]


def test_a_whole_pool_adds_the_special_tokens() -> None:
    masks, _ = token_masks(OFFSETS, [Pool(((0, 15),), whole=True)], shift=0)
    assert masks.tolist() == [[1, 1, 1, 1, 1]]


def test_prompt_tokens_count_as_special_ones() -> None:
    # "query: " (7 characters) before the text: its token is pooled only by a whole pool.
    offsets = [(0, 0), (0, 6), (7, 13), (14, 17), (0, 0)]
    masks, _ = token_masks(offsets, [Pool(((0, 6),)), Pool(((0, 6),), whole=True)], shift=7)
    assert masks.tolist() == [[0, 0, 1, 0, 0], [1, 1, 1, 0, 1]]


def test_a_range_past_the_truncation_is_incomplete() -> None:
    pools = [Pool(((11, 15),)), Pool(((11, 30),)), Pool(())]
    _, complete = token_masks(OFFSETS, pools, shift=0, truncated=True)
    assert complete.tolist() == [True, False, False]
    _, complete = token_masks(OFFSETS, pools, shift=0)
    assert complete.tolist() == [True, True, False]


def test_sums_and_counts() -> None:
    tokens = np.arange(10, dtype=np.float32).reshape(5, 2)
    sums = sum_pools(tokens, OFFSETS, [Pool(((7, 15),))], shift=0)
    assert sums.sums.tolist() == [[10.0, 12.0]]
    assert sums.counts.tolist() == [2.0]


@pytest.mark.parametrize("sentence", [s.slice(TEXT) for s in split_sentences(TEXT)])
def test_clause_spans_are_where_the_clause_pieces_lie(sentence: str) -> None:
    pieces = clause_pieces(sentence)
    spans = clause_spans(sentence)
    assert len(pieces) == len(spans)
    for piece, (start, end) in zip(pieces, spans, strict=True):
        assert piece.split()[0] in sentence[start:end].split()[0]
        assert sentence[start:end].rstrip(",;:").endswith(piece.split()[-1])


def test_piece_ranges_follow_dense_pieces() -> None:
    sentence = "They hit two schools in Kyiv, officials said, and a clinic nearby, police said."
    ranges = piece_ranges(sentence, with_previous=True)
    assert len(ranges) == len(dense_pieces(sentence, "Drones came."))
    assert ranges[0] == (0, len(sentence)) and ranges[-1] is None
    assert piece_ranges(sentence, with_previous=False)[-1] is not None


class RecordingStore(MemoryStore):
    """Keeps the chunk vectors it was given."""

    def __init__(self, embedder: FakeEmbedder) -> None:
        super().__init__(embedder.name, embedder.dim)
        self.vectors: dict[str, np.ndarray] = {}

    def upsert_many(
        self, items: Sequence[tuple[Article, Sequence[Chunk], npt.NDArray[np.float32]]]
    ) -> list[str]:
        for _, chunks, vectors in items:
            self.vectors.update((c.key, v) for c, v in zip(chunks, vectors, strict=True))
        return super().upsert_many(items)


def _ingest(
    embedder: FakeEmbedder, tmp_path: Path, *, pooled: bool, pieces: bool = True
) -> tuple[RecordingStore, dict[str, np.ndarray]]:
    store = RecordingStore(embedder)
    cache = SentenceVectorCache(tmp_path / f"sentences-{pooled}-{pieces}.sqlite", embedder.dim)
    options = IngestOptions(chunk_max_chars=200, pool_vectors=pooled, embed_pieces=pieces)
    ingest_articles(
        [("a.txt", ParsedArticle(ARTICLE))],
        store=store,
        embedder=embedder,
        options=options,
        report=IngestReport(),
        sentence_cache=cache,
    )
    keys = _all_piece_keys()
    vectors = cache.get_many(keys)
    cache.close()
    return store, vectors


def _all_piece_keys() -> list[str]:
    """The keys the reader asks for: every piece of every sentence of every chunk."""
    keys: list[str] = []
    sentences = sorted(
        {s for c in chunk_article(ARTICLE, max_chars=200) for s in c.sentences},
        key=lambda s: s.start,
    )
    for i, span in enumerate(sentences):
        previous = sentences[i - 1].slice(TEXT) if i else ""
        for j, _ in enumerate(dense_pieces(span.slice(TEXT), previous)):
            keys.append(piece_key(ARTICLE.id, span.start, span.end, j))
    return keys


def test_pooled_ingest_gives_the_encoded_vectors_of_a_mean_pooling_model(tmp_path: Path) -> None:
    embedder = FakePoolingEmbedder()
    encoded_store, encoded = _ingest(embedder, tmp_path, pooled=False)
    pooled_store, pooled = _ingest(embedder, tmp_path, pooled=True)
    assert embedder.pooled_calls  # the pooled path ran
    assert pooled_store.vectors.keys() == encoded_store.vectors.keys()
    for key, vector in encoded_store.vectors.items():
        np.testing.assert_allclose(pooled_store.vectors[key], vector, atol=1e-6)
    assert len(encoded) == len(_all_piece_keys())
    assert pooled.keys() == encoded.keys()
    for key, vector in encoded.items():
        np.testing.assert_allclose(pooled[key], vector, atol=1e-6)


def test_without_pieces_only_the_sentences_and_pronoun_pieces_are_stored(
    tmp_path: Path,
) -> None:
    embedder = FakePoolingEmbedder()
    _, encoded = _ingest(embedder, tmp_path, pooled=False)
    _, pooled = _ingest(embedder, tmp_path, pooled=True, pieces=False)
    pronoun = "They hit two schools"
    expected = {key for key in encoded if key.endswith(":0")}
    expected |= {key for key in encoded if _is_pronoun_piece(key, pronoun)}
    assert pooled.keys() == expected
    for key, vector in pooled.items():
        np.testing.assert_allclose(vector, encoded[key], atol=1e-6)


def _is_pronoun_piece(key: str, opening: str) -> bool:
    _, start, end, piece = key.split(":")
    sentence = TEXT[int(start) : int(end)]
    return sentence.startswith(opening) and int(piece) == len(dense_pieces(sentence, "x")) - 1


def test_pooled_ingest_encodes_each_sentence_once(tmp_path: Path) -> None:
    embedder = FakePoolingEmbedder()
    _ingest(embedder, tmp_path, pooled=True)
    texts = [t for call in embedder.pooled_calls for t in call]
    sentences = {s.slice(TEXT) for c in chunk_article(ARTICLE, max_chars=200) for s in c.sentences}
    assert sorted(texts) == sorted([*sentences, "Drone attack on Kyiv"])
    assert [t for _, call in embedder.history for t in call] == []  # nothing encoded apart


def test_what_the_model_cannot_pool_is_encoded_as_text(tmp_path: Path) -> None:
    embedder = FakePoolingEmbedder(max_words=8)  # longer sentences are cut
    store, pooled = _ingest(embedder, tmp_path, pooled=True)
    plain = FakeEmbedder(embedder.dim, name=embedder.name)
    for chunk in chunk_article(ARTICLE, max_chars=200):
        expected = plain.embed([embedding_text(ARTICLE, chunk)])[0]
        np.testing.assert_allclose(store.vectors[chunk.key], expected, atol=1e-6)
    assert embedder.history  # the cut ones were encoded as text
    assert pooled.keys() == set(_all_piece_keys())


def test_a_plain_embedder_is_encoded_as_before(tmp_path: Path) -> None:
    embedder = FakeEmbedder()
    store, vectors = _ingest(embedder, tmp_path, pooled=True)
    assert len(store.vectors) == len(chunk_article(ARTICLE, max_chars=200))
    assert vectors.keys() == set(_all_piece_keys())
