"""Sliding windows in Redis that a hit takes together or not at all, shared by every worker.

Telegram counts a send against the bot's limit and, in a group, against the group's too. One
Lua script drops the hits that left each window, and records the new hit in all of them only
when every one has room; otherwise it records nothing and returns how long until each has.
So a slot in one window is never held while waiting for another, and two workers asking at
once cannot both take the last slot.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass

from bot.telegram.state.redis_base import Client
from bot.telegram.state.ttl_cache import Clock, check_positive

# KEYS: the windows' sorted sets; ARGV: now, the hit's member, then each window's limit and
# length in seconds (ARGV[2i + 1], ARGV[2i + 2] for KEYS[i]). A hit leaves a window when
# now - t >= length. The wait is returned as a string: Redis truncates Lua numbers to integers.
_TAKE = """
local now = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local limit, length = tonumber(ARGV[2 * i + 1]), tonumber(ARGV[2 * i + 2])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - length)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    wait = math.max(wait, tonumber(freeing[2]) + length - now)
  end
end
if wait > 0 then
  return string.format('%.17g', wait)
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('PEXPIRE', key, math.ceil(tonumber(ARGV[2 * i + 2]) * 1000))
end
return '0'
"""


@dataclass(frozen=True, slots=True)
class Window:
    """One limit: at most ``limit`` hits in any ``length_s`` seconds, per key under ``prefix``."""

    prefix: str
    limit: int
    length_s: float

    def __post_init__(self) -> None:
        check_positive(limit=self.limit, length_s=self.length_s)


class RedisWindows:
    """Takes a hit in several windows at once. ``clock`` is wall time, shared by the workers.

    Raises ``redis.RedisError`` when Redis fails: the caller chooses its fallback.
    """

    def __init__(self, client: Client, *, clock: Clock = time.time) -> None:
        self._take = client.register_script(_TAKE)
        self._clock = clock

    async def take(self, hits: Sequence[tuple[Window, str]]) -> float:
        """Record a hit for each ``(window, key)`` and return 0.0 when all have room; else
        record none and return the seconds until all have (at least)."""
        now = self._clock()
        member = f"{now!r}:{secrets.token_hex(4)}"  # two hits at one instant are two members
        args: list[str | int] = [repr(now), member]
        for window, _ in hits:
            args += [int(window.limit), repr(float(window.length_s))]  # (never an IntEnum)
        keys = [f"{window.prefix}{key}" for window, key in hits]
        wait = await self._take(keys=keys, args=args)
        return max(0.0, float(wait))
