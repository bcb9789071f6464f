"""``NEWSBOT_STORE__URL`` and ``NEWSBOT_SEARCH__LEXICAL``: the pipeline over a PostgreSQL store."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Literal

import pytest
from pydantic import SecretStr

from bot.config.index import SearchSettings
from bot.config.settings import Settings
from bot.config.store import StoreSettings
from bot.factory import Components, build_components, ensure_corpus
from index.lexical import LexicalIndex
from index.store.postgres import PostgresStore
from index.store.postgres_lexical import PostgresLexical
from index.types import IngestReport
from tests.conftest import REPO_ROOT, SAMPLE_ARTICLE, ingest_into
from tests.index.fakes import FakeEmbedder


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("kind", "lexical"), [("bm25", LexicalIndex), ("postgres", PostgresLexical)]
)
def test_a_postgresql_url_builds_the_pipeline_over_that_database(
    postgres_url: str, tmp_path: Path, kind: Literal["bm25", "postgres"], lexical: type[object]
) -> None:
    settings = Settings(
        store=StoreSettings(url=SecretStr(postgres_url)),
        search=SearchSettings(lexical=kind),
        data_dir=tmp_path,
    )
    embedder = FakeEmbedder()
    components = build_components(settings, embedder=embedder)
    try:
        assert isinstance(components.store, PostgresStore)
        assert isinstance(components.searcher._lexical, lexical)
        ingest_into(components.store, embedder, [SAMPLE_ARTICLE])

        passages = components.searcher.search("Izyum")

        assert passages
        assert any(passage.lexical_rank is not None for passage in passages)
        assert any(passage.dense_rank is not None for passage in passages)
    finally:
        components.store.close()
    assert not list(tmp_path.rglob("bm25*"))  # nothing of a shared database's state on disk


@pytest.mark.postgres
def test_two_workers_starting_at_once_on_an_empty_database_load_the_corpus_once(
    postgres_url: str, tmp_path: Path
) -> None:
    workers = [
        build_components(
            Settings(store=StoreSettings(url=SecretStr(postgres_url)), data_dir=tmp_path / name),
            embedder=FakeEmbedder(),
        )
        for name in ("one", "two")
    ]
    start = threading.Barrier(len(workers))

    def load(components: Components) -> IngestReport | None:
        start.wait()
        return ensure_corpus(components, progress=False)

    try:
        with ThreadPoolExecutor(len(workers)) as pool:
            reports = list(pool.map(load, workers))

        loaded = [report for report in reports if report is not None]
        assert len(loaded) == 1, "one worker loaded it, the other found it loaded"
        corpus = sorted(path.name for path in (REPO_ROOT / "bot" / "corpus").iterdir())
        assert len(loaded[0].added) == len(corpus)
        for components in workers:
            assert len(components.store.articles()) == len(corpus)
            assert components.store.generation == 1
    finally:
        for components in workers:
            components.store.close()
