"""Each training command runs end to end on a tiny slice: data from the SQuAD training
articles, a few optimisation steps, validation, and a saved model the runtime loads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from answering.model_files import META, load_model
from answering.question import analyze_question
from answering.readers.span import SpanWindow, TrainedSpanReader
from answering.rerankers.base import SentenceCandidate
from answering.rerankers.trained import TrainedReranker
from bot.cli import main
from index.types import Span
from tests.training.test_data import SQUAD

TINY = ["--limit", "48", "--epochs", "1", "--batch-size", "8", "--threads", "2"]


def _train(which: str, out: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code = main(["train", which, "--squad", str(SQUAD), "--out", str(out), *TINY])
    assert code == 0
    printed: dict[str, Any] = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed["out"] == str(out)
    assert printed["steps"] >= 1 and printed["seconds"] > 0
    return printed


def test_train_reranker_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    printed = _train("reranker", tmp_path / "rr", capsys)
    assert 0.0 <= printed["answer_sentence_accuracy"] <= 1.0
    meta = json.loads((tmp_path / "rr" / META).read_text())
    assert meta["task"] == "rerank" and meta["recipe"]["seed"] == 13
    assert meta["data"]["questions"] + meta["data"]["validation_questions"] == 48
    card = (tmp_path / "rr" / "README.md").read_text()
    assert "CC BY-SA 4.0" in card and "newsbot train reranker" in card
    assert meta["context"] == ["title", "previous"]
    reranker = TrainedReranker(tmp_path / "rr")
    scores = reranker.rerank(
        analyze_question("How many drones were shot down?"),
        [SentenceCandidate("37 of the 65 drones were shot down.", "", ("a", 0, 1), "Attack")],
    )
    assert len(scores) == 1 and 0.0 <= scores[0] <= 1.0


def test_train_reader_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    printed = _train("reader", tmp_path / "rd", capsys)
    assert 0.0 <= printed["f1"] <= 1.0
    assert load_model(tmp_path / "rd", "span").meta["task"] == "span"
    text = "Russia launched an attack. The air force said 37 of the 65 drones were shot down."
    window = SpanWindow(text, Span(0, len(text)), Span(27, len(text)))
    [result] = TrainedSpanReader(tmp_path / "rd").spans(
        analyze_question("How many drones were shot down?"), [window]
    )
    assert result.no_answer is not None and 0.0 <= result.no_answer <= 1.0
    if result.span is not None:  # a barely trained model may or may not find one
        assert 27 <= result.span.start < result.span.end <= len(text)


def test_the_same_seed_gives_the_same_training_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from training.data import training_questions

    a = training_questions(SQUAD, limit=48, seed=13)
    b = training_questions(SQUAD, limit=48, seed=13)
    assert [q.qid for q in a] == [q.qid for q in b]
    assert [q.qid for q in a] != [q.qid for q in training_questions(SQUAD, limit=48, seed=14)]
