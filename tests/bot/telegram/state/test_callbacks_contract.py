"""The button store's contract, on every backend: put, get, write-back, expiry."""

from __future__ import annotations

from bot.telegram.state.callbacks import StoredAnswer
from tests.bot.telegram.fakes import make_answer
from tests.bot.telegram.state.backends import SHORT_TTL_S, Backend


def _stored(question: str = "drones?") -> StoredAnswer:
    return StoredAnswer(make_answer(question), "uk", question)


def test_each_value_gets_its_own_short_key(backend: Backend) -> None:
    store = backend.callbacks()
    keys = [store.put(_stored(f"q{n}")) for n in range(20)]
    assert len(set(keys)) == 20
    assert all(len(key.encode()) <= 8 for key in keys)
    assert [item.question for item in map(store.get, keys) if item] == [f"q{n}" for n in range(20)]
    assert store.get(keys[3]) == _stored("q3")


def test_an_unknown_key_finds_nothing(backend: Backend) -> None:
    assert backend.callbacks().get("nosuchkey") is None


def test_a_change_written_back_is_seen_by_the_next_get(backend: Backend) -> None:
    store = backend.callbacks()
    key = store.put(_stored())
    item = store.get(key)
    assert item is not None and item.shown == set()
    item.shown.add("m")
    item.inline_views.append("<b>More sources</b>")
    store.update(key, item)
    again = store.get(key)
    assert again is not None
    assert (again.shown, again.inline_views) == ({"m"}, ["<b>More sources</b>"])


def test_values_expire_and_a_write_back_does_not_revive_them(backend: Backend) -> None:
    store = backend.callbacks(SHORT_TTL_S)
    key = store.put(_stored())
    item = store.get(key)
    assert item is not None
    backend.expire()
    assert store.get(key) is None
    store.update(key, item)
    assert store.get(key) is None
    store.purge()
    assert store.get(key) is None
