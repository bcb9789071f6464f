"""The QA-model reader: hand-made span decoding, and real loading and reading on tiny models."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from answering.question import analyze_question
from answering.readers.extractive import Reader, Reading
from answering.readers.qa_model import QAModelReader
from answering.readers.span_decoding import best_span
from index.errors import ModelError
from tests.answering.conftest import ATTACK, KYIV, passages_for

QUESTION = analyze_question("How many drones were intercepted?")
ANSWER_SENTENCE = "The air force said 37 of the 65 drones were shot down."


def test_best_span_picks_the_highest_start_plus_end() -> None:
    assert best_span([0, 1, 5, 0], [0, 0, 1, 6], [False, True, True, True], 30) == (2, 3, 11.0)


def test_best_span_never_ends_before_it_starts() -> None:
    # (3, 1) would score 19, but an answer cannot end before it starts.
    assert best_span([0, 0, 0, 10], [0, 9, 0, 0], [False, True, True, True], 30) == (3, 3, 10.0)


def test_best_span_respects_the_length_limit() -> None:
    start, end, mask = [0, 5, 0, 0], [0, 0, 1, 5], [False, True, True, True]
    assert best_span(start, end, mask, 3) == (1, 3, 10.0)
    assert best_span(start, end, mask, 2) == (1, 2, 6.0)
    assert best_span(start, end, mask, 1) == (1, 1, 5.0)  # tied with (3, 3): earliest


def test_best_span_only_uses_context_tokens() -> None:
    # The question tokens (1, 2) and [CLS] (0) have the highest logits but are masked out.
    start = np.array([50.0, 40.0, 40.0, 1.0, 2.0, 0.0])
    end = np.array([50.0, 40.0, 40.0, 0.0, 0.0, 3.0])
    mask = np.array([False, False, False, True, True, True])
    assert best_span(start, end, mask, 30) == (4, 5, 5.0)


def test_best_span_ties_go_to_the_earliest_span() -> None:
    assert best_span([1, 1, 1], [1, 1, 1], [True, True, True], 30) == (0, 0, 2.0)


def test_best_span_without_context_or_length_is_none() -> None:
    assert best_span([1, 2], [1, 2], [False, False], 30) is None
    assert best_span([1, 2], [1, 2], [True, True], 0) is None


def test_best_span_rejects_mismatched_shapes() -> None:
    with pytest.raises(ValueError, match="equal length"):
        best_span([1, 2, 3], [1, 2], [True, True, True], 30)


def check_verbatim(readings: list[Reading]) -> None:
    for r in readings:
        text = r.article.text
        assert r.sentence in r.passage.chunk.sentences
        assert 0.0 <= r.score <= 1.0
        if r.answer is not None:
            quote = text[r.answer.start : r.answer.end]
            assert quote == quote.strip() and quote
            assert r.sentence.start <= r.answer.start < r.answer.end <= r.sentence.end


def test_reads_the_answer_verbatim_from_the_right_article(tiny_qa_model: Path) -> None:
    reader: Reader = QAModelReader(str(tiny_qa_model))
    passages = passages_for(KYIV, ATTACK)
    readings = reader.read(QUESTION, passages)
    sentences = {(p.article.id, s) for p in passages for s in p.chunk.sentences}
    assert len(readings) == len(sentences) == 6
    check_verbatim(readings)
    best = readings[0]
    assert best.article.id == ATTACK.id
    assert best.sentence.slice(ATTACK.text) == ANSWER_SENTENCE
    assert best.answer is not None
    assert best.answer.start == ATTACK.text.index("37")
    assert best.answer.end == ATTACK.text.index(" were shot")
    assert best.answer.slice(ATTACK.text) == "37 of the 65 drones"
    assert best.score > 0.99
    assert best.features.answer_type == 1.0
    assert best.features.dense == 0.0
    assert best.features.coverage > 0.0
    assert best.features.retrieval == pytest.approx(passages[-1].score / passages[0].score)
    # The neighbours read the answer sentence in their window, but cannot answer from it:
    # for them the no-answer slot wins.
    for other in readings[1:]:
        assert other.answer is None
        assert other.score < 1e-3
        assert other.features.answer_type == 0.0


def test_reading_is_deterministic_and_batch_independent(tiny_qa_model: Path) -> None:
    passages = passages_for(ATTACK, KYIV)
    one = QAModelReader(str(tiny_qa_model), batch_size=1).read(QUESTION, passages)
    many = QAModelReader(str(tiny_qa_model), batch_size=16).read(QUESTION, passages)
    assert [(r.article.id, r.sentence, r.answer) for r in one] == [
        (r.article.id, r.sentence, r.answer) for r in many
    ]
    assert [r.score for r in one] == pytest.approx([r.score for r in many], abs=1e-6)


def test_null_score_wins_gives_no_answer_and_a_low_score(tiny_null_qa_model: Path) -> None:
    readings = QAModelReader(str(tiny_null_qa_model)).read(QUESTION, passages_for(KYIV, ATTACK))
    assert len(readings) == 6
    assert all(r.answer is None for r in readings)
    assert all(0.0 <= r.score < 1e-3 for r in readings)
    assert all(r.features.answer_type == 0.0 for r in readings)


def test_null_margin_lets_a_weaker_span_through(tiny_null_qa_model: Path) -> None:
    reader = QAModelReader(str(tiny_null_qa_model), null_margin=1e6)
    readings = reader.read(QUESTION, passages_for(ATTACK))
    best = next(r for r in readings if r.sentence.slice(ATTACK.text) == ANSWER_SENTENCE)
    assert best.answer is not None and best.answer.slice(ATTACK.text) == "37 of the 65 drones"
    check_verbatim(readings)


def test_long_question_and_short_window_still_read(tiny_qa_model: Path) -> None:
    question = analyze_question("How many drones " + "and missiles " * 20 + "were intercepted?")
    readings = QAModelReader(str(tiny_qa_model), max_length=40).read(
        question, passages_for(KYIV, ATTACK)
    )
    assert len(readings) == 6
    check_verbatim(readings)


def test_no_passages_read_nothing_and_load_nothing(tmp_path: Path) -> None:
    assert QAModelReader(str(tmp_path / "absent")).read(QUESTION, []) == []


def test_missing_or_invalid_folder_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        QAModelReader(str(tmp_path / "absent")).warm()
    with pytest.raises(ModelError, match="no question-answering model folder"):
        QAModelReader("").read(QUESTION, passages_for(KYIV))
    with pytest.raises(ModelError, match=r"no config\.json"):
        QAModelReader(str(tmp_path)).warm()
    (tmp_path / "config.json").write_text(json.dumps({"hello": "world"}))
    with pytest.raises(ModelError, match="cannot load QA model"):
        QAModelReader(str(tmp_path)).warm()
