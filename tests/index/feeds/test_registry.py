"""The feed registry's contract, over SQLite and PostgreSQL: subscriptions, seen entries and
back-off, persisted."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from index.errors import StoreError, UrlRefusedError
from index.feeds.base import FeedRegistry
from index.feeds.registry import SqliteFeedRegistry, registry_path
from tests.index.feeds.conftest import Opener

T0 = dt.datetime(2025, 2, 4, 12, 0, tzinfo=dt.UTC)
URL = "https://news.example.org/rss.xml"


def after(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_a_new_feed_is_due_at_once_and_persists(opener: Opener) -> None:
    with opener() as reg:
        feed = reg.add(f"  {URL} ", now=T0)
        assert (feed.id, feed.url, feed.interval_s, feed.failures) == (1, URL, None, 0)
        assert feed.added_at == T0 and feed.next_poll_at == T0
        assert feed.last_polled_at is None and feed.last_error is None and feed.title is None
        assert reg.due(T0) == [feed]
    with opener() as again:
        assert again.list() == [feed]
        assert again.get(1) == feed
        assert again.find(URL) == feed
        assert again.get(2) is None


def test_the_same_url_twice_is_one_feed(registry: FeedRegistry) -> None:
    first = registry.add(URL, now=T0)
    second = registry.add(URL, 3600, now=after(60))
    assert second == first, "the existing feed, unchanged"
    other = registry.add("https://news.example.org/atom.xml", 3600, now=T0)
    assert other.id == 2 and other.interval_s == 3600
    assert [f.url for f in registry.list()] == [URL, other.url]


@pytest.mark.parametrize("url", ["ftp://example.org/feed", "file:///etc/passwd", "feed", ""])
def test_only_http_urls_are_feeds(registry: FeedRegistry, url: str) -> None:
    with pytest.raises(UrlRefusedError) as caught:
        registry.add(url, now=T0)
    assert caught.value.user_message == "This URL is not allowed: a feed must be an http(s) URL."
    assert registry.list() == []


def test_an_interval_under_ten_seconds_is_refused(registry: FeedRegistry) -> None:
    with pytest.raises(ValueError, match="at least 10 seconds"):
        registry.add(URL, 5, now=T0)
    assert registry.list() == []


def test_remove_forgets_the_feed_and_its_entries(registry: FeedRegistry) -> None:
    feed = registry.add(URL, now=T0)
    registry.record_success(feed.id, now=T0, etag=None, last_modified=None, seen=[("e1", None)])
    assert registry.remove(feed.id) is True
    assert registry.remove(feed.id) is False
    assert registry.list() == [] and registry.get(feed.id) is None
    again = registry.add(URL, now=T0)
    assert again.id == 2, "ids are not reused"
    assert registry.seen_entries(again.id, ["e1"]) == {}
    assert registry.record_success(feed.id, now=T0, etag="x", last_modified=None) is None
    assert registry.record_failure(feed.id, now=T0, error="gone") is None


def test_success_stores_the_validators_and_schedules_the_next_poll(
    registry: FeedRegistry,
) -> None:
    feed = registry.add(URL, now=T0)
    fast = registry.add("https://example.org/fast.xml", 60, now=T0)
    done = registry.record_success(
        feed.id,
        now=after(5),
        etag='"v1"',
        last_modified="Tue, 04 Feb 2025 12:00:00 GMT",
        title="Example News",
    )
    assert done is not None
    assert (done.etag, done.last_modified, done.title) == (
        '"v1"',
        "Tue, 04 Feb 2025 12:00:00 GMT",
        "Example News",
    )
    assert done.last_polled_at == done.last_ok_at == after(5)
    assert done.next_poll_at == after(905)
    registry.record_success(fast.id, now=after(5), etag=None, last_modified=None)
    assert registry.due(after(64)) == []
    assert [f.id for f in registry.due(after(65))] == [fast.id]
    assert [f.id for f in registry.due(after(905))] == [fast.id, feed.id]
    kept = registry.record_success(feed.id, now=after(6), etag=None, last_modified=None)
    assert kept is not None and kept.title == "Example News", "a poll without a title keeps it"


def test_failures_back_off_exponentially_up_to_the_cap(registry: FeedRegistry) -> None:
    feed = registry.add(URL, now=T0)
    waits = []
    for n in range(1, 7):
        failed = registry.record_failure(feed.id, now=T0, error=f"problem {n}")
        assert failed is not None
        assert (failed.failures, failed.last_error, failed.last_polled_at) == (
            n,
            f"problem {n}",
            T0,
        )
        waits.append((failed.next_poll_at - T0).total_seconds())
    assert waits == [1800, 3600, 7200, 14400, 21600, 21600]
    assert registry.due(after(21599)) == []
    ok = registry.record_success(feed.id, now=after(30), etag=None, last_modified=None)
    assert ok is not None
    assert (ok.failures, ok.last_error, ok.last_ok_at) == (0, None, after(30))
    assert ok.next_poll_at == after(930)


def test_seen_entries_remember_their_dates(registry: FeedRegistry) -> None:
    feed = registry.add(URL, now=T0)
    day1, day2 = after(-86400), after(-3600)
    registry.record_success(
        feed.id, now=T0, etag=None, last_modified=None, seen=[("a", day1), ("b", None)]
    )
    assert registry.seen_entries(feed.id, ["a", "b", "c"]) == {"a": day1, "b": None}
    registry.record_success(
        feed.id, now=after(60), etag=None, last_modified=None, seen=[("a", day2)]
    )
    assert registry.seen_entries(feed.id, ["a"]) == {"a": day2}
    other = registry.add("https://example.org/other.xml", now=T0)
    assert registry.seen_entries(other.id, ["a", "b"]) == {}
    many = [f"k{i}" for i in range(1200)]
    registry.record_success(
        other.id, now=T0, etag=None, last_modified=None, seen=[(k, None) for k in many]
    )
    assert len(registry.seen_entries(other.id, [*many, "nope"])) == 1200


def test_a_failed_write_changes_nothing(registry: FeedRegistry) -> None:
    feed = registry.add(URL, now=T0)
    bad = [("a", None), (None, None)]  # a NULL key breaks the insert after the update ran
    with pytest.raises((sqlite3.IntegrityError, StoreError)):
        registry.record_success(
            feed.id,
            now=after(5),
            etag='"v2"',
            last_modified=None,
            seen=bad,  # type: ignore[arg-type]
        )
    assert registry.get(feed.id) == feed
    assert registry.seen_entries(feed.id, ["a"]) == {}
    registry.record_failure(feed.id, now=after(6), error="still usable")
    assert registry.get(feed.id).failures == 1  # type: ignore[union-attr]


def test_a_naive_time_is_taken_as_utc(registry: FeedRegistry) -> None:
    feed = registry.add(URL, now=dt.datetime(2025, 2, 4, 12, 0))
    assert feed.added_at == T0


def test_the_sqlite_registry_is_a_file_in_the_data_directory(tmp_path: Path) -> None:
    with SqliteFeedRegistry(registry_path(tmp_path)) as reg:
        reg.add(URL, now=T0)
    assert (tmp_path / "feeds.sqlite").is_file()


def test_a_damaged_file_is_a_store_error(tmp_path: Path) -> None:
    path = registry_path(tmp_path)
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as caught:
        SqliteFeedRegistry(path)
    assert "feed list" in caught.value.user_message
