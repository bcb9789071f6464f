"""The update journal: no update Telegram delivered is lost to a crash or a restart.

Telegram forgets an update once the bot has fetched the next batch, but the bot may still be
answering it. So each message is written down (a SQLite file in the data
directory) before it is queued, and marked done once every handler and the error handler have
run for it. After a crash (or a stop with updates still queued), ``pending`` gives what was
received and never finished, and the bot replays it at start-up.

The journal also makes delivery idempotent: an update it already holds (replayed, then
redelivered by Telegram because the crash came before its acknowledgement) is not queued again.

Inline queries and button taps are not journaled: Telegram refuses an answer to either after
a few seconds, so a replay could only fail. A finished update keeps only its id (to recognise
a redelivery), not its text; ids older than ``KEEP_DONE_S`` are pruned now and then.

Writes are small and committed one by one in WAL mode (durable across a killed process); the
class locks its connection, so the event loop can call it from a worker thread.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

#: Done entries are kept this long, to recognise a redelivered update.
KEEP_DONE_S = 2 * 24 * 3600.0
#: Old done entries are pruned after this many updates finish.
PRUNE_EVERY = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS updates (
    update_id INTEGER PRIMARY KEY,
    payload TEXT NOT NULL,
    received_at REAL NOT NULL,
    done_at REAL
)
"""


@dataclass(frozen=True, slots=True)
class Pending:
    """An update that was received and never finished."""

    update_id: int
    payload: dict[str, Any]
    received_at: float


def journal_path(data_dir: Path, token: str) -> Path:
    """The journal of the bot with ``token``: one per bot, since update ids are per bot
    (the bot's numeric id is the token's first part; nothing secret goes into the name)."""
    bot_id = token.split(":", 1)[0]
    return data_dir / f"updates-{bot_id if bot_id.isdigit() else 'bot'}.sqlite"


class UpdateJournal:
    """Updates received and not yet finished, in ``journal_path(data_dir, token)``."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._clock = clock
        self._lock = threading.Lock()
        self._finished = 0
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._conn.execute(_SCHEMA)

    def record(self, update_id: int, payload: dict[str, Any]) -> bool:
        """Write down a received update; False when the journal already holds it."""
        with self._lock:
            cursor = self._conn.execute(
                "INSERT OR IGNORE INTO updates (update_id, payload, received_at) VALUES (?, ?, ?)",
                (update_id, json.dumps(payload, ensure_ascii=False), self._clock()),
            )
            return cursor.rowcount == 1

    def done(self, update_id: int) -> None:
        """Mark an update finished: every handler (or the error handler) has run for it. Its
        text is dropped (users' questions are not kept on disk longer than needed)."""
        with self._lock:
            self._conn.execute(
                "UPDATE updates SET done_at = ?, payload = '' "
                "WHERE update_id = ? AND done_at IS NULL",
                (self._clock(), update_id),
            )
            self._finished += 1
            if self._finished % PRUNE_EVERY == 0:
                self._prune()

    def _prune(self) -> None:
        self._conn.execute(
            "DELETE FROM updates WHERE done_at IS NOT NULL AND done_at < ?",
            (self._clock() - KEEP_DONE_S,),
        )

    def pending(self, max_age_s: float) -> list[Pending]:
        """Updates received and not finished, oldest first; those older than ``max_age_s``
        are marked done and logged instead (their chats have long moved on)."""
        now = self._clock()
        with self._lock:
            rows = self._conn.execute(
                "SELECT update_id, payload, received_at FROM updates "
                "WHERE done_at IS NULL ORDER BY update_id"
            ).fetchall()
            stale = [row[0] for row in rows if now - row[2] > max_age_s]
            self._conn.executemany(
                "UPDATE updates SET done_at = ?, payload = '' WHERE update_id = ?",
                [(now, i) for i in stale],
            )
            self._prune()
        if stale:
            logger.warning(
                "%d unfinished updates are older than %.0f s and are not replayed: %s",
                len(stale),
                max_age_s,
                stale[:20],
            )
        return [Pending(i, json.loads(p), at) for i, p, at in rows if now - at <= max_age_s]

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> UpdateJournal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
