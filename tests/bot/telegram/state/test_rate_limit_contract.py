"""The per-user rate limit's contract, on every backend: a sliding window of hits."""

from __future__ import annotations

import pytest

from tests.bot.telegram.state.backends import Backend


async def test_the_limit_is_allowed_then_the_wait_is_told(backend: Backend) -> None:
    limiter = backend.limiter(3, 60)
    for _ in range(3):
        assert await limiter.hit(7) == 0.0
        backend.advance(10)
    assert await limiter.hit(7) == pytest.approx(30.0)
    assert await limiter.hit(8) == 0.0
    backend.advance(29.5)
    assert await limiter.hit(7) == pytest.approx(0.5)
    backend.advance(0.5)
    assert await limiter.hit(7) == 0.0
    assert await limiter.hit(7) == pytest.approx(10.0)


async def test_a_refused_hit_is_not_counted(backend: Backend) -> None:
    limiter = backend.limiter(1, 10)
    assert await limiter.hit(1) == 0.0
    for _ in range(5):
        backend.advance(1)
        assert await limiter.hit(1) > 0
    backend.advance(5)
    assert await limiter.hit(1) == 0.0


async def test_hits_at_one_instant_each_count(backend: Backend) -> None:
    limiter = backend.limiter(2, 10)
    assert [await limiter.hit(1) for _ in range(3)] == [0.0, 0.0, pytest.approx(10.0)]


async def test_users_are_limited_apart(backend: Backend) -> None:
    limiter = backend.limiter(1, 10)
    assert [await limiter.hit(user) for user in (1, 2, 3)] == [0.0, 0.0, 0.0]
    assert await limiter.hit(2) == pytest.approx(10.0)
    backend.advance(10)
    await limiter.purge()
    assert [await limiter.hit(user) for user in (1, 2, 3)] == [0.0, 0.0, 0.0]
