"""Polling feeds with a fake fetcher: new, seen, changed and failing entries; failing feeds (over
the SQLite and the PostgreSQL registry)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from index.documents.text import ParsedArticle
from index.errors import FetchTimeoutError, StoreError
from index.feeds.base import FeedRegistry
from index.feeds.feed import Feed
from index.feeds.poll import FeedPollResult, IngestFn, PollRound, poll_feed, poll_registry
from index.ingest import IngestOptions, ingest_articles
from index.types import IngestReport
from index.web.base import FEED_TYPES
from tests.index.fakes import FakeEmbedder, MemoryStore
from tests.index.feeds.conftest import Opener
from tests.index.feeds.fakes import FakeFetcher, feed, page

T0 = dt.datetime(2025, 2, 4, 12, 0, tzinfo=dt.UTC)
RSS_URL = "https://news.example.org/rss.xml"
ATOM_URL = "https://news.example.org/atom.xml"
NO_ENTRIES = "The feed could not be read: it has no entries."
NOT_A_FEED = "The feed could not be read: it is not a well-formed RSS or Atom feed."
HTTP_404 = "The server answered with HTTP status 404."


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def link(name: str) -> str:
    return f"https://news.example.org/{name}"


def item(name: str, *, date: str | None = "Mon, 03 Feb 2025 09:00:00 GMT") -> str:
    pub = f"<pubDate>{date}</pubDate>" if date else ""
    return (
        f"<item><title>{name.title()} entry</title><link>{link(name)}</link>"
        f'<guid isPermaLink="false">id-{name}</guid>{pub}</item>'
    )


def rss(*items: str, title: str = "Example News") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://news.example.org/</link>"
        f"{''.join(items)}</channel></rss>"
    )


def atom(updated: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Example Atom</title>
  <id>urn:example:feed</id>
  <updated>{updated}</updated>
  <entry>
    <title>Dam opens its gates</title>
    <id>urn:example:dam</id>
    <link rel="alternate" href="{link("dam")}"/>
    <published>2025-02-03T09:00:00Z</published>
    <updated>{updated}</updated>
  </entry>
</feed>"""


def story(name: str, *, title: str | None = None, extra: str = "") -> str:
    """A news page about ``name`` (with a <title> unless ``title`` is empty)."""
    head = f"<head><title>{title}</title></head>" if title else ""
    return (
        f"<html>{head}<body><article>"
        f"<p>Officials in the valley said the {name} story began on Monday night, after three "
        "days of heavy rain across the region.</p>"
        f"<p>Rescue teams worked through the night and the mayor promised help. {extra}</p>"
        "</article></body></html>"
    )


def ingest_fn_into(store: MemoryStore, embedder: FakeEmbedder) -> IngestFn:
    def ingest(items: list[tuple[str, ParsedArticle]]) -> IngestReport:
        return ingest_articles(
            items,
            store=store,
            embedder=embedder,
            options=IngestOptions(progress=False),
            report=IngestReport(),
        )

    return ingest


@pytest.fixture
def registry(opener: Opener) -> FeedRegistry:
    """A registry on each backend (``tests/index/feeds/conftest.py``)."""
    return opener(default_interval_s=600, max_backoff_s=7200)


class Poller:
    """A registry, a fake fetcher and a memory store wired together."""

    def __init__(self, registry: FeedRegistry, store: MemoryStore, embedder: FakeEmbedder) -> None:
        self.registry = registry
        self.store = store
        self.fetcher = FakeFetcher()
        self.ingest = ingest_fn_into(store, embedder)

    def add(self, url: str, body: str | None = None, **kwargs: str) -> Feed:
        if body is not None:
            self.fetcher.routes[url] = feed(url, body, **kwargs)
        return self.registry.add(url, now=T0)

    def page(self, name: str, html: str) -> None:
        self.fetcher.routes[link(name)] = page(link(name), html)

    def poll(self, feed_id: int, now: dt.datetime = T0, max_entries: int = 50) -> FeedPollResult:
        current = self.registry.get(feed_id)
        assert current is not None
        self.fetcher.calls.clear()
        return poll_feed(
            current,
            fetcher=self.fetcher,
            registry=self.registry,
            ingest_fn=self.ingest,
            max_entries=max_entries,
            now=now,
        )

    def poll_all(
        self, now: dt.datetime | None = T0, *, due_only: bool = False, max_entries: int = 50
    ) -> PollRound:
        return poll_registry(
            self.registry,
            due_only=due_only,
            fetcher=self.fetcher,
            ingest_fn=self.ingest,
            max_entries=max_entries,
            now=now,
        )

    def origins(self) -> list[str]:
        return sorted(info.origin for info in self.store.articles())


