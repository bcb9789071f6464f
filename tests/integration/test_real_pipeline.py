"""The real pipeline: packaged MiniLM, FAISS + SQLite store, BM25, the CLI. Runs in CI (~15 s)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.config.answering import ReaderSettings, RerankSettings
from bot.factory import Components, build_components, bundled_corpus, ensure_corpus
from index.documents.parse import read_article_file
from tests.integration.bundled import over_bundled_article

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def components(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Components]:
    # The feature-based stages (the fallback); tests/integration/test_trained_models.py
    # covers the default trained ones.
    with over_bundled_article(
        tmp_path_factory.mktemp("data"),
        rerank=RerankSettings(kind="none"),
        reader=ReaderSettings(span="features"),
    ) as built:
        yield built


def _sample_text() -> str:
    with bundled_corpus() as corpus:
        return read_article_file(corpus / "2025-02-04-izyum.txt", max_bytes=10**6).article.text


def test_founding_question(components: Components) -> None:
    answer = components.answerer.answer("how many drones were intercepted?")
    assert answer.answer is not None and "37" in answer.answer
    quote = answer.quotes[0]
    assert _sample_text()[quote.start : quote.end] == quote.text
    assert "37 of the 65 drones" in quote.text
    assert quote.date is not None and quote.date.isoformat() == "2025-02-04"


@pytest.mark.parametrize(
    "question",
    [
        "What is the weather forecast for Kyiv this week?",
        "How many Russian soldiers were captured?",
        "What is the current price of lithium?",
    ],
)
def test_unanswerable_questions_are_declined(components: Components, question: str) -> None:
    answer = components.answerer.answer(question)
    assert answer.answer is None
    assert answer.quotes == ()
    assert [ref.date.isoformat() for ref in answer.closest if ref.date] == ["2025-02-04"]


def test_reopening_the_index_keeps_the_articles(components: Components) -> None:
    settings = components.settings
    again = build_components(settings, embedder=components.embedder)
    try:
        assert ensure_corpus(again) is None
        assert [a.date.isoformat() for a in again.store.articles() if a.date] == ["2025-02-04"]
    finally:
        again.store.close()


def test_cli_ask_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(
        [
            "--data-dir",
            str(tmp_path / "d"),
            "--log-level",
            "WARNING",
            "ask",
            "--json",
            "how many drones were intercepted?",
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(out) >= {"answer", "quotes", "confidence", "latency_ms"}
    assert "37" in out["answer"]
    quote = out["quotes"][0]
    assert set(quote) >= {"article_id", "title", "date", "source", "text", "start", "end"}
    assert _sample_text()[quote["start"] : quote["end"]] == quote["text"]
    assert quote["date"] == "2025-02-04"

    monkeypatch.setattr(
        "sys.stdin",
        io.StringIO("how many drones were intercepted?\n\n\nWho is the Cherkasy governor?\n"),
    )
    code = main(["--data-dir", str(tmp_path / "d"), "--log-level", "WARNING", "ask", "--json", "-"])
    assert code == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.strip().splitlines()]
    assert len(lines) == 2
    assert "37" in lines[0]["answer"]
    assert "Taburets" in (lines[1]["answer"] or "") + lines[1]["quotes"][0]["text"]


def test_cli_refuses_an_empty_question_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--data-dir", str(tmp_path / "d"), "--log-level", "ERROR", "ask", "--json", "   "])
    assert code == 2
    out = json.loads(capsys.readouterr().out.strip())
    assert out == {"error": "empty_question", "message": "Please ask a question in words."}
