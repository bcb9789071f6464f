"""The feed registry shared by several registry objects (threads, processes, workers) over one
database, on both backends; and the PostgreSQL registry's place in the store's schema."""

from __future__ import annotations

import datetime as dt
import threading
from contextlib import closing

import psycopg
import pytest

from index.errors import IndexSchemaError
from index.feeds.base import FeedRegistry
from index.feeds.feed import Feed
from index.store import postgres_schema
from index.store.postgres import PostgresStore
from index.store.postgres_feeds import PostgresFeedRegistry
from tests.index.conftest import DIM, ELECTION, MODEL, make_item
from tests.index.fakes import FakeEmbedder, MemoryStore
from tests.index.feeds.conftest import Opener
from tests.index.feeds.test_poll import RSS_URL, Poller, item, link, rss, story

T0 = dt.datetime(2025, 2, 4, 12, 0, tzinfo=dt.UTC)
URL = "https://news.example.org/rss.xml"


def test_two_registries_adding_one_url_at_once_make_one_feed(opener: Opener) -> None:
    registries = [opener(), opener()]
    start = threading.Barrier(len(registries) * 2)
    added: list[Feed] = []
    errors: list[BaseException] = []

    def add(registry: FeedRegistry) -> None:
        try:
            start.wait()
            added.append(registry.add(URL, now=T0))
        except BaseException as e:  # surfaced in the test's thread
            errors.append(e)

    threads = [threading.Thread(target=add, args=(r,)) for r in registries * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(added) == 4 and len(set(added)) == 1, "every caller got the one feed"
    assert registries[0].list() == registries[1].list() == [added[0]]


def test_a_feed_added_through_one_registry_is_listed_and_due_in_another(opener: Opener) -> None:
    bot, ingest = opener(), opener()

    feed = bot.add(URL, 60, now=T0)

    assert ingest.list() == [feed] and ingest.due(T0) == [feed]
    assert ingest.find(URL) == ingest.get(feed.id) == feed
    polled = ingest.record_success(feed.id, now=T0, etag='"v1"', last_modified=None)
    assert polled is not None and bot.due(T0) == []
    assert bot.get(feed.id) == polled
    assert bot.remove(feed.id) and ingest.list() == []


def test_an_entry_marked_read_by_two_pollers_is_read_once(opener: Opener) -> None:
    first, second = opener(), opener()
    feed = first.add(URL, now=T0)
    day = T0 - dt.timedelta(days=1)

    first.record_success(feed.id, now=T0, etag=None, last_modified=None, seen=[("e1", None)])
    second.record_success(feed.id, now=T0, etag=None, last_modified=None, seen=[("e1", day)])

    assert first.seen_entries(feed.id, ["e1", "e2"]) == {"e1": day}


def test_a_worker_taking_over_the_polls_reads_no_entry_again(
    opener: Opener, memory_store: MemoryStore, fake_embedder: FakeEmbedder
) -> None:
    before = Poller(opener(), memory_store, fake_embedder)
    sub = before.add(RSS_URL, rss(item("flood")))
    before.page("flood", story("flood"))
    after = Poller(opener(), memory_store, fake_embedder)  # the lease's next holder
    after.fetcher.routes.update(before.fetcher.routes)

    assert before.poll(sub.id).report.added == [link("flood")]
    taken_over = after.poll(sub.id, now=T0 + dt.timedelta(hours=1))

    assert taken_over.ok and taken_over.entries == 0 and taken_over.report.added == []
    assert after.fetcher.urls() == [RSS_URL], "the entry's page is not fetched again"
    assert len(memory_store.articles()) == 1


@pytest.mark.postgres
def test_a_version_2_store_gains_the_feed_tables_in_place(
    postgres_url: str, embedder: FakeEmbedder
) -> None:
    with closing(PostgresStore.open(postgres_url, MODEL, DIM)) as store:
        store.upsert(*make_item(embedder, ELECTION))
    with psycopg.connect(postgres_url, autocommit=True) as conn:  # as schema 2 left it
        conn.execute("DROP TABLE feed_entries, feeds")
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")

    with PostgresFeedRegistry.open(postgres_url) as registry:
        feed = registry.add(URL, now=T0)
        assert registry.list() == [feed]

    assert _version(postgres_url) == str(postgres_schema.SCHEMA_VERSION) == "3"
    with closing(PostgresStore.open(postgres_url, MODEL, DIM)) as store:
        assert store.get_article(ELECTION.id) == ELECTION


@pytest.mark.postgres
def test_feeds_added_before_the_store_was_made_outlive_its_first_open(postgres_url: str) -> None:
    with PostgresFeedRegistry.open(postgres_url) as registry:
        feed = registry.add(URL, now=T0)

    PostgresStore.open(postgres_url, MODEL, DIM).close()

    assert _version(postgres_url) == "3"
    with PostgresFeedRegistry.open(postgres_url) as registry:
        assert registry.list() == [feed]


@pytest.mark.postgres
def test_the_registry_refuses_a_newer_schema(postgres_url: str) -> None:
    PostgresStore.open(postgres_url, MODEL, DIM).close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")

    with pytest.raises(IndexSchemaError, match="newer than the version this newsbot knows") as e:
        PostgresFeedRegistry.open(postgres_url)

    assert e.value.user_message == "The article database has schema 4; newsbot needs 3."


def _version(url: str) -> str:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    assert row is not None
    return str(row[0])
