"""The answer cache's contract, on every backend: get, put, clear, expiry."""

from __future__ import annotations

from dataclasses import replace

from tests.bot.telegram.fakes import declined_answer, make_answer
from tests.bot.telegram.state.backends import SHORT_TTL_S, Backend


def test_an_answer_put_is_got_back_equal(backend: Backend) -> None:
    cache = backend.answer_cache()
    answer = replace(make_answer("drones?"), timings={"search": 1.25}, examples=("Why?",))
    assert cache.get("drones") is None
    cache.put("drones", answer)
    cache.put("budget", declined_answer("budget?"))
    assert cache.get("drones") == answer
    assert cache.get("budget") == declined_answer("budget?")


def test_a_put_replaces_the_older_answer(backend: Backend) -> None:
    cache = backend.answer_cache()
    cache.put("drones", make_answer("first"))
    cache.put("drones", make_answer("second"))
    cached = cache.get("drones")
    assert cached is not None and cached.question == "second"


def test_clear_forgets_every_answer(backend: Backend) -> None:
    cache = backend.answer_cache()
    for n in range(3):
        cache.put(f"q{n}", make_answer(f"q{n}"))
    cache.clear()
    assert [cache.get(f"q{n}") for n in range(3)] == [None] * 3


def test_an_answer_expires_after_its_time_to_live(backend: Backend) -> None:
    cache = backend.answer_cache(SHORT_TTL_S)
    cache.put("drones", make_answer("drones?"))
    assert cache.get("drones") is not None
    backend.expire()
    assert cache.get("drones") is None
    cache.purge()
    assert cache.get("drones") is None
