"""Each kind of state from one backend (in memory, or a real Redis), for the contract tests.

The limiters of both backends read the test's clock, so rate-limit tests move it by hand
(``advance``). Expiry in Redis is Redis's own, in real time: ``expire`` waits out a short
time to live there, and moves the clock in memory.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from bot.telegram.state.answer_cache import AnswerCache, MemoryAnswerCache
from bot.telegram.state.callbacks import CallbackData, CallbackStore, StoredAnswer
from bot.telegram.state.claims import MemoryClaims, UpdateClaims
from bot.telegram.state.codec import dump_stored, load_stored
from bot.telegram.state.follow_ups import FollowUps, MemoryFollowUps
from bot.telegram.state.lease import Lease, LeaseBoard, LocalLease, RedisLease
from bot.telegram.state.rate_limit import RateLimit, RateLimiter
from bot.telegram.state.redis_base import Client, connect
from bot.telegram.state.redis_claims import RedisClaims
from bot.telegram.state.redis_follow_ups import RedisFollowUps
from bot.telegram.state.redis_rate_limit import RedisRateLimiter
from bot.telegram.state.redis_values import RedisAnswerCache, RedisCallbackStore
from tests.bot.telegram.fakes import ManualClock

#: A time to live short enough to wait out in a test.
SHORT_TTL_S = 0.2
#: What is added to it before the value is looked for again (Redis expires within a
#: millisecond of its deadline).
EXPIRY_MARGIN_S = 0.05
#: How long a test's Redis calls may take before they fail.
REDIS_TIMEOUT_S = 5.0

BACKENDS = ["memory", pytest.param("redis", marks=pytest.mark.redis)]


class Backend:
    """Makes each kind of state on the memory backend (``client`` None) or on Redis."""

    def __init__(self, clock: ManualClock, client: Client | None) -> None:
        self.clock = clock
        self.client = client
        self.name = "memory" if client is None else "redis"
        self._board = LeaseBoard(clock=clock)

    def answer_cache(self, ttl_s: float = 60.0) -> AnswerCache:
        if self.client is None:
            return MemoryAnswerCache(100, ttl_s, clock=self.clock)
        return RedisAnswerCache(self.client, "test:", ttl_s)

    def callbacks(self, ttl_s: float = 60.0) -> CallbackData[StoredAnswer]:
        if self.client is None:
            return CallbackStore[StoredAnswer](100, ttl_s, clock=self.clock)
        return RedisCallbackStore(self.client, "test:button:", ttl_s, dump_stored, load_stored)

    def limiter(self, limit: int, window_s: float) -> RateLimit:
        if self.client is None:
            return RateLimiter(limit, window_s, clock=self.clock)
        return RedisRateLimiter(self.client, "test:limit:", limit, window_s, clock=self.clock)

    def claims(self) -> UpdateClaims:
        if self.client is None:
            return MemoryClaims(clock=self.clock)
        return RedisClaims(self.client, "test:update:")

    def lease(self, ttl_s: float = 60.0) -> Lease:
        """A holder of the lease "feeds": each call is another holder of the same lease."""
        if self.client is None:
            return LocalLease(self._board, "feeds", ttl_s)
        return RedisLease(self.client, "test:lease:feeds", ttl_s)

    def follow_ups(self, ttl_s: float = 60.0) -> FollowUps:
        """Follow-up contexts whose previous question lives ``ttl_s``."""
        if self.client is None:
            return MemoryFollowUps(ttl_s, clock=self.clock)
        return RedisFollowUps(self.client, "test:followup:", ttl_s, clock=self.clock)

    def advance(self, seconds: float) -> None:
        """Move the test's clock (which the limiters read)."""
        self.clock.now += seconds

    async def expire(self, ttl_s: float = SHORT_TTL_S) -> None:
        """Let a time to live of ``ttl_s`` run out."""
        if self.client is None:
            self.advance(ttl_s)
        else:
            await asyncio.sleep(ttl_s + EXPIRY_MARGIN_S)


@asynccontextmanager
async def backend_for(
    name: str, clock: ManualClock, request: pytest.FixtureRequest
) -> AsyncIterator[Backend]:
    """The backend ``name``; Redis is the session's server, emptied for the test."""
    if name == "memory":
        yield Backend(clock, None)
        return
    url: str = request.getfixturevalue("redis_url")
    client = connect(url, REDIS_TIMEOUT_S)
    try:
        yield Backend(clock, client)
    finally:
        await client.aclose()