@pytest.fixture
def poller(
    registry: FeedRegistry, memory_store: MemoryStore, fake_embedder: FakeEmbedder
) -> Poller:
    return Poller(registry, memory_store, fake_embedder)


def test_new_entries_are_fetched_and_indexed(poller: Poller) -> None:
    sub = poller.add(
        RSS_URL, rss(item("flood"), item("dam")), etag='"v1"', last_modified="Tue, 04 Feb 2025"
    )
    poller.page("flood", story("flood", title="Valley floods"))
    poller.page("dam", story("dam"))
    result = poller.poll(sub.id)
    assert result.ok and result.error is None and not result.not_modified
    assert sorted(result.report.added) == [link("dam"), link("flood")]
    assert result.report.rejected == [] and result.entries == 2
    first = poller.fetcher.calls[0]
    assert (first.url, first.accept, first.etag, first.last_modified) == (
        RSS_URL,
        FEED_TYPES,
        None,
        None,
    )
    assert sorted(poller.fetcher.urls()[1:]) == [link("dam"), link("flood")]
    assert poller.origins() == [link("dam"), link("flood")]
    by_url = {a.url: a for a in poller.store.articles()}
    assert by_url[link("flood")].title == "Valley floods"
    assert by_url[link("dam")].title == "Dam entry", "a page without a title takes the entry's"
    assert by_url[link("flood")].date == dt.date(2025, 2, 3), "the date comes from the entry"
    after = poller.registry.get(sub.id)
    assert after is not None and after == result.feed
    assert (after.title, after.etag, after.last_modified) == (
        "Example News",
        '"v1"',
        "Tue, 04 Feb 2025",
    )
    assert (after.failures, after.last_ok_at, after.next_poll_at) == (0, T0, at(10))


def test_a_second_poll_sends_the_validators_and_a_304_does_nothing(poller: Poller) -> None:
    sub = poller.add(RSS_URL, rss(item("flood")), etag='"v1"', last_modified="Tue, 04 Feb 2025")
    poller.page("flood", story("flood"))
    poller.poll(sub.id)
    result = poller.poll(sub.id, now=at(10))
    assert result.ok and result.not_modified
    assert result.report == IngestReport()
    assert len(poller.fetcher.calls) == 1, "no entry is fetched"
    call = poller.fetcher.calls[0]
    assert (call.etag, call.last_modified) == ('"v1"', "Tue, 04 Feb 2025")
    assert result.feed.next_poll_at == at(20) and result.feed.last_polled_at == at(10)


def test_last_modified_alone_is_sent_back(poller: Poller) -> None:
    sub = poller.add(RSS_URL, rss(item("flood")), last_modified="Tue, 04 Feb 2025 10:00:00 GMT")
    poller.page("flood", story("flood"))
    poller.poll(sub.id)
    assert poller.poll(sub.id, now=at(10)).not_modified
    assert poller.fetcher.calls[0].etag is None
    assert poller.fetcher.calls[0].last_modified == "Tue, 04 Feb 2025 10:00:00 GMT"


def test_an_entry_seen_once_is_not_fetched_again(poller: Poller) -> None:
    sub = poller.add(RSS_URL, rss(item("flood")))  # a server without validators
    poller.page("flood", story("flood"))
    poller.poll(sub.id)
    again = poller.poll(sub.id, now=at(10))
    assert again.ok and not again.not_modified
    assert poller.fetcher.urls() == [RSS_URL]
    assert again.report == IngestReport() and again.entries == 0
    poller.add(RSS_URL, rss(item("dam"), item("flood")))  # one more entry appears
    poller.page("dam", story("dam"))
    third = poller.poll(sub.id, now=at(20))
    assert poller.fetcher.urls() == [RSS_URL, link("dam")]
    assert third.report.added == [link("dam")]


