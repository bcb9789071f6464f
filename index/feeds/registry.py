"""The subscribed feeds and the entries already read from them, in ``<data_dir>/feeds.sqlite``.

The default ``FeedRegistry``; with a PostgreSQL store the registry lives in that database
instead (``index.store.postgres_feeds``), so that every worker polls the same feeds.

Separate from the article index: the index can be rebuilt (another model, a re-index) without
forgetting the subscriptions. Every write is one transaction, so a crash leaves either the old
or the new state. Safe to share between threads (one connection behind a lock) and between
processes (SQLite's file locking; WAL, with a busy timeout).

Times are ``datetime`` in UTC (a naive one is taken as UTC); on disk, epoch seconds.
"""

from __future__ import annotations

import builtins
import datetime as dt
import logging
from collections.abc import Collection, Iterable
from pathlib import Path

from index.closing import Closing
from index.feeds.feed import (
    COLUMNS,
    MIN_INTERVAL_S,
    SCHEMA,
    SCHEMA_VERSION,
    Feed,
    SeenEntry,
    backoff_s,
    check_feed_url,
    check_interval,
    feed_from_row,
    from_epoch,
    registry_path,
    to_epoch,
)
from index.sqlite_file import SqliteFile

logger = logging.getLogger(__name__)

__all__ = [
    "MIN_INTERVAL_S",
    "Feed",
    "SeenEntry",
    "SqliteFeedRegistry",
    "check_feed_url",
    "registry_path",
]


class SqliteFeedRegistry(Closing):
    """``FeedRegistry`` (``index.feeds.base``) in one SQLite file: the default, for one bot."""

    def __init__(
        self,
        path: Path,
        *,
        default_interval_s: float = 900.0,
        max_backoff_s: float = 21_600.0,
    ) -> None:
        self.path = path
        self.default_interval_s = default_interval_s
        self.max_backoff_s = max_backoff_s
        self._db = SqliteFile(path, SCHEMA, what="feed list", user_version=SCHEMA_VERSION)

    def interval_of(self, feed: Feed) -> float:
        """The feed's own poll interval, or the default."""
        return feed.interval_s if feed.interval_s is not None else self.default_interval_s

    def add(
        self, url: str, interval_s: float | None = None, *, now: dt.datetime | None = None
    ) -> Feed:
        """Subscribe to ``url`` (due at once); the same URL again returns the existing feed
        unchanged.

        Raises ``UrlRefusedError`` for a URL that is not http(s), ``ValueError`` for an
        interval under ``MIN_INTERVAL_S``.
        """
        url = check_feed_url(url)
        check_interval(interval_s)
        now = now or dt.datetime.now(dt.UTC)
        with self._db.transaction() as conn:
            row = conn.execute(f"SELECT {COLUMNS} FROM feeds WHERE url = ?", (url,)).fetchone()
            if row is not None:
                return feed_from_row(row)
            conn.execute(
                "INSERT INTO feeds (url, interval_s, added_at, failures, next_poll_at) "
                "VALUES (?, ?, ?, 0, ?)",
                (url, interval_s, to_epoch(now), to_epoch(now)),
            )
            row = conn.execute(f"SELECT {COLUMNS} FROM feeds WHERE url = ?", (url,)).fetchone()
        return feed_from_row(row)

    def find(self, url: str) -> Feed | None:
        """The feed subscribed at exactly this URL (surrounding space ignored)."""
        rows = self._db.read(f"SELECT {COLUMNS} FROM feeds WHERE url = ?", (url.strip(),))
        return feed_from_row(rows[0]) if rows else None

    def get(self, feed_id: int) -> Feed | None:
        rows = self._db.read(f"SELECT {COLUMNS} FROM feeds WHERE id = ?", (feed_id,))
        return feed_from_row(rows[0]) if rows else None

    def remove(self, feed_id: int) -> bool:
        """Unsubscribe (and forget its seen entries); False if there is no such feed."""
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM entries WHERE feed_id = ?", (feed_id,))
            gone = conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,)).rowcount
        return gone > 0

    def list(self) -> list[Feed]:
        """Every feed, oldest subscription first."""
        return [
            feed_from_row(row) for row in self._db.read(f"SELECT {COLUMNS} FROM feeds ORDER BY id")
        ]

    def due(self, now: dt.datetime) -> builtins.list[Feed]:
        """The feeds whose next poll is at or before ``now``, most overdue first."""
        rows = self._db.read(
            f"SELECT {COLUMNS} FROM feeds WHERE next_poll_at <= ? ORDER BY next_poll_at, id",
            (to_epoch(now),),
        )
        return [feed_from_row(row) for row in rows]

    def seen_entries(self, feed_id: int, keys: Collection[str]) -> dict[str, dt.datetime | None]:
        """Of ``keys``, those already read from the feed, with the date they were read at."""
        found: dict[str, dt.datetime | None] = {}
        ordered = list(dict.fromkeys(keys))
        for start in range(0, len(ordered), 500):
            part = ordered[start : start + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.read(
                f"SELECT key, updated FROM entries WHERE feed_id = ? AND key IN ({marks})",
                (feed_id, *part),
            )
            found.update((row["key"], from_epoch(row["updated"])) for row in rows)
        return found

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
        """A poll read the feed: store its validators and title, mark ``seen`` entries as read,
        reset the failures and schedule the next poll, all in one transaction. None when the
        feed was removed meanwhile (then nothing is written)."""
        with self._db.transaction() as conn:
            row = conn.execute("SELECT interval_s FROM feeds WHERE id = ?", (feed_id,)).fetchone()
            if row is None:
                return None
            interval = row["interval_s"] or self.default_interval_s
            conn.execute(
                "UPDATE feeds SET etag = ?, last_modified = ?, title = COALESCE(?, title), "
                "last_polled_at = ?, last_ok_at = ?, last_error = NULL, failures = 0, "
                "next_poll_at = ? WHERE id = ?",
                (
                    etag,
                    last_modified,
                    title,
                    to_epoch(now),
                    to_epoch(now),
                    to_epoch(now) + interval,
                    feed_id,
                ),
            )
            conn.executemany(
                "INSERT INTO entries (feed_id, key, updated, first_seen) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(feed_id, key) DO UPDATE SET updated = excluded.updated",
                [
                    (feed_id, key, None if updated is None else to_epoch(updated), to_epoch(now))
                    for key, updated in seen
                ],
            )
            feed = conn.execute(f"SELECT {COLUMNS} FROM feeds WHERE id = ?", (feed_id,))
            return feed_from_row(feed.fetchone())

    def record_failure(self, feed_id: int, *, now: dt.datetime, error: str) -> Feed | None:
        """A poll failed: count it, keep ``error`` and back off. After ``n`` failures in a row
        the next poll is ``interval * 2**n`` away, capped at ``max_backoff_s`` but never
        sooner than ``interval``. None when the feed was removed meanwhile."""
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT interval_s, failures FROM feeds WHERE id = ?", (feed_id,)
            ).fetchone()
            if row is None:
                return None
            failures = row["failures"] + 1
            interval = row["interval_s"] or self.default_interval_s
            wait = backoff_s(interval, failures, self.max_backoff_s)
            conn.execute(
                "UPDATE feeds SET last_polled_at = ?, last_error = ?, failures = ?, "
                "next_poll_at = ? WHERE id = ?",
                (to_epoch(now), error, failures, to_epoch(now) + wait, feed_id),
            )
            feed = conn.execute(f"SELECT {COLUMNS} FROM feeds WHERE id = ?", (feed_id,))
            return feed_from_row(feed.fetchone())

    def close(self) -> None:
        self._db.close()
