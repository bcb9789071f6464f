"""Politeness: at most one request per interval to each host, across threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# Hosts not asked for longer than the interval are forgotten once this many are remembered.
_PRUNE_AT = 1024


class HostRateLimiter:
    """Spaces the requests to one host at least ``interval_s`` apart.

    ``wait(host)`` reserves the host's next free slot under a lock and sleeps (outside it)
    until then, so concurrent callers queue up in turn instead of all going at once. ``clock``
    and ``sleep`` are injectable for tests.
    """

    def __init__(
        self,
        interval_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if interval_s < 0:
            raise ValueError("interval_s must not be negative")
        self.interval_s = interval_s
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}  # host -> earliest time of its next request

    def wait(self, host: str) -> float:
        """Block until a request to ``host`` is allowed; returns the seconds waited."""
        if self.interval_s <= 0:
            return 0.0
        key = host.lower()
        with self._lock:
            now = self._clock()
            start = max(now, self._next.get(key, now))
            self._next[key] = start + self.interval_s
            if len(self._next) > _PRUNE_AT:
                self._next = {h: t for h, t in self._next.items() if t > now}
        delay = start - now
        if delay > 0:
            self._sleep(delay)
        return delay
