"""An update is queued once, whichever of several workers it is delivered to (update claims),
and a message that a killed worker took is answered by another."""

from __future__ import annotations

import time

import pytest
from pydantic import SecretStr
from telegram import Update

from bot.config.settings import Settings
from bot.config.state import StateSettings
from bot.telegram.delivery import JournalingQueue
from bot.telegram.state.claims import MemoryClaims
from bot.telegram.state.redis_base import connect
from bot.telegram.state.redis_claims import RedisClaims
from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.bot.telegram.fakes import ANN, FakeAnswerer, FakeCatalog
from tests.bot.telegram.harness import private_chat, running_bot


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


#: The workers' lease in the take-over test: short enough to wait out.
LEASE_S = 0.3


@pytest.mark.redis
async def test_a_message_a_killed_worker_took_is_answered_by_another_worker(
    api: FakeBotApi, settings: Settings, answerer: FakeAnswerer, redis_url: str
) -> None:
    state = StateSettings(url=SecretStr(redis_url), worker_lease_s=LEASE_S)
    client = connect(redis_url, 5.0)
    killed = JournalingQueue(None, RedisClaims(client, f"{state.prefix}update:", lease_s=LEASE_S))
    message = {
        "message_id": api.next_id(),
        "date": int(time.time()),
        "chat": private_chat(ANN),
        "from": ANN,
        "text": "How many drones were intercepted?",
    }
    update = Update.de_json({"update_id": api.next_id(), "message": message}, None)
    await killed.put(update)  # taken, and never handled: the worker was killed
    await killed.put(update)  # (a redelivery to it is dropped)
    async with running_bot(
        api, settings.model_copy(update={"state": state}), answerer, FakeCatalog()
    ) as other:
        [reply] = await other.replies(ANN["id"])
        assert "42 of 45 drones" in reply.plain
        await other.processed(update.update_id)
    assert answerer.calls == ["How many drones were intercepted?"]
    assert _queued(killed) == [update.update_id]
    assert await client.hlen(f"{state.prefix}update:owners") == 0  # done: nothing to take over
    await client.aclose()
