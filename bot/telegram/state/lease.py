"""A lease: one holder at a time (one worker polls the feeds), for a while unless renewed."""

from __future__ import annotations

import secrets
import time
from typing import Protocol

from bot.telegram.state.redis_base import Client, shielded
from bot.telegram.state.ttl_cache import Clock, check_positive


class Lease(Protocol):
    """A named lease held by one holder at a time, for ``ttl_s`` from its last renewal."""

    async def acquire(self) -> bool:
        """Take the lease when it is free, or renew it when this holder has it; True if held."""
        ...

    async def renew(self) -> bool:
        """Extend the lease when this holder still has it; False when it was lost."""
        ...

    async def release(self) -> bool:
        """Give the lease up when this holder has it (True); another's is left alone."""
        ...


def new_token() -> str:
    """A holder's identity: random, so two workers never share one."""
    return secrets.token_hex(8)


class LeaseBoard:
    """The leases of one process: name -> (holder, expiry)."""

    def __init__(self, *, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self.held: dict[str, tuple[str, float]] = {}


class LocalLease:
    """``Lease`` among the holders sharing one ``LeaseBoard`` (in one process). Its methods
    are coroutines only to serve behind ``Lease``: they never wait."""

    def __init__(self, board: LeaseBoard, name: str, ttl_s: float, token: str = "") -> None:
        check_positive(ttl_s=ttl_s)
        self._board = board
        self._name = name
        self._ttl_s = ttl_s
        self._token = token or new_token()

    def _holder(self) -> str | None:
        held = self._board.held.get(self._name)
        if held is None or self._board.clock() >= held[1]:
            return None
        return held[0]

    async def acquire(self) -> bool:
        if self._holder() not in (None, self._token):
            return False
        self._board.held[self._name] = (self._token, self._board.clock() + self._ttl_s)
        return True

    async def renew(self) -> bool:
        return self._holder() == self._token and await self.acquire()

    async def release(self) -> bool:
        if self._holder() != self._token:
            return False
        del self._board.held[self._name]
        return True


# KEYS[1]: the lease; ARGV[1]: the holder's token; ARGV[2]: the new time to live (ms).
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


def _not_held() -> bool:
    return False


class RedisLease:
    """``Lease`` shared by the workers: ``SET NX PX`` with the holder's token; renewal and
    release compare the token in one Lua script. Without Redis nobody holds it (nothing runs
    twice; the feeds wait until Redis is back)."""

    def __init__(self, client: Client, key: str, ttl_s: float, token: str = "") -> None:
        check_positive(ttl_s=ttl_s)
        self._client = client
        self._key = key
        self._ttl_ms = max(1, round(ttl_s * 1000))
        self._token = token or new_token()
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)

    @shielded(_not_held)
    async def acquire(self) -> bool:
        if await self._client.set(self._key, self._token, nx=True, px=self._ttl_ms):
            return True
        return await self.renew()

    @shielded(_not_held)
    async def renew(self) -> bool:
        return bool(await self._renew(keys=[self._key], args=[self._token, self._ttl_ms]))

    @shielded(_not_held)
    async def release(self) -> bool:
        return bool(await self._release(keys=[self._key], args=[self._token]))
