"""The chats' choices from /settings, on every backend (SQLite in the data directory, a real
Redis): choose and read, refuse what is no choice, and what one store wrote another reads.

Two stores over one backend stand for two workers. A SQLite store reads the file when it opens;
a Redis store also hears of every later change, and reloads after Redis went away."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
from pydantic import SecretStr

from bot.chat_prefs import DEFAULT_PREFS, ChatChoices, ChatPrefs, ChatPrefsStore, prefs_path
from bot.chat_prefs_redis import RedisChatPrefs
from bot.config.settings import Settings
from bot.config.state import StateSettings
from bot.telegram.shared_state import open_chat_prefs
from tests.redis_server import RedisServer

Open = Callable[[], ChatChoices]

#: How long a change may take to reach another worker's store before a test gives up on it.
DEADLINE_S = 10.0


def _over(url: str) -> RedisChatPrefs:
    return RedisChatPrefs(redis.Redis.from_url(url, decode_responses=True), "t:")


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Open]:
    """Opens another store over the test's backend (each a worker of its own)."""
    opened: list[ChatChoices] = []
    url = ""
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")

    def open_one() -> ChatChoices:
        opened.append(_over(url) if url else ChatPrefsStore(prefs_path(tmp_path)))
        return opened[-1]

    yield open_one
    for store in opened:
        store.close()


@pytest.fixture
def over() -> Iterator[Callable[[str], RedisChatPrefs]]:
    """Opens a store over the Redis at a URL (a worker of its own), closed at the end."""
    opened: list[RedisChatPrefs] = []

    def open_one(url: str) -> RedisChatPrefs:
        opened.append(_over(url))
        return opened[-1]

    yield open_one
    for store in opened:
        store.close()


def _eventually(read: Callable[[], ChatPrefs], expected: ChatPrefs) -> None:
    """``read`` gives ``expected`` before the deadline."""
    deadline = time.monotonic() + DEADLINE_S
    while (seen := read()) != expected and time.monotonic() < deadline:
        time.sleep(0.02)
    assert seen == expected


def test_choices_are_kept_per_chat_and_read_by_a_store_opened_later(open_store: Open) -> None:
    store = open_store()
    assert store.get(1) == DEFAULT_PREFS == ChatPrefs("auto", "full") and len(store) == 0
    assert store.choose(1, lang="uk") == ChatPrefs("uk", "full")
    assert store.choose(1, length="short") == ChatPrefs("uk", "short")
    assert store.choose(-100, lang="ru") == ChatPrefs("ru", "full")
    assert (store.get(1), store.get(-100), store.get(2)) == (
        ChatPrefs("uk", "short"),
        ChatPrefs("ru", "full"),
        DEFAULT_PREFS,
    )
    again = open_store()
    assert (again.get(1), again.get(-100), len(again)) == (
        ChatPrefs("uk", "short"),
        ChatPrefs("ru", "full"),
        2,
    )
    assert again.get(1).fixed_lang == "uk" and again.get(2).fixed_lang is None


def test_a_value_that_is_no_choice_is_refused_and_changes_nothing(open_store: Open) -> None:
    store = open_store()
    with pytest.raises(ValueError, match="language"):
        store.choose(1, lang="de")
    with pytest.raises(ValueError, match="length"):
        store.choose(1, length="tiny")
    assert store.get(1) == DEFAULT_PREFS and len(store) == 0
    assert open_store().get(1) == DEFAULT_PREFS


Over = Callable[[str], RedisChatPrefs]


@pytest.mark.redis
def test_a_choice_made_through_one_worker_reaches_the_other(redis_url: str, over: Over) -> None:
    a, b = over(redis_url), over(redis_url)
    a.choose(7, lang="uk")
    _eventually(lambda: b.get(7), ChatPrefs("uk", "full"))
    b.choose(7, length="short")  # b's write keeps a's language
    _eventually(lambda: a.get(7), ChatPrefs("uk", "short"))


@pytest.mark.redis
def test_language_and_length_chosen_at_once_on_two_workers_are_both_kept(
    redis_url: str, over: Over
) -> None:
    a, b = over(redis_url), over(redis_url)
    with ThreadPoolExecutor(8) as pool:
        for chat in range(20):
            pool.submit(a.choose, chat, lang="ru")
            pool.submit(b.choose, chat, length="short")
    for store in (a, b, over(redis_url)):
        for chat in range(20):
            _eventually(lambda: store.get(chat), ChatPrefs("ru", "short"))  # noqa: B023


@pytest.mark.redis
def test_after_a_redis_restart_the_store_reloads_and_hears_changes_again(
    own_redis: RedisServer, over: Over
) -> None:
    a, b = over(own_redis.url), over(own_redis.url)
    a.choose(1, lang="uk")
    _eventually(lambda: b.get(1), ChatPrefs("uk"))
    own_redis.stop()
    own_redis.start()  # nothing saved: the choice is gone, and no message says so
    _eventually(lambda: b.get(1), DEFAULT_PREFS)
    a.choose(3, lang="ru")  # a writes again, and b hears it again
    _eventually(lambda: b.get(3), ChatPrefs("ru"))


@pytest.mark.redis
def test_a_store_opened_while_redis_is_away_loads_once_it_is_back(
    own_redis: RedisServer, over: Over
) -> None:
    own_redis.stop()
    client = redis.Redis.from_url(own_redis.url, decode_responses=True, socket_timeout=1.0)
    store = RedisChatPrefs(client, "t:", load_timeout_s=0.1)
    try:
        assert store.get(1) == DEFAULT_PREFS
        with pytest.raises(redis.ConnectionError):
            store.choose(1, lang="uk")
        own_redis.start()
        over(own_redis.url).choose(1, lang="ru", length="short")  # heard, or read at the reload
        _eventually(lambda: store.get(1), ChatPrefs("ru", "short"))
    finally:
        store.close()


@pytest.mark.redis
def test_the_settings_pick_the_backend(tmp_path: Path, redis_url: str) -> None:
    local = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    store = open_chat_prefs(local)
    assert isinstance(store, ChatPrefsStore) and store.path == prefs_path(tmp_path)
    store.close()
    state = StateSettings(url=SecretStr(redis_url), prefix="w:")
    shared = open_chat_prefs(local.model_copy(update={"state": state}))
    try:
        assert isinstance(shared, RedisChatPrefs)
        shared.choose(5, lang="en")
        with redis.Redis.from_url(redis_url, decode_responses=True) as client:
            assert client.hget("w:chat-prefs", "5") == "en full 1"
    finally:
        shared.close()


def test_a_stored_value_no_longer_offered_falls_back_to_the_default(tmp_path: Path) -> None:
    path = prefs_path(tmp_path)
    ChatPrefsStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO chats VALUES (7, 'de', 'tiny', '2026-01-01T00:00:00+00:00')")
    store = ChatPrefsStore(path)
    assert store.get(7) == DEFAULT_PREFS
    store.close()
