"""Server-side state of the Telegram bot: button payloads behind short keys, per-user limits.

The classes are pure (no I/O, no Telegram types) and take a ``clock`` so tests control time.
They are used from the event loop only, so they hold no locks.
"""

from __future__ import annotations

import math
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.answering.types import Answer

T = TypeVar("T")

Clock = Callable[[], float]

#: Characters in a generated key: 6 random bytes, URL-safe base64.
KEY_BYTES = 6


def new_key() -> str:
    """A short opaque key (8 URL-safe characters) for callback data."""
    return secrets.token_urlsafe(KEY_BYTES)


class CallbackStore(Generic[T]):
    """A bounded LRU map from short opaque keys to values that expire after ``ttl_s``.

    Callback data carries only the key (Telegram allows 64 bytes); the value stays here.
    """

    def __init__(
        self,
        capacity: int = 10_000,
        ttl_s: float = 24 * 3600.0,
        *,
        clock: Clock = time.monotonic,
        key_factory: Callable[[], str] = new_key,
    ) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        if ttl_s <= 0:
            raise ValueError("ttl_s must be positive")
        self._capacity = capacity
        self._ttl_s = ttl_s
        self._clock = clock
        self._key_factory = key_factory
        self._items: OrderedDict[str, tuple[float, T]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def put(self, value: T) -> str:
        """Store ``value`` and return its new key; evicts the least recently used when full."""
        key = self._key_factory()
        while key in self._items:
            key = self._key_factory()
        self._items[key] = (self._clock() + self._ttl_s, value)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)
        return key

    def get(self, key: str) -> T | None:
        """The value behind ``key``, or None when unknown or expired. Marks it recently used."""
        item = self._items.get(key)
        if item is None:
            return None
        expires, value = item
        if self._clock() >= expires:
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return value

    def purge(self) -> int:
        """Drop expired entries; returns how many were dropped."""
        now = self._clock()
        expired = [key for key, (expires, _) in self._items.items() if now >= expires]
        for key in expired:
            del self._items[key]
        return len(expired)


class RateLimiter:
    """A sliding-window limit: at most ``limit`` hits per user in any ``window_s`` seconds.

    Remembers at most ``max_users`` users (least recently active are forgotten first).
    """

    def __init__(
        self,
        limit: int,
        window_s: float,
        *,
        clock: Clock = time.monotonic,
        max_users: int = 100_000,
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        if window_s <= 0:
            raise ValueError("window_s must be positive")
        self._limit = limit
        self._window_s = window_s
        self._clock = clock
        self._max_users = max_users
        self._hits: OrderedDict[int, deque[float]] = OrderedDict()

    def hit(self, user_id: int) -> float:
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

    def purge(self) -> int:
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


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """An answer kept for its buttons, with the language it was shown in."""

    answer: Answer
    lang: str
