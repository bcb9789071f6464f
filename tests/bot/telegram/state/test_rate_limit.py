"""The in-memory rate limiter's own bounds, and the wait told to the user.

Its sliding window is checked in test_rate_limit_contract.py, on every backend.
"""

from __future__ import annotations

import pytest

from bot.telegram.state.rate_limit import RateLimiter, wait_seconds
from tests.bot.telegram.fakes import ManualClock


async def test_rate_limiter_forgets_idle_and_least_recent_users(clock: ManualClock) -> None:
    limiter = RateLimiter(1, 10, clock=clock, max_users=2)
    await limiter.hit(1)
    await limiter.hit(2)
    await limiter.hit(3)
    assert len(limiter) == 2
    assert await limiter.hit(1) == 0.0
    clock.now += 10
    assert await limiter.purge() == 2
    assert len(limiter) == 0


@pytest.mark.parametrize(("wait", "shown"), [(0.01, 1), (1.0, 1), (1.2, 2), (59.99, 60)])
def test_wait_seconds_round_up(wait: float, shown: int) -> None:
    assert wait_seconds(wait) == shown
