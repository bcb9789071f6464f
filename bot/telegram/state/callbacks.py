"""The values behind buttons: callback data carries only a short key, the value stays here.

Telegram allows 64 bytes of callback data, so an answer or a /latest listing is stored under
an opaque key and the button carries the key.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from answering.types import Answer
from bot.telegram.state.ttl_cache import Clock, TtlCache

T = TypeVar("T")

#: Characters in a generated key: 6 random bytes, URL-safe base64.
KEY_BYTES = 6


class CallbackData(Protocol[T]):
    """Values behind the short keys that buttons carry (``CallbackStore`` in memory)."""

    async def put(self, value: T) -> str:
        """Store ``value`` and return its new key."""
        ...

    async def get(self, key: str) -> T | None:
        """The value behind ``key``, or None when unknown or expired."""
        ...

    async def modify(self, key: str, change: Callable[[T], bool]) -> tuple[T, bool] | None:
        """Apply ``change`` to the value behind ``key`` and keep what it made of it, keeping
        its expiry, as one step: a concurrent change (another tap, on any worker) is never
        lost, and ``change`` sees it. ``change`` alters the value in place and says whether it
        did (it may run more than once). Returns the value as it now is and whether ``change``
        altered it, or None when ``key`` is unknown or expired."""
        ...

    async def purge(self) -> int:
        """Drop expired values; returns how many were dropped."""
        ...


def new_key() -> str:
    """A short opaque key (8 URL-safe characters) for callback data."""
    return secrets.token_urlsafe(KEY_BYTES)


class CallbackStore(Generic[T]):
    """A bounded LRU map from short opaque keys to values that expire after ``ttl_s``. Its
    methods are coroutines only to serve behind ``CallbackData``: they never wait."""

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

    async def put(self, value: T) -> str:
        """Store ``value`` and return its new key; evicts the least recently used when full."""
        key = self._key_factory()
        while key in self._values:
            key = self._key_factory()
        self._values.put(key, value)
        return key

    async def get(self, key: str) -> T | None:
        """The value behind ``key``, or None when unknown or expired. Marks it recently used."""
        return self._values.get(key)

    async def modify(self, key: str, change: Callable[[T], bool]) -> tuple[T, bool] | None:
        """``change`` the value behind ``key`` in place (nothing else runs meanwhile: this
        never waits), keeping its expiry; None when it is gone."""
        value = self._values.get(key)
        if value is None:
            return None
        return value, change(value)

    async def purge(self) -> int:
        """Drop expired entries; returns how many were dropped."""
        return self._values.purge()


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
