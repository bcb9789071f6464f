"""The inline query debounce: only the newest pending call per user goes on."""

from __future__ import annotations

import asyncio

from bot.telegram.state.debounce import Debouncer

LONG_S = 60.0


async def _pending(debouncer: Debouncer, user_id: int) -> None:
    async with asyncio.timeout(5):
        while not debouncer.pending(user_id):
            await asyncio.sleep(0)


async def test_a_lone_call_goes_on_after_the_delay() -> None:
    debouncer = Debouncer()
    assert await debouncer.settle(1, 0.0) is True
    assert len(debouncer) == 0


async def test_a_newer_call_makes_the_older_one_stale_at_once() -> None:
    debouncer = Debouncer()
    older = asyncio.create_task(debouncer.settle(1, LONG_S))
    await _pending(debouncer, 1)
    assert await debouncer.settle(1, 0.0) is True
    assert await asyncio.wait_for(older, 5) is False
    assert len(debouncer) == 0


async def test_users_do_not_supersede_each_other() -> None:
    debouncer = Debouncer()
    ann = asyncio.create_task(debouncer.settle(1, LONG_S))
    await _pending(debouncer, 1)
    assert await debouncer.settle(2, 0.0) is True
    assert debouncer.pending(1)
    debouncer.supersede(1)
    assert await asyncio.wait_for(ann, 5) is False
    debouncer.supersede(3)
    assert len(debouncer) == 0


async def test_a_cancelled_call_leaves_nothing_behind() -> None:
    debouncer = Debouncer()
    waiting = asyncio.create_task(debouncer.settle(1, LONG_S))
    await _pending(debouncer, 1)
    waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)
    assert waiting.cancelled()
    assert not debouncer.pending(1)
    assert await debouncer.settle(1, 0.0) is True
