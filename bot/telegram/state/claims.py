"""Update claims: an update is handled once, even when two workers receive it."""

from __future__ import annotations

import time
from typing import Protocol

from bot.telegram.state.redis_base import Client, shielded
from bot.telegram.state.ttl_cache import Clock, TtlCache

#: How long a claim is remembered: Telegram redelivers an update for at most a day.
CLAIM_TTL_S = 24 * 3600.0


class UpdateClaims(Protocol):
    """Who handles an update: the first to claim it (``MemoryClaims`` in one process)."""

    async def claim(self, update_id: int) -> bool:
        """True the first time ``update_id`` is claimed (handle it); False after (drop it)."""
        ...


class MemoryClaims:
    """Claims in this process: the last ``capacity`` update ids, each for ``ttl_s``."""

    def __init__(
        self,
        capacity: int = 100_000,
        ttl_s: float = CLAIM_TTL_S,
        *,
        clock: Clock = time.monotonic,
    ) -> None:
        self._claimed = TtlCache[bool](capacity, ttl_s, clock=clock)

    async def claim(self, update_id: int) -> bool:
        key = str(update_id)
        if self._claimed.get(key) is not None:
            return False
        self._claimed.put(key, True)
        return True


def _handle() -> bool:
    return True


class RedisClaims:
    """Claims shared by the workers: ``SET key NX EX ttl`` says who came first. When Redis
    is away an update is handled (twice at worst, rather than never)."""

    def __init__(self, client: Client, prefix: str, ttl_s: float = CLAIM_TTL_S) -> None:
        self._client = client
        self._prefix = prefix
        self._ttl_s = max(1, round(ttl_s))

    @shielded(_handle)
    async def claim(self, update_id: int) -> bool:
        key = f"{self._prefix}{update_id}"
        return bool(await self._client.set(key, "1", nx=True, ex=self._ttl_s))
