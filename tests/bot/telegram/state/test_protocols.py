"""The in-memory state serves behind the Protocols that the bot's code depends on."""

from __future__ import annotations

from answering.types import Answer
from bot.telegram.state.answer_cache import AnswerCache, MemoryAnswerCache
from bot.telegram.state.callbacks import CallbackData, CallbackStore
from bot.telegram.state.rate_limit import RateLimit, RateLimiter
from tests.bot.telegram.fakes import ManualClock


async def test_the_in_memory_state_serves_behind_its_protocols(clock: ManualClock) -> None:
    """What the bot keeps is reached through the Protocols only; these are their in-memory
    versions, used as such."""
    answers: CallbackData[str] = CallbackStore(capacity=2, ttl_s=10, clock=clock)
    cache: AnswerCache = MemoryAnswerCache(capacity=2, ttl_s=10, clock=clock)
    limiter: RateLimit = RateLimiter(1, 10, clock=clock)
    key = await answers.put("answer")
    await cache.put("q", Answer("q", None))
    assert (await answers.get(key), await limiter.hit(1)) == ("answer", 0.0)
    assert await cache.get("q") is not None
    await cache.clear()
    assert await cache.get("q") is None
    clock.now += 10
    assert (await answers.purge(), await cache.purge(), await limiter.purge()) == (1, 0, 1)
