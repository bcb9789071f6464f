"""Cached answers and the values behind buttons, in Redis: JSON strings that Redis expires."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import redis

from answering.types import Answer
from bot.telegram.state.callbacks import new_key
from bot.telegram.state.codec import dump_answer, load_answer
from bot.telegram.state.redis_base import Client, shielded
from bot.telegram.state.ttl_cache import check_positive

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Keys deleted per command when the answer cache is cleared.
CLEAR_BATCH = 500
#: Times a change of a button's value is tried while other changes keep beating it.
MODIFY_TRIES = 10


def _milliseconds(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def _none() -> None:
    return None


def _miss() -> Any:  # a cache miss or an expired button, whatever the value's type
    return None


class RedisAnswerCache:
    """``AnswerCache`` in Redis: one key per question (its SHA-256), expiring after ``ttl_s``."""

    def __init__(self, client: Client, prefix: str, ttl_s: float) -> None:
        check_positive(ttl_s=ttl_s)
        self._client = client
        self._prefix = f"{prefix}answer:"
        self._ttl_ms = _milliseconds(ttl_s)

    def _key(self, key: str) -> str:
        return self._prefix + hashlib.sha256(key.encode()).hexdigest()

    @shielded(_miss)
    async def get(self, key: str) -> Answer | None:
        """The answer kept under ``key``, or None when unknown, expired or unreadable."""
        text = await self._client.get(self._key(key))
        if not isinstance(text, str):
            return None
        try:
            return load_answer(text)
        except (ValueError, TypeError, KeyError) as exc:  # written by another version
            logger.warning("Dropping an unreadable cached answer: %s", exc)
            return None

    @shielded(_none)
    async def put(self, key: str, value: Answer) -> None:
        """Keep ``value`` under ``key`` for ``ttl_s`` (replacing an older one)."""
        await self._client.set(self._key(key), dump_answer(value), px=self._ttl_ms)

    @shielded(_none)
    async def clear(self) -> None:
        """Forget every cached answer, in every worker."""
        batch: list[str] = []
        async for key in self._client.scan_iter(match=f"{self._prefix}*", count=CLEAR_BATCH):
            batch.append(key)
            if len(batch) >= CLEAR_BATCH:
                await self._client.delete(*batch)
                batch.clear()
        if batch:
            await self._client.delete(*batch)

    async def purge(self) -> int:
        """Nothing to do: Redis drops expired answers itself."""
        return 0


class RedisCallbackStore(Generic[T]):
    """``CallbackData`` in Redis: each value as text (``dump``/``load``) under a new short key,
    expiring ``ttl_s`` after it was put. When Redis is away a put still gives a key (its button
    then says it expired) and a get finds nothing."""

    def __init__(
        self,
        client: Client,
        prefix: str,
        ttl_s: float,
        dump: Callable[[T], str],
        load: Callable[[str], T],
        *,
        key_factory: Callable[[], str] = new_key,
    ) -> None:
        check_positive(ttl_s=ttl_s)
        self._client = client
        self._prefix = prefix
        self._ttl_ms = _milliseconds(ttl_s)
        self._dump = dump
        self._load = load
        self._key_factory = key_factory

    @shielded(new_key)
    async def put(self, value: T) -> str:
        """Store ``value`` and return its new key (never one in use)."""
        text = self._dump(value)
        while True:
            key = self._key_factory()
            if await self._client.set(self._prefix + key, text, px=self._ttl_ms, nx=True):
                return key

    @shielded(_miss)
    async def get(self, key: str) -> T | None:
        """The value behind ``key``, or None when unknown, expired or unreadable."""
        return self._read(key, await self._client.get(self._prefix + key))

    def _read(self, key: str, text: object) -> T | None:
        if not isinstance(text, str):
            return None
        try:
            return self._load(text)
        except (ValueError, TypeError, KeyError) as exc:  # written by another version
            logger.warning("Dropping unreadable button data %s: %s", key, exc)
            return None

    @shielded(_miss)
    async def modify(self, key: str, change: Callable[[T], bool]) -> tuple[T, bool] | None:
        """Read, ``change`` and write back the value behind ``key`` in one optimistic
        transaction (``WATCH``): when another change came between the read and the write, the
        write is dropped and the change tried again on the newer value."""
        name = self._prefix + key
        async with self._client.pipeline(transaction=True) as pipe:
            for _ in range(MODIFY_TRIES):
                try:
                    await pipe.watch(name)
                    value = self._read(key, await pipe.get(name))
                    if value is None or not change(value):
                        return None if value is None else (value, False)
                    pipe.multi()  # type: ignore[no-untyped-call]
                    pipe.set(name, self._dump(value), xx=True, keepttl=True)
                    written = await pipe.execute()
                    return (value, True) if written[0] else None
                except redis.WatchError:
                    continue
        raise redis.WatchError(f"{MODIFY_TRIES} changes of {key} beat each other")

    async def purge(self) -> int:
        """Nothing to do: Redis drops expired values itself."""
        return 0
