"""The one ``Library`` implementation, over the bot's store and embedder, and its builders.

``IndexLibrary`` adds articles from URLs, removes articles, and keeps the feeds: each call is
one or more atomic store writes, so the bot answering meanwhile sees either the old or the
new article, never half of one. Calls are serialised by a lock (the bot also runs them in a
single worker).
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Iterator, Sequence

from tqdm import tqdm

from bot.config.settings import Settings
from bot.factory import Components
from bot.library.base import FeedView, LibraryStats, PollSummary, Removal
from bot.policies import fetch_policy, ingest_options
from index.documents.text import ParsedArticle
from index.errors import NewsBotError
from index.feeds.base import FeedRegistry
from index.feeds.feed import Feed
from index.feeds.poll import IngestFn, poll_registry
from index.feeds.registry import SqliteFeedRegistry, registry_path
from index.ingest import ingest_articles
from index.prefetch import prefetched
from index.store.factory import check_store_url
from index.types import ArticleInfo, IngestReport
from index.web.base import Fetcher
from index.web.extract import fetch_article

logger = logging.getLogger(__name__)

#: The shortest id prefix ``remove`` accepts (ids are 20 hex characters).
MIN_ID_PREFIX = 6
FETCH_AHEAD = 8  # pages fetched ahead of the encoder


_URL = re.compile(r"^https?://", re.IGNORECASE)


def is_url(target: str) -> bool:
    """Whether an ``ingest`` argument is a web address rather than a local path."""
    return bool(_URL.match(target.strip()))


def build_fetcher(settings: Settings) -> Fetcher:
    """The HTTP fetcher under the configured limits (``Settings.fetch``)."""
    from index.web.fetch import HttpFetcher

    return HttpFetcher(fetch_policy(settings))


def open_registry(settings: Settings) -> FeedRegistry:
    """The feed registry, with the configured interval and back-off: in the PostgreSQL store's
    database when ``store.url`` is set (every worker polls the same feeds), else in the data
    directory."""
    interval_s, backoff_s = settings.feeds.poll_interval_s, settings.feeds.max_backoff_s
    url = settings.store.url.get_secret_value() if settings.store.url else ""
    if not url:
        return SqliteFeedRegistry(
            registry_path(settings.data_dir), default_interval_s=interval_s, max_backoff_s=backoff_s
        )
    check_store_url(url)
    from index.store.postgres_feeds import PostgresFeedRegistry  # (psycopg only for it)

    return PostgresFeedRegistry.open(url, default_interval_s=interval_s, max_backoff_s=backoff_s)


def ingest_fn_for(components: Components) -> IngestFn:
    """Indexes parsed articles into the components' store and sentence cache."""
    options = ingest_options(components.settings, progress=False)

    def ingest(items: list[tuple[str, ParsedArticle]]) -> IngestReport:
        return ingest_articles(
            items,
            store=components.store,
            embedder=components.embedder,
            options=options,
            report=IngestReport(),
            sentence_cache=components.sentence_cache,
        )

    return ingest


def ingest_urls(
    components: Components,
    urls: Sequence[str],
    *,
    fetcher: Fetcher,
    report: IngestReport,
    progress: bool | None = None,
) -> None:
    """Fetch each URL's article and index them as they come (each batch one atomic write, so
    a crash keeps every batch written before it); a URL that fails is reported and skipped."""

    def fetched() -> Iterator[tuple[str, ParsedArticle]]:
        show = sys.stderr.isatty() if progress is None else progress
        # (no tqdm object at all when hidden: even a disabled one starts tqdm's monitor thread)
        listed = tqdm(urls, desc="fetching", unit="url", leave=False) if show else urls
        for url in listed:
            try:
                yield url, fetch_article(fetcher, url)
            except NewsBotError as e:
                logger.warning("rejected %s: %s", url, e)
                report.rejected.append((url, e.user_message))

    ingest_articles(
        prefetched(fetched(), ahead=FETCH_AHEAD),  # the next pages download while one encodes
        store=components.store,
        embedder=components.embedder,
        options=ingest_options(components.settings),
        report=report,
        sentence_cache=components.sentence_cache,
    )


