"""Polling feeds: a conditional GET, the new (or changed) entries fetched and handed to ingest.

One feed's failure (unreachable, malformed, empty) is recorded in the registry with a growing
back-off and carried in its ``FeedPollResult``; it never stops the other feeds. One entry's
failure (404, timeout, no article text) is reported and the entry is tried again next poll;
it never stops the other entries.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from index.documents.text import ParsedArticle
from index.errors import FeedError, FetchError, NewsBotError
from index.feeds.base import FeedRegistry
from index.feeds.entries import (
    ParsedFeed,
    article_from_entry,
    complete_article,
    entry_key,
    entry_link,
    entry_version,
    is_permanent,
    newest,
    parse_feed,
)
from index.feeds.feed import Feed, SeenEntry
from index.types import IngestReport
from index.web.base import FEED_TYPES, Fetcher, FetchResult
from index.web.extract import fetch_article

logger = logging.getLogger(__name__)

#: Indexes parsed articles and says what it did (the caller binds store, embedder, options).
IngestFn = Callable[[list[tuple[str, ParsedArticle]]], IngestReport]

NO_LINK = "entry has no link"
NO_DATE = "no date"
UNEXPECTED = "could not be read (an unexpected error; see the log)"


@dataclass(frozen=True, slots=True)
class FeedPollResult:
    """One feed's poll. ``error`` (safe to show) is why the feed itself could not be read;
    entry failures are in ``report.rejected``. ``feed`` is its state after the poll."""

    feed: Feed
    report: IngestReport = field(default_factory=IngestReport)
    error: str | None = None
    not_modified: bool = False
    entries: int = 0  # new or changed entries handled

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class PollRound:
    """Several feeds polled: each one's result, and their entries' reports combined (feed
    failures are not in ``report``; see ``failed``)."""

    results: list[FeedPollResult]
    report: IngestReport

    @property
    def polled(self) -> int:
        return len(self.results)

    @property
    def failed(self) -> dict[str, str]:
        """Feed URL -> why the feed could not be read."""
        return {r.feed.url: r.error for r in self.results if r.error is not None}

    @property
    def all_failed(self) -> bool:
        """Something was polled and nothing worked: every feed failed, or every entry did."""
        if not self.results:
            return False
        return not any(
            r.ok and (r.report.changed or r.report.skipped or not r.report.rejected)
            for r in self.results
        )


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else dt.datetime.now(dt.UTC)


def _failed(
    feed: Feed, error: NewsBotError | str, registry: FeedRegistry, now: dt.datetime
) -> FeedPollResult:
    message = error if isinstance(error, str) else error.user_message
    logger.warning("feed %s failed: %s", feed.url, error)
    after = registry.record_failure(feed.id, now=now, error=message)
    return FeedPollResult(after or feed, error=message)


def poll_feed(
    feed: Feed,
    *,
    fetcher: Fetcher,
    registry: FeedRegistry,
    ingest_fn: IngestFn,
    max_entries: int,
    now: dt.datetime | None = None,
) -> FeedPollResult:
    """Poll one feed once: conditional GET, then fetch and ingest its new or changed entries
    (at most the ``max_entries`` newest). A feed that cannot be read is recorded as failed
    (not raised); entries whose fetch failed for a passing reason (timeout, 5xx) are not
    marked read, so the next poll retries them (that poll is then unconditional); a lasting
    failure (404, no article text) is reported once and not retried."""
    now = _now(now)
    fetched = _fetch_feed(feed, fetcher=fetcher, registry=registry, now=now)
    if isinstance(fetched, FeedPollResult):
        return fetched
    result, parsed = fetched
    report = IngestReport()
    read = _read_entries(
        feed, parsed, fetcher=fetcher, registry=registry, report=report, max_entries=max_entries
    )
    if read.items:
        try:
            report.extend(ingest_fn(read.items))
        except NewsBotError as e:
            return _failed(feed, e, registry, now)
    # After a failed entry the validators are dropped: a 304 next time would hide it.
    after = registry.record_success(
        feed.id,
        now=now,
        etag=None if read.failed else result.etag,
        last_modified=None if read.failed else result.last_modified,
        title=parsed.title,
        seen=read.seen,
    )
    entries = len(read.seen) + read.failed
    logger.info(
        "feed %s: %d new entries, added %d, updated %d, failed %d",
        feed.url,
        entries,
        len(report.added),
        len(report.updated),
        len(report.rejected),
    )
    return FeedPollResult(after or feed, report, entries=entries)


def _fetch_feed(
    feed: Feed, *, fetcher: Fetcher, registry: FeedRegistry, now: dt.datetime
) -> tuple[FetchResult, ParsedFeed] | FeedPollResult:
    """The feed fetched (conditionally) and parsed; or, when there is nothing to read (not
    modified) or it could not be read, the poll's result, recorded."""
    try:
        fetched = fetcher.fetch(
            feed.url, accept=FEED_TYPES, etag=feed.etag, last_modified=feed.last_modified
        )
        if not fetched.not_modified:
            return fetched, parse_feed(fetched)
    except (FetchError, FeedError) as e:
        return _failed(feed, e, registry, now)
    after = registry.record_success(
        feed.id,
        now=now,
        etag=fetched.etag or feed.etag,
        last_modified=fetched.last_modified or feed.last_modified,
    )
    logger.info("feed %s not modified", feed.url)
    return FeedPollResult(after or feed, not_modified=True)


