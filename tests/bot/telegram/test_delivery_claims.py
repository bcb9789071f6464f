"""An update is queued once, whichever of several workers it is delivered to (update claims)."""

from __future__ import annotations

import pytest
from telegram import Update

from bot.telegram.delivery import JournalingQueue
from bot.telegram.state.claims import MemoryClaims, RedisClaims
from bot.telegram.state.redis_base import connect


def _queued(queue: JournalingQueue) -> list[int]:
    items = [queue.get_nowait() for _ in range(queue.qsize())]
    return [item.update_id for item in items if isinstance(item, Update)]


async def test_an_update_delivered_twice_to_one_worker_is_queued_once() -> None:
    queue = JournalingQueue(None, MemoryClaims())
    for update_id in (1, 2, 1, 2, 3):
        await queue.put(Update(update_id))
    assert _queued(queue) == [1, 2, 3]


@pytest.mark.redis
async def test_an_update_delivered_to_two_workers_is_queued_by_one(redis_url: str) -> None:
    client = connect(redis_url, 5.0)
    first = JournalingQueue(None, RedisClaims(client, "test:update:"))
    second = JournalingQueue(None, RedisClaims(client, "test:update:"))
    for update_id in (1, 2, 3):
        await first.put(Update(update_id))
        await second.put(Update(update_id))
    await second.put(Update(4))
    await first.put(Update(4))
    await client.aclose()
    assert (_queued(first), _queued(second)) == ([1, 2, 3], [4])
