"""What only the PostgreSQL store promises: schema versions, several writers and readers at once,
crashes mid-transaction, change notifications and full-text search."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import closing

import numpy as np
import psycopg
import pytest

from index.chunking import ChunkingOptions
from index.errors import IndexCorruptError, IndexSchemaError, IndexSettingsMismatchError
from index.store import postgres_schema, recipe
from index.store.postgres import PostgresStore
from tests.conftest import REPO_ROOT, clean_environ
from tests.index.conftest import DIM, ELECTION, FLOOD, MARKET, MODEL, make_article, make_item
from tests.index.fakes import FakeEmbedder

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(postgres_url: str) -> Iterator[PostgresStore]:
    store = PostgresStore.open(postgres_url, MODEL, DIM)
    yield store
    store.close()


def _set_version(url: str, version: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE meta SET value = %s WHERE key = 'schema_version'", (str(version),))


def test_a_newer_schema_is_refused_with_what_to_do(pg: PostgresStore, postgres_url: str) -> None:
    pg.close()
    _set_version(postgres_url, postgres_schema.SCHEMA_VERSION + 1)

    with pytest.raises(IndexSchemaError, match="newer than the version this newsbot knows") as e:
        PostgresStore.open(postgres_url, MODEL, DIM)

    assert "upgrade newsbot" in str(e.value)
    assert e.value.params == {
        "found": str(postgres_schema.SCHEMA_VERSION + 1),
        "expected": postgres_schema.SCHEMA_VERSION,
    }
    assert e.value.user_message == "The article database has schema 4; newsbot needs 3."


def test_an_older_schema_without_a_migration_names_the_step(
    pg: PostgresStore, postgres_url: str
) -> None:
    pg.close()
    _set_version(postgres_url, 0)

    with pytest.raises(IndexSchemaError, match="older than") as e:
        PostgresStore.open(postgres_url, MODEL, DIM)

    assert "point NEWSBOT_STORE__URL at an empty database" in str(e.value)


def test_a_database_with_other_tables_of_these_names_is_refused(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE articles (id integer)")

    with pytest.raises(IndexCorruptError, match="not a newsbot database"):
        PostgresStore.open(postgres_url, MODEL, DIM)


def test_a_commit_is_notified_with_the_new_generation(
    pg: PostgresStore, postgres_url: str, embedder: FakeEmbedder
) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as listener:
        listener.execute(f"LISTEN {postgres_schema.CHANNEL}")
        pg.upsert(*make_item(embedder, ELECTION))
        pg.upsert(*make_item(embedder, ELECTION))  # skipped: no change, no notice
        pg.remove(ELECTION.id)

        notices = list(listener.notifies(timeout=5.0, stop_after=2))

    assert [(n.channel, n.payload) for n in notices] == [
        (postgres_schema.CHANNEL, "1"),
        (postgres_schema.CHANNEL, "2"),
    ]


_CRASH = """
import os, sys
import psycopg
from pgvector.psycopg import register_vector
from tests.index.fakes import FakeEmbedder
from index.store import postgres_writes
from index.store.postgres_schema import WRITE_LOCK
from tests.index.conftest import DIM, MODEL, MARKET, make_item

