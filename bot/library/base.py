"""What operators do to a running bot's index: add and remove articles, manage feeds, poll.

``Library`` is the contract the Telegram admin commands and the feed-polling job use; the CLI
builds the one implementation (``bot.library.indexed.IndexLibrary``) over the bot's store and
embedder, and tests may use it over a memory store. Every method is blocking (fetching,
embedding, writing) and is run by the bot in its ingest worker, one at a time, never on the
event loop.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from index.types import ArticleInfo, IngestReport


@dataclass(frozen=True, slots=True)
class FeedView:
    """A subscribed feed, as operators see it."""

    id: int
    url: str
    title: str | None
    interval_s: float
    last_polled_at: dt.datetime | None
    last_error: str | None
    failures: int
    next_poll_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class LibraryStats:
    """For ``/stats``: the index's size and the feeds' state."""

    articles: int
    chunks: int
    index_bytes: int
    feeds: int
    failing_feeds: int
    last_poll_at: dt.datetime | None


@dataclass(slots=True)
class PollSummary:
    """One round of feed polling: what was indexed, and each feed's problem if any."""

    report: IngestReport = field(default_factory=IngestReport)
    polled: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # feed URL -> reason


@dataclass(frozen=True, slots=True)
class Removal:
    """What ``remove`` did: the removed articles, and how many matched the reference."""

    removed: list[ArticleInfo]
    matches: int


class Library(Protocol):
    """The operator's side of the index."""

    def add_url(self, url: str) -> IngestReport:
        """Fetch the article at ``url`` and index it (an updated page replaces its old text)."""
        ...

    def remove(self, ref: str) -> Removal:
        """Remove the article whose URL, origin or exact title is ``ref``, or whose id starts
        with it (at least 6 characters); nothing is removed when several match."""
        ...

    def add_feed(self, url: str) -> FeedView:
        """Subscribe to a feed (the same URL twice is one feed)."""
        ...

    def remove_feed(self, feed_id: int) -> bool:
        """Unsubscribe; False if there is no such feed."""
        ...

    def feeds(self) -> list[FeedView]:
        """Every subscribed feed."""
        ...

    def poll(self, *, due_only: bool = True) -> PollSummary:
        """Poll the feeds that are due (or all) once and index their new entries; a failing
        feed is recorded and backed off, and never stops the others."""
        ...

    def stats(self) -> LibraryStats: ...
