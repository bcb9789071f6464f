"""The connections to a ``FaissStore``'s database: one writer, and one reader per thread."""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.errors import StoreError
from index.store import schema


class Connections:
    """Connections to ``db_path``, opened when first used; after :meth:`close` every use is a
    ``StoreError``.

    The writer is shared (the store serialises writes under its own lock); each reading
    thread gets its own reader, kept until :meth:`close` (so use a fixed pool of threads).
    """

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.closed = False
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    @functools.cached_property
    def writer(self) -> sqlite3.Connection:
        return self._connect()

    def reader(self) -> sqlite3.Connection:
        """This thread's own read connection."""
        self.check_open()
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def check_open(self) -> None:
        if self.closed:
            raise StoreError(f"the store in {self.db_path.parent} is closed")

    def close(self) -> None:
        with self._lock:
            self.closed = True
            for conn in self._opened:
                conn.close()
            self._opened.clear()

    def _connect(self) -> sqlite3.Connection:
        conn = schema.connect(self.db_path)
        with self._lock:
            self._opened.append(conn)
        return conn


@contextmanager
def read_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One consistent snapshot for several reads on ``conn`` (WAL: writers go on meanwhile)."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("COMMIT")
