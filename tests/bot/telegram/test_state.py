"""Server-side button state, the answer cache and the per-user rate limiter, with an injected
clock."""

from __future__ import annotations

import re

import pytest

from answering.types import Answer
from bot.telegram import keyboards
from bot.telegram.state.answer_cache import AnswerCache, normalize_question
from bot.telegram.state.callbacks import CallbackData, CallbackStore, new_key
from bot.telegram.state.rate_limit import RateLimit, RateLimiter, wait_seconds
from bot.telegram.state.ttl_cache import TtlCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_keys_are_short_opaque_and_fit_callback_data() -> None:
    keys = {new_key() for _ in range(500)}
    assert len(keys) == 500
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{8}", key) for key in keys)
    for key in keys:
        for action, pattern in (
            (keyboards.MORE, keyboards.MORE_PATTERN),
            (keyboards.FULL, keyboards.FULL_PATTERN),
        ):
            data = keyboards.callback_data(action, key)
            assert len(data.encode()) <= keyboards.CALLBACK_DATA_LIMIT
            assert re.match(pattern, data)


def test_callback_data_over_64_bytes_is_refused() -> None:
    assert keyboards.callback_data("s", 12) == "s:12"
    with pytest.raises(ValueError, match="too long"):
        keyboards.callback_data("m", "ж" * 40)


def test_store_returns_values_until_they_expire() -> None:
    clock = Clock()
    store: CallbackStore[str] = CallbackStore(capacity=10, ttl_s=60, clock=clock)
    key = store.put("answer")
    clock.now += 59.9
    assert store.get(key) == "answer"
    clock.now += 0.1
    assert store.get(key) is None
    assert len(store) == 0
    assert store.get("never-issued") is None


def test_store_evicts_the_least_recently_used() -> None:
    store: CallbackStore[int] = CallbackStore(capacity=2, ttl_s=60, clock=Clock())
    first, second = store.put(1), store.put(2)
    assert store.get(first) == 1
    third = store.put(3)
    assert store.get(second) is None
    assert (store.get(first), store.get(third)) == (1, 3)
    assert len(store) == 2


def test_store_purges_expired_entries_and_regenerates_colliding_keys() -> None:
    clock = Clock()
    keys = iter(["same", "same", "other"])
    store: CallbackStore[str] = CallbackStore(ttl_s=10, clock=clock, key_factory=lambda: next(keys))
    assert store.put("a") == "same"
    clock.now += 5
    assert store.put("b") == "other"
    clock.now += 6
    assert store.purge() == 1
    assert store.get("other") == "b"


@pytest.mark.parametrize("kwargs", [{"capacity": 0}, {"ttl_s": 0}])
def test_store_rejects_bad_bounds(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        CallbackStore(**kwargs)  # type: ignore[arg-type]


def test_cache_entries_expire_after_the_ttl_since_they_were_put() -> None:
    clock = Clock()
    cache: TtlCache[str] = TtlCache(capacity=4, ttl_s=300, clock=clock)
    cache.put("q", "old")
    clock.now += 200
    assert cache.get("q") == "old", "reading does not extend the entry's life"
    cache.put("r", "other")
    clock.now += 100
    assert cache.get("q") is None
    assert "q" not in cache
    assert cache.get("r") == "other"
    cache.put("r", "new")
    clock.now += 299
    assert cache.get("r") == "new", "putting again refreshes the entry"
    clock.now += 1
    assert cache.purge() == 1
    assert len(cache) == 0


def test_cache_evicts_the_least_recently_used() -> None:
    cache: TtlCache[int] = TtlCache(capacity=2, ttl_s=60, clock=Clock())
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


@pytest.mark.parametrize("kwargs", [{"capacity": 0, "ttl_s": 1}, {"capacity": 1, "ttl_s": 0}])
def test_cache_rejects_bad_bounds(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        TtlCache(**kwargs)  # type: ignore[arg-type]


#: Questions and the cache key they share.
CACHE_KEYS = {
    "How many drones were intercepted?": "how many drones were intercepted",
    "  how many\tdrones   WERE intercepted ?! ": "how many drones were intercepted",
    "Скільки ракет збили…": "скільки ракет збили",
    "Straße?": "strasse",
    "?!": "",
}


@pytest.mark.parametrize(("question", "key"), CACHE_KEYS.items())
def test_questions_are_normalised_for_the_cache(question: str, key: str) -> None:
    assert normalize_question(question) == key


def test_rate_limiter_allows_the_limit_then_says_how_long_to_wait() -> None:
    clock = Clock()
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


def test_a_refused_hit_is_not_counted() -> None:
    clock = Clock()
    limiter = RateLimiter(1, 10, clock=clock)
    assert limiter.hit(1) == 0.0
    for _ in range(5):
        clock.now += 1
        assert limiter.hit(1) > 0
    clock.now += 5
    assert limiter.hit(1) == 0.0


def test_rate_limiter_forgets_idle_and_least_recent_users() -> None:
    clock = Clock()
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


def test_the_in_memory_state_serves_behind_its_protocols() -> None:
    """What the bot keeps is reached through the Protocols only; these are their in-memory
    versions, used as such."""
    clock = Clock()
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
