"""The subscriptions' contract, on every backend (SQLite in the data directory, a real Redis):
topics per chat with a cap, the alerts queue, and claims so that one sender sends each alert.

Two stores over one backend stand for two workers (two Redis clients; two connections to one
SQLite file, which keeps its claims in its process: there one store stands for both)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis

from bot.follows import Followed, FollowStore, PendingAlert, Subscriptions, follows_path
from bot.follows_redis import RedisFollowStore
from tests.redis_server import RedisServer

Open = Callable[[], Subscriptions]


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Open]:
    """Opens another store over the test's backend (each a worker of its own)."""
    opened: list[Subscriptions] = []

    def sqlite() -> Subscriptions:
        return FollowStore(follows_path(tmp_path))

    def on_redis() -> Subscriptions:
        return RedisFollowStore(redis.Redis.from_url(server.url, decode_responses=True), "t:")

    if request.param == "redis":
        server: RedisServer = request.getfixturevalue("redis_server")
        with server.client() as client:
            client.flushall()
    make = on_redis if request.param == "redis" else sqlite

    def open_one() -> Subscriptions:
        opened.append(make())
        return opened[-1]

    yield open_one
    for store in opened:
        store.close()


def test_follow_list_and_unfollow_by_id_or_text(open_store: Open) -> None:
    store = open_store()
    outcome, drones = store.follow(1, 10, "  Drone   attacks ", "en", max_topics=5)
    assert outcome is Followed.ADDED and drones.topic == "Drone attacks" and drones.id > 0
    assert store.follow(1, 10, "drone ATTACKS", "uk", max_topics=5) == (Followed.ALREADY, drones)
    _, floods = store.follow(1, 10, "floods", "uk", max_topics=5)
    _, theirs = store.follow(2, 20, "floods", "en", max_topics=5)
    assert store.topics(1) == [drones, floods]
    assert store.unfollow(1, str(theirs.id)) is None  # another chat's id removes nothing
    assert store.unfollow(1, str(drones.id)) == drones
    assert store.unfollow(1, " FLOODS ") == floods
    assert store.unfollow(1, "floods") is None
    assert store.topics(1) == []
    assert store.topics(2) == [theirs]


def test_the_topic_cap_is_per_chat_and_holds_for_concurrent_workers(open_store: Open) -> None:
    workers = [open_store(), open_store()]
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(
            pool.map(
                lambda n: workers[n % 2].follow(1, 10, f"topic {n}", "en", max_topics=3)[0],
                range(12),
            )
        )
    assert outcomes.count(Followed.ADDED) == 3 and outcomes.count(Followed.FULL) == 9
    outcome, refused = workers[0].follow(1, 10, "d4", "en", max_topics=3)
    assert outcome is Followed.FULL and refused.id == 0
    assert workers[1].follow(2, 20, "d4", "en", max_topics=3)[0] is Followed.ADDED
    assert len(workers[1].topics(1)) == 3


def test_every_worker_sees_the_topics_followed_through_another(open_store: Open) -> None:
    a, b = open_store(), open_store()
    a.follow(1, 10, "Floods", "en", max_topics=5)
    assert list(b.by_topic()) == ["floods"]
    b.follow(2, 20, "floods", "uk", max_topics=5)
    b.follow(2, 20, "drones", "uk", max_topics=5)
    grouped = a.by_topic()
    assert sorted(grouped) == ["drones", "floods"]
    assert [(f.chat_id, f.topic, f.lang) for f in grouped["floods"]] == [
        (1, "Floods", "en"),
        (2, "floods", "uk"),
    ]
    assert a.drop_chat(2) == 2
    assert list(b.by_topic()) == ["floods"] and b.topics(2) == []


ALERT = PendingAlert(0, 7, "art1", "<b>news</b>", "https://example.com/a", "en")
OTHER = PendingAlert(0, -1001234567890, "art1", "<b>новини</b>", None, "uk")


def test_alerts_wait_until_delivered_once_per_chat_and_article(open_store: Open) -> None:
    a, b = open_store(), open_store()
    queued = a.queue([ALERT, OTHER, ALERT])  # the same chat and article once
    assert [(q.chat_id, q.id > 0) for q in queued] == [(7, True), (OTHER.chat_id, True)]
    assert b.queue([ALERT]) == []  # still waiting: not queued twice
    assert b.pending() == queued
    b.delivered(queued[0].id)
    assert a.pending() == queued[1:]
    assert [q.chat_id for q in a.queue([ALERT])] == [7]  # delivered: a new one may wait
    a.drop_chat(OTHER.chat_id)  # a chat that blocked the bot has nothing waiting either
    assert [p.chat_id for p in b.pending()] == [7]
    assert a.queue([]) == []


def test_one_worker_claims_an_alert_until_it_gives_it_up(open_store: Open) -> None:
    a = open_store()
    b = a if isinstance(a, FollowStore) else open_store()
    [first, second] = a.queue([ALERT, OTHER])
    with ThreadPoolExecutor(8) as pool:
        claims = list(pool.map(lambda n: (a, b)[n % 2].claim(first.id), range(8)))
    assert claims.count(True) == 1
    b.release(first.id)  # failed for now: someone may try again
    assert a.claim(first.id)
    a.delivered(first.id)
    assert not b.claim(first.id)  # delivered: nothing left to claim
    assert b.claim(second.id) and not a.claim(second.id)
    assert not a.claim(12345)  # never queued
