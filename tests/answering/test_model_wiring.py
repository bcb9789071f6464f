"""Settings pick the reader and the reranker; the answerer blends a reranker in."""

from __future__ import annotations

from pathlib import Path

import pytest

from answering.question import analyze_question
from answering.readers.extractive import ExtractiveReader
from answering.rerankers.base import apply_reranker
from bot.config.answering import ReaderSettings, RerankSettings
from bot.config.settings import Settings
from bot.factory import build_components, ensure_corpus
from index.errors import ConfigError
from index.lexical import LexicalIndex
from index.search import HybridSearcher
from tests.answering.fakes import FakeReranker
from tests.index.fakes import FakeEmbedder, MemoryStore


def _settings(tmp_path: Path, **groups: object) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, **groups)  # type: ignore[call-arg, arg-type]


def test_apply_reranker_reorders_the_top_and_keeps_the_rest(
    sample_store: MemoryStore, fake_embedder: FakeEmbedder
) -> None:
    question = analyze_question("how many drones were intercepted?")
    passages = HybridSearcher(sample_store, fake_embedder, LexicalIndex(sample_store)).search(
        question.text
    )
    readings = ExtractiveReader(fake_embedder).read(question, passages)
    reranker = FakeReranker()
    reranked = apply_reranker(question, readings, reranker, weight=1.0, top=3)
    assert len(reranked) == len(readings)
    tail = [(r.passage, r.sentence, r.score * 0.0) for r in readings[3:]]
    assert [(r.passage, r.sentence, r.score) for r in reranked[3:]] == tail  # weight 1: 0
    assert [r.score for r in reranked[:3]] == sorted((r.score for r in reranked[:3]), reverse=True)
    assert len(reranker.history) == 1
    half = apply_reranker(question, readings, reranker, weight=0.5, top=3)
    assert [r.score for r in half[3:]] == [0.5 * r.score for r in readings[3:]]
    assert min(r.score for r in half[:3]) >= max(r.score for r in half[3:])


def test_a_configured_cross_encoder_reranks_answers(
    tmp_path: Path, tiny_cross_encoder: Path
) -> None:
    settings = _settings(
        tmp_path, rerank=RerankSettings(kind="crossencoder", model=str(tiny_cross_encoder), top=5)
    )
    components = build_components(settings, embedder=FakeEmbedder())
    ensure_corpus(components, progress=False)
    answer = components.answerer.answer("how many drones were intercepted?")
    assert "rerank_ms" in answer.timings
    assert all(
        components.store.get_article(q.article_id).text[q.start : q.end] == q.text
        for q in answer.quotes
    )


def test_a_configured_qa_model_reads(tmp_path: Path, tiny_qa_model: Path) -> None:
    settings = _settings(
        tmp_path, reader=ReaderSettings(kind="qa", qa_model=str(tiny_qa_model), span="features")
    )
    components = build_components(settings, embedder=FakeEmbedder())
    ensure_corpus(components, progress=False)
    q = analyze_question("how many drones were intercepted?")
    answerer = components.answerer
    readings = answerer._reader.read(q, answerer._searcher.search(q.text))
    spans = {r.answer.slice(r.article.text) for r in readings if r.answer is not None}
    assert "37 of the 65 drones" in spans


def test_qa_reader_without_a_model_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        build_components(
            _settings(tmp_path, reader=ReaderSettings(kind="qa", span="features")),
            embedder=FakeEmbedder(),
        )
