"""The in-memory state serves behind the Protocols that the bot's code depends on."""

from __future__ import annotations

from answering.types import Answer
from bot.telegram.state.answer_cache import AnswerCache
from bot.telegram.state.callbacks import CallbackData, CallbackStore
from bot.telegram.state.rate_limit import RateLimit, RateLimiter
from bot.telegram.state.ttl_cache import TtlCache
from tests.bot.telegram.fakes import ManualClock


def test_the_in_memory_state_serves_behind_its_protocols(clock: ManualClock) -> None:
    """What the bot keeps is reached through the Protocols only; these are their in-memory
    versions, used as such."""
    answers: CallbackData[str] = CallbackStore(capacity=2, ttl_s=10, clock=clock)
    cache: AnswerCache = TtlCache[Answer](capacity=2, ttl_s=10, clock=clock)
    limiter: RateLimit = RateLimiter(1, 10, clock=clock)
    key = answers.put("answer")
    cache.put("q", Answer("q", None))
    assert (answers.get(key), limiter.hit(1)) == ("answer", 0.0)
    assert cache.get("q") is not None
    cache.clear()
    assert cache.get("q") is None
    clock.now += 10
    assert (answers.purge(), cache.purge(), limiter.purge()) == (1, 0, 1)
