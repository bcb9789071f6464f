"""A subscribed feed, the registry's schema, and the mapping between rows and ``Feed``.

Times are ``datetime`` in UTC (a naive one is taken as UTC); on disk, epoch seconds.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from index.errors import UrlRefusedError

FEEDS_DB = "feeds.sqlite"
#: The shortest poll interval a feed may ask for, in seconds.
MIN_INTERVAL_S = 10.0
SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL UNIQUE,
    title TEXT,
    interval_s REAL,
    etag TEXT,
    last_modified TEXT,
    added_at REAL NOT NULL,
    last_polled_at REAL,
    last_ok_at REAL,
    last_error TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    next_poll_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    updated REAL,
    first_seen REAL NOT NULL,
    PRIMARY KEY (feed_id, key)
);
"""
COLUMNS = (
    "id, url, title, interval_s, etag, last_modified, added_at, last_polled_at, last_ok_at, "
    "last_error, failures, next_poll_at"
)
#: (entry key, its updated/published date or None): what ``record_success`` marks as read.
SeenEntry = tuple[str, dt.datetime | None]


@dataclass(frozen=True, slots=True)
class Feed:
    """A subscribed feed and its polling state. ``interval_s`` None: the registry's default."""

    id: int
    url: str
    title: str | None
    interval_s: float | None
    etag: str | None
    last_modified: str | None
    added_at: dt.datetime
    last_polled_at: dt.datetime | None
    last_ok_at: dt.datetime | None
    last_error: str | None
    failures: int
    next_poll_at: dt.datetime


def registry_path(data_dir: Path) -> Path:
    """Where the feed registry of a data directory lives."""
    return data_dir / FEEDS_DB


def check_feed_url(url: str) -> str:
    """The URL stripped of surrounding space; raises ``UrlRefusedError`` unless http(s)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UrlRefusedError(f"feed URL {url!r}", reason="a feed must be an http(s) URL")
    return url


def check_interval(interval_s: float | None) -> None:
    """Raises ``ValueError`` for a poll interval under ``MIN_INTERVAL_S`` (None: the default)."""
    if interval_s is not None and not interval_s >= MIN_INTERVAL_S:
        raise ValueError(f"the poll interval must be at least {MIN_INTERVAL_S:g} seconds")


def backoff_s(interval_s: float, failures: int, max_backoff_s: float) -> float:
    """How long after the ``failures``-th failure in a row the next poll waits:
    ``interval * 2**failures``, capped at ``max_backoff_s`` but never under ``interval``."""
    return max(interval_s, min(max_backoff_s, interval_s * 2.0 ** min(failures, 60)))


def to_epoch(when: dt.datetime) -> float:
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.timestamp()


def from_epoch(value: float | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromtimestamp(value, dt.UTC)


def feed_from_row(row: sqlite3.Row) -> Feed:
    added_at, next_poll_at = from_epoch(row["added_at"]), from_epoch(row["next_poll_at"])
    assert added_at is not None and next_poll_at is not None  # NOT NULL columns
    return Feed(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        interval_s=row["interval_s"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        added_at=added_at,
        last_polled_at=from_epoch(row["last_polled_at"]),
        last_ok_at=from_epoch(row["last_ok_at"]),
        last_error=row["last_error"],
        failures=row["failures"],
        next_poll_at=next_poll_at,
    )
