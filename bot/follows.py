"""Topic subscriptions (/follow): which chat follows which topics, kept in SQLite.

One row per chat and topic (topics compare without regard to case and spacing). Every write is
one transaction on the store's locked connection (``SqliteFile``), so the store is safe from
any thread; the bot runs its calls off the event loop. ``Subscriptions`` is what the bot needs
of it (``bot.follows_redis`` keeps the same in Redis, for several workers).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Protocol

from index.sqlite_file import SqliteFile
from index.topic_match import TopicMatching

logger = logging.getLogger(__name__)

FOLLOWS_NAME = "follows.sqlite3"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS follows (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " chat_id INTEGER NOT NULL, user_id INTEGER NOT NULL, topic TEXT NOT NULL,"
    " folded TEXT NOT NULL, lang TEXT NOT NULL, created_at TEXT NOT NULL,"
    " UNIQUE (chat_id, folded))",
    "CREATE INDEX IF NOT EXISTS follows_folded ON follows (folded)",
    # Alerts decided but not yet delivered: sent, they go; a stop or a crash leaves them for
    # the next start.
    "CREATE TABLE IF NOT EXISTS pending_alerts (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " chat_id INTEGER NOT NULL, article_id TEXT NOT NULL, html TEXT NOT NULL, read_url TEXT,"
    " lang TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (chat_id, article_id))",
)
_COLUMNS = "id, chat_id, user_id, topic, lang"


def follows_path(data_dir: Path) -> Path:
    """Where the subscriptions of the bot with this data directory live."""
    return data_dir / FOLLOWS_NAME


def fold(topic: str) -> str:
    """The form two topics are compared in: spacing collapsed, case folded."""
    return " ".join(topic.split()).casefold()


@dataclass(frozen=True, slots=True)
class Follow:
    """One followed topic of one chat (``lang``: the language its alerts are written in)."""

    id: int
    chat_id: int
    user_id: int
    topic: str
    lang: str


@dataclass(frozen=True, slots=True)
class PendingAlert:
    """An alert to deliver: the rendered message to ``chat_id`` about ``article_id``, with a
    "Read article" link to ``read_url`` when there is one (``id`` 0 until it is queued)."""

    id: int
    chat_id: int
    article_id: str
    html: str
    read_url: str | None
    lang: str


class Followed(Enum):
    """What ``FollowStore.follow`` did."""

    ADDED = "added"
    ALREADY = "already"
    FULL = "full"


class Subscriptions(Protocol):
    """Which chat follows which topics, and the alerts waiting to go out. Blocking: the bot
    runs every call off the event loop."""

    def close(self) -> None: ...

    def follow(
        self, chat_id: int, user_id: int, topic: str, lang: str, *, max_topics: int
    ) -> tuple[Followed, Follow]:
        """Follow ``topic`` in ``chat_id`` unless followed already or ``max_topics`` are."""
        ...

    def topics(self, chat_id: int) -> list[Follow]:
        """The chat's followed topics, oldest first."""
        ...

    def unfollow(self, chat_id: int, ref: str) -> Follow | None:
        """Stop following the chat's topic ``ref`` (its id, else its text); None if unknown."""
        ...

    def drop_chat(self, chat_id: int) -> int:
        """Unfollow everything in the chat and forget its pending alerts; how many topics."""
        ...

    def queue(self, alerts: Sequence[PendingAlert]) -> list[PendingAlert]:
        """Keep ``alerts`` until delivered; the ones newly queued, with their ids."""
        ...

    def pending(self) -> list[PendingAlert]:
        """The alerts not yet delivered, oldest first."""
        ...

    def claim(self, alert_id: int) -> bool:
        """True for the one caller that is to send the alert now: it is still pending and
        nobody holds it (a claim holds until ``release``, or lapses with a crashed sender)."""
        ...

    def release(self, alert_id: int) -> None:
        """Give a claim up: the alert stays pending for a later try."""
        ...

    def delivered(self, alert_id: int) -> None:
        """The alert arrived (or can never arrive): it is not sent again."""
        ...

    def by_topic(self) -> dict[str, list[Follow]]:
        """Every subscription, grouped by folded topic (the first spelling is the query)."""
        ...


