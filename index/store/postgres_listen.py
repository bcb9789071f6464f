"""``ChangeListener``: a worker hears of every write to the PostgreSQL store (``LISTEN``).

Every write transaction sends ``NOTIFY newsbot_store, '<generation>'`` on commit. A listener
holds one connection of its own in a thread, and calls ``on_change`` when writes arrive, once
for a burst of them (an ingest notifies per batch): a worker then rebuilds its lexical view
before the next question needs it. It is a hint, not the source of truth: the generation each
search reads stays the fallback, so a lost connection (a server restart) only delays the hint;
the listener reconnects by itself, and calls ``on_change`` then too, for what it missed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import psycopg

from index.closing import Closing
from index.store.postgres_pool import CONNECT_TIMEOUT_S
from index.store.postgres_schema import CHANNEL, Connection

logger = logging.getLogger(__name__)

#: A burst of notices ends after this long without one (then ``on_change`` is called)...
QUIET_S = 0.5
#: ...or after this long since its first notice, whichever is first.
MAX_DELAY_S = 5.0
#: How often the thread looks whether it was closed while no notice arrives.
_TICK_S = 1.0
#: Pauses between attempts to reconnect (the last one repeats).
RETRY_S = (0.5, 1.0, 2.0, 5.0)


class ChangeListener(Closing):
    """Calls ``on_change()`` (in its own thread) after writes to the store at ``url``; started
    at once, stopped by ``close``."""

    def __init__(self, url: str, on_change: Callable[[], None]) -> None:
        self._url = url
        self._on_change = on_change
        self._stop = threading.Event()
        self.listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="store-listener")
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    self._url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S
                ) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    if failures:
                        logger.info("listening to the store's changes again")
                        self._changed()  # (writes while the connection was lost were not heard)
                    failures = 0
                    self.listening.set()
                    self._listen(conn)
            except psycopg.Error as e:
                self.listening.clear()
                pause = RETRY_S[min(failures, len(RETRY_S) - 1)]
                failures += 1
                logger.warning("lost the store's change notices (%s); again in %.1f s", e, pause)
                self._stop.wait(pause)

    def _listen(self, conn: Connection) -> None:
        """Until closed: wait for a notice, gather its burst, then tell ``on_change``."""
        while not self._stop.is_set():
            if not _heard(conn, _TICK_S):
                continue
            deadline = time.monotonic() + MAX_DELAY_S
            while time.monotonic() < deadline and not self._stop.is_set():
                if not _heard(conn, min(QUIET_S, max(0.0, deadline - time.monotonic()))):
                    break
            self._changed()

    def _changed(self) -> None:
        try:
            self._on_change()
        except Exception:  # a failed refresh waits for the next notice or question
            logger.warning("refreshing after a change of the store failed", exc_info=True)


def _heard(conn: Connection, timeout: float) -> bool:
    """Whether a notice arrived within ``timeout`` seconds."""
    return next(conn.notifies(timeout=timeout, stop_after=1), None) is not None