conn = psycopg.connect(sys.argv[1])
register_vector(conn)
conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
article, chunks, vectors = make_item(FakeEmbedder(dim=DIM, name=MODEL), MARKET)
postgres_writes.write_article(conn, article, chunks, vectors)
conn.execute("UPDATE meta SET value = '99' WHERE key = 'generation'")
print("written", flush=True)
os._exit(9)  # dies mid-transaction: no commit, no goodbye to the server
"""


def test_a_writer_that_dies_mid_transaction_leaves_the_committed_articles_whole(
    pg: PostgresStore, postgres_url: str, embedder: FakeEmbedder
) -> None:
    pg.upsert_many([make_item(embedder, ELECTION), make_item(embedder, FLOOD)])

    crash = subprocess.run(
        [sys.executable, "-c", _CRASH, postgres_url],
        cwd=REPO_ROOT,
        env=clean_environ() | {"PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert (crash.returncode, crash.stdout) == (9, "written\n"), crash.stderr
    assert pg.generation == 1
    assert {info.id for info in pg.articles()} == {ELECTION.id, FLOOD.id}
    assert not pg.has_content(MARKET.id)
    assert len(pg) == 4
    assert pg.upsert(*make_item(embedder, MARKET)) == "added"  # the lock died with it


def test_a_connection_closed_without_commit_writes_nothing(
    pg: PostgresStore, postgres_url: str, embedder: FakeEmbedder
) -> None:
    pg.upsert(*make_item(embedder, ELECTION))
    conn = psycopg.connect(postgres_url)
    conn.execute("DELETE FROM articles")
    conn.close()

    assert [info.id for info in pg.articles()] == [ELECTION.id]
    assert pg.article_vectors(ELECTION.id)[1].shape == (2, DIM)


def test_the_same_article_upserted_from_two_threads_at_once_is_stored_once(
    postgres_url: str, embedder: FakeEmbedder
) -> None:
    stores = [PostgresStore.open(postgres_url, MODEL, DIM) for _ in range(2)]
    articles = [
        make_article(f"Breaking: item {n} of the wire.", origin=f"/w/{n}") for n in range(5)
    ]
    statuses: list[list[str]] = [[], []]
    start = threading.Barrier(2)

    def ingest(worker: int) -> None:
        for article in articles:
            start.wait()
            statuses[worker].append(stores[worker].upsert(*make_item(embedder, article)))

    try:
        threads = [threading.Thread(target=ingest, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(info.id for info in stores[0].articles()) == sorted(a.id for a in articles)
        assert len(stores[1]) == len(articles)
        assert stores[0].generation == len(articles)
    finally:
        for store in stores:
            store.close()
    assert [sorted(pair) for pair in zip(*statuses, strict=True)] == [["added", "skipped"]] * len(
        articles
    )


def test_full_text_search_finds_stemmed_words_in_text_and_title(
    pg: PostgresStore, embedder: FakeEmbedder
) -> None:
    pg.upsert_many([make_item(embedder, article) for article in (ELECTION, FLOOD, MARKET)])

    hits = pg.lexical_search("Who was evacuating residents?", 5)
    assert hits[0][0] == f"{FLOOD.id}:1"
    assert all(score > 0 for _, score in hits)
    assert [score for _, score in hits] == sorted((score for _, score in hits), reverse=True)
    assert {key for key, _ in pg.lexical_search("Freedonia votes", 5)} == {
        f"{ELECTION.id}:0",
        f"{ELECTION.id}:1",
    }
    assert pg.lexical_search("the of and", 5) == []
    assert pg.lexical_search("rain", 0) == []
    assert pg.lexical_search("   ", 5) == []


def test_dense_search_returns_more_than_the_default_candidate_list(
    pg: PostgresStore, embedder: FakeEmbedder
) -> None:
    items = [make_item(embedder, make_article(f"Short note number {n}.")) for n in range(150)]
    pg.upsert_many(items)
    query = embedder.embed(["note"], kind="query")[0]

    hits = pg.search(query, 140)

    assert len({key for key, _ in hits}) == len(hits) == 140
    assert pg.search(query, 10) == hits[:10]


def test_a_version_1_schema_gets_the_sentence_table_in_place(
    pg: PostgresStore, postgres_url: str, embedder: FakeEmbedder
) -> None:
    pg.upsert(*make_item(embedder, ELECTION))
    pg.close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("DROP TABLE sentence_vectors")
    _set_version(postgres_url, 1)

    with closing(PostgresStore.open(postgres_url, MODEL, DIM)) as again:
        assert again.get_article(ELECTION.id) == ELECTION
        again.sentence_vectors.put_many([("k", np.ones(DIM, np.float32))])
        assert again.sentence_vectors.get_many(["k"]).keys() == {"k"}
    assert _meta(postgres_url)["schema_version"] == str(postgres_schema.SCHEMA_VERSION) == "3"


def test_the_chunking_recipe_is_recorded_and_recorded_where_it_lacks(
    pg: PostgresStore, postgres_url: str
) -> None:
    meta = _meta(postgres_url)
    assert (meta["chunk_max_chars"], meta["chunk_overlap"]) == ("700", "1")
    assert meta["index_format"] == str(recipe.INDEX_FORMAT)
    assert meta["newsbot_version"] == recipe.newsbot_version()
    pg.close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:  # as the first schema left it
        conn.execute("DELETE FROM meta WHERE key = ANY(%s)", (list(recipe.KEYS),))

    wide = ChunkingOptions(max_chars=1200, overlap=2)
    PostgresStore.open(postgres_url, MODEL, DIM, chunking=wide).close()

    meta = _meta(postgres_url)
    assert (meta["chunk_max_chars"], meta["chunk_overlap"]) == ("1200", "2")
    assert meta["newsbot_version"] == "unknown"
    with pytest.raises(IndexSettingsMismatchError, match="point NEWSBOT_STORE__URL at an empty"):
        PostgresStore.open(postgres_url, MODEL, DIM)


def _meta(url: str) -> dict[str, str]:
    with psycopg.connect(url, autocommit=True) as conn:
        return {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM meta").fetchall()}


def test_the_hnsw_candidates_a_search_visits_are_the_stores_setting(postgres_url: str) -> None:
    with closing(PostgresStore.open(postgres_url, MODEL, DIM, ef_search=250)) as store:
        store.upsert(*make_item(FakeEmbedder(DIM), ELECTION))
        with store._pool.connection() as conn:  # the setting lives on each pooled connection
            shown = conn.execute("SHOW hnsw.ef_search").fetchone()
        assert shown == ("250",)
        hits = store.search(FakeEmbedder(DIM).embed([ELECTION.text])[0], 1)
        assert [key.split(":")[0] for key, _ in hits] == [ELECTION.id]