class FollowStore:
    """The subscriptions in the SQLite file ``path`` (created with its folder if missing),
    for one process (its claims on pending alerts are kept in memory)."""

    def __init__(self, path: Path) -> None:
        self._db = SqliteFile(path, ";".join(_SCHEMA), what="topic subscriptions")
        self._claimed: set[int] = set()
        self._claims_lock = threading.Lock()

    @property
    def path(self) -> Path:
        return self._db.path

    def close(self) -> None:
        self._db.close()

    def follow(
        self, chat_id: int, user_id: int, topic: str, lang: str, *, max_topics: int
    ) -> tuple[Followed, Follow]:
        """Follow ``topic`` (spacing tidied) in ``chat_id``, unless already followed or the
        chat follows ``max_topics`` already (then the outcome says so, and the ``Follow`` is
        the existing one or the refused one with id 0)."""
        topic = " ".join(topic.split())
        with self._db.transaction() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM follows WHERE chat_id = ? AND folded = ?",
                (chat_id, fold(topic)),
            ).fetchone()
            if row is not None:
                return Followed.ALREADY, Follow(*row)
            (count,) = conn.execute(
                "SELECT count(*) FROM follows WHERE chat_id = ?", (chat_id,)
            ).fetchone()
            if count >= max_topics:
                return Followed.FULL, Follow(0, chat_id, user_id, topic, lang)
            cursor = conn.execute(
                "INSERT INTO follows (chat_id, user_id, topic, folded, lang, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (chat_id, user_id, topic, fold(topic), lang, dt.datetime.now(dt.UTC).isoformat()),
            )
            return Followed.ADDED, Follow(int(cursor.lastrowid or 0), chat_id, user_id, topic, lang)

    def topics(self, chat_id: int) -> list[Follow]:
        """The chat's followed topics, oldest first."""
        with self._db.transaction() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM follows WHERE chat_id = ? ORDER BY id", (chat_id,)
            ).fetchall()
        return [Follow(*row) for row in rows]

    def unfollow(self, chat_id: int, ref: str) -> Follow | None:
        """Stop following the chat's topic ``ref`` (its id, else its text); None if unknown."""
        ref = ref.strip()
        with self._db.transaction() as conn:
            row = None
            if ref.isdigit():
                row = conn.execute(
                    f"SELECT {_COLUMNS} FROM follows WHERE chat_id = ? AND id = ?",
                    (chat_id, int(ref)),
                ).fetchone()
            if row is None:
                row = conn.execute(
                    f"SELECT {_COLUMNS} FROM follows WHERE chat_id = ? AND folded = ?",
                    (chat_id, fold(ref)),
                ).fetchone()
            if row is None:
                return None
            conn.execute("DELETE FROM follows WHERE id = ?", (row[0],))
        return Follow(*row)

    def drop_chat(self, chat_id: int) -> int:
        """Unfollow everything in ``chat_id`` (it blocked the bot), and forget its pending
        alerts; how many topics were dropped."""
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM pending_alerts WHERE chat_id = ?", (chat_id,))
            cursor = conn.execute("DELETE FROM follows WHERE chat_id = ?", (chat_id,))
            return cursor.rowcount

    def queue(self, alerts: Sequence[PendingAlert]) -> list[PendingAlert]:
        """Keep ``alerts`` until they are delivered; the ones newly queued, with their ids (an
        alert to a chat about an article already waiting is not queued twice)."""
        queued = []
        now = dt.datetime.now(dt.UTC).isoformat()
        with self._db.transaction() as conn:
            for alert in alerts:
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO pending_alerts"
                    " (chat_id, article_id, html, read_url, lang, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (alert.chat_id, alert.article_id, alert.html, alert.read_url, alert.lang, now),
                )
                if cursor.rowcount:
                    queued.append(replace(alert, id=int(cursor.lastrowid or 0)))
        return queued

    def pending(self) -> list[PendingAlert]:
        """The alerts not yet delivered, oldest first."""
        rows = self._db.read(
            "SELECT id, chat_id, article_id, html, read_url, lang FROM pending_alerts ORDER BY id"
        )
        return [PendingAlert(*row) for row in rows]

    def claim(self, alert_id: int) -> bool:
        with self._claims_lock:
            waiting = self._db.read("SELECT 1 FROM pending_alerts WHERE id = ?", (alert_id,))
            if alert_id in self._claimed or not waiting:
                return False
            self._claimed.add(alert_id)
            return True

    def release(self, alert_id: int) -> None:
        with self._claims_lock:
            self._claimed.discard(alert_id)

    def delivered(self, alert_id: int) -> None:
        """The alert arrived (or can never arrive): it is not sent again."""
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM pending_alerts WHERE id = ?", (alert_id,))
        self.release(alert_id)

    def by_topic(self) -> dict[str, list[Follow]]:
        """Every subscription, grouped by folded topic (the first spelling is the query)."""
        with self._db.transaction() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS}, folded FROM follows ORDER BY folded, id"
            ).fetchall()
        grouped: dict[str, list[Follow]] = {}
        for row in rows:
            grouped.setdefault(row[5], []).append(Follow(*row[:5]))
        return grouped


@dataclass(frozen=True, slots=True)
class Follows:
    """What topic alerts need: the subscriptions and the matcher over the index."""

    store: Subscriptions
    matcher: TopicMatching
