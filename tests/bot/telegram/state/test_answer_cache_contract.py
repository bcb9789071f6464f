"""The answer cache's contract, on every backend: get, put, clear, expiry."""

from __future__ import annotations

from dataclasses import replace

from tests.bot.telegram.fakes import declined_answer, make_answer
from tests.bot.telegram.state.backends import SHORT_TTL_S, Backend


async def test_an_answer_put_is_got_back_equal(backend: Backend) -> None:
    cache = backend.answer_cache()
    answer = replace(make_answer("drones?"), timings={"search": 1.25}, examples=("Why?",))
    assert await cache.get("drones") is None
    await cache.put("drones", answer)
    await cache.put("budget", declined_answer("budget?"))
    assert await cache.get("drones") == answer
    assert await cache.get("budget") == declined_answer("budget?")


async def test_a_put_replaces_the_older_answer(backend: Backend) -> None:
    cache = backend.answer_cache()
    await cache.put("drones", make_answer("first"))
    await cache.put("drones", make_answer("second"))
    cached = await cache.get("drones")
    assert cached is not None and cached.question == "second"


async def test_clear_forgets_every_answer(backend: Backend) -> None:
    cache = backend.answer_cache()
    for n in range(3):
        await cache.put(f"q{n}", make_answer(f"q{n}"))
    await cache.clear()
    assert [await cache.get(f"q{n}") for n in range(3)] == [None] * 3


async def test_an_answer_expires_after_its_time_to_live(backend: Backend) -> None:
    cache = backend.answer_cache(SHORT_TTL_S)
    await cache.put("drones", make_answer("drones?"))
    assert await cache.get("drones") is not None
    await backend.expire()
    assert await cache.get("drones") is None
    await cache.purge()
    assert await cache.get("drones") is None