def test_an_updated_entry_is_fetched_again_and_replaces_the_article(poller: Poller) -> None:
    sub = poller.add(ATOM_URL, atom("2025-02-03T10:00:00Z"), content_type="application/atom+xml")
    poller.page("dam", story("dam", title="Dam opens"))
    assert poller.poll(sub.id).report.added == [link("dam")]
    old_text = poller.store.articles()[0].id
    poller.add(ATOM_URL, atom("2025-02-03T10:00:00Z"), content_type="application/atom+xml")
    assert poller.poll(sub.id, now=at(10)).entries == 0, "the same updated date: not fetched"
    assert poller.fetcher.urls() == [ATOM_URL]
    poller.add(ATOM_URL, atom("2025-02-04T08:30:00Z"), content_type="application/atom+xml")
    poller.page("dam", story("dam", title="Dam opens", extra="The water level fell by noon."))
    result = poller.poll(sub.id, now=at(20))
    assert poller.fetcher.urls() == [ATOM_URL, link("dam")]
    assert result.report.updated == [link("dam")] and result.report.added == []
    (info,) = poller.store.articles()
    assert info.origin == link("dam") and info.id != old_text
    assert "water level fell" in poller.store.get_article(info.id).text
    assert info.date == dt.date(2025, 2, 3), "the article date is the published date"


def test_a_malformed_or_empty_feed_fails_backs_off_and_the_others_go_on(poller: Poller) -> None:
    bad = poller.add("https://bad.example.org/rss", "<html><body>Our news page</body></html>")
    broken = poller.add("https://broken.example.org/rss", "<rss><channel><title>x</titl")
    empty = poller.add("https://empty.example.org/rss", rss())
    good = poller.add(RSS_URL, rss(item("flood")))
    poller.page("flood", story("flood"))
    done = poller.poll_all(T0, max_entries=10)
    assert done.polled == 4 and not done.all_failed
    assert done.failed == {bad.url: NOT_A_FEED, broken.url: NOT_A_FEED, empty.url: NO_ENTRIES}
    assert done.report.added == [link("flood")]
    waits = []
    for n in (1, 2, 3):
        failing = poller.registry.get(empty.id)
        assert failing is not None
        assert (failing.failures, failing.last_error) == (n, NO_ENTRIES)
        waits.append(failing.next_poll_at - failing.last_polled_at)  # type: ignore[operator]
        poller.poll_all(failing.next_poll_at, due_only=True, max_entries=10)
    assert [w.total_seconds() for w in waits] == [1200, 2400, 4800]
    ok = poller.registry.get(good.id)
    assert ok is not None and ok.failures == 0 and ok.last_error is None


def test_a_feed_that_cannot_be_fetched_is_recorded(poller: Poller) -> None:
    gone = poller.add("https://gone.example.org/rss")  # no route: 404
    slow = poller.add("https://slow.example.org/rss")
    poller.fetcher.routes[slow.url] = FetchTimeoutError("no answer")
    odd = poller.add("https://odd.example.org/rss")
    poller.fetcher.routes[odd.url] = RuntimeError("a bug in a fetcher")
    done = poller.poll_all(T0, max_entries=5)
    assert done.all_failed
    assert done.failed[gone.url] == HTTP_404
    assert done.failed[slow.url] == "The server did not answer in time."
    assert "unexpected" in done.failed[odd.url]
    assert [f.failures for f in poller.registry.list()] == [1, 1, 1]


def test_an_entry_without_link_is_indexed_from_its_content_or_skipped(poller: Poller) -> None:
    long_text = " ".join(
        f"<p>Paragraph {n}: the council met on Tuesday and approved the new flood barriers "
        "for the lower town.</p>"
        for n in range(3)
    )
    items = (
        '<item><title>Council approves barriers</title><guid isPermaLink="false">c1</guid>'
        f"<pubDate>Tue, 04 Feb 2025 08:00:00 GMT</pubDate><description><![CDATA[{long_text}]]>"
        "</description></item>"
        '<item><title>Teaser</title><guid isPermaLink="false">t1</guid>'
        "<description>Read more soon.</description></item>"
    )
    sub = poller.add(RSS_URL, rss(items))
    result = poller.poll(sub.id)
    origin = f"feed:{RSS_URL}#c1"
    assert result.report.added == [origin]
    assert result.report.skipped == [(f"feed:{RSS_URL}#t1", "entry has no link")]
    assert poller.fetcher.urls() == [RSS_URL]
    (info,) = poller.store.articles()
    assert (info.origin, info.title, info.date, info.source, info.url) == (
        origin,
        "Council approves barriers",
        dt.date(2025, 2, 4),
        "Example News",
        None,
    )
    text = poller.store.get_article(info.id).text
    assert text.startswith("Paragraph 0: the council met") and "<p>" not in text
    assert "\n\nParagraph 1:" in text
    again = poller.poll(sub.id, now=at(10))
    assert again.report == IngestReport(), "both are marked as read"


def test_an_entry_without_a_date_is_indexed_with_a_warning(poller: Poller) -> None:
    sub = poller.add(RSS_URL, rss(item("flood", date=None)))
    poller.page("flood", story("flood"))
    result = poller.poll(sub.id)
    assert result.report.added == [link("flood")]
    assert result.report.warnings == [(link("flood"), "no date")]
    assert poller.store.articles()[0].date is None


