"""Vectors pooled from the packaged MiniLM's token vectors: a whole text's pool is its own
embedding, a sentence's pool from its own encoding is the sentence's vector, a chunk pooled
from its sentences is close to the chunk's own encoding, and an ingest with pooled vectors
answers the founding question. Runs in CI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.config.settings import Settings
from bot.factory import bundled_corpus, ingest
from index.chunking import chunk_article
from index.embedding.base import PoolingEmbedder
from index.embedding.pooling import Pool
from index.embedding.sentence_transformer import SentenceTransformerEmbedder
from index.ingest import embedding_header, embedding_text
from index.pooled_vectors import plan_batch, run_plan
from index.types import Article
from tests.components import opened

pytestmark = pytest.mark.integration

TEXT = (
    "Russia launched 65 drones at Ukraine overnight. Air defences shot down 37 of them over "
    "five regions, the air force said on Tuesday.\n\n"
    "Debris damaged several schools and a clinic in Kyiv, local officials said."
)
ARTICLE = Article(id="a1", text=TEXT, title="Drone attack on Kyiv region")


@pytest.fixture(scope="module")
def embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


def test_minilm_pools_its_tokens(embedder: SentenceTransformerEmbedder) -> None:
    assert isinstance(embedder, PoolingEmbedder)
    whole = Pool(((0, len(TEXT)),), whole=True)
    [sums] = embedder.token_sums([TEXT], [[whole]], kind="document")
    assert sums.complete.tolist() == [True]
    vector = embedder.finish(sums.sums / sums.counts[:, None])[0]
    assert float(vector @ embedder.embed([TEXT])[0]) > 0.9999


def test_a_range_past_the_truncation_is_not_pooled(embedder: SentenceTransformerEmbedder) -> None:
    long = " ".join(["drones"] * 400) + " end."
    pools = [Pool(((0, 6),)), Pool(((len(long) - 4, len(long)),))]
    [sums] = embedder.token_sums([long], [pools], kind="document")
    assert sums.complete.tolist() == [True, False]


def test_the_plan_gives_sentence_and_chunk_vectors(embedder: SentenceTransformerEmbedder) -> None:
    chunks = chunk_article(ARTICLE, max_chars=150)
    plan = plan_batch([(ARTICLE, chunks, embedding_header(ARTICLE))], pieces=True)
    [chunk_vectors], pieces = run_plan(plan, embedder)
    encoded = embedder.embed([embedding_text(ARTICLE, c) for c in chunks])
    for pooled, own in zip(chunk_vectors, encoded, strict=True):
        assert float(pooled @ own) > 0.85  # the same passage, read sentence by sentence
    by_key = dict(pieces)
    for chunk in chunks:
        for span in chunk.sentences:
            vector = by_key[f"a1:{span.start}:{span.end}:0"]
            own = embedder.embed([span.slice(TEXT)])[0]
            assert float(vector @ own) > 0.9999  # a sentence is its own encoding


def test_an_ingest_with_pooled_vectors_answers(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    assert settings.ingest.pool_vectors
    with opened(settings) as components, bundled_corpus() as corpus:
        report = ingest(components, [corpus], progress=False)
        assert len(report.added) == 1
        answer = components.answerer.answer("how many drones were intercepted?")
        assert answer.answer is not None and "37" in answer.answer


def test_plain_transformers_give_the_sentence_transformers_vectors() -> None:
    from index.embedding.backend import RunOptions
    from index.embedding.mean_backend import MeanPoolingBackend, is_mean_pooling_folder
    from index.embedding.sentence_transformer import packaged_model_path
    from index.embedding.st_backend import SentenceTransformersBackend

    folder = packaged_model_path()
    assert is_mean_pooling_folder(folder)
    run = RunOptions(device="cpu", max_seq_length=512, batch_size=8, int8=False)
    plain = MeanPoolingBackend(folder, run)
    full = SentenceTransformersBackend(folder, run)
    texts = [TEXT, "how many drones were intercepted?", " padded ", "x " * 400]
    cosines = (plain.embed(texts, "query") * full.embed(texts, "query")).sum(axis=1)
    assert cosines.min() > 0.99999
    for mine, theirs in zip(
        plain.token_states(texts, "document"), full.token_states(texts, "document"), strict=True
    ):
        assert mine is not None and theirs is not None
        np.testing.assert_allclose(mine.tokens, theirs.tokens, atol=1e-4)
        assert list(mine.offsets) == [tuple(o) for o in theirs.offsets]
        assert mine.truncated == theirs.truncated


@pytest.mark.parametrize("int8", [False, True])
def test_a_traced_embedder_gives_the_eager_vectors_and_is_reused(
    tmp_path: Path, int8: bool
) -> None:
    import torch

    eager = SentenceTransformerEmbedder(int8=int8)
    traced = SentenceTransformerEmbedder(int8=int8, traced_dir=tmp_path)
    texts = [TEXT, "how many drones were intercepted?", " padded ", "x " * 400]
    np.testing.assert_allclose(
        traced.embed(texts, kind="query"), eager.embed(texts, kind="query"), atol=1e-6
    )
    (copy,) = tmp_path.glob("*.pt")
    saved = copy.stat().st_mtime_ns
    again = SentenceTransformerEmbedder(int8=int8, traced_dir=tmp_path)
    np.testing.assert_array_equal(
        again.embed(texts, kind="query"), traced.embed(texts, kind="query")
    )
    assert copy.stat().st_mtime_ns == saved  # loaded, not traced again
    backend = again._load()
    assert isinstance(getattr(backend, "_model", None), torch.jit.ScriptModule)
