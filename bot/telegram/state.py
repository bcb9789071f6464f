"""Server-side state of the Telegram bot: button payloads behind short keys, per-user limits,
recent answers by question, and the pending inline query per user.

The classes are pure (no I/O, no Telegram types); those that keep time take a ``clock`` so tests
control it. They are used from the event loop only, so they hold no locks.

``Debouncer`` exists because Telegram sends an inline query per keystroke: ``settle`` lets a
query wait a short moment, and a newer query of the same user ends that wait at once and makes
the older one stale, so a typed-out question is looked up once, when the user pauses.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from answering.types import Answer

T = TypeVar("T")

Clock = Callable[[], float]

#: Characters in a generated key: 6 random bytes, URL-safe base64.
KEY_BYTES = 6


def new_key() -> str:
    """A short opaque key (8 URL-safe characters) for callback data."""
    return secrets.token_urlsafe(KEY_BYTES)


class TtlCache(Generic[T]):
    """A bounded LRU map from strings to values that expire ``ttl_s`` after they were put."""

    def __init__(self, capacity: int, ttl_s: float, *, clock: Clock = time.monotonic) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        if ttl_s <= 0:
            raise ValueError("ttl_s must be positive")
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
        self._values = TtlCache[T](capacity, ttl_s, clock=clock)
        self._key_factory = key_factory

    def __len__(self) -> int:
        return len(self._values)

    def put(self, value: T) -> str:
        """Store ``value`` and return its new key; evicts the least recently used when full."""
        key = self._key_factory()
        while key in self._values:
            key = self._key_factory()
        self._values.put(key, value)
        return key

    def get(self, key: str) -> T | None:
        """The value behind ``key``, or None when unknown or expired. Marks it recently used."""
        return self._values.get(key)

    def purge(self) -> int:
        """Drop expired entries; returns how many were dropped."""
        return self._values.purge()


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


_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"[\s?!.…]+$")


def normalize_question(question: str) -> str:
    """The cache key of ``question``: case-folded, spaces collapsed, trailing ``?!.`` dropped."""
    return _TRAILING.sub("", _SPACES.sub(" ", question).strip().casefold())


def wait_seconds(wait: float) -> int:
    """Seconds to show a user for a wait of ``wait`` (rounded up, at least 1)."""
    return max(1, math.ceil(wait))


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """An answer kept for its buttons, with the language it was shown in and the question
    as the user asked it (a cached answer carries the question of whoever asked first).

    ``shown`` holds the views already added to the chat (an action letter, or an action and a
    report's number), so a second tap on a button adds nothing; ``inline_views`` the HTML of
    those shown inside an inline message, which shows them all.
    """

    answer: Answer
    lang: str
    question: str = ""
    shown: set[str] = field(default_factory=set)
    inline_views: list[str] = field(default_factory=list)  # in an inline message, in order


class Debouncer:
    """The newest pending call per user; older ones are superseded by it."""

    def __init__(self) -> None:
        self._latest: dict[int, asyncio.Event] = {}

    def __len__(self) -> int:
        """Users with a call waiting in ``settle``."""
        return len(self._latest)

    def pending(self, user_id: int) -> bool:
        """Whether a call of ``user_id`` is waiting in ``settle``."""
        return user_id in self._latest

    def supersede(self, user_id: int) -> None:
        """Make the call of ``user_id`` waiting in ``settle`` (if any) stale, at once."""
        previous = self._latest.pop(user_id, None)
        if previous is not None:
            previous.set()

    async def settle(self, user_id: int, delay_s: float) -> bool:
        """Wait ``delay_s`` seconds; True unless a newer call for ``user_id`` came meanwhile.

        A newer call ends this wait at once (and this one returns False).
        """
        self.supersede(user_id)
        superseded = asyncio.Event()
        self._latest[user_id] = superseded
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(superseded.wait(), delay_s)
        finally:
            if self._latest.get(user_id) is superseded:
                del self._latest[user_id]
        return not superseded.is_set()