def test_an_entry_that_failed_for_a_passing_reason_is_retried_next_poll(poller: Poller) -> None:
    sub = poller.add(RSS_URL, rss(item("flood"), item("dam")), etag='"v1"')
    poller.page("flood", story("flood"))
    poller.fetcher.routes[link("dam")] = FetchTimeoutError("no answer")
    result = poller.poll(sub.id)
    assert result.ok, "the feed was read"
    assert result.report.added == [link("flood")]
    assert result.report.rejected == [(link("dam"), "The server did not answer in time.")]
    assert result.feed.etag is None, "no 304 may hide the failed entry next time"
    poller.page("dam", story("dam"))
    again = poller.poll(sub.id, now=at(10))
    assert poller.fetcher.calls[0].etag is None
    assert poller.fetcher.urls() == [RSS_URL, link("dam")], "only the failed entry again"
    assert again.report.added == [link("dam")] and again.report.rejected == []
    assert again.feed.etag == '"v1"'
    assert poller.poll(sub.id, now=at(20)).not_modified


def test_an_entry_that_failed_for_good_is_reported_once(poller: Poller) -> None:
    sub = poller.add(RSS_URL, rss(item("flood"), item("dam")), etag='"v1"')
    poller.page("flood", story("flood"))  # the dam page is missing: 404
    result = poller.poll(sub.id)
    assert result.report.rejected == [(link("dam"), HTTP_404)]
    assert result.feed.etag == '"v1"', "nothing to retry: the validators are kept"
    poller.fetcher.routes[RSS_URL] = feed(RSS_URL, rss(item("flood"), item("dam")), etag='"v2"')
    again = poller.poll(sub.id, now=at(10))
    assert poller.fetcher.urls() == [RSS_URL], "the 404 entry is not fetched again"
    assert again.report.rejected == []


def test_only_the_newest_entries_are_read(poller: Poller) -> None:
    items = [
        item(name, date=f"Mon, 0{day} Feb 2025 09:00:00 GMT")
        for name, day in (("old", 1), ("new", 3), ("mid", 2))
    ]
    sub = poller.add(RSS_URL, rss(*items))
    for name in ("old", "new", "mid"):
        poller.page(name, story(name))
    result = poller.poll(sub.id, max_entries=2)
    assert poller.fetcher.urls()[1:] == [link("new"), link("mid")]
    assert sorted(result.report.added) == [link("mid"), link("new")]


def test_a_failing_ingest_fails_the_feed_and_marks_nothing_read(poller: Poller) -> None:
    sub = poller.add(RSS_URL, rss(item("flood")), etag='"v1"')
    poller.page("flood", story("flood"))

    def broken(items: list[tuple[str, ParsedArticle]]) -> IngestReport:
        raise StoreError("disk full")

    current = poller.registry.get(sub.id)
    assert current is not None
    result = poll_feed(
        current,
        fetcher=poller.fetcher,
        registry=poller.registry,
        ingest_fn=broken,
        max_entries=5,
        now=T0,
    )
    assert result.error == "The article index could not be opened."
    assert result.feed.failures == 1 and result.feed.etag is None
    assert poller.registry.seen_entries(sub.id, ["id-flood"]) == {}
    assert poller.poll(sub.id, now=at(30)).report.added == [link("flood")]


def test_a_body_that_names_a_local_file_is_not_read_as_one(poller: Poller, tmp_path: Path) -> None:
    local = tmp_path / "secret.xml"
    local.write_text(rss(item("flood")))
    sub = poller.add(RSS_URL, str(local))
    result = poller.poll(sub.id)
    assert result.error == NOT_A_FEED
    assert poller.fetcher.urls() == [RSS_URL]


def test_poll_due_polls_only_the_feeds_that_are_due(poller: Poller) -> None:
    first = poller.add(RSS_URL, rss(item("flood")))
    poller.page("flood", story("flood"))
    poller.poll(first.id)
    later = poller.add(ATOM_URL, atom("2025-02-03T10:00:00Z"), content_type="application/atom+xml")
    poller.page("dam", story("dam"))
    poller.fetcher.calls.clear()
    done = poller.poll_all(at(5), due_only=True, max_entries=5)
    assert [r.feed.id for r in done.results] == [later.id]
    assert done.report.added == [link("dam")]
    done = poller.poll_all(at(10), due_only=True, max_entries=5)
    assert [r.feed.id for r in done.results] == [first.id]
