"""``newsbot eval``: a question set over a corpus folder indexed once into the eval cache, and
SQuAD over its open corpus (the fake embedder stands in for the configured one)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.commands import evaluate as evaluate_command
from bot.commands.evaluate import evaluate, evaluate_squad, index_articles, newsbot_ask
from bot.config.settings import Settings
from evaluation import squad as bot_squad
from evaluation.squad import load_squad
from evaluation.squad_eval import run_questions
from tests.evaluation.squad_files import write
from tests.index.fakes import FakeEmbedder

DRONES = "Air defenses shot down 37 of the 65 drones over the Kyiv region on Tuesday night."
HARBOUR = "The harbour repairs will finish in May, ahead of the storm season, the council said."


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setattr(evaluate_command, "configured_embedder", lambda _s: FakeEmbedder())
    return Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]


def question_set(tmp_path: Path) -> tuple[Path, Path]:
    """(a corpus folder of two articles, a question set over it naming one absent file)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "drones.txt").write_text(f" title Drones\n\n{DRONES}\n", encoding="utf-8")
    (corpus / "harbour.txt").write_text(f" title Harbour\n\n{HARBOUR}\n", encoding="utf-8")
    rows = [
        {"q": "How many drones were shot down?", "answers": ["37"], "doc": "drones"},
        {"q": "When will the harbour repairs finish?", "answers": ["May"], "doc": "harbour"},
        {"q": "Who won the cup final?", "answers": ["Dynamo"], "doc": "football"},
    ]
    questions = tmp_path / "set.jsonl"
    questions.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return corpus, questions


def test_evaluate_indexes_the_corpus_once_then_uses_the_cache(
    tmp_path: Path, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus, questions = question_set(tmp_path)
    assert evaluate(settings, questions, corpus=corpus, show_failures=True) == 0
    first = capsys.readouterr().out.splitlines()
    assert first[1].startswith("indexing time: ") and first[1].endswith(" chunks)")
    assert first[2] == f"1 gold docs not in {corpus}: football"
    assert any(line.startswith("== set.jsonl") for line in first)
    assert "questions: 3 (3 answerable, 0 unanswerable)" in first
    assert evaluate(settings, questions, corpus=corpus, show_failures=False) == 0
    again = capsys.readouterr().out.splitlines()
    assert again[0].startswith(f"using cached index {settings.data_dir / 'eval-cache'}")
    assert again[1] == first[2] and "questions: 3 (3 answerable, 0 unanswerable)" in again
    assert len(again) < len(first)  # without the failures


def test_newsbot_over_cached_squad_index(tmp_path: Path, settings: Settings) -> None:
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
    tmp_path: Path,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(bot_squad, "EVAL_ARTICLES", frozenset({"Normans"}))
    path = write(tmp_path, "v2.0")
    code = evaluate_squad(settings, path, limit=2, seed=0, all_articles=True)
    out = capsys.readouterr().out
    assert code == 0
    assert "indexed 3 articles" in out and "3 paragraphs of all articles" in out
    assert "questions: 2 (" in out and "gold passage recall@1" in out
