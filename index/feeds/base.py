"""``FeedRegistry``: what the poller, the CLI and the bot ask of the subscribed feeds.

Two implementations: ``SqliteFeedRegistry`` (``index.feeds.registry``, a file in the data
directory: one bot) and ``PostgresFeedRegistry`` (``index.store.postgres_feeds``, tables in
the PostgreSQL store's database: every worker sees the same feeds). Times are ``datetime`` in
UTC (a naive one is taken as UTC).
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Collection, Iterable
from types import TracebackType
from typing import Protocol, Self

from index.feeds.feed import Feed, SeenEntry


class FeedRegistry(Protocol):
    """The feeds and the entries already read from them. Every write is one transaction."""

    default_interval_s: float
    max_backoff_s: float

    def interval_of(self, feed: Feed) -> float:
        """The feed's own poll interval, or the default."""
        ...

    def add(
        self, url: str, interval_s: float | None = None, *, now: dt.datetime | None = None
    ) -> Feed:
        """Subscribe to ``url`` (due at once); the same URL again, even from another process
        at the same moment, returns the one existing feed unchanged.

        Raises ``UrlRefusedError`` for a URL that is not http(s), ``ValueError`` for an
        interval under ``MIN_INTERVAL_S``."""
        ...

    def find(self, url: str) -> Feed | None:
        """The feed subscribed at exactly this URL (surrounding space ignored)."""
        ...

    def get(self, feed_id: int) -> Feed | None:
        """The feed of this id."""
        ...

    def remove(self, feed_id: int) -> bool:
        """Unsubscribe (and forget its seen entries); False if there is no such feed."""
        ...

    def list(self) -> builtins.list[Feed]:
        """Every feed, oldest subscription first."""
        ...

    def due(self, now: dt.datetime) -> builtins.list[Feed]:
        """The feeds whose next poll is at or before ``now``, most overdue first."""
        ...

    def seen_entries(self, feed_id: int, keys: Collection[str]) -> dict[str, dt.datetime | None]:
        """Of ``keys``, those already read from the feed, with the date they were read at."""
        ...

    def record_success(
        self,
        feed_id: int,
        *,
        now: dt.datetime,
        etag: str | None,
        last_modified: str | None,
        title: str | None = None,
        seen: Iterable[SeenEntry] = (),
    ) -> Feed | None:
        """A poll read the feed: store its validators and title, mark ``seen`` entries as read
        (marking one again only updates its date), reset the failures and schedule the next
        poll, in one transaction. None when the feed was removed meanwhile."""
        ...

    def record_failure(self, feed_id: int, *, now: dt.datetime, error: str) -> Feed | None:
        """A poll failed: count it, keep ``error`` and back off (``feed.backoff_s``). None
        when the feed was removed meanwhile."""
        ...

    def close(self) -> None:
        """Release the registry's connections."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
