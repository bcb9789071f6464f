"""Callback data: short opaque keys for buttons, and the values kept behind them."""

from __future__ import annotations

import re

import pytest

from bot.telegram import keyboards
from bot.telegram.state.callbacks import CallbackStore, new_key
from tests.bot.telegram.fakes import ManualClock


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


async def test_store_returns_values_until_they_expire(clock: ManualClock) -> None:
    store: CallbackStore[str] = CallbackStore(capacity=10, ttl_s=60, clock=clock)
    key = await store.put("answer")
    clock.now += 59.9
    assert await store.get(key) == "answer"
    clock.now += 0.1
    assert await store.get(key) is None
    assert len(store) == 0
    assert await store.get("never-issued") is None


async def test_store_evicts_the_least_recently_used(clock: ManualClock) -> None:
    store: CallbackStore[int] = CallbackStore(capacity=2, ttl_s=60, clock=clock)
    first, second = await store.put(1), await store.put(2)
    assert await store.get(first) == 1
    third = await store.put(3)
    assert await store.get(second) is None
    assert (await store.get(first), await store.get(third)) == (1, 3)
    assert len(store) == 2


async def test_store_purges_expired_entries_and_regenerates_colliding_keys(
    clock: ManualClock,
) -> None:
    keys = iter(["same", "same", "other"])
    store: CallbackStore[str] = CallbackStore(ttl_s=10, clock=clock, key_factory=lambda: next(keys))
    assert await store.put("a") == "same"
    clock.now += 5
    assert await store.put("b") == "other"
    clock.now += 6
    assert await store.purge() == 1
    assert await store.get("other") == "b"


@pytest.mark.parametrize("kwargs", [{"capacity": 0}, {"ttl_s": 0}])
def test_store_rejects_bad_bounds(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        CallbackStore(**kwargs)  # type: ignore[arg-type]
