"""The per-user sliding-window limit in Redis, so that it holds across workers.

Each user's hits are a sorted set scored by time. One Lua script drops the hits that left the
window, counts the rest and adds the new hit when there is room, so two workers counting the
same user at once cannot both take the last slot. The set expires once its window is over.
"""

from __future__ import annotations

import secrets
import time

from bot.telegram.state.redis_base import Client, shielded
from bot.telegram.state.ttl_cache import Clock, check_positive

# KEYS[1]: the user's set; ARGV: now, window (seconds), limit, the new hit's member.
# A hit leaves the window when now - t >= window (as in ``RateLimiter``). The wait is returned
# as a string: Redis would truncate a Lua number to an integer.
_HIT = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return string.format('%.17g', tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
return '0'
"""


def _allow() -> float:
    return 0.0


class RedisRateLimiter:
    """``RateLimit`` in Redis: at most ``limit`` hits per user in any ``window_s`` seconds.

    ``clock`` is wall time (``time.time``), the one clock the workers share. When Redis is
    away, every hit is allowed (the limit guards the answerer, not the user's access).
    """

    def __init__(
        self,
        client: Client,
        prefix: str,
        limit: int,
        window_s: float,
        *,
        clock: Clock = time.time,
    ) -> None:
        check_positive(limit=limit, window_s=window_s)
        self._hit = client.register_script(_HIT)
        self._prefix, self._clock = prefix, clock
        self._bounds = (repr(window_s), limit)  # the script's ARGV[2] and ARGV[3]

    @shielded(_allow)
    async def hit(self, user_id: int) -> float:
        """Record a hit for ``user_id`` if allowed and return 0.0; else the seconds to wait.

        A refused hit is not recorded, so waiting the returned time always frees a slot.
        """
        now = self._clock()
        member = f"{now!r}:{secrets.token_hex(4)}"  # two hits at one instant are two members
        args: list[str | int] = [repr(now), *self._bounds, member]
        wait = await self._hit(keys=[f"{self._prefix}{user_id}"], args=args)
        return max(0.0, float(wait))

    async def purge(self) -> int:
        """Nothing to do: a user's set expires when its window is over."""
        return 0
