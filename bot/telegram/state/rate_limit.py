"""Per-user rate limits: how many hits a user may make in a sliding window of time."""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from typing import Protocol

from bot.telegram.state.ttl_cache import Clock, check_positive


class RateLimit(Protocol):
    """A per-user (or per-chat) limit on hits in a window (``RateLimiter`` in memory)."""

    async def hit(self, user_id: int) -> float:
        """Record a hit for ``user_id`` if allowed and return 0.0; else the seconds to wait."""
        ...

    async def purge(self) -> int:
        """Forget users with no hit left in the window; returns how many."""
        ...


class RateLimiter:
    """A sliding-window limit: at most ``limit`` hits per user in any ``window_s`` seconds.

    Remembers at most ``max_users`` users (least recently active are forgotten first). Its
    methods are coroutines only to serve behind ``RateLimit``: they never wait.
    """

    def __init__(
        self,
        limit: int,
        window_s: float,
        *,
        clock: Clock = time.monotonic,
        max_users: int = 100_000,
    ) -> None:
        check_positive(limit=limit, window_s=window_s)
        self._limit = limit
        self._window_s = window_s
        self._clock = clock
        self._max_users = max_users
        self._hits: OrderedDict[int, deque[float]] = OrderedDict()

    async def hit(self, user_id: int) -> float:
        """Record a hit for ``user_id`` if allowed and return 0.0; else the seconds to wait.

        A refused hit is not recorded, so waiting the returned time always frees a slot.
        """
        now = self._clock()
        hits = self._hits.get(user_id)
        if hits is None:
            hits = deque()
            self._hits[user_id] = hits
        self._hits.move_to_end(user_id)
        while hits and now - hits[0] >= self._window_s:
            hits.popleft()
        if len(hits) >= self._limit:
            return hits[0] + self._window_s - now
        hits.append(now)
        while len(self._hits) > self._max_users:
            self._hits.popitem(last=False)
        return 0.0

    async def purge(self) -> int:
        """Forget users whose hits have all left the window; returns how many."""
        now = self._clock()
        idle = [
            uid for uid, hits in self._hits.items() if not hits or now - hits[-1] >= self._window_s
        ]
        for uid in idle:
            del self._hits[uid]
        return len(idle)

    def __len__(self) -> int:
        return len(self._hits)


def wait_seconds(wait: float) -> int:
    """Seconds to show a user for a wait of ``wait`` (rounded up, at least 1)."""
    return max(1, math.ceil(wait))
