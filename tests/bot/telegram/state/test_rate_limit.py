"""The per-user rate limiter: a sliding window, with the wait it tells the user."""

from __future__ import annotations

import pytest

from bot.telegram.state.rate_limit import RateLimiter, wait_seconds
from tests.bot.telegram.fakes import ManualClock


def test_rate_limiter_allows_the_limit_then_says_how_long_to_wait(clock: ManualClock) -> None:
    limiter = RateLimiter(3, 60, clock=clock)
    for _ in range(3):
        assert limiter.hit(7) == 0.0
        clock.now += 10
    assert limiter.hit(7) == pytest.approx(30.0)
    assert limiter.hit(8) == 0.0
    clock.now += 29.5
    assert limiter.hit(7) == pytest.approx(0.5)
    clock.now += 0.5
    assert limiter.hit(7) == 0.0
    assert limiter.hit(7) == pytest.approx(10.0)


def test_a_refused_hit_is_not_counted(clock: ManualClock) -> None:
    limiter = RateLimiter(1, 10, clock=clock)
    assert limiter.hit(1) == 0.0
    for _ in range(5):
        clock.now += 1
        assert limiter.hit(1) > 0
    clock.now += 5
    assert limiter.hit(1) == 0.0


def test_rate_limiter_forgets_idle_and_least_recent_users(clock: ManualClock) -> None:
    limiter = RateLimiter(1, 10, clock=clock, max_users=2)
    limiter.hit(1)
    limiter.hit(2)
    limiter.hit(3)
    assert len(limiter) == 2
    assert limiter.hit(1) == 0.0
    clock.now += 10
    assert limiter.purge() == 2
    assert len(limiter) == 0


@pytest.mark.parametrize(("wait", "shown"), [(0.01, 1), (1.0, 1), (1.2, 2), (59.99, 60)])
def test_wait_seconds_round_up(wait: float, shown: int) -> None:
    assert wait_seconds(wait) == shown
