"""The TTL map under the caches: entries expire after their time, the least recent go first."""

from __future__ import annotations

import pytest

from bot.telegram.state.ttl_cache import TtlCache
from tests.bot.telegram.fakes import ManualClock


def test_cache_entries_expire_after_the_ttl_since_they_were_put(clock: ManualClock) -> None:
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


def test_cache_evicts_the_least_recently_used(clock: ManualClock) -> None:
    cache: TtlCache[int] = TtlCache(capacity=2, ttl_s=60, clock=clock)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


@pytest.mark.parametrize("kwargs", [{"capacity": 0, "ttl_s": 1}, {"capacity": 1, "ttl_s": 0}])
def test_cache_rejects_bad_bounds(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        TtlCache(**kwargs)  # type: ignore[arg-type]
