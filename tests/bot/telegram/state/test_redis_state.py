"""The state in Redis: shared by workers, lost in a restart, missed (never fatal) in an outage.

Every test here runs a real ``redis-server``.
"""

from __future__ import annotations

import logging
import shutil

import pytest
from pydantic import SecretStr

from bot.config.settings import Settings
from bot.config.state import StateSettings
from bot.telegram.context import TopicListing
from bot.telegram.shared_state import SharedState, build_state
from bot.telegram.state.callbacks import CallbackStore, StoredAnswer
from bot.telegram.state.claims import MemoryClaims, RedisClaims
from bot.telegram.state.lease import LocalLease, RedisLease
from bot.telegram.state.rate_limit import RateLimiter
from bot.telegram.state.redis_rate_limit import RedisRateLimiter
from bot.telegram.state.redis_values import RedisAnswerCache, RedisCallbackStore
from bot.telegram.state.ttl_cache import TtlCache
from tests.bot.telegram.fakes import make_answer
from tests.redis_server import RedisServer, redis_binary

pytestmark = pytest.mark.redis


def _worker(url: str, timeout_s: float = 0.5) -> SharedState:
    """The state one worker builds from its settings."""
    settings = Settings(
        _env_file=None, state=StateSettings(url=SecretStr(url), timeout_s=timeout_s)
    )  # type: ignore[call-arg]
    return build_state(settings)


def _use(state: SharedState) -> tuple[str, str]:
    """Put a button, a listing and a cached answer, and take the user's one hit."""
    state.answer_cache.put("drones", make_answer("drones?"))
    assert state.limiter.hit(7) == 0.0
    assert state.claims.claim(1)
    return (
        state.answers.put(StoredAnswer(make_answer("drones?"), "en")),
        state.listings.put(TopicListing("drones", ("art1", "art2"))),
    )


def test_without_a_url_the_state_stays_in_this_process() -> None:
    state = build_state(Settings(_env_file=None))  # type: ignore[call-arg]
    assert isinstance(state.answers, CallbackStore)
    assert isinstance(state.answer_cache, TtlCache)
    assert isinstance(state.limiter, RateLimiter)
    assert isinstance(state.claims, MemoryClaims)
    assert isinstance(state.feed_lease, LocalLease)


def test_workers_on_one_redis_share_buttons_answers_limits_claims_and_the_lease(
    redis_url: str,
) -> None:
    first, second = _worker(redis_url), _worker(redis_url)
    assert isinstance(first.answers, RedisCallbackStore)
    assert isinstance(first.answer_cache, RedisAnswerCache)
    assert isinstance(first.limiter, RedisRateLimiter)
    assert isinstance(first.claims, RedisClaims)
    assert isinstance(first.feed_lease, RedisLease)
    button, listing = _use(first)
    assert second.answers.get(button) == StoredAnswer(make_answer("drones?"), "en")
    assert second.listings.get(listing) == TopicListing("drones", ("art1", "art2"))
    assert second.answer_cache.get("drones") == make_answer("drones?")
    for _ in range(9):  # the default limit is 10 questions a minute, the first one taken
        assert second.limiter.hit(7) == 0.0
    assert first.limiter.hit(7) > 0
    assert not second.claims.claim(1)
    assert first.feed_lease.acquire()
    assert not second.feed_lease.acquire()
    second.answer_cache.clear()  # an /add on one worker makes every worker's answers stale
    assert first.answer_cache.get("drones") is None


def test_after_a_redis_restart_buttons_expire_and_limits_start_afresh(
    own_redis: RedisServer,
) -> None:
    worker = _worker(own_redis.url)
    button, listing = _use(worker)
    assert worker.feed_lease.acquire()
    own_redis.stop()
    own_redis.start()  # nothing was saved: everything is gone
    assert worker.answers.get(button) is None
    assert worker.listings.get(listing) is None
    assert worker.answer_cache.get("drones") is None
    assert worker.limiter.hit(7) == 0.0
    assert worker.claims.claim(2)
    assert _worker(own_redis.url).feed_lease.acquire()  # the lease went with the rest
    assert not worker.feed_lease.renew()


def test_while_redis_is_away_the_state_falls_back_and_comes_back_with_it(
    own_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    worker = _worker(own_redis.url, timeout_s=0.2)
    button, _ = _use(worker)
    own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="bot.telegram.state.redis_base"):
        worker.answer_cache.put("budget", make_answer("budget?"))
        assert worker.answer_cache.get("drones") is None  # a miss: the question is answered
        worker.answer_cache.clear()
        for _ in range(20):
            assert worker.limiter.hit(7) == 0.0  # allowed
        assert worker.claims.claim(1)  # handled rather than lost
        assert not worker.feed_lease.acquire()  # nobody polls the feeds twice
        item = StoredAnswer(make_answer("budget?"), "en")
        key = worker.answers.put(item)  # a key all the same: its button will say it expired
        assert len(key) == 8 and worker.answers.get(key) is None
        worker.answers.update(button, item)
        assert worker.answers.get(button) is None
    assert all("going on without it" in r.getMessage() for r in caplog.records)
    assert len(caplog.records) >= 20
    own_redis.start()
    assert worker.answers.get(button) is None  # the restart lost it
    assert worker.limiter.hit(7) == 0.0
    worker.answer_cache.put("budget", make_answer("budget?"))
    assert worker.answer_cache.get("budget") == make_answer("budget?")


def test_a_missing_redis_server_fails_and_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y redis-server"):
        redis_binary()
