"""``PostgresFeedRegistry``: the feed registry in the PostgreSQL store's database.

With several workers over one PostgreSQL store, the feeds belong in that database too: a feed
added with ``/feeds`` on any worker, or with ``newsbot feeds add`` on the ingest machine, is
polled by whichever worker holds the feed lease. The tables (``feeds``, ``feed_entries``) are
part of the store's versioned schema (``index.store.postgres_schema``).

Two processes adding the same URL at once get one feed (``url`` is unique; the second insert
does nothing and reads the first one's row). Marking an entry as read is an upsert, so two
pollers of one feed (the lease passing from one worker to another mid-poll) both succeed;
each may then have ingested the entry, and the article store keeps it once (an article's id
is the hash of its content, and writing the same article again is skipped).
"""

from __future__ import annotations

import builtins
import datetime as dt
import logging
from collections.abc import Collection, Iterable
from typing import Any, LiteralString

import psycopg

from index.closing import Closing
from index.errors import StoreError
from index.feeds.feed import (
    COLUMNS,
    Feed,
    SeenEntry,
    backoff_s,
    check_feed_url,
    check_interval,
)
from index.store import postgres_schema
from index.store.postgres_pool import Pool, borrowed, open_pool
from index.store.postgres_schema import Connection

logger = logging.getLogger(__name__)

_SELECT: LiteralString = f"SELECT {COLUMNS} FROM feeds"
#: Most connections a registry of its own holds: its calls are few and short.
_POOL_SIZE = 2


