"""Update claims in a real Redis: a message a killed worker took is taken over by another,
once; a live worker keeps its own; a restarted worker replays only what nobody else took.

A worker is a ``RedisClaims`` with a token of its own; a killed one is one that stops calling.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from bot.telegram.state.redis_base import Client, connect
from bot.telegram.state.redis_claims import RedisClaims
from tests.bot.telegram.fakes import ManualClock

pytestmark = pytest.mark.redis

#: A worker's lease in these tests: short enough to wait out.
LEASE_S = 0.3
#: Waited past a lease before another worker tends (Redis expires within a millisecond).
PAST_LEASE_S = LEASE_S + 0.1
PAYLOAD: dict[str, Any] = {"update_id": 1, "message": {"message_id": 5, "text": "drones?"}}


@pytest_asyncio.fixture
async def client(redis_url: str) -> AsyncIterator[Client]:
    made = connect(redis_url, 5.0)
    yield made
    await made.aclose()


def _worker(client: Client, name: str, lease_s: float = LEASE_S, **kwargs: Any) -> RedisClaims:
    return RedisClaims(client, "test:update:", lease_s=lease_s, token=name, **kwargs)


async def test_a_killed_workers_message_is_taken_over_once_its_lease_ran_out(
    client: Client,
) -> None:
    a, b, c = _worker(client, "a"), _worker(client, "b"), _worker(client, "c")
    assert await a.claim(1, PAYLOAD)
    assert not await b.claim(1, PAYLOAD)  # delivered to both: handled once
    assert await b.tend(60) == []  # a lives
    await asyncio.sleep(PAST_LEASE_S)  # a was killed: it renews nothing
    [taken] = await b.tend(60)
    assert (taken.update_id, taken.payload) == (1, PAYLOAD)
    assert await c.tend(60) == []  # b's now, and b lives
    await b.done(1)
    await asyncio.sleep(PAST_LEASE_S)
    assert await c.tend(60) == []  # finished: nobody replays it


async def test_a_live_worker_keeps_its_messages_and_a_stopping_one_hands_them_on(
    client: Client,
) -> None:
    a, b = _worker(client, "a", lease_s=5.0), _worker(client, "b")
    assert await a.claim(1, PAYLOAD)
    assert await a.claim(2)  # no copy (a button tap): nothing to take over
    assert await b.tend(60) == []
    await a.retire()  # a stops with message 1 unfinished
    assert [p.update_id for p in await b.tend(60)] == [1]


async def test_a_restarted_worker_replays_only_what_nobody_finished_or_took(
    client: Client,
) -> None:
    killed, restarted = _worker(client, "a"), _worker(client, "a2")
    for update_id in (1, 2, 3):
        assert await killed.claim(update_id, PAYLOAD)
    await killed.done(2)
    assert not await restarted.adopt(1)  # the killed one's lease still runs
    await asyncio.sleep(PAST_LEASE_S)
    assert await restarted.adopt(1)
    assert not await restarted.adopt(2)  # finished before the kill
    assert [p.update_id for p in await _worker(client, "b").tend(60)] == [3]
    assert not await restarted.adopt(3)  # taken over by b, which lives
    assert await restarted.adopt(4)  # Redis lost it (a restart): the journal's copy counts


async def test_a_message_too_old_to_answer_is_dropped_not_taken_over(client: Client) -> None:
    clock = ManualClock()
    a, b = _worker(client, "a", clock=clock), _worker(client, "b", clock=clock)
    assert await a.claim(1, PAYLOAD)
    clock.now += 61
    await asyncio.sleep(PAST_LEASE_S)
    assert await b.tend(60) == []
    assert await _worker(client, "c").tend(3600) == []  # gone for good


async def test_a_worker_never_takes_over_its_own_messages(client: Client) -> None:
    """A worker never takes over its own messages (it handles them already)."""
    a = _worker(client, "a")
    assert await a.claim(1, PAYLOAD)
    await asyncio.sleep(PAST_LEASE_S)
    assert await a.tend(60) == []
    assert await _worker(client, "b").tend(60) == []  # a's tend renewed its lease