def find_articles(articles: Sequence[ArticleInfo], ref: str) -> list[ArticleInfo]:
    """The articles ``ref`` names: by URL or origin, else exact title (any case), else id
    prefix (at least ``MIN_ID_PREFIX`` characters)."""
    ref = ref.strip()
    if not ref:
        return []
    by_address = [a for a in articles if ref in (a.url, a.origin)]
    if by_address:
        return by_address
    folded = ref.casefold()
    by_title = [a for a in articles if a.title.strip().casefold() == folded]
    if by_title:
        return by_title
    if len(ref) >= MIN_ID_PREFIX:
        return [a for a in articles if a.id.startswith(ref.lower())]
    return []


class IndexLibrary:
    """``Library`` over ``components`` (store, embedder, sentence cache), a fetcher and the
    feed registry."""

    def __init__(
        self,
        components: Components,
        *,
        fetcher: Fetcher,
        registry: FeedRegistry,
        max_entries: int,
    ) -> None:
        self._components = components
        self._fetcher = fetcher
        self._registry = registry
        self._max_entries = max_entries
        self._ingest = ingest_fn_for(components)
        self._lock = threading.Lock()

    def add_url(self, url: str) -> IngestReport:
        report = IngestReport()
        with self._lock:
            ingest_urls(
                self._components,
                [url.strip()],
                fetcher=self._fetcher,
                report=report,
                progress=False,
            )
        return report

    def remove(self, ref: str) -> Removal:
        with self._lock:
            store = self._components.store
            found = find_articles(store.articles(), ref)
            if len(found) != 1:
                return Removal([], len(found))
            removed = [a for a in found if store.remove(a.id)]
        logger.info("removed %d article(s) for %r", len(removed), ref)
        return Removal(removed, len(found))

    def add_feed(self, url: str) -> FeedView:
        with self._lock:
            feed = self._registry.find(url.strip()) or self._registry.add(url.strip())
        return self._view(feed)

    def remove_feed(self, feed_id: int) -> bool:
        with self._lock:
            return self._registry.remove(feed_id)

    def feeds(self) -> list[FeedView]:
        return [self._view(feed) for feed in self._registry.list()]

    def poll(self, *, due_only: bool = True) -> PollSummary:
        with self._lock:
            done = poll_registry(
                self._registry,
                due_only=due_only,
                fetcher=self._fetcher,
                ingest_fn=self._ingest,
                max_entries=self._max_entries,
            )
        return PollSummary(done.report, done.polled, done.failed)

    def stats(self) -> LibraryStats:
        figures = self._components.store.stats()
        feeds = self._registry.list()
        polls = [f.last_polled_at for f in feeds if f.last_polled_at is not None]
        return LibraryStats(
            articles=figures.articles,
            chunks=figures.chunks,
            index_bytes=figures.size_bytes,
            feeds=len(feeds),
            failing_feeds=sum(1 for f in feeds if f.failures),
            last_poll_at=max(polls) if polls else None,
        )

    def close(self) -> None:
        self._fetcher.close()
        self._registry.close()

    def _view(self, feed: Feed) -> FeedView:
        return FeedView(
            id=feed.id,
            url=feed.url,
            title=feed.title,
            interval_s=self._registry.interval_of(feed),
            last_polled_at=feed.last_polled_at,
            last_error=feed.last_error,
            failures=feed.failures,
            next_poll_at=feed.next_poll_at,
        )


def build_library(components: Components) -> IndexLibrary:
    """The library over ``components`` with the fetcher and registry the settings describe."""
    settings = components.settings
    return IndexLibrary(
        components,
        fetcher=build_fetcher(settings),
        registry=open_registry(settings),
        max_entries=settings.feeds.max_entries,
    )