def _utc(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def _feed(row: tuple[Any, ...] | None) -> Feed | None:
    """The feed of a row in ``COLUMNS`` order (which is ``Feed``'s field order), times in UTC."""
    if row is None:
        return None
    values: list[Any] = [_utc(v) if isinstance(v, dt.datetime) else v for v in row]
    return Feed(*values)


def _no_setup(conn: Connection) -> None:
    """Pooled connections need nothing beyond the defaults (no vectors are read here)."""


class PostgresFeedRegistry(Closing):
    """``FeedRegistry`` over a pool of connections to the store's database. Safe to share
    between threads and processes: each call borrows a connection, each write is one
    transaction."""

    def __init__(
        self,
        pool: Pool,
        *,
        default_interval_s: float = 900.0,
        max_backoff_s: float = 21_600.0,
        owns_pool: bool = False,
    ) -> None:
        self.default_interval_s = default_interval_s
        self.max_backoff_s = max_backoff_s
        self._pool = pool
        self._owns_pool = owns_pool

    @classmethod
    def open(
        cls, url: str, *, default_interval_s: float = 900.0, max_backoff_s: float = 21_600.0
    ) -> PostgresFeedRegistry:
        """The registry in the database at ``url``, its tables made ready first.

        Raises ``IndexSchemaError`` for a store schema of another version, ``StoreError`` when
        the database cannot be reached."""
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                postgres_schema.prepare_feeds(conn)
            pool = open_pool(url, _POOL_SIZE, _no_setup)
        except psycopg.Error as e:
            raise StoreError(f"cannot open the feed list in PostgreSQL: {e}") from e
        return cls(
            pool,
            default_interval_s=default_interval_s,
            max_backoff_s=max_backoff_s,
            owns_pool=True,
        )

    def interval_of(self, feed: Feed) -> float:
        return feed.interval_s if feed.interval_s is not None else self.default_interval_s

    def add(
        self, url: str, interval_s: float | None = None, *, now: dt.datetime | None = None
    ) -> Feed:
        url = check_feed_url(url)
        check_interval(interval_s)
        now = _utc(now or dt.datetime.now(dt.UTC))
        with borrowed(self._pool) as conn:
            # (looked up first so that adding a known URL uses up no id)
            feed = _feed(conn.execute(f"{_SELECT} WHERE url = %s", (url,)).fetchone())
            if feed is None:
                inserted = conn.execute(
                    "INSERT INTO feeds (url, interval_s, added_at, failures, next_poll_at)"
                    f" VALUES (%s, %s, %s, 0, %s) ON CONFLICT (url) DO NOTHING RETURNING {COLUMNS}",
                    (url, interval_s, now, now),
                )
                feed = _feed(inserted.fetchone())
            if feed is None:  # another process added it since the lookup: its row is committed
                feed = _feed(conn.execute(f"{_SELECT} WHERE url = %s", (url,)).fetchone())
        if feed is None:
            raise StoreError(f"the feed {url} vanished while it was added")
        return feed

    def find(self, url: str) -> Feed | None:
        with borrowed(self._pool) as conn:
            return _feed(conn.execute(f"{_SELECT} WHERE url = %s", (url.strip(),)).fetchone())

    def get(self, feed_id: int) -> Feed | None:
        with borrowed(self._pool) as conn:
            return _feed(conn.execute(f"{_SELECT} WHERE id = %s", (feed_id,)).fetchone())

    def remove(self, feed_id: int) -> bool:
        with borrowed(self._pool) as conn:  # (its entries go with it: ON DELETE CASCADE)
            return conn.execute("DELETE FROM feeds WHERE id = %s", (feed_id,)).rowcount > 0

    def list(self) -> builtins.list[Feed]:
        return self._feeds(f"{_SELECT} ORDER BY id", ())

    def due(self, now: dt.datetime) -> builtins.list[Feed]:
        return self._feeds(
            f"{_SELECT} WHERE next_poll_at <= %s ORDER BY next_poll_at, id", (_utc(now),)
        )

    def seen_entries(self, feed_id: int, keys: Collection[str]) -> dict[str, dt.datetime | None]:
        with borrowed(self._pool) as conn:
            rows = conn.execute(
                "SELECT key, updated FROM feed_entries WHERE feed_id = %s AND key = ANY(%s)",
                (feed_id, list(dict.fromkeys(keys))),
            ).fetchall()
        return {str(key): None if updated is None else _utc(updated) for key, updated in rows}

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
        now = _utc(now)
        # (written after the feed's row is locked: two pollers of one feed take turns)
        entries = [(feed_id, key, None if t is None else _utc(t), now) for key, t in seen]
        with borrowed(self._pool) as conn, conn.transaction():
            interval = self._locked_interval(conn, feed_id)
            if interval is None:
                return None
            next_poll = now + dt.timedelta(seconds=interval)
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO feed_entries (feed_id, key, updated, first_seen)"
                    " VALUES (%s, %s, %s, %s)"
                    " ON CONFLICT (feed_id, key) DO UPDATE SET updated = EXCLUDED.updated",
                    entries,
                )
            row = conn.execute(
                "UPDATE feeds SET etag = %s, last_modified = %s, title = COALESCE(%s, title),"
                " last_polled_at = %s, last_ok_at = %s, last_error = NULL, failures = 0,"
                f" next_poll_at = %s WHERE id = %s RETURNING {COLUMNS}",
                (etag, last_modified, title, now, now, next_poll, feed_id),
            ).fetchone()
        return _feed(row)

    def record_failure(self, feed_id: int, *, now: dt.datetime, error: str) -> Feed | None:
        now = _utc(now)
        with borrowed(self._pool) as conn, conn.transaction():
            found = conn.execute(
                "SELECT interval_s, failures FROM feeds WHERE id = %s FOR UPDATE", (feed_id,)
            ).fetchone()
            if found is None:
                return None
            failures = int(found[1]) + 1
            wait = backoff_s(found[0] or self.default_interval_s, failures, self.max_backoff_s)
            row = conn.execute(
                "UPDATE feeds SET last_polled_at = %s, last_error = %s, failures = %s,"
                f" next_poll_at = %s WHERE id = %s RETURNING {COLUMNS}",
                (now, error, failures, now + dt.timedelta(seconds=wait), feed_id),
            ).fetchone()
        return _feed(row)

    def close(self) -> None:
        if self._owns_pool:
            self._pool.close()

    def _locked_interval(self, conn: Connection, feed_id: int) -> float | None:
        """The feed's poll interval, its row locked until the transaction ends; None when
        there is no such feed."""
        row = conn.execute(
            "SELECT interval_s FROM feeds WHERE id = %s FOR UPDATE", (feed_id,)
        ).fetchone()
        return None if row is None else float(row[0] or self.default_interval_s)

    def _feeds(self, query: LiteralString, params: tuple[Any, ...]) -> builtins.list[Feed]:
        with borrowed(self._pool) as conn:
            rows = conn.execute(query, params).fetchall()
        return [feed for feed in map(_feed, rows) if feed is not None]