@dataclass(slots=True)
class _Read:
    """The entries of one poll: articles to ingest, entries now read, fetches that failed."""

    items: list[tuple[str, ParsedArticle]] = field(default_factory=list)
    seen: list[SeenEntry] = field(default_factory=list)
    failed: int = 0


def _read_entries(
    feed: Feed,
    parsed: ParsedFeed,
    *,
    fetcher: Fetcher,
    registry: FeedRegistry,
    report: IngestReport,
    max_entries: int,
) -> _Read:
    """Turn the new or changed entries among the ``max_entries`` newest into articles: the
    linked page fetched, or the entry's own text when it has no link. Failures and skips go
    into ``report``."""
    read = _Read()
    candidates = newest(parsed.entries, max_entries)
    known = registry.seen_entries(feed.id, [entry_key(e) for e in candidates])
    handled: set[str] = set()
    for entry in candidates:
        key, version = entry_key(entry), entry_version(entry)
        if key in handled:
            continue
        handled.add(key)
        if key in known:
            recorded = known[key]
            if version is None or recorded is None or version <= recorded:
                continue  # read before, unchanged
        link = entry_link(entry)
        if link is None:
            name = f"feed:{feed.url}#{key}"
            article = article_from_entry(entry, origin=name, source=parsed.title)
            read.seen.append((key, version))
            if article is None:
                report.skipped.append((name, NO_LINK))
                continue
        else:
            name = link
            try:
                fetched = fetch_article(fetcher, link)
            except NewsBotError as e:
                logger.info("entry %s of %s failed: %s", link, feed.url, e)
                report.rejected.append((link, e.user_message))
                if is_permanent(e):
                    read.seen.append((key, version))  # retrying would fail the same way
                else:
                    read.failed += 1
                continue
            except Exception:
                logger.exception("entry %s of %s failed unexpectedly", link, feed.url)
                report.rejected.append((link, UNEXPECTED))
                read.failed += 1
                continue
            article = complete_article(fetched, entry, link=link, source=parsed.title)
            read.seen.append((key, version))
        if article.article.date is None:
            report.warnings.append((name, NO_DATE))
        read.items.append((name, article))
    return read


def poll_feeds(
    feeds: Sequence[Feed],
    *,
    fetcher: Fetcher,
    registry: FeedRegistry,
    ingest_fn: IngestFn,
    max_entries: int,
    now: dt.datetime | None = None,
) -> PollRound:
    """Poll each feed in turn, each on its own: a failure (even an unexpected one) is recorded
    for that feed and the round goes on. ``now`` None: each feed's own poll time."""
    results: list[FeedPollResult] = []
    combined = IngestReport()
    for feed in feeds:
        when = _now(now)
        try:
            result = poll_feed(
                feed,
                fetcher=fetcher,
                registry=registry,
                ingest_fn=ingest_fn,
                max_entries=max_entries,
                now=when,
            )
        except Exception:
            logger.exception("polling feed %s failed unexpectedly", feed.url)
            result = _failed(feed, UNEXPECTED, registry, when)
        results.append(result)
        combined.extend(result.report)
    return PollRound(results, combined)


def poll_registry(
    registry: FeedRegistry,
    *,
    fetcher: Fetcher,
    ingest_fn: IngestFn,
    max_entries: int,
    due_only: bool = False,
    now: dt.datetime | None = None,
) -> PollRound:
    """Poll every feed once (``newsbot feeds poll``, ``/feeds poll``), or with ``due_only``
    only those whose next poll time has come (the repeating job)."""
    feeds = registry.due(_now(now)) if due_only else registry.list()
    return poll_feeds(
        feeds,
        fetcher=fetcher,
        registry=registry,
        ingest_fn=ingest_fn,
        max_entries=max_entries,
        now=now,
    )
