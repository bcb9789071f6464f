"""SQuAD loading, the official answer metrics, sampling, and the SQuAD-style evaluation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.commands import evaluate as evaluate_command
from bot.commands.evaluate import evaluate_squad, index_articles, newsbot_ask
from bot.config.settings import Settings
from evaluation import squad as bot_squad
from evaluation.runner import EvalItem
from evaluation.squad import (
    EVAL_ARTICLES,
    SOURCE,
    GoldItem,
    contains_answer,
    exact_match,
    f1,
    load_squad,
    normalize_answer,
    sample,
)
from evaluation.squad_eval import (
    Attempt,
    QualitySummary,
    format_quality,
    run_questions,
    score_attempt,
    summarize_quality,
)
from index.documents.text import content_id
from tests.index.fakes import FakeEmbedder

NORMANS = "The Normans were the people who gave their name to Normandy, a region in France."
OXYGEN = "Oxygen is a chemical element with symbol O and atomic number 8."
STEAM = "A steam engine is a heat engine that performs mechanical work using steam."


def squad_json(version: str) -> dict[str, Any]:
    v2 = version == "v2.0"
    impossible = {"is_impossible": False} if v2 else {}
    data: list[dict[str, Any]] = [
        {
            "title": "Normans",
            "paragraphs": [
                {
                    "context": NORMANS,
                    "qas": [
                        {
                            "id": "q1",
                            "question": "  In what country is Normandy located? ",
                            "answers": [
                                {"text": "France", "answer_start": 75},
                                {"text": "France", "answer_start": 75},
                                {"text": "in France", "answer_start": 72},
                            ],
                            **impossible,
                        }
                    ],
                },
                {
                    "context": OXYGEN,
                    "qas": [
                        {
                            "id": "q2",
                            "question": "What is the atomic number of oxygen?",
                            "answers": [{"text": "8", "answer_start": 61}],
                            **impossible,
                        }
                    ],
                },
            ],
        },
        {
            "title": "Steam_engine",
            "paragraphs": [{"context": STEAM, "qas": []}],
        },
    ]
    if v2:
        data[0]["paragraphs"][0]["qas"].append(
            {
                "id": "q3",
                "question": "Who named Normandy in the year 3000?",
                "answers": [],
                "plausible_answers": [{"text": "The Normans", "answer_start": 0}],
                "is_impossible": True,
            }
        )
    return {"version": version, "data": data}


def write(tmp_path: Path, version: str) -> Path:
    path = tmp_path / f"dev-{version}.json"
    path.write_text(json.dumps(squad_json(version)), encoding="utf-8")
    return path


def test_load_v2_paragraphs_become_articles(tmp_path: Path) -> None:
    docs, golds = load_squad(write(tmp_path, "v2.0"))
    assert [d.origin for d in docs] == [
        "squad:Normans#0",
        "squad:Normans#1",
        "squad:Steam_engine#0",
    ]
    steam = docs[2]
    assert (steam.title, steam.source, steam.date, steam.text) == (
        "Steam engine",
        SOURCE,
        None,
        STEAM,
    )
    assert steam.id == content_id(STEAM) and not steam.title_derived
    q1, q3, q2 = golds
    assert q1.item == EvalItem(
        "In what country is Normandy located?", ("France", "in France"), "en", "answerable"
    )
    assert (q1.doc, q1.qid) == (docs[0].id, "q1")
    assert q3.item.answers == () and q3.item.kind == "unanswerable" and q3.doc == docs[0].id
    assert q2.doc == docs[1].id and q2.item.answers == ("8",)


def test_load_v1_and_article_filter(tmp_path: Path) -> None:
    docs, golds = load_squad(write(tmp_path, "v1.1"), articles={"Steam_engine"})
    assert [d.title for d in docs] == ["Steam engine"] and golds == []
    docs, golds = load_squad(write(tmp_path, "v1.1"), articles=None)
    assert len(docs) == 3 and all(g.item.kind == "answerable" for g in golds)


def test_eval_articles_are_the_split() -> None:
    assert len(EVAL_ARTICLES) == 12
    assert {"Normans", "Sky_(United_Kingdom)", "1973_oil_crisis"} <= EVAL_ARTICLES


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("The Quick, Brown fox!", "quick brown fox"),
        ("  an apple   a day ", "apple day"),
        ("Theory of the state", "theory of state"),
        ("U.S.-based", "usbased"),
    ],
)
def test_normalize_answer(text: str, normal: str) -> None:
    assert normalize_answer(text) == normal


def test_exact_match_and_f1_official_examples() -> None:
    assert exact_match("the Denver Broncos", ["Denver Broncos", "Broncos"]) == 1.0
    assert exact_match("Denver", ["Denver Broncos"]) == 0.0
    assert f1("Denver Broncos", ["Denver Broncos", "Broncos"]) == 1.0
    assert f1("the Broncos of Denver", ["Denver Broncos"]) == pytest.approx(0.8)
    assert f1("Carolina Panthers", ["Denver Broncos"]) == 0.0
    assert f1("Broncos", ["Denver Broncos", "Panthers"]) == pytest.approx(2 / 3)


def test_no_answer_scoring() -> None:
    assert exact_match(None, []) == 1.0 and f1("", []) == 1.0
    assert exact_match("France", []) == 0.0 and f1("France", []) == 0.0
    assert exact_match(None, ["France"]) == 0.0 and f1(None, ["France"]) == 0.0
    assert exact_match("", ["!!!"]) == 1.0  # golds that normalise to nothing mean no answer


def test_contains_answer_on_whole_tokens() -> None:
    assert contains_answer("Air defenses shot down 37 of the 65 drones.", ["37"])
    assert not contains_answer("They shot down 370 drones.", ["37"])
    assert contains_answer("The firms: 3,000 of them.", ["3,000"])
    assert not contains_answer(None, ["37"]) and not contains_answer("anything", [])


def test_sample_is_deterministic_and_ordered() -> None:
    items = list(range(100))
    first = sample(items, 10, seed=7)
    assert first == sample(items, 10, seed=7) == sorted(first) and len(first) == 10
    assert first != sample(items, 10, seed=8)
    assert sample(items, None, seed=7) == items == sample(items, 500, seed=1)


def gold(answers: tuple[str, ...], doc: str | None = "p1") -> GoldItem:
    return GoldItem(EvalItem("q?", answers, "en", "answerable" if answers else "unanswerable"), doc)


def test_score_attempt_ranks_distinct_documents() -> None:
    attempt = Attempt("France", "Normandy, a region in France.", 12.0, ("p2", "p2", "p1"), 0.7)
    r = score_attempt(gold(("France",)), attempt)
    assert (r.em, r.f1, r.in_first_quote, r.gold_rank, r.answered) == (1.0, 1.0, True, 2, True)
    mapped = score_attempt(gold(("France",), "file_b"), attempt, {"p1": "file_b"}.get)
    assert mapped.gold_rank == 1  # p2 maps to no document
    missing = score_attempt(gold(("France",), "p9"), attempt)
    assert missing.gold_rank is None


def test_summary_figures() -> None:
    results = [
        score_attempt(gold(("France",)), Attempt("in France", "in France.", 10.0, ("p1",))),
        score_attempt(gold(("8",)), Attempt(None, None, 20.0, ("p3", "p4", "p5", "p6", "p1"))),
        score_attempt(gold(()), Attempt(None, None, 30.0)),
        score_attempt(gold((), None), Attempt("Normans", "The Normans.", 40.0)),
    ]
    s = summarize_quality(results)
    assert (s.total, s.answerable, s.unanswerable) == (4, 2, 2)
    assert s.in_quote_accuracy == 0.5
    assert s.em == 0.0 and s.f1 == pytest.approx(1 / 3)  # "in France" vs "France": F1 2/3
    assert s.official_em == pytest.approx(1 / 4)  # the right decline
    assert s.decline_precision == 0.5 and s.decline_recall == 0.5
    assert s.with_doc == 3 and s.recall_at(1) == pytest.approx(1 / 3)
    assert s.recall_at(5) == pytest.approx(2 / 3)
    assert s.percentile(50) == 25.0
    text = format_quality(s, title="tiny")
    assert "answer in first quote: 1/2 = 50.0%" in text and "recall@1: 33.3%" in text


def test_empty_summary_is_undefined_not_zero() -> None:
    s = QualitySummary()
    assert s.em is None and s.decline_precision is None and s.recall_at(5) is None
    assert "n/a" in format_quality(s)


def test_newsbot_over_cached_squad_index(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]
    docs, golds = load_squad(write(tmp_path, "v2.0"))
    embedder = FakeEmbedder()
    components, note = index_articles(settings, embedder, docs)
    assert note.startswith("indexed 3 articles")
    results = run_questions(golds, newsbot_ask(components))
    assert results[0].gold_rank == 1  # the Normandy paragraph is found first
    assert all(r.latency_ms >= 0 for r in results)
    again, note = index_articles(settings, embedder, docs)
    assert note.startswith("using cached index") and len(again.store) == len(components.store)


def test_evaluate_squad_prints_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(bot_squad, "EVAL_ARTICLES", frozenset({"Normans"}))
    monkeypatch.setattr(evaluate_command, "configured_embedder", lambda _s: FakeEmbedder())
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]
    path = write(tmp_path, "v2.0")
    code = evaluate_squad(settings, path, limit=2, seed=0, all_articles=True)
    out = capsys.readouterr().out
    assert code == 0
    assert "indexed 3 articles" in out and "3 paragraphs of all articles" in out
    assert "questions: 2 (" in out and "gold passage recall@1" in out
