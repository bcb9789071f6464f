"""The PostgreSQL server goes away and comes back: every call meanwhile is a typed error with a
safe message, and the same store object (its search, BM25 view and sentence table) answers
again once the server is back, with no reopening."""

from __future__ import annotations

from contextlib import closing

import numpy as np
import pytest

from index.errors import StoreError, StoreUnavailableError
from index.lexical import LexicalIndex
from index.search import HybridSearcher
from index.store.postgres import PostgresStore
from tests.index.conftest import DIM, ELECTION, FLOOD, MARKET, MODEL, make_item
from tests.index.fakes import FakeEmbedder
from tests.servers import PostgresServer

pytestmark = pytest.mark.postgres


def test_an_outage_is_an_apology_and_the_store_reconnects_when_the_server_is_back(
    own_postgres: PostgresServer, embedder: FakeEmbedder
) -> None:
    url = own_postgres.create_database()
    store = PostgresStore.open(url, MODEL, DIM, pool_size=2, wait_s=2.0)
    lexical = LexicalIndex(store)
    searcher = HybridSearcher(store, embedder, lexical, k=3)
    try:
        store.upsert(*make_item(embedder, ELECTION))
        store.sentence_vectors.put_many([("k", np.ones(DIM, np.float32))])
        assert searcher.search("election turnout")[0].chunk.article_id == ELECTION.id

        own_postgres.crash()

        with pytest.raises(StoreUnavailableError) as refused:
            searcher.search("election turnout")
        assert refused.value.user_message.startswith("Sorry, the article database cannot be")
        with pytest.raises(StoreUnavailableError):
            _ = store.generation  # (what each question's cache key and BM25 view read first)
        with pytest.raises(StoreUnavailableError):
            store.upsert(*make_item(embedder, MARKET))
        store.sentence_vectors.put_many([("lost", np.ones(DIM, np.float32))])  # logged only

        own_postgres.start_again()
        # Another process writes while this one holds the connections the crash broke.
        with closing(PostgresStore.open(url, MODEL, DIM)) as other:
            assert other.generation == 1, "the crash kept the committed article, lost no write"
            other.upsert(*make_item(embedder, FLOOD))

        passages = searcher.search("rescue teams evacuated residents")
        assert passages[0].chunk.article_id == FLOOD.id
        assert lexical.generation == store.generation == 2
        assert store.sentence_vectors.get_many(["k", "lost"]).keys() == {"k"}
        assert store.upsert(*make_item(embedder, MARKET)) == "added"
    finally:
        store.close()


def test_a_closed_store_says_so(postgres_url: str) -> None:
    store = PostgresStore.open(postgres_url, MODEL, DIM)
    store.close()
    with pytest.raises(StoreError, match="closed") as closed:
        _ = store.generation
    assert not isinstance(closed.value, StoreUnavailableError)
