"""A bounded LRU map whose entries expire: the in-memory store under the bot's caches.

Pure (no I/O, no Telegram types), with a ``clock`` that tests control. It is used from the
event loop only, so it holds no lock.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

Clock = Callable[[], float]


def check_positive(**bounds: float) -> None:
    """Raise ``ValueError`` naming the first bound that is not positive."""
    for name, value in bounds.items():
        if value <= 0:
            raise ValueError(f"{name} must be positive")


class TtlCache(Generic[T]):
    """A bounded LRU map from strings to values that expire ``ttl_s`` after they were put."""

    def __init__(self, capacity: int, ttl_s: float, *, clock: Clock = time.monotonic) -> None:
        check_positive(capacity=capacity, ttl_s=ttl_s)
        self._capacity = capacity
        self._ttl_s = ttl_s
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, T]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def put(self, key: str, value: T) -> None:
        """Keep ``value`` under ``key`` (replacing and refreshing an older one)."""
        self._items.pop(key, None)
        self._items[key] = (self._clock() + self._ttl_s, value)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)

    def get(self, key: str) -> T | None:
        """The value under ``key``, or None when unknown or expired. Marks it recently used."""
        item = self._items.get(key)
        if item is None:
            return None
        expires, value = item
        if self._clock() >= expires:
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return value

    def clear(self) -> None:
        """Forget everything (the articles changed, so cached answers may be stale)."""
        self._items.clear()

    def purge(self) -> int:
        """Drop expired entries; returns how many were dropped."""
        now = self._clock()
        expired = [key for key, (expires, _) in self._items.items() if now >= expires]
        for key in expired:
            del self._items[key]
        return len(expired)
