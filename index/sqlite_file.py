"""A small SQLite file owned by one object (the feed list, votes, chat settings, follows):
opened with its schema, written in atomic transactions, read under one lock.

One connection in autocommit mode, shared by threads under a lock (the bot calls these
stores from its worker threads); WAL, so a reader in another process never waits for a
writer. Opening fails with a ``StoreError`` that names the file, never a raw sqlite3 error.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from index.errors import StoreError


class SqliteFile:
    """The database at ``path`` with ``schema`` (statements separated by ";", each safe to
    run again, e.g. ``CREATE TABLE IF NOT EXISTS``); ``what`` names it in errors."""

    def __init__(self, path: Path, schema: str, *, what: str, user_version: int = 0) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                path, timeout=10.0, isolation_level=None, check_same_thread=False
            )
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.execute("PRAGMA journal_mode = WAL")
            with self.transaction() as conn:
                for statement in schema.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                if user_version:
                    conn.execute(f"PRAGMA user_version = {int(user_version)}")
        except (sqlite3.DatabaseError, OSError) as e:
            raise StoreError(
                f"cannot open the {what} {path}: {e}",
                user_message=f"The {what} file ({path}) could not be opened.",
            ) from e

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write (BEGIN IMMEDIATE ... COMMIT), rolled back on any error."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def read(self, sql: str, params: Iterable[object] = ()) -> list[sqlite3.Row]:
        """The rows of one query."""
        with self._lock:
            return self._conn.execute(sql, tuple(params)).fetchall()

    def close(self) -> None:
        with self._lock:
            self._conn.close()
