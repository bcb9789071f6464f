"""bench.answer_backends at a tiny size on a real PostgreSQL: the same questions over both
stores, timed, with the replies compared."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.answer_backends import cached_index, report, run
from bot.config.answering import ReaderSettings
from bot.config.settings import Settings
from tests.conftest import SAMPLE_ARTICLE
from tests.index.fakes import FakeEmbedder

ARTICLES = {
    "budget.txt": " title Budget vote\n date 2025-03-01\n\nParliament passed the budget by "
    "212 votes to 190 on Tuesday. The finance minister said spending on schools rises by "
    "4%.\n\nThe opposition called the vote rushed.",
    "storm.txt": " title Storm hits coast\n date 2025-03-02\n\nA storm cut power to 30,000 homes "
    "on the northern coast. Engineers expect to restore supply within two days.",
}
QUESTIONS = ["How many votes did the budget get?", "How many homes lost power?"]


@pytest.mark.postgres
def test_both_stores_answer_every_question_alike(tmp_path: Path, postgres_url: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / SAMPLE_ARTICLE.name).write_bytes(SAMPLE_ARTICLE.read_bytes())
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text)
    settings = Settings(data_dir=tmp_path / "data", reader=ReaderSettings(span="features"))
    embedder = FakeEmbedder()
    source, titles = cached_index(settings, embedder, corpus)
    assert len(titles) == 3 and {"Budget vote", "Storm hits coast"} < set(titles)
    assert cached_index(settings, embedder, corpus)[0] == source  # (indexed once)

    sets = [("dev", QUESTIONS), ("titles", ["Storm hits coast"])]
    backends = run(settings, embedder, source, sets, url=postgres_url, rounds=2)
    assert [b.name for b in backends] == ["SQLite + FAISS", "PostgreSQL + pgvector"]
    for backend in backends:
        assert len(backend.first_ms) == len(backend.replies) == 3
        assert len(backend.repeated_ms) == 3
        assert {"search", "read"} <= backend.stages.keys()
    sqlite, postgres = backends
    assert sqlite.replies == postgres.replies  # (three chunks: HNSW finds them all)
    assert sqlite.replies[0] != sqlite.replies[1]
    lines = report(backends, sets).splitlines()
    assert lines[2].startswith("| SQLite + FAISS | p50 ") and "(n=3)" in lines[2]
    assert lines[-2:] == [
        "dev: the same reply from both stores for 2/2 questions",
        "titles: the same reply from both stores for 1/1 questions",
    ]
