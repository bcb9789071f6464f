"""The state in Redis: shared by workers, lost in a restart, missed (never fatal) in an outage.

Every test here runs a real ``redis-server``.
"""

from __future__ import annotations

import asyncio
import logging
import shutil

import pytest
import redis
from pydantic import SecretStr

from bot.config.settings import Settings
from bot.config.state import StateSettings
from bot.telegram.context import TopicListing
from bot.telegram.shared_state import SharedState, build_state
from bot.telegram.state.answer_cache import MemoryAnswerCache
from bot.telegram.state.callbacks import CallbackStore, StoredAnswer
from bot.telegram.state.claims import MemoryClaims
from bot.telegram.state.lease import LocalLease, RedisLease
from bot.telegram.state.rate_limit import RateLimiter
from bot.telegram.state.redis_claims import RedisClaims
from bot.telegram.state.redis_rate_limit import RedisRateLimiter
from bot.telegram.state.redis_values import RedisAnswerCache, RedisCallbackStore
from tests.bot.telegram.fakes import make_answer
from tests.redis_server import RedisServer, redis_binary

pytestmark = pytest.mark.redis

#: How long Redis stalls in the test of a stalled Redis (far longer than the loop's turns take).
STALL_MS = 500
#: Turns of the event loop taken while the state's calls wait on the stalled Redis.
LOOP_TURNS = 100


def _worker(url: str, timeout_s: float = 0.5) -> SharedState:
    """The state one worker builds from its settings."""
    settings = Settings(
        _env_file=None, state=StateSettings(url=SecretStr(url), timeout_s=timeout_s)
    )  # type: ignore[call-arg]
    return build_state(settings)


async def _use(state: SharedState) -> tuple[str, str]:
    """Put a button, a listing and a cached answer, and take the user's one hit."""
    await state.answer_cache.put("drones", make_answer("drones?"))
    assert await state.limiter.hit(7) == 0.0
    assert await state.claims.claim(1)
    return (
        await state.answers.put(StoredAnswer(make_answer("drones?"), "en")),
        await state.listings.put(TopicListing("drones", ("art1", "art2"))),
    )


def test_without_a_url_the_state_stays_in_this_process() -> None:
    state = build_state(Settings(_env_file=None))  # type: ignore[call-arg]
    assert isinstance(state.answers, CallbackStore)
    assert isinstance(state.answer_cache, MemoryAnswerCache)
    assert isinstance(state.limiter, RateLimiter)
    assert isinstance(state.claims, MemoryClaims)
    assert isinstance(state.feed_lease, LocalLease)


async def test_workers_on_one_redis_share_buttons_answers_limits_claims_and_the_lease(
    redis_url: str,
) -> None:
    first, second = _worker(redis_url), _worker(redis_url)
    assert isinstance(first.answers, RedisCallbackStore)
    assert isinstance(first.answer_cache, RedisAnswerCache)
    assert isinstance(first.limiter, RedisRateLimiter)
    assert isinstance(first.claims, RedisClaims)
    assert isinstance(first.feed_lease, RedisLease)
    button, listing = await _use(first)
    assert await second.answers.get(button) == StoredAnswer(make_answer("drones?"), "en")
    assert await second.listings.get(listing) == TopicListing("drones", ("art1", "art2"))
    assert await second.answer_cache.get("drones") == make_answer("drones?")
    for _ in range(9):  # the default limit is 10 questions a minute, the first one taken
        assert await second.limiter.hit(7) == 0.0
    assert await first.limiter.hit(7) > 0
    assert not await second.claims.claim(1)
    assert await first.feed_lease.acquire()
    assert not await second.feed_lease.acquire()
    await second.answer_cache.clear()  # an /add on one worker makes every worker's answers stale
    assert await first.answer_cache.get("drones") is None
    await first.aclose()
    await second.aclose()


async def test_after_a_redis_restart_buttons_expire_and_limits_start_afresh(
    own_redis: RedisServer,
) -> None:
    worker = _worker(own_redis.url)
    button, listing = await _use(worker)
    assert await worker.feed_lease.acquire()
    own_redis.stop()
    own_redis.start()  # nothing was saved: everything is gone
    assert await worker.answers.get(button) is None
    assert await worker.listings.get(listing) is None
    assert await worker.answer_cache.get("drones") is None
    assert await worker.limiter.hit(7) == 0.0
    assert await worker.claims.claim(2)
    assert await _worker(own_redis.url).feed_lease.acquire()  # the lease went with the rest
    assert not await worker.feed_lease.renew()
    await worker.aclose()


async def test_while_redis_is_away_the_state_falls_back_and_comes_back_with_it(
    own_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    worker = _worker(own_redis.url, timeout_s=0.2)
    button, _ = await _use(worker)
    own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="bot.telegram.state.redis_base"):
        await worker.answer_cache.put("budget", make_answer("budget?"))
        assert await worker.answer_cache.get("drones") is None  # a miss: the question is answered
        await worker.answer_cache.clear()
        for _ in range(20):
            assert await worker.limiter.hit(7) == 0.0  # allowed
        assert await worker.claims.claim(1)  # handled rather than lost
        assert not await worker.feed_lease.acquire()  # nobody polls the feeds twice
        item = StoredAnswer(make_answer("budget?"), "en")
        key = await worker.answers.put(item)  # a key all the same: its button will say it expired
        assert len(key) == 8 and await worker.answers.get(key) is None
        assert await worker.answers.modify(button, lambda item: True) is None
    assert all("going on without it" in r.getMessage() for r in caplog.records)
    assert len(caplog.records) >= 20
    own_redis.start()
    assert await worker.answers.get(button) is None  # the restart lost it
    assert await worker.limiter.hit(7) == 0.0
    await worker.answer_cache.put("budget", make_answer("budget?"))
    assert await worker.answer_cache.get("budget") == make_answer("budget?")
    await worker.aclose()


async def test_a_stalled_redis_holds_up_the_calls_waiting_on_it_not_the_event_loop(
    redis_url: str,
) -> None:
    """While Redis answers nobody (``CLIENT PAUSE``), the calls on the state wait and the
    event loop goes on turning: other updates are handled meanwhile."""
    worker = _worker(redis_url, timeout_s=STALL_MS / 1000 * 20)
    await worker.answer_cache.get("drones")  # connected before Redis stalls
    with redis.Redis.from_url(redis_url) as admin:
        admin.execute_command("CLIENT", "PAUSE", STALL_MS, "ALL")
    calls = [
        worker.answer_cache.get("drones"),
        worker.limiter.hit(7),
        worker.answers.get("nosuchkey"),
        worker.claims.claim(1),
        worker.feed_lease.acquire(),
    ]
    pending = [asyncio.ensure_future(call) for call in calls]
    for _ in range(LOOP_TURNS):
        await asyncio.sleep(0)  # another coroutine's turn, while every call still waits
        assert not any(call.done() for call in pending)
    assert await asyncio.gather(*pending) == [None, 0.0, None, True, True]
    await worker.aclose()


def test_a_missing_redis_server_fails_and_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y redis-server"):
        redis_binary()
