"""The inline query debounce: only the newest pending call per user goes on."""

from __future__ import annotations

import asyncio

import pytest

from bot.telegram.state.debounce import Debouncer

LONG_S = 60.0


@pytest.fixture
def debouncer() -> Debouncer:
    return Debouncer()


async def _waiting(debouncer: Debouncer, user_id: int) -> asyncio.Task[bool]:
    """A call of ``user_id`` waiting a long time in ``settle`` (once it is waiting)."""
    task = asyncio.create_task(debouncer.settle(user_id, LONG_S))
    async with asyncio.timeout(5):
        while not debouncer.pending(user_id):
            await asyncio.sleep(0)
    return task


async def test_a_lone_call_goes_on_after_the_delay(debouncer: Debouncer) -> None:
    assert await debouncer.settle(1, 0.0) is True
    assert len(debouncer) == 0


async def test_a_newer_call_makes_the_older_one_stale_at_once(debouncer: Debouncer) -> None:
    older = await _waiting(debouncer, 1)
    assert await debouncer.settle(1, 0.0) is True
    assert await asyncio.wait_for(older, 5) is False
    assert len(debouncer) == 0


async def test_users_do_not_supersede_each_other(debouncer: Debouncer) -> None:
    ann = await _waiting(debouncer, 1)
    assert await debouncer.settle(2, 0.0) is True
    assert debouncer.pending(1)
    debouncer.supersede(1)
    assert await asyncio.wait_for(ann, 5) is False
    debouncer.supersede(3)
    assert len(debouncer) == 0


async def test_a_cancelled_call_leaves_nothing_behind(debouncer: Debouncer) -> None:
    waiting = await _waiting(debouncer, 1)
    waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)
    assert waiting.cancelled()
    assert not debouncer.pending(1)
    assert await debouncer.settle(1, 0.0) is True
