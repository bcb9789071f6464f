"""The cross-encoder reranker on tiny random models: loading, scoring, caching, errors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from answering.question import analyze_question
from answering.rerankers.base import Reranker, SentenceCandidate
from answering.rerankers.cross_encoder import CrossEncoderReranker, normalise_logits
from index.errors import ModelError

QUESTION = analyze_question("How many drones were intercepted?")
CANDIDATES = [
    SentenceCandidate(
        "The air force said 37 of the 65 drones were shot down.", "Attack", ("a", 0, 9)
    ),
    SentenceCandidate("Power was restored by noon.", "Attack", ("a", 10, 20)),
    SentenceCandidate("Kyiv was quiet on Monday.", "", ("b", 0, 25)),
    SentenceCandidate("Officials met in the capital.", "A quiet day", ("b", 26, 55)),
]


def raw_logits(path: Path, pairs: list[tuple[str, str]]) -> np.ndarray:
    """The model's raw outputs, straight from sentence-transformers."""
    import torch
    from sentence_transformers import CrossEncoder

    model = CrossEncoder(str(path), local_files_only=True, device="cpu")
    out = model.predict(pairs, activation_fn=torch.nn.Identity(), show_progress_bar=False)
    return np.asarray(out, dtype=np.float64)


def test_normalise_one_logit_is_the_sigmoid() -> None:
    assert normalise_logits([0.0, math.log(3.0)]) == pytest.approx([0.5, 0.75])
    assert normalise_logits([[0.0], [-math.log(3.0)]]) == pytest.approx([0.5, 0.25])
    assert normalise_logits([1000.0, -1000.0]) == [1.0, 0.0]  # no overflow


def test_normalise_several_logits_is_the_last_class_probability() -> None:
    assert normalise_logits([[0.0, 0.0], [0.0, math.log(3.0)]]) == pytest.approx([0.5, 0.75])
    assert normalise_logits([[5.0, 5.0, 5.0]]) == pytest.approx([1 / 3])
    assert normalise_logits(np.zeros((0, 1))) == []


def test_normalise_rejects_odd_shapes() -> None:
    with pytest.raises(ModelError, match="shape"):
        normalise_logits(np.zeros((2, 2, 2)))


def test_scores_are_sigmoid_of_the_model_logits(tiny_cross_encoder: Path) -> None:
    reranker: Reranker = CrossEncoderReranker(str(tiny_cross_encoder))
    scores = reranker.rerank(QUESTION, CANDIDATES)
    assert len(scores) == len(CANDIDATES)
    assert all(0.0 < s < 1.0 for s in scores)
    raw = raw_logits(tiny_cross_encoder, [(QUESTION.text, c.text) for c in CANDIDATES])
    assert raw.shape == (len(CANDIDATES),)
    assert scores == pytest.approx(list(1.0 / (1.0 + np.exp(-raw))), abs=1e-6)


def test_two_label_model_scores_the_last_class(tiny_two_label_cross_encoder: Path) -> None:
    scores = CrossEncoderReranker(str(tiny_two_label_cross_encoder)).rerank(QUESTION, CANDIDATES)
    raw = raw_logits(tiny_two_label_cross_encoder, [(QUESTION.text, c.text) for c in CANDIDATES])
    assert raw.shape == (len(CANDIDATES), 2)
    expected = np.exp(raw[:, 1]) / np.exp(raw).sum(axis=1)
    assert scores == pytest.approx(list(expected), abs=1e-6)


def test_scores_and_order_are_deterministic(tiny_cross_encoder: Path) -> None:
    first = CrossEncoderReranker(str(tiny_cross_encoder), batch_size=32).rerank(
        QUESTION, CANDIDATES
    )
    second = CrossEncoderReranker(str(tiny_cross_encoder), batch_size=1).rerank(
        QUESTION, CANDIDATES
    )
    assert second == pytest.approx(first, abs=1e-6)
    assert np.argsort(first).tolist() == np.argsort(second).tolist()
    reversed_scores = CrossEncoderReranker(str(tiny_cross_encoder)).rerank(
        QUESTION, CANDIDATES[::-1]
    )
    assert reversed_scores[::-1] == pytest.approx(first, abs=1e-6)


def test_scores_are_cached_by_question_and_key(tiny_cross_encoder: Path) -> None:
    reranker = CrossEncoderReranker(str(tiny_cross_encoder), cache_size=16)
    first = reranker.rerank(QUESTION, CANDIDATES)
    assert (reranker.cache.hits, len(reranker.cache)) == (0, len(CANDIDATES))
    again = reranker.rerank(QUESTION, CANDIDATES[:2])
    assert again == first[:2]
    assert reranker.cache.hits == 2
    other = analyze_question("Who restored the power?")
    reranker.rerank(other, CANDIDATES[:2])
    assert reranker.cache.hits == 2
    assert len(reranker.cache) == len(CANDIDATES) + 2
    assert reranker.rerank(QUESTION, []) == []


def test_context_is_appended_when_asked(tiny_cross_encoder: Path) -> None:
    scores = CrossEncoderReranker(str(tiny_cross_encoder), use_context=True).rerank(
        QUESTION, CANDIDATES
    )
    pairs = [(QUESTION.text, f"{c.text} {c.context}" if c.context else c.text) for c in CANDIDATES]
    raw = raw_logits(tiny_cross_encoder, pairs)
    assert scores == pytest.approx(list(1.0 / (1.0 + np.exp(-raw))), abs=1e-6)


def test_warm_loads_once(tiny_cross_encoder: Path) -> None:
    reranker = CrossEncoderReranker(str(tiny_cross_encoder))
    reranker.warm()
    model = reranker._model.get()
    assert model is not None
    reranker.warm()
    reranker.rerank(QUESTION, CANDIDATES[:1])
    assert reranker._model.get() is model
    assert reranker.name == str(tiny_cross_encoder)


def test_missing_or_invalid_folder_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist") as missing:
        CrossEncoderReranker(str(tmp_path / "absent")).warm()
    assert "absent" in str(missing.value)
    assert missing.value.user_message == "A language model could not be loaded."
    with pytest.raises(ModelError, match="no cross-encoder model folder"):
        CrossEncoderReranker("").rerank(QUESTION, CANDIDATES)
    with pytest.raises(ModelError, match=r"no config\.json"):
        CrossEncoderReranker(str(tmp_path)).rerank(QUESTION, CANDIDATES)
    (tmp_path / "config.json").write_text(json.dumps({"hello": "world"}))
    with pytest.raises(ModelError, match="cannot load cross-encoder"):
        CrossEncoderReranker(str(tmp_path)).warm()
