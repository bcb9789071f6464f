"""The button store's contract, on every backend: put, get, change in one step, expiry."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.telegram.state.callbacks import StoredAnswer
from tests.bot.telegram.fakes import make_answer
from tests.bot.telegram.state.backends import SHORT_TTL_S, Backend


def _stored(question: str = "drones?") -> StoredAnswer:
    return StoredAnswer(make_answer(question), "uk", question)


def _mark(view: str) -> Callable[[StoredAnswer], bool]:
    def mark(item: StoredAnswer) -> bool:
        first = view not in item.shown
        item.shown.add(view)
        return first

    return mark


async def test_each_value_gets_its_own_short_key(backend: Backend) -> None:
    store = backend.callbacks()
    keys = [await store.put(_stored(f"q{n}")) for n in range(20)]
    assert len(set(keys)) == 20
    assert all(len(key.encode()) <= 8 for key in keys)
    items = [await store.get(key) for key in keys]
    assert [item.question for item in items if item] == [f"q{n}" for n in range(20)]
    assert await store.get(keys[3]) == _stored("q3")


async def test_an_unknown_key_finds_nothing(backend: Backend) -> None:
    store = backend.callbacks()
    assert await store.get("nosuchkey") is None
    assert await store.modify("nosuchkey", _mark("m")) is None


async def test_a_change_is_seen_by_the_next_get(backend: Backend) -> None:
    store = backend.callbacks()
    key = await store.put(_stored())

    def show_more(item: StoredAnswer) -> bool:
        item.shown.add("m")
        item.inline_views.append("<b>More sources</b>")
        return True

    changed = await store.modify(key, show_more)
    assert changed is not None and changed[1]
    again = await store.get(key)
    assert again is not None
    assert (again.shown, again.inline_views) == ({"m"}, ["<b>More sources</b>"])
    assert again == changed[0]


async def test_a_change_that_changes_nothing_says_so(backend: Backend) -> None:
    store = backend.callbacks()
    key = await store.put(_stored())
    first, second = await store.modify(key, _mark("m")), await store.modify(key, _mark("m"))
    assert first is not None and second is not None
    assert (first[1], second[1]) == (True, False)
    assert second[0].shown == {"m"}


async def test_of_many_taps_at_once_one_marks_a_view_and_no_change_is_lost(
    backend: Backend,
) -> None:
    """Concurrent changes of one value (taps on one worker or on several) each see the others':
    one of the taps on one button is first, and taps on different buttons all count."""
    store = backend.callbacks()
    key = await store.put(_stored())
    same = await asyncio.gather(*(store.modify(key, _mark("m")) for _ in range(10)))
    assert [changed[1] for changed in same if changed].count(True) == 1
    views = [f"e{n}" for n in range(10)]
    await asyncio.gather(*(store.modify(key, _mark(view)) for view in views))
    item = await store.get(key)
    assert item is not None and item.shown == {"m", *views}


async def test_values_expire_and_a_change_does_not_revive_them(backend: Backend) -> None:
    store = backend.callbacks(SHORT_TTL_S)
    key = await store.put(_stored())
    await backend.expire()
    assert await store.get(key) is None
    assert await store.modify(key, _mark("m")) is None
    assert await store.get(key) is None
    await store.purge()
    assert await store.get(key) is None
