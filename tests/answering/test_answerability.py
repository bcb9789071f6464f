"""The answerability model: its features, probability, loading, and the decline it drives."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pytest

from answering.answerability import (
    FEATURES,
    AnswerabilityModel,
    features_of,
    load_answerability,
)
from answering.decline import (
    DeclinePolicy,
    DeclineReason,
    answerability_of,
    decline_reason,
)
from answering.pipeline import AnswerPolicy, PipelineAnswerer
from answering.readers.extractive import ExtractiveReader, Reading
from answering.scoring import Features
from index.errors import ModelError
from index.lexical import LexicalIndex
from index.search import HybridSearcher
from tests.answering.conftest import ATTACK, passages_for
from tests.answering.fakes import FakeSpanReader
from tests.index.fakes import FakeEmbedder, MemoryStore

STRONG = Features(dense=0.8, coverage=1, context=1, names=1, answer_type=1, retrieval=1)
NULL = FEATURES.index("null_logit")


def reading(no_answer: float | None, features: Features = STRONG) -> Reading:
    (passage,) = passages_for(ATTACK)
    sentence = passage.chunk.sentences[1]
    return Reading(passage, sentence, None, 0.8, features, no_answer=no_answer)


def null_only(threshold: float = 0.5) -> AnswerabilityModel:
    """A model that reads only the no-answer probability: P = 1 - no_answer."""
    n = len(FEATURES)
    coef = [0.0] * n
    coef[NULL] = -1.0
    mean = [0.0] * n
    scale = [1.0] * n
    return AnswerabilityModel(FEATURES, tuple(mean), tuple(scale), tuple(coef), 0.0, threshold)


def test_features_follow_the_declared_order() -> None:
    values = features_of(reading(0.2))
    assert len(values) == len(FEATURES)
    named = dict(zip(FEATURES, values, strict=True))
    assert named["score"] == 0.8 and named["dense"] == 0.8
    assert named["null_logit"] == pytest.approx(math.log(0.2 / 0.8))
    flags = ("weak_evidence", "names_absent")
    assert [named[f] for f in flags] == [0.0, 0.0]
    weak = Features(dense=0.2, coverage=0, context=0.1, names=0.5, answer_type=0, retrieval=1)
    named = dict(zip(FEATURES, features_of(reading(0.2, weak)), strict=True))
    assert [named[f] for f in flags] == [0.0, 1.0]


def test_probability_falls_as_the_reader_sees_no_answer() -> None:
    model = null_only()
    probs = [model.probability(reading(p)) for p in (0.05, 0.3, 0.5, 0.7, 0.95)]
    assert probs == sorted(probs, reverse=True)
    assert probs[2] == pytest.approx(0.5)
    assert probs[0] == pytest.approx(0.95)
    assert all(0.0 < p < 1.0 for p in probs)


def test_a_doubtful_best_reading_is_declined_and_a_sure_one_is_not() -> None:
    policy = DeclinePolicy(answerability=null_only(threshold=0.5))
    assert decline_reason(reading(0.9), policy) is DeclineReason.UNANSWERABLE
    assert decline_reason(reading(0.1), policy) is None
    # Unread by the span reader (no verdict): the rules alone decide.
    assert decline_reason(reading(None), policy) is None
    # Off (threshold 0): the rules decide (here, nothing to decline on).
    off = DeclinePolicy(answerability=null_only(threshold=0.0))
    assert decline_reason(reading(0.99), off) is None


def test_model_size_and_feature_names_are_checked() -> None:
    model = null_only()
    with pytest.raises(ModelError):
        dataclasses.replace(model, coef=model.coef[:-1])
    with pytest.raises(ModelError):
        dataclasses.replace(model, features=tuple(reversed(FEATURES)))


def test_load_round_trip_takes_the_threshold_from_the_caller(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(null_only(threshold=0.9).to_json(meta={"task": "answerability"}))
    assert "threshold" not in json.loads(path.read_text())
    loaded = load_answerability(path, threshold=0.3)
    assert loaded == null_only(threshold=0.3)


@pytest.mark.parametrize("text", ["", "{", '{"features": []}', "[1, 2]"])
def test_an_unreadable_model_file_is_a_model_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(ModelError):
        load_answerability(path)


def test_the_shipped_model_loads_and_separates_clear_cases() -> None:
    model = load_answerability(threshold=0.5)
    assert model.features == FEATURES
    sure, doubtful = reading(0.02), reading(0.98, dataclasses.replace(STRONG, dense=0.2))
    assert model.probability(sure) > model.probability(doubtful)


def _answerer(store: MemoryStore, embedder: FakeEmbedder, threshold: float) -> PipelineAnswerer:
    searcher = HybridSearcher(store, embedder, LexicalIndex(store))
    policy = AnswerPolicy(decline=DeclinePolicy(answerability=null_only(threshold)))
    return PipelineAnswerer(
        searcher, ExtractiveReader(embedder), policy, span_reader=FakeSpanReader()
    )


def test_the_answer_confidence_is_the_models_probability_and_it_declines_below(
    sample_store: MemoryStore, fake_embedder: FakeEmbedder
) -> None:
    question = "how many drones were intercepted?"
    answer = _answerer(sample_store, fake_embedder, 0.5).answer(question)
    # The fake span reader finds the number: no-answer 0.1, so the model gives 0.9.
    assert answer.answer is not None and "37" in answer.answer
    assert answer.confidence == pytest.approx(0.9)
    declined = _answerer(sample_store, fake_embedder, 0.95).answer(question)
    assert declined.answer is None and declined.quotes == ()
    assert declined.confidence == pytest.approx(0.9)


def test_the_model_steps_aside_for_a_reranker_blend_and_keeps_the_word_checks() -> None:
    policy = DeclinePolicy(answerability=null_only(threshold=0.5))
    assert answerability_of(dataclasses.replace(reading(0.9), rerank=0.9), policy) is None
    # The counted thing and the question's terms still decline before the model is asked.
    unfocused = dataclasses.replace(STRONG, focus=0.0)
    assert decline_reason(reading(0.01, unfocused), policy) is DeclineReason.FOCUS_ABSENT
    off_topic = dataclasses.replace(STRONG, context=0.1, dense=0.3)
    assert decline_reason(reading(0.01, off_topic), policy) is DeclineReason.TERMS_ABSENT
    # A missing name or a weak score no longer declines on its own: the model weighs them.
    nameless = dataclasses.replace(STRONG, names=0.5)
    assert decline_reason(reading(0.01, nameless), DeclinePolicy()) is DeclineReason.NAMES_ABSENT
    assert decline_reason(reading(0.01, nameless), policy) is None


def test_the_factory_builds_the_model_only_when_it_can_decide(tmp_path: Path) -> None:
    from bot.config.answering import AnswerSettings, ReaderSettings
    from bot.config.settings import Settings
    from bot.factory import build_answerability

    def settings(**groups: object) -> Settings:
        return Settings(_env_file=None, data_dir=tmp_path, **groups)  # type: ignore[call-arg, arg-type]

    trained = ReaderSettings(span="trained")
    assert Settings().answer.min_answerable == 0  # off by default: the span reader's bounds
    assert build_answerability(settings(reader=trained)) is None
    on = AnswerSettings(min_answerable=0.445)
    model = build_answerability(settings(reader=trained, answer=on))
    assert model is not None and model.threshold == 0.445
    assert build_answerability(settings(reader=ReaderSettings(span="features"), answer=on)) is None
    custom = tmp_path / "model.json"
    custom.write_text(null_only().to_json())
    chosen = settings(
        reader=trained, answer=AnswerSettings(min_answerable=0.445, answerability_model=str(custom))
    )
    assert build_answerability(chosen) == null_only(threshold=0.445)
    missing = settings(
        reader=trained, answer=AnswerSettings(min_answerable=0.5, answerability_model="/nope.json")
    )
    with pytest.raises(ModelError):
        build_answerability(missing)


def test_non_finite_or_zero_scale_models_are_refused() -> None:
    model = null_only()
    with pytest.raises(ModelError):
        dataclasses.replace(model, scale=(0.0, *model.scale[1:]))
    with pytest.raises(ModelError):
        dataclasses.replace(model, bias=float("nan"))
