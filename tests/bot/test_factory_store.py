"""``NEWSBOT_STORE__URL`` and ``NEWSBOT_SEARCH__LEXICAL``: the pipeline over a PostgreSQL store."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pytest
from pydantic import SecretStr

from bot.config.index import SearchSettings
from bot.config.settings import Settings
from bot.config.store import StoreSettings
from bot.factory import build_components
from index.lexical import LexicalIndex
from index.store.postgres import PostgresStore
from index.store.postgres_lexical import PostgresLexical
from tests.conftest import SAMPLE_ARTICLE, ingest_into
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
